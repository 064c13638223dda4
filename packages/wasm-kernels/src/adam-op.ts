/**
 * Adam's update of one variable as a tfjs kernel by name, one pass over it (see
 * assembly/adam.ts), with tfjs's own single-precision arithmetic in its order. This entry needs
 * only tfjs: `useWasmKernels` registers the kernel for the wasm backend, and optimizers ask
 * `adamUpdateAvailable()` before using `adamUpdate`.
 */
import * as tf from '@tensorflow/tfjs';

/** Kernel name: outputs the new value, first moment and second moment. */
export const ADAM_UPDATE = 'DAAdamUpdate';

/** The scalars of one step, as tfjs's AdamOptimizer uses them. */
export interface AdamStep {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** beta1^t and beta2^t for this step t (from 1), as float32 products accumulated step by step. */
  accBeta1: number;
  accBeta2: number;
}

/** Whether the active backend has the Adam kernel (the wasm backend, with useWasmKernels on). */
export function adamUpdateAvailable(): boolean {
  const backend = tf.engine().backendName;
  return Boolean(backend) && tf.getKernel(ADAM_UPDATE, backend) !== undefined;
}

/**
 * One Adam step of a variable's value with its moments m and v and its gradient g (float32, one
 * shape): [value', m', v'], exactly as tfjs's AdamOptimizer computes them, in one kernel.
 * Needs `adamUpdateAvailable()`.
 */
export function adamUpdate(
  value: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  g: tf.Tensor,
  step: AdamStep,
): [tf.Tensor, tf.Tensor, tf.Tensor] {
  for (const t of [m, v, g])
    if (t.size !== value.size)
      throw new RangeError(`adamUpdate: [${t.shape}] does not match the value's [${value.shape}]`);
  const f = Math.fround;
  const attrs = {
    b1: f(step.beta1),
    c1: f(1 - step.beta1),
    b2: f(step.beta2),
    c2: f(1 - step.beta2),
    d1: f(1 - step.accBeta1),
    d2: f(1 - step.accBeta2),
    epsilon: f(step.epsilon),
    step: f(-step.learningRate),
  };
  return tf.engine().runKernel(ADAM_UPDATE, { value, m, v, g }, attrs) as [
    tf.Tensor,
    tf.Tensor,
    tf.Tensor,
  ];
}
