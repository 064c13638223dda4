import * as tf from '@tensorflow/tfjs';
import type { VariantResult } from './banded.js';

export interface LinformerResult extends VariantResult {
  /** The weights over the k projected rows [n, L, k]; with the weights only. */
  projected?: tf.Tensor3D;
}

/** E x for E [k, L] and each sequence of x [n, L, d]: [n, k, d], as one product. */
function alongSequence(e: tf.Tensor2D, x: tf.Tensor3D): tf.Tensor3D {
  const [n, length, d] = x.shape;
  const rows = e.shape[0];
  const flat = tf.reshape(tf.transpose(x, [1, 0, 2]), [length, n * d]) as tf.Tensor2D;
  return tf.transpose(tf.reshape(tf.matMul(e, flat), [rows, n, d]), [1, 0, 2]) as tf.Tensor3D;
}

/**
 * Linformer (Wang et al. 2020): keys and values projected along the sequence to k rows by
 * learned E and F [k, L], then softmax(q (E k)^T) (F v): O(L k d), never an [L, L] matrix. It
 * cannot be causal: every row mixes all positions. For display, the weights over the k rows
 * mapped back to positions through F (what each position's value contributes).
 */
export function linformerAttention(
  scaled: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  e: tf.Tensor2D,
  f: tf.Tensor2D,
  withWeights: boolean,
): LinformerResult {
  const weights = tf.softmax(
    tf.matMul(scaled, alongSequence(e, k), false, true) as tf.Tensor3D,
    -1,
  ) as tf.Tensor3D;
  const out = tf.matMul(weights, alongSequence(f, v)) as tf.Tensor3D;
  if (!withWeights) return { out };
  const [n, length] = scaled.shape;
  const positions = tf.reshape(
    tf.matMul(tf.reshape(weights, [n * length, e.shape[0]]) as tf.Tensor2D, f),
    [n, length, length],
  ) as tf.Tensor3D;
  return { out, weights: positions, projected: weights };
}
