import * as tf from '@tensorflow/tfjs';
import type { VariantResult } from './banded.js';
import { causalMask, denseAttention } from './ops.js';

/**
 * sign(x) (+1 for x >= 0, -1 below) with the straight-through gradient of BitNet and
 * BinaryConnect: the incoming gradient passed on where |x| <= 1, zero beyond (the gradient of
 * the hard tanh the sign stands for).
 */
export const binarise = tf.customGrad((...args: unknown[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  return {
    value: tf.sub(tf.mul(tf.cast(tf.greaterEqual(x, 0), 'float32'), 2), 1),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], [input]: tf.Tensor[]) =>
      tf.tidy(() => tf.mul(dy as tf.Tensor, tf.cast(tf.lessEqual(tf.abs(input), 1), 'float32'))),
  };
}) as (x: tf.Tensor) => tf.Tensor;

/**
 * Attention over binarised features: queries and keys replaced by their signs (each feature +1
 * or -1, so a score is d minus twice the features where they disagree, over sqrt d), values
 * kept; trained through the straight-through gradient. `scaled` are the queries times 1 / sqrt(d).
 */
export function binaryAttention(
  scaled: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  causal: boolean,
  withWeights: boolean,
): VariantResult {
  const d = scaled.shape[2];
  const length = scaled.shape[1];
  const q = tf.mul(binarise(scaled), 1 / Math.sqrt(d)) as tf.Tensor3D;
  const { out, weights } = denseAttention(
    q,
    binarise(k) as tf.Tensor3D,
    v,
    causal ? causalMask(length) : undefined,
  );
  return withWeights ? { out, weights } : { out };
}
