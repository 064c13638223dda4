// Example attention for the stories: every matrix computed, none drawn by hand.
import {
  SeededRandom,
  generateShapes1D,
  groupAttention1D,
  localShapeAttention1D,
  softmaxRows,
  type Matrix,
} from '@decoding-attention/core';

/** Softmax over keys of `score(query, key)`. */
function attentionFrom(
  rows: number,
  cols: number,
  score: (q: number, k: number) => number,
): Matrix {
  const data = new Float32Array(rows * cols);
  for (let q = 0; q < rows; q++) for (let k = 0; k < cols; k++) data[q * cols + k] = score(q, k);
  return softmaxRows({ data, rows, cols });
}

/**
 * Four heads on one 1D sample, each a different idea of where to look: by local shape, by a
 * wider shape, by position (a band around the query), and the groups a perfect model needs.
 */
export function fourHeads(seed = 7): Matrix[] {
  const sample = generateShapes1D({ seed });
  const n = sample.input.length;
  return [
    localShapeAttention1D(sample.input).average,
    localShapeAttention1D(sample.input, { radius: 10, sharpness: 1 }).average,
    attentionFrom(n, n, (q, k) => -Math.abs(q - k) / 4),
    groupAttention1D(sample),
  ];
}

/**
 * Cross-attention of 64 decoder queries over 256 encoder keys: a monotonic alignment (query q
 * looks near key 4q), with seeded noise in the scores, as in a model that learned to align.
 */
export function crossAttention(rows = 64, cols = 256): Matrix {
  const random = new SeededRandom(3);
  return attentionFrom(
    rows,
    cols,
    (q, k) => -(((k / cols - q / rows) * 14) ** 2) + 0.7 * random.gaussian(),
  );
}

/** Attention on a 1D sample of length 1024, before training: a million cells. */
export function largeAttention(): Matrix {
  return localShapeAttention1D(generateShapes1D({ seed: 11, length: 1024 }).input).average;
}

/** Local-shape attention on a short sample, for comparing masks and colour maps. */
export function sampleAttention(seed = 7, length = 160): Matrix {
  return localShapeAttention1D(generateShapes1D({ seed, length }).input).average;
}
