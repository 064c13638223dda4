/**
 * The fused attention op, `softmax(q k^T + mask) v` without forming the weights, and its
 * gradient, as tfjs kernels by name; and GELU in one pass each way. This entry needs only tfjs:
 * `useWasmKernels` registers the kernels for the wasm backend, and models ask
 * `fusedAttentionAvailable()` (`fusedGeluAvailable()`) before using them.
 */
import * as tf from '@tensorflow/tfjs';

/** Kernel names: without a mask, with an additive mask, and the backward pass. */
export const FUSED_ATTENTION = 'DAFusedAttention';
export const FUSED_ATTENTION_MASKED = 'DAFusedAttentionMasked';
export const FUSED_ATTENTION_GRAD = 'DAFusedAttentionGrad';
/** GELU and its backward pass. */
export const FUSED_GELU = 'DAGelu';
export const FUSED_GELU_GRAD = 'DAGeluGrad';

let gradientsRegistered = false;

/** The gradients of both forward kernels, through the backward kernel. Registered once. */
function registerGradients(): void {
  if (gradientsRegistered) return;
  gradientsRegistered = true;
  for (const [kernelName, masked] of [
    [FUSED_ATTENTION, false],
    [FUSED_ATTENTION_MASKED, true],
  ] as const) {
    tf.registerGradient({
      kernelName,
      inputsToSave: masked ? ['q', 'k', 'v', 'mask'] : ['q', 'k', 'v'],
      // The output and each query row's log-sum-exp, which the weights are recomputed from.
      outputsToSave: [true, true],
      gradFunc: (dy, saved) => {
        const [dO] = dy as tf.Tensor[];
        const [q, k, v] = saved;
        const mask = masked ? saved[3] : undefined;
        const [o, lse] = saved.slice(masked ? 4 : 3);
        const inputs: tf.NamedTensorMap = { q, k, v, o, lse, dy: dO };
        if (mask) inputs.mask = mask;
        const [dq, dk, dv] = tf.engine().runKernel(FUSED_ATTENTION_GRAD, inputs, {}) as tf.Tensor[];
        const grads: Record<string, () => tf.Tensor> = { q: () => dq, k: () => dk, v: () => dv };
        // The mask is a constant: no gradient flows into it.
        if (mask) grads.mask = () => tf.zerosLike(mask);
        return grads;
      },
    });
  }
}

/** Whether the active backend has the fused kernels (the wasm backend, with useWasmKernels on). */
export function fusedAttentionAvailable(): boolean {
  const backend = tf.engine().backendName;
  return Boolean(backend) && tf.getKernel(FUSED_ATTENTION, backend) !== undefined;
}

/**
 * Attention for every batch and head: `softmax(q k^T + mask) v`, with q [..., Lq, D],
 * k [..., Lk, D], v [..., Lk, Dv] (the same leading dimensions) and an optional additive mask
 * [Lq, Lk] (0 where a key may be seen, a large negative number where not). Scale q beforehand.
 * The weights are never formed whole, in the forward or the backward pass: memory grows with
 * L, not L^2. Differentiable in q, k and v; needs `fusedAttentionAvailable()`.
 */
export function fusedAttention<T extends tf.Tensor>(q: T, k: T, v: T, mask?: tf.Tensor2D): T {
  const rank = q.rank;
  const lead = (t: tf.Tensor) => t.shape.slice(0, -2).join(',');
  const [lq, d] = q.shape.slice(-2);
  const [lk, dk] = k.shape.slice(-2);
  if (rank < 2 || k.rank !== rank || v.rank !== rank || lead(k) !== lead(q) || lead(v) !== lead(q))
    throw new RangeError(
      `fusedAttention: q, k and v need the same leading dimensions, got [${q.shape}], [${k.shape}], [${v.shape}]`,
    );
  if (dk !== d || v.shape[rank - 2] !== lk)
    throw new RangeError(
      `fusedAttention: k must be [..., Lk, ${d}] and v [..., ${lk}, Dv], got [${k.shape}] and [${v.shape}]`,
    );
  if (mask && (mask.rank !== 2 || mask.shape[0] !== lq || mask.shape[1] !== lk))
    throw new RangeError(`fusedAttention: mask must be [${lq}, ${lk}], got [${mask.shape}]`);
  registerGradients();
  const [out, lse] = tf
    .engine()
    .runKernel(
      mask ? FUSED_ATTENTION_MASKED : FUSED_ATTENTION,
      mask ? { q, k, v, mask } : { q, k, v },
      {},
    ) as tf.Tensor[];
  // A gradient tape keeps its own reference to the log-sum-exp.
  lse.dispose();
  return out as T;
}

let geluGradientRegistered = false;

/** Whether the active backend has the GELU kernels (the wasm backend, with useWasmKernels on). */
export function fusedGeluAvailable(): boolean {
  const backend = tf.engine().backendName;
  return Boolean(backend) && tf.getKernel(FUSED_GELU, backend) !== undefined;
}

/**
 * GELU, x Phi(x) (Phi the standard normal's cumulative distribution, from a single-precision
 * erf within a few units in the last place), in one pass; its gradient dy (Phi(x) + x phi(x))
 * in one more, keeping only x for it. Needs `fusedGeluAvailable()`.
 */
export function fusedGelu<T extends tf.Tensor>(x: T): T {
  if (!geluGradientRegistered) {
    geluGradientRegistered = true;
    tf.registerGradient({
      kernelName: FUSED_GELU,
      inputsToSave: ['x'],
      gradFunc: (dy, [input]) => ({
        x: () => tf.engine().runKernel(FUSED_GELU_GRAD, { x: input, dy: dy as tf.Tensor }, {}),
      }),
    });
  }
  return tf.engine().runKernel(FUSED_GELU, { x }, {}) as T;
}
