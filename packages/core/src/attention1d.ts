import { attentionWeights, type AttentionWeights } from './attention.js';
import type { Matrix } from './matrix.js';
import { applyRope, positionalEncoding, type EncodingKind } from './positional.js';
import type { Sample1D } from './shapes1d.js';
import { checkNumber } from './validation.js';

export interface LocalShapeOptions {
  /** Each position is described by the input within this distance of it (default 4). */
  radius?: number;
  /** Multiplies the scores before the softmax: higher is more selective (default 2). */
  sharpness?: number;
  mask?: Uint8Array;
}

/**
 * A fixed, explainable projection of a 1D series: each position becomes its neighbourhood
 * (`2 * radius + 1` values), divided by the neighbourhood's peak magnitude so that only the
 * local *shape* counts, not the amplitude. Quiet neighbourhoods (below a fifth of the series'
 * peak) are divided by that floor instead, so background stays near zero.
 */
export function localShapeFeatures1D(input: ArrayLike<number>, radius = 4): Matrix {
  if (!Number.isInteger(radius) || radius < 0) {
    throw new RangeError(`radius must be a whole number >= 0, got ${String(radius)}`);
  }
  const n = input.length;
  const width = 2 * radius + 1;
  let peak = 0;
  for (let i = 0; i < n; i++) peak = Math.max(peak, Math.abs(input[i]));
  const floor = 0.2 * peak || 1;
  const data = new Float32Array(n * width);
  for (let i = 0; i < n; i++) {
    let scale = floor;
    for (let k = -radius; k <= radius; k++) {
      const j = i + k;
      if (j >= 0 && j < n) scale = Math.max(scale, Math.abs(input[j]));
    }
    for (let k = -radius; k <= radius; k++) {
      const j = i + k;
      data[i * width + k + radius] = j >= 0 && j < n ? input[j] / scale : 0;
    }
  }
  return { data, rows: n, cols: width };
}

/**
 * Attention that needs no training: queries and keys are both `localShapeFeatures1D`, so a
 * position attends to the positions whose neighbourhood has the same shape and sign, wherever
 * they are. On the 1D dataset, flat tops attend to flat tops and domes to domes: the grouping
 * the task needs, found by content rather than distance.
 */
export function localShapeAttention1D(
  input: ArrayLike<number>,
  options: LocalShapeOptions = {},
): AttentionWeights {
  const { radius = 4, sharpness = 2, mask } = options;
  if (!(sharpness > 0) || !Number.isFinite(sharpness)) {
    throw new RangeError(`sharpness must be a positive number, got ${String(sharpness)}`);
  }
  const features = localShapeFeatures1D(input, radius);
  // attentionWeights divides by sqrt(d); scale the queries so the scores are sharpness * q.k.
  const queries = {
    ...features,
    data: features.data.map((v) => v * sharpness * Math.sqrt(features.cols)),
  };
  return attentionWeights(queries, features, { mask });
}

/**
 * The attention a perfect model of the 1D task would need, read off the sample's shapes: each
 * position inside a shape attends evenly to every position of the shapes of its type (that is
 * where the group mean comes from); background positions attend evenly to the background.
 */
export function groupAttention1D(
  sample: Pick<Sample1D, 'input' | 'shapes'>,
  mask?: Uint8Array,
): Matrix {
  const n = sample.input.length;
  const group = new Int32Array(n).fill(-1);
  const types = [...new Set(sample.shapes.map((s) => s.type))];
  for (const shape of sample.shapes) {
    group.fill(types.indexOf(shape.type), shape.start, shape.start + shape.width);
  }
  const data = new Float32Array(n * n);
  for (let q = 0; q < n; q++) {
    let count = 0;
    for (let k = 0; k < n; k++) if (group[k] === group[q] && (!mask || mask[q * n + k])) count++;
    if (count === 0) continue;
    for (let k = 0; k < n; k++)
      if (group[k] === group[q] && (!mask || mask[q * n + k])) data[q * n + k] = 1 / count;
  }
  return { data, rows: n, cols: n };
}

export interface EncodedAttentionOptions extends LocalShapeOptions {
  /** The encoding to add (or, for `rope`, to rotate queries and keys by); `none` for content alone. */
  encoding: EncodingKind | 'none';
  /** Features per position: the local-shape features, padded with zeros (default 16). */
  dim?: number;
  /** Multiplies an additive encoding before it is added (default 0.5). */
  strength?: number;
  base?: number;
  seed?: number;
  table?: ArrayLike<number>;
}

/**
 * What a positional encoding does to attention on a 1D series. Each position's features are its
 * local shape (as `localShapeAttention1D`), padded to `dim`; an additive encoding is added to them
 * (so nearby positions also look alike), RoPE rotates queries and keys by their positions (so
 * scores depend on content and relative offset), and `none` leaves attention blind to order.
 */
export function encodedAttention1D(
  input: ArrayLike<number>,
  options: EncodedAttentionOptions,
): Matrix {
  const {
    encoding,
    dim = 16,
    strength = 0.5,
    radius = 4,
    sharpness = 2,
    mask,
    base,
    seed,
    table,
  } = options;
  const content = localShapeFeatures1D(input, radius);
  if (!Number.isInteger(dim) || dim < content.cols) {
    throw new RangeError(
      `dim must be a whole number >= ${content.cols} (the local-shape features), got ${String(dim)}`,
    );
  }
  checkNumber('strength', strength, 0);
  const n = content.rows;
  const x = new Float32Array(n * dim);
  for (let p = 0; p < n; p++)
    x.set(content.data.subarray(p * content.cols, (p + 1) * content.cols), p * dim);
  let queries: Float32Array = x;
  let keys: Float32Array = x;
  if (encoding === 'rope') {
    queries = applyRope(x, n, dim, base);
    keys = queries;
  } else if (encoding !== 'none') {
    const pe = positionalEncoding(encoding, n, dim, { base, seed, table });
    queries = x.map((v, i) => v + strength * pe[i]);
    keys = queries;
  }
  const scale = sharpness * Math.sqrt(dim);
  return attentionWeights(
    { data: queries.map((v) => v * scale), rows: n, cols: dim },
    { data: keys, rows: n, cols: dim },
    { mask },
  ).average;
}
