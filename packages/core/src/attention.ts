import { toMatrix, type Matrix } from './matrix.js';

/** The mask patterns of the series: which keys each query may attend to. */
export const MASK_KINDS = ['full', 'causal', 'local', 'sparse', 'global'] as const;
export type MaskKind = (typeof MASK_KINDS)[number];

export interface MaskOptions {
  /** local, sparse and global: a query sees keys within this distance of itself (default 8). */
  window?: number;
  /** sparse: every `stride`-th key is seen by all (default 8). */
  stride?: number;
  /** global: the tokens that see, and are seen by, every token (default [0]). */
  globals?: readonly number[];
}

/**
 * A `rows x cols` mask, 1 where query `row` may attend to key `col`, 0 where it may not:
 * - `full`: everything;
 * - `causal`: keys up to the query's own position (lower-triangular);
 * - `local`: keys within `window` of the query;
 * - `sparse`: the local window plus every `stride`-th key (the strided Sparse Transformer pattern);
 * - `global`: the `globals` tokens see and are seen by all; the rest as `local`.
 */
export function attentionMask(
  kind: MaskKind,
  rows: number,
  cols: number,
  options: MaskOptions = {},
): Uint8Array {
  const { window = 8, stride = 8, globals = [0] } = options;
  if (!MASK_KINDS.includes(kind)) {
    throw new RangeError(`mask must be one of ${MASK_KINDS.join(', ')}, got "${String(kind)}"`);
  }
  for (const [name, value, min] of [
    ['rows', rows, 1],
    ['cols', cols, 1],
    ['window', window, 0],
    ['stride', stride, 1],
  ] as const) {
    if (!Number.isInteger(value) || value < min) {
      throw new RangeError(`${name} must be a whole number >= ${min}, got ${String(value)}`);
    }
  }
  const isGlobal = new Uint8Array(Math.max(rows, cols));
  if (kind === 'global') {
    for (const g of globals) {
      if (!Number.isInteger(g) || g < 0)
        throw new RangeError(`globals must be whole numbers >= 0, got ${String(g)}`);
      if (g < isGlobal.length) isGlobal[g] = 1;
    }
  }
  const mask = new Uint8Array(rows * cols);
  for (let q = 0; q < rows; q++) {
    for (let k = 0; k < cols; k++) {
      const near = Math.abs(q - k) <= window;
      let allowed: boolean;
      switch (kind) {
        case 'full':
          allowed = true;
          break;
        case 'causal':
          allowed = k <= q;
          break;
        case 'local':
          allowed = near;
          break;
        case 'sparse':
          allowed = near || k % stride === 0;
          break;
        case 'global':
          allowed = near || isGlobal[q] === 1 || isGlobal[k] === 1;
          break;
      }
      mask[q * cols + k] = allowed ? 1 : 0;
    }
  }
  return mask;
}

/** Cells allowed by both masks. */
export function intersectMasks(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length)
    throw new RangeError(`masks differ in size: ${a.length} and ${b.length}`);
  return a.map((v, i) => v & b[i]);
}

/** Scores `Q K^T * scale` of queries (n_q x d) against keys (n_k x d); scale defaults to 1/sqrt(d). */
export function dotProductScores(
  queries: Matrix,
  keys: Matrix,
  scale = 1 / Math.sqrt(queries.cols),
): Matrix {
  if (queries.cols !== keys.cols) {
    throw new RangeError(`queries have ${queries.cols} features but keys have ${keys.cols}`);
  }
  const { rows } = queries;
  const cols = keys.rows;
  const d = queries.cols;
  const data = new Float32Array(rows * cols);
  for (let q = 0; q < rows; q++) {
    for (let k = 0; k < cols; k++) {
      let sum = 0;
      for (let i = 0; i < d; i++) sum += queries.data[q * d + i] * keys.data[k * d + i];
      data[q * cols + k] = sum * scale;
    }
  }
  return { data, rows, cols };
}

/**
 * Softmax of each row over the keys the mask allows (masked cells get weight 0, exactly what
 * setting their scores to -infinity gives). A row with every key masked is all zeros.
 */
export function softmaxRows(scores: Matrix, mask?: Uint8Array): Matrix {
  const { rows, cols } = scores;
  checkMask(mask, rows, cols);
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    let max = -Infinity;
    for (let c = 0; c < cols; c++) {
      if ((!mask || mask[base + c]) && scores.data[base + c] > max) max = scores.data[base + c];
    }
    if (max === -Infinity) continue;
    let sum = 0;
    for (let c = 0; c < cols; c++) {
      if (mask && !mask[base + c]) continue;
      const e = Math.exp(scores.data[base + c] - max);
      data[base + c] = e;
      sum += e;
    }
    for (let c = 0; c < cols; c++) data[base + c] /= sum;
  }
  return { data, rows, cols };
}

/**
 * Attention weights with a mask applied afterwards: masked cells set to 0 and each row scaled
 * back to sum 1. For weights that came from a softmax this equals masking before the softmax,
 * so it shows what a causal (or local...) model would have computed from the same scores.
 */
export function maskWeights(weights: Matrix, mask: Uint8Array): Matrix {
  const { rows, cols } = weights;
  checkMask(mask, rows, cols);
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let c = 0; c < cols; c++) if (mask[r * cols + c]) sum += weights.data[r * cols + c];
    if (sum <= 0) continue;
    for (let c = 0; c < cols; c++) {
      if (mask[r * cols + c]) data[r * cols + c] = weights.data[r * cols + c] / sum;
    }
  }
  return { data, rows, cols };
}

/** Splits the features (columns) of an n x d matrix into `heads` matrices of n x d/heads. */
export function splitHeads(x: Matrix, heads: number): Matrix[] {
  if (!Number.isInteger(heads) || heads < 1 || x.cols % heads !== 0) {
    throw new RangeError(
      `heads must be a whole number dividing ${x.cols} features, got ${String(heads)}`,
    );
  }
  const size = x.cols / heads;
  return Array.from({ length: heads }, (_, h) => {
    const data = new Float32Array(x.rows * size);
    for (let r = 0; r < x.rows; r++) {
      data.set(x.data.subarray(r * x.cols + h * size, r * x.cols + (h + 1) * size), r * size);
    }
    return { data, rows: x.rows, cols: size };
  });
}

/** Per-head attention weights and their average. */
export interface AttentionWeights {
  heads: Matrix[];
  average: Matrix;
}

/**
 * Scaled dot-product attention weights, `softmax(Q_h K_h^T / sqrt(d_h))` for each head h, with
 * an optional mask. Queries and keys may differ in count (cross-attention).
 */
export function attentionWeights(
  queries: Matrix,
  keys: Matrix,
  { heads = 1, mask }: { heads?: number; mask?: Uint8Array } = {},
): AttentionWeights {
  const queryHeads = splitHeads(queries, heads);
  const keyHeads = splitHeads(keys, heads);
  const perHead = queryHeads.map((q, h) => softmaxRows(dotProductScores(q, keyHeads[h]), mask));
  const average = new Float32Array(queries.rows * keys.rows);
  for (const m of perHead) for (let i = 0; i < average.length; i++) average[i] += m.data[i] / heads;
  return { heads: perHead, average: { data: average, rows: queries.rows, cols: keys.rows } };
}

/** Convenience: attention weights from nested arrays of queries and keys. */
export function attentionFromArrays(
  queries: readonly (readonly number[])[],
  keys: readonly (readonly number[])[],
  options?: { heads?: number; mask?: Uint8Array },
): AttentionWeights {
  return attentionWeights(toMatrix(queries, 'queries'), toMatrix(keys, 'keys'), options);
}

function checkMask(mask: Uint8Array | undefined, rows: number, cols: number): void {
  if (mask && mask.length !== rows * cols) {
    throw new RangeError(`mask holds ${mask.length} cells; ${rows} x ${cols} needs ${rows * cols}`);
  }
}
