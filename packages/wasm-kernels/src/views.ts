import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/**
 * Slicing kernels for tfjs's wasm backend that read the input where it lies in the heap. tfjs's
 * own Slice (and Unpack and SplitV, built on it) first copies the whole input out of the heap
 * for every slice taken, so unstacking k slices copies the input k times. These copy only what
 * is sliced.
 */

type Args = Parameters<tf.KernelFunc>[0];

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Copies the box at `begin` of extent `extent` out of `x` into a new tensor. */
function sliceOf(
  backend: BackendWasm,
  x: tf.TensorInfo,
  begin: number[],
  extent: number[],
): tf.TensorInfo {
  const out = backend.makeOutput(extent, x.dtype);
  if (size(extent) === 0) return out;
  // Views taken after makeOutput, which may grow (and so move) the heap.
  const from = backend.typedArrayFromHeap(x);
  const to = backend.typedArrayFromHeap(out);
  const rank = x.shape.length;
  const strides = new Array<number>(rank);
  for (let d = rank - 1, stride = 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= x.shape[d];
  }
  // The trailing axes taken whole form one contiguous run; copy run by run.
  let inner = rank - 1;
  while (inner > 0 && begin[inner] === 0 && extent[inner] === x.shape[inner]) inner--;
  const run = size(extent.slice(inner));
  const outer = extent.slice(0, inner);
  const index = new Array<number>(inner).fill(0);
  let start = 0;
  for (let d = 0; d < rank; d++) start += begin[d] * strides[d];
  for (let written = 0; written < to.length; written += run) {
    let offset = start;
    for (let d = 0; d < inner; d++) offset += index[d] * strides[d];
    to.set(from.subarray(offset, offset + run), written);
    // The next index of the outer axes, last axis fastest.
    for (let d = inner - 1; d >= 0; d--) {
      if (++index[d] < outer[d]) break;
      index[d] = 0;
    }
  }
  return out;
}

/** Where the stock kernel must serve: strings, which live outside the heap. */
const strings = (x: tf.TensorInfo) => x.dtype === 'string';

export function sliceKernel(stock: tf.KernelConfig): tf.KernelFunc {
  return ((args: Args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (strings(x)) return stock.kernelFunc(args);
    const { begin, size: extent } = args.attrs as { begin: number[]; size: number[] };
    const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin, extent);
    return sliceOf(args.backend as BackendWasm, x, b, s);
  }) as tf.KernelFunc;
}

export function unpackKernel(stock: tf.KernelConfig): tf.KernelFunc {
  return ((args: Args) => {
    const { value } = args.inputs as { value: tf.TensorInfo };
    if (strings(value)) return stock.kernelFunc(args);
    const rank = value.shape.length;
    let { axis } = args.attrs as { axis: number };
    if (axis < 0) axis += rank;
    const begin = new Array<number>(rank).fill(0);
    const extent = [...value.shape];
    extent[axis] = 1;
    const shape = value.shape.filter((_, d) => d !== axis);
    return Array.from({ length: value.shape[axis] }, (_, i) => {
      begin[axis] = i;
      const { dataId, dtype } = sliceOf(args.backend as BackendWasm, value, begin, extent);
      return { dataId, dtype, shape };
    });
  }) as tf.KernelFunc;
}

export function splitVKernel(stock: tf.KernelConfig): tf.KernelFunc {
  return ((args: Args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (strings(x)) return stock.kernelFunc(args);
    const { numOrSizeSplits, axis } = args.attrs as {
      numOrSizeSplits: number | number[];
      axis: number;
    };
    const along = tf.util.parseAxisParam(axis, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits, along);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((part) => {
      const extent = [...x.shape];
      extent[along] = part;
      const piece = sliceOf(args.backend as BackendWasm, x, begin, extent);
      begin[along] += part;
      return piece;
    });
  }) as tf.KernelFunc;
}

/**
 * Identity (tf.clone, and the copy tfjs keeps of every tensor a gradient needs) sharing the
 * input's memory, as tfjs's cpu and webgl backends do: tensors never change once made, so a
 * copy is never needed. tfjs-wasm's own copies, which doubled the memory a training step keeps
 * for its backward pass.
 */
export function identityKernel(stock: tf.KernelConfig): tf.KernelFunc {
  return ((args: Args) => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    if (strings(x)) return stock.kernelFunc(args);
    (args.backend as BackendWasm).incRef(x.dataId);
    return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
  }) as tf.KernelFunc;
}

/** The kernels above, by tfjs kernel name, made from tfjs's own (their fallback). */
export const VIEW_KERNELS: Record<string, (stock: tf.KernelConfig) => tf.KernelFunc> = {
  Slice: sliceKernel,
  Unpack: unpackKernel,
  SplitV: splitVKernel,
  Identity: identityKernel,
};
