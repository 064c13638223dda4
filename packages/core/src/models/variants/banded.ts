import * as tf from '@tensorflow/tfjs';
import { HIDDEN, gatherPositions, padRows, withoutGradient } from './ops.js';

/**
 * Local, strided-sparse, global and adaptive-span attention, computed in blocks: the sequence is
 * cut into blocks of `w` queries, and each block reads only its own keys and the blocks either
 * side (3w keys), so scores cost O(L w), never O(L^2). Sparse adds the strided keys (L / s of
 * them) and global its g tokens as extra key columns; global's g queries read every key. Every
 * function takes n sequences of queries (already scaled by 1 / sqrt(d)), keys and values [n, L, d].
 */

export interface VariantResult {
  /** The attended values [n, L, d]. */
  out: tf.Tensor3D;
  /** The weights actually used, as a dense [n, L, L] matrix; only when asked for. */
  weights?: tf.Tensor3D;
}

/** How a banded computation lays out a sequence of `length`: blocks of `block` queries. */
interface Layout {
  length: number;
  block: number;
  blocks: number;
}

function layout(length: number, block: number): Layout {
  return { length, block, blocks: Math.ceil(length / block) };
}

/** The position of neighbour column j of block i (j in [0, 3w)): the block before starts it. */
const neighbourPosition = (i: number, j: number, block: number) => (i - 1) * block + j;

/**
 * x [n, L, d] as each block's neighbourhood: [n * blocks, 3w, d], row j of block i being
 * position (i - 1) w + j (zeros beyond the ends).
 */
export function neighbourBlocks(x: tf.Tensor3D, { length, block, blocks }: Layout): tf.Tensor3D {
  const [n, , d] = x.shape;
  const padded = tf.reshape(padRows(x, block, (blocks + 1) * block - length), [
    n,
    blocks + 2,
    block,
    d,
  ]);
  const parts = [0, 1, 2].map((o) => tf.slice(padded, [0, o, 0, 0], [n, blocks, block, d]));
  return tf.reshape(tf.concat(parts, 2), [n * blocks, 3 * block, d]) as tf.Tensor3D;
}

/** Queries [n, L, d] as blocks [n * blocks, w, d] (zeros after the end). */
function queryBlocks(q: tf.Tensor3D, { length, block, blocks }: Layout): tf.Tensor3D {
  const [n, , d] = q.shape;
  return tf.reshape(padRows(q, 0, blocks * block - length), [n * blocks, block, d]) as tf.Tensor3D;
}

/**
 * The additive mask [blocks, w, 3w] of the band: a key is seen if it exists, lies within
 * `window` of the query and, when causal, not after it.
 */
function bandMask(lay: Layout, window: number, causal: boolean): tf.Tensor3D {
  const { length, block, blocks } = lay;
  const values = new Float32Array(blocks * block * 3 * block);
  for (let i = 0; i < blocks; i++)
    for (let r = 0; r < block; r++) {
      const q = i * block + r;
      for (let j = 0; j < 3 * block; j++) {
        const k = neighbourPosition(i, j, block);
        const seen = k >= 0 && k < length && Math.abs(q - k) <= window && (!causal || k <= q);
        values[(i * block + r) * 3 * block + j] = seen ? 0 : HIDDEN;
      }
    }
  return tf.tensor3d(values, [blocks, block, 3 * block]);
}

/** |q - k| of every band cell [blocks, w, 3w] (a cell outside the sequence gets `far`). */
function bandDistances(lay: Layout, far: number): tf.Tensor3D {
  const { length, block, blocks } = lay;
  const values = new Float32Array(blocks * block * 3 * block);
  for (let i = 0; i < blocks; i++)
    for (let r = 0; r < block; r++)
      for (let j = 0; j < 3 * block; j++) {
        const k = neighbourPosition(i, j, block);
        values[(i * block + r) * 3 * block + j] =
          k >= 0 && k < length ? Math.abs(i * block + r - k) : far;
      }
  return tf.tensor3d(values, [blocks, block, 3 * block]);
}

/**
 * Writes band weights [n, blocks, w, 3w] (and extra columns' [n, blocks, w, c] at `columns`)
 * into a dense [n, L, L] matrix for display.
 */
function denseFromBand(
  lay: Layout,
  band: tf.Tensor,
  extra?: { weights: tf.Tensor; columns: readonly number[] },
): tf.Tensor3D {
  const { length, block, blocks } = lay;
  const n = band.shape[0];
  const dense = new Float32Array(n * length * length);
  const b = band.dataSync();
  const e = extra?.weights.dataSync();
  const c = extra?.columns.length ?? 0;
  for (let s = 0; s < n; s++)
    for (let i = 0; i < blocks; i++)
      for (let r = 0; r < block; r++) {
        const q = i * block + r;
        if (q >= length) continue;
        const row = (s * length + q) * length;
        const cell = (s * blocks + i) * block + r;
        for (let j = 0; j < 3 * block; j++) {
          const k = neighbourPosition(i, j, block);
          if (k >= 0 && k < length) dense[row + k] += b[cell * 3 * block + j];
        }
        for (let j = 0; j < c; j++) dense[row + extra!.columns[j]] += e![cell * c + j];
      }
  return tf.tensor3d(dense, [n, length, length]);
}

export interface BandedOptions {
  window: number;
  causal: boolean;
  /** sparse: every `stride`-th key is an extra column seen by all. */
  stride?: number;
  /** global: these tokens see and are seen by all. */
  globals?: readonly number[];
}

/**
 * Local (a band of `window` each side), sparse (the band plus every `stride`-th key) or global
 * (the band plus the `globals` tokens as keys; those tokens' queries read every key) attention.
 * Equal to softmax attention under `attentionMask`'s local, sparse or global mask, at O(L w)
 * (local), O(L (w + L / s)) (sparse) or O(L (w + g)) (global).
 */
export function bandedAttention(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  options: BandedOptions,
  withWeights: boolean,
): VariantResult {
  const [n, length, d] = q.shape;
  const { window, causal, stride, globals } = options;
  const lay = layout(length, Math.min(window, length));
  const { block, blocks } = lay;
  const kb = neighbourBlocks(k, lay);
  const vb = neighbourBlocks(v, lay);
  const qb = queryBlocks(q, lay);
  const bandScores = tf.add(
    tf.reshape(tf.matMul(qb, kb, false, true), [n, blocks, block, 3 * block]),
    bandMask(lay, window, causal),
  );

  // The extra key columns: every stride-th position, or the global tokens.
  let columns: number[] = [];
  let kc: tf.Tensor3D | undefined;
  let vc: tf.Tensor3D | undefined;
  if (stride !== undefined) {
    const count = Math.ceil(length / stride);
    columns = Array.from({ length: count }, (_, i) => i * stride);
    const strided = (x: tf.Tensor3D) =>
      tf.reshape(
        tf.slice(tf.reshape(padRows(x, 0, count * stride - length), [n, count, stride, d]), 0, [
          n,
          count,
          1,
          d,
        ]),
        [n, count, d],
      ) as tf.Tensor3D;
    kc = strided(k);
    vc = strided(v);
  } else if (globals !== undefined) {
    columns = [...globals];
    const order = tf.tensor2d(
      Array.from({ length: n }, () => columns).flat(),
      [n, columns.length],
      'int32',
    );
    kc = gatherPositions(k, order);
    vc = gatherPositions(v, order);
  }
  const c = columns.length;

  let bandWeights: tf.Tensor;
  let columnWeights: tf.Tensor | undefined;
  let out: tf.Tensor3D;
  const attendBand = (weights: tf.Tensor) =>
    tf.reshape(tf.matMul(tf.reshape(weights, [n * blocks, block, 3 * block]) as tf.Tensor3D, vb), [
      n,
      blocks * block,
      d,
    ]) as tf.Tensor3D;
  if (kc && vc) {
    // A column already in the query's window is counted there, not twice.
    const hide = new Float32Array(blocks * block * c);
    for (let qi = 0; qi < blocks * block; qi++)
      for (let j = 0; j < c; j++) {
        const p = columns[j];
        const seen = Math.abs(qi - p) > window && (!causal || p <= qi);
        hide[qi * c + j] = seen ? 0 : HIDDEN;
      }
    const flatQ = tf.reshape(qb, [n, blocks * block, d]) as tf.Tensor3D;
    const columnScores = tf.add(
      tf.reshape(tf.matMul(flatQ, kc, false, true), [n, blocks, block, c]),
      tf.tensor3d(hide, [blocks, block, c]),
    );
    const weights = tf.softmax(tf.concat([bandScores, columnScores], 3), -1);
    bandWeights = tf.slice(weights, [0, 0, 0, 0], [n, blocks, block, 3 * block]);
    columnWeights = tf.slice(weights, [0, 0, 0, 3 * block], [n, blocks, block, c]);
    out = tf.add(
      attendBand(bandWeights),
      tf.matMul(tf.reshape(columnWeights, [n, blocks * block, c]) as tf.Tensor3D, vc),
    );
  } else {
    bandWeights = tf.softmax(bandScores, -1);
    out = attendBand(bandWeights);
  }
  out = tf.slice(out, [0, 0, 0], [n, length, d]);

  let globalWeights: tf.Tensor3D | undefined;
  if (globals !== undefined) {
    // The global tokens' queries read every key (before them, when causal).
    const g = globals.length;
    const order = tf.tensor2d(
      Array.from({ length: n }, () => [...globals]).flat(),
      [n, g],
      'int32',
    );
    const qg = gatherPositions(q, order);
    let scores = tf.matMul(qg, k, false, true);
    if (causal) {
      const hide = new Float32Array(g * length);
      globals.forEach((p, i) => hide.fill(HIDDEN, i * length + p + 1, (i + 1) * length));
      scores = tf.add(scores, tf.tensor2d(hide, [g, length]));
    }
    globalWeights = tf.softmax(scores, -1) as tf.Tensor3D;
    const outG = tf.matMul(globalWeights, v); // [n, g, d]
    // Their rows replace the band's: a placement matrix [L, g] puts them back.
    const place = new Float32Array(length * g);
    const keep = new Float32Array(length).fill(1);
    globals.forEach((p, i) => {
      place[p * g + i] = 1;
      keep[p] = 0;
    });
    const placed = tf.transpose(
      tf.reshape(
        tf.matMul(
          tf.tensor2d(place, [length, g]),
          tf.reshape(tf.transpose(outG, [1, 0, 2]), [g, n * d]),
        ),
        [length, n, d],
      ),
      [1, 0, 2],
    );
    out = tf.add(tf.mul(out, tf.tensor2d(keep, [length, 1])), placed);
  }

  if (!withWeights) return { out };
  let weights = denseFromBand(
    lay,
    bandWeights,
    columnWeights ? { weights: columnWeights, columns } : undefined,
  );
  if (globals !== undefined && globalWeights) {
    const dense = weights.arraySync() as number[][][];
    const rows = globalWeights.arraySync() as number[][][];
    for (let s = 0; s < n; s++) globals.forEach((p, i) => (dense[s][p] = rows[s][i]));
    weights = tf.tensor3d(dense);
  }
  return { out, weights };
}

/** Identity, whose gradient also carries `slope`: the gradient of slope * sum(x) added to the loss. */
function withPenalty(x: tf.Tensor, slope: number): tf.Tensor {
  const op = tf.customGrad((...args: unknown[]) => {
    const [input] = args as [tf.Tensor];
    return {
      value: tf.clone(input),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.add(dy as tf.Tensor, slope),
    };
  }) as (x: tf.Tensor) => tf.Tensor;
  return op(x);
}

export interface AdaptiveOptions {
  /** The largest span; a head's span is `ratio * span` tokens. */
  span: number;
  ramp: number;
  causal: boolean;
  heads: number;
  /** Loss per token of span, per head: its gradient is added to the ratios' while training. */
  penalty: number;
}

/**
 * Adaptive span (Sukhbaatar et al. 2019): head h sees keys at distance x with the soft mask
 * m(x) = clamp((R + z_h - x) / R, 0, 1), z_h = ratio_h * span its learned span and R the ramp;
 * weights are m exp(s) / sum(m exp(s)). No key beyond span + R has weight, so only that band is
 * computed: O(L (span + R)). `ratios` [heads] are the learned spans over `span`, clipped to [0, 1];
 * the sequences of q, k, v are [batch * heads] in batch-major order.
 */
export function adaptiveSpanAttention(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  ratios: tf.Tensor1D,
  options: AdaptiveOptions,
  training: boolean,
  withWeights: boolean,
): VariantResult {
  const [n, length, d] = q.shape;
  const { span, ramp, causal, heads, penalty } = options;
  const reach = span + ramp;
  const lay = layout(length, Math.min(reach, length));
  const { block, blocks } = lay;
  const cells = blocks * block * 3 * block;
  const kb = neighbourBlocks(k, lay);
  const vb = neighbourBlocks(v, lay);
  const scores = tf.add(
    tf.reshape(tf.matMul(queryBlocks(q, lay), kb, false, true), [n, blocks, block, 3 * block]),
    bandMask(lay, reach, causal),
  );
  const ratio = tf.clipByValue(
    training && penalty > 0 ? withPenalty(ratios, penalty * span) : ratios,
    0,
    1,
  );
  // m [heads, cells] = clamp((R + z_h - x) / R, 0, 1)
  const z = tf.reshape(tf.mul(ratio, span), [heads, 1]);
  const distance = tf.reshape(bandDistances(lay, 4 * reach), [1, cells]);
  const soft = tf.clipByValue(tf.div(tf.sub(tf.add(z, ramp), distance), ramp), 0, 1);
  // The row maximum only keeps exp in range; it cancels, so no gradient flows through it.
  const top = withoutGradient(scores, (s) => tf.max(s, -1, true));
  const raw = tf.reshape(tf.exp(tf.sub(scores, top)), [n / heads, heads, cells]);
  const masked = tf.reshape(tf.mul(raw, soft), [n, blocks, block, 3 * block]);
  const weights = tf.div(masked, tf.add(tf.sum(masked, -1, true), 1e-9));
  const out = tf.slice(
    tf.reshape(tf.matMul(tf.reshape(weights, [n * blocks, block, 3 * block]) as tf.Tensor3D, vb), [
      n,
      blocks * block,
      d,
    ]),
    [0, 0, 0],
    [n, length, d],
  ) as tf.Tensor3D;
  return withWeights ? { out, weights: denseFromBand(lay, weights) } : { out };
}
