/**
 * Layer normalisation over the last axis and its gradient as tfjs kernels by name, one pass over
 * the tensor each way (see assembly/layernorm.ts). This entry needs only tfjs: `useWasmKernels`
 * registers the kernels for the wasm backend, and models ask `layerNormAvailable()` before using
 * `layerNorm`.
 */
import * as tf from '@tensorflow/tfjs';

/** Kernel names: the normalisation (outputs y and each row's mean and 1 / deviation) and its gradient. */
export const LAYER_NORM = 'DALayerNorm';
export const LAYER_NORM_GRAD = 'DALayerNormGrad';

let gradientRegistered = false;

function registerGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: LAYER_NORM,
    inputsToSave: ['x', 'gamma'],
    // Each row's mean and 1 / deviation: the normalised x is recomputed from them and x.
    outputsToSave: [false, true],
    gradFunc: (dy, saved) => {
      const [dY] = dy as tf.Tensor[];
      const [x, gamma, stats] = saved;
      const [dx, dGamma, dBeta] = tf
        .engine()
        .runKernel(LAYER_NORM_GRAD, { x, gamma, stats, dy: dY }, {}) as tf.Tensor[];
      return { x: () => dx, gamma: () => dGamma, beta: () => dBeta };
    },
  });
}

/** Whether the active backend has the layer norm kernels (the wasm backend, with useWasmKernels on). */
export function layerNormAvailable(): boolean {
  const backend = tf.engine().backendName;
  return Boolean(backend) && tf.getKernel(LAYER_NORM, backend) !== undefined;
}

/**
 * (x - mean) / sqrt(variance + epsilon) * gamma + beta over the last axis of x (float32), with
 * gamma and beta [features]: one pass forward; backward one more, keeping x and two floats a row
 * (its mean and 1 / deviation). Differentiable in x, gamma and beta; needs `layerNormAvailable()`.
 */
export function layerNorm<T extends tf.Tensor>(
  x: T,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
): T {
  const features = x.shape[x.rank - 1];
  if (x.rank < 1 || gamma.shape[0] !== features || beta.shape[0] !== features || gamma.rank !== 1)
    throw new RangeError(
      `layerNorm: gamma and beta must be [${features}], got [${gamma.shape}] and [${beta.shape}]`,
    );
  registerGradient();
  const [y, stats] = tf
    .engine()
    .runKernel(LAYER_NORM, { x, gamma, beta }, { epsilon }) as tf.Tensor[];
  // A gradient tape keeps its own reference to the statistics.
  stats.dispose();
  return y as T;
}
