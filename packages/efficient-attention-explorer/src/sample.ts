import { generateShapes1D, localShapeFeatures1D, type Matrix } from '@decoding-attention/core';

/** Queries and keys of a 1D sample, as the explorer's methods read them. */
export interface QueriesKeys {
  queries: Matrix;
  keys: Matrix;
  length: number;
}

/**
 * The queries and keys of a series, as `<attention-heatmap attention>` computes variants on a
 * sample: the keys are each position's local shape (`localShapeFeatures1D`, 9 features), the
 * queries the same times `2 sqrt(9)`, so the scores are twice the shapes' dot products
 * (`local-shape` attention, sharpness 2).
 */
export function queriesKeys(input: ArrayLike<number>): QueriesKeys {
  const keys = localShapeFeatures1D(input);
  const scale = 2 * Math.sqrt(keys.cols);
  return { keys, queries: { ...keys, data: keys.data.map((v) => v * scale) }, length: keys.rows };
}

/**
 * The element's own sample when it follows no viewer: the dataset's defaults, with the shapes
 * narrowed on series shorter than 160 positions so that they fit (at most an eighth of it).
 */
export function ownSample(seed: number, length: number): Float32Array {
  const widths =
    length >= 160
      ? {}
      : {
          maxWidth: Math.max(2, Math.floor(length / 8)),
          minWidth: Math.max(1, Math.floor(length / 32)),
        };
  return generateShapes1D({ seed, length, ...widths }).input;
}
