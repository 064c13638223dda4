import * as tf from '@tensorflow/tfjs';

/** A large negative score: exp of it is 0 in float32, so a key with it gets no weight. */
export const HIDDEN = -1e9;

/**
 * Rows of x [n, d] at `indices` [m] (int32), as [m, d], with its own gradient: the gradient
 * scattered back (summed where an index repeats). tfjs's gradient of a gather needs
 * UnsortedSegmentSum, which the wasm backend lacks; ScatterNd it has. The rows are taken by
 * GatherNd: tfjs-wasm's GatherV2 is about fifteen times slower on rows of 16 floats.
 */
export const gatherRows = tf.customGrad((...args: unknown[]) => {
  const [x, indices, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([indices]);
  const rows = x.shape[0];
  const width = x.shape[1];
  return {
    value: tf.gatherND(x, tf.reshape(indices, [-1, 1])) as tf.Tensor2D,
    gradFunc: (dy: tf.Tensor | tf.Tensor[], [i]: tf.Tensor[]) =>
      tf.tidy(() => [
        tf.scatterND(tf.reshape(i, [-1, 1]), dy as tf.Tensor, [rows, width]),
        // tfjs wants float gradients, even for integer inputs.
        tf.zeros(i.shape),
      ]),
  };
}) as (x: tf.Tensor2D, indices: tf.Tensor1D) => tf.Tensor2D;

/**
 * For each of the n sequences of x [n, L, d], its rows in the order `order` [n, m] (positions
 * within the sequence), as [n, m, d]; differentiable in x.
 */
export function gatherPositions(x: tf.Tensor3D, order: tf.Tensor2D): tf.Tensor3D {
  const [n, length, width] = x.shape;
  const m = order.shape[1];
  const offsets = tf.range(0, n * length, length, 'int32').reshape([n, 1]);
  const flat = tf.reshape(tf.add(order, offsets), [n * m]) as tf.Tensor1D;
  return tf.reshape(gatherRows(tf.reshape(x, [n * length, width]) as tf.Tensor2D, flat), [
    n,
    m,
    width,
  ]) as tf.Tensor3D;
}

/** f(x) with no gradient flowing back into x (what some frameworks call stop-gradient). */
export function withoutGradient<T extends tf.Tensor>(x: tf.Tensor, f: (x: tf.Tensor) => T): T {
  const op = tf.customGrad((...args: unknown[]) => {
    const [input] = args as [tf.Tensor];
    return {
      value: f(input),
      // Float zeros even for an integer input: tfjs wants float gradients.
      gradFunc: () => tf.zeros(input.shape),
    };
  }) as (x: tf.Tensor) => T;
  return op(x);
}

/** Pads axis 1 of x [n, L, d] with zeros: `before` rows before, `after` after. */
export function padRows(x: tf.Tensor3D, before: number, after: number): tf.Tensor3D {
  if (before === 0 && after === 0) return x;
  return tf.pad(x, [
    [0, 0],
    [before, after],
    [0, 0],
  ]);
}

/** Softmax attention of q [n, Lq, d] over k, v [n, Lk, d], with an additive mask [Lq, Lk] (or none). */
export function denseAttention(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  mask?: tf.Tensor,
): { out: tf.Tensor3D; weights: tf.Tensor3D } {
  let scores = tf.matMul(q, k, false, true);
  if (mask) scores = tf.add(scores, mask);
  const weights = tf.softmax(scores, -1) as tf.Tensor3D;
  return { out: tf.matMul(weights, v), weights };
}

/** The additive mask [L, L] hiding later keys: 0 where k <= q, HIDDEN above the diagonal. */
export function causalMask(length: number): tf.Tensor2D {
  return tf.tidy(() => {
    const rows = tf.range(0, length).reshape([length, 1]);
    const cols = tf.range(0, length).reshape([1, length]);
    return tf.mul(tf.cast(tf.greater(cols, rows), 'float32'), HIDDEN) as tf.Tensor2D;
  });
}
