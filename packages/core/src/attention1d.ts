import { attentionWeights, type AttentionWeights } from './attention.js';
import type { Matrix } from './matrix.js';
import type { Sample1D } from './shapes1d.js';

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
