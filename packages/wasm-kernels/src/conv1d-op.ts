/**
 * A 1D convolution and its gradients (input, kernel and bias) as tfjs kernels by name, run as
 * packed products without shifted copies of the input (see assembly/conv1d.ts). This entry needs
 * only tfjs: `useWasmKernels` registers the kernels for the wasm backend, and models ask
 * `conv1dAvailable()` before using `conv1d`.
 */
import * as tf from '@tensorflow/tfjs';

/** Kernel names: the convolution (plus bias) and its backward pass. */
export const CONV1D = 'DAConv1D';
export const CONV1D_GRAD = 'DAConv1DGrad';

/** How `conv1d` pads and steps; only stride 1 and dilation 1 are served. */
export interface Conv1dOptions {
  /** 'same' (tf.conv1d's: the output as long as the input) or 'valid' (no padding). */
  padding?: 'same' | 'valid';
  /** Must be 1. */
  stride?: number;
  /** Must be 1. */
  dilation?: number;
}

/**
 * What the kernels take besides the tensors: zeros padded before the input, the output's length,
 * and whether there is a bias (whose gradient the backward kernel then gives as a third output).
 */
export interface Conv1dAttrs {
  before: number;
  outLength: number;
  withBias: boolean;
}

let gradientRegistered = false;

function registerGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: CONV1D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, [x, filter], attrs) => {
      const [dx, dFilter, dBias] = tf
        .engine()
        .runKernel(CONV1D_GRAD, { x, filter, dy: dy as tf.Tensor }, attrs) as tf.Tensor[];
      const grads: Record<string, () => tf.Tensor> = { x: () => dx, filter: () => dFilter };
      if (dBias) grads.bias = () => dBias;
      return grads;
    },
  });
}

/** Whether the active backend has the conv1d kernels (the wasm backend, with useWasmKernels on). */
export function conv1dAvailable(): boolean {
  const backend = tf.engine().backendName;
  return Boolean(backend) && tf.getKernel(CONV1D, backend) !== undefined;
}

/**
 * tf.conv1d(x, filter, 1, padding) + bias, for x [batch, length, in] and filter [size, in, out]
 * (float32), bias [out] or none: one product per sequence over its rows' windows, the few rows
 * whose window runs past an end tap by tap. Differentiable in x, the filter and the bias, each
 * gradient again a product. Stride and dilation other than 1 are refused. Needs
 * `conv1dAvailable()`.
 */
export function conv1d(
  x: tf.Tensor3D,
  filter: tf.Tensor3D,
  bias?: tf.Tensor1D,
  { padding = 'same', stride = 1, dilation = 1 }: Conv1dOptions = {},
): tf.Tensor3D {
  if (stride !== 1 || dilation !== 1)
    throw new RangeError(
      `conv1d: only stride 1 and dilation 1 are served, got stride ${stride}, dilation ${dilation}`,
    );
  if (padding !== 'same' && padding !== 'valid')
    throw new RangeError(`conv1d: padding must be 'same' or 'valid', got '${String(padding)}'`);
  const [, length, channels] = x.shape;
  const [size, inChannels, outChannels] = filter.shape;
  if (x.rank !== 3 || filter.rank !== 3 || inChannels !== channels)
    throw new RangeError(
      `conv1d: x must be [batch, length, in] and filter [size, in, out], got [${x.shape}] and [${filter.shape}]`,
    );
  if (bias && (bias.rank !== 1 || bias.shape[0] !== outChannels))
    throw new RangeError(`conv1d: bias must be [${outChannels}], got [${bias.shape}]`);
  for (const t of [x, filter, bias])
    if (t && t.dtype !== 'float32') throw new TypeError(`conv1d: takes float32, not ${t.dtype}`);
  if (size < 1 || (padding === 'valid' && length < size))
    throw new RangeError(`conv1d: a kernel of ${size} does not fit a 'valid' length ${length}`);
  registerGradient();
  const withBias = bias !== undefined;
  const attrs: Conv1dAttrs =
    padding === 'same'
      ? { before: Math.floor((size - 1) / 2), outLength: length, withBias }
      : { before: 0, outLength: length - size + 1, withBias };
  return tf
    .engine()
    .runKernel(
      CONV1D,
      bias ? { x, filter, bias } : { x, filter },
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Tensor3D;
}
