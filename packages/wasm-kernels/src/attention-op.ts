/**
 * The fused attention op, `softmax(q k^T + mask) v` without forming the weights, and its
 * gradient, as tfjs kernels by name; GELU in one pass each way; and the layout passes of dense
 * layers and vision models (`addRowVector`, `columnSums`, `patchTokens`, `patchImages`). This
 * entry needs only tfjs: `useWasmKernels` registers the kernels for the wasm backend, and models
 * ask `fusedAttentionAvailable()` (`fusedGeluAvailable()`, `layoutKernelsAvailable()`) before
 * using them.
 */
import * as tf from '@tensorflow/tfjs';

/** Kernel names: without a mask, with an additive mask, and the backward pass. */
export const FUSED_ATTENTION = 'DAFusedAttention';
export const FUSED_ATTENTION_MASKED = 'DAFusedAttentionMasked';
export const FUSED_ATTENTION_GRAD = 'DAFusedAttentionGrad';
/** GELU and its backward pass. */
export const FUSED_GELU = 'DAGelu';
export const FUSED_GELU_GRAD = 'DAGeluGrad';
/** A bias added to every row, the sums of a matrix's columns, images to patch tokens and back. */
export const ADD_ROW_VECTOR = 'DAAddRowVector';
export const COLUMN_SUMS = 'DAColumnSums';
export const PATCH_TOKENS = 'DAPatchTokens';
export const PATCH_IMAGES = 'DAPatchImages';

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

let layoutGradientsRegistered = false;

/** The layout kernels' gradients, each another layout kernel: registered once. */
function registerLayoutGradients(): void {
  if (layoutGradientsRegistered) return;
  layoutGradientsRegistered = true;
  tf.registerGradient({
    kernelName: ADD_ROW_VECTOR,
    gradFunc: (dy) => ({
      x: () => (dy as tf.Tensor).clone(),
      bias: () => columnSums(dy as tf.Tensor),
    }),
  });
  tf.registerGradient({
    kernelName: PATCH_TOKENS,
    gradFunc: (dy, _saved, attrs) => {
      const { patchSize, height, width } = attrs as unknown as PatchAttrs;
      return { x: () => patchImages(dy as tf.Tensor3D, patchSize, height, width) };
    },
  });
  tf.registerGradient({
    kernelName: PATCH_IMAGES,
    gradFunc: (dy, _saved, attrs) => ({
      x: () => patchTokens(dy as tf.Tensor4D, (attrs as unknown as PatchAttrs).patchSize),
    }),
  });
}

interface PatchAttrs {
  patchSize: number;
  height: number;
  width: number;
}

/** Whether the active backend has the layout kernels (the wasm backend, with useWasmKernels on). */
export function layoutKernelsAvailable(): boolean {
  const backend = tf.engine().backendName;
  return Boolean(backend) && tf.getKernel(ADD_ROW_VECTOR, backend) !== undefined;
}

/**
 * x + bias for x [..., n] (float32) and bias [n], in one pass; its gradient is dy for x and the
 * column sums of dy for the bias, neither keeping any tensor. Needs `layoutKernelsAvailable()`.
 */
export function addRowVector<T extends tf.Tensor>(x: T, bias: tf.Tensor1D): T {
  const n = x.shape[x.rank - 1];
  if (x.rank < 1 || bias.rank !== 1 || bias.shape[0] !== n)
    throw new RangeError(`addRowVector: bias must be [${n}], got [${bias.shape}]`);
  registerLayoutGradients();
  return tf.engine().runKernel(ADD_ROW_VECTOR, { x, bias }, {}) as T;
}

/**
 * The sums over every leading axis of t [..., n]: [n], added row by row in one pass. Needs
 * `layoutKernelsAvailable()`.
 */
export function columnSums(t: tf.Tensor): tf.Tensor1D {
  registerLayoutGradients();
  return tf.engine().runKernel(COLUMN_SUMS, { x: t }, {}) as tf.Tensor1D;
}

/**
 * Images [batch, height, width, channels] to patch tokens [batch, (height / p) (width / p),
 * channels p p]: patches in raster order, a patch's values channel by channel, each plane row by
 * row (value `c p p + y p + x` is channel c of its pixel (x, y)). One pass; its gradient is
 * `patchImages`. Needs `layoutKernelsAvailable()`.
 */
export function patchTokens(images: tf.Tensor4D, patchSize: number): tf.Tensor3D {
  const [, height, width] = images.shape;
  if (!Number.isInteger(patchSize) || patchSize < 1 || height % patchSize || width % patchSize)
    throw new RangeError(`patchTokens: patch size ${patchSize} must divide ${height} x ${width}`);
  registerLayoutGradients();
  const attrs: PatchAttrs = { patchSize, height, width };
  return tf
    .engine()
    .runKernel(PATCH_TOKENS, { x: images }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor3D;
}

/** The inverse of `patchTokens`: tokens [batch, patches, channels p p] to images [batch, height, width, channels]. */
export function patchImages(
  tokens: tf.Tensor3D,
  patchSize: number,
  height: number,
  width: number,
): tf.Tensor4D {
  const [, count, size] = tokens.shape;
  if (
    !Number.isInteger(patchSize) ||
    patchSize < 1 ||
    height % patchSize ||
    width % patchSize ||
    count !== (height / patchSize) * (width / patchSize) ||
    size % (patchSize * patchSize)
  )
    throw new RangeError(
      `patchImages: [${tokens.shape}] are not the ${patchSize} x ${patchSize} patches of ${height} x ${width} images`,
    );
  registerLayoutGradients();
  const attrs: PatchAttrs = { patchSize, height, width };
  return tf
    .engine()
    .runKernel(PATCH_IMAGES, { x: tokens }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}
