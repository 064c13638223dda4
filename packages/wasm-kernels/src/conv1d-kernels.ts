import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { CONV1D, CONV1D_GRAD, type Conv1dAttrs } from './conv1d-op.js';
import { winogradMatrices } from './winograd.js';

/** Arguments the direct and the Winograd kernels share: sizes, then where the padding starts. */
type Shape = [
  batch: number,
  length: number,
  outLength: number,
  inChannels: number,
  outChannels: number,
  size: number,
  before: number,
];

/**
 * The conv1d kernels' WebAssembly exports (assembly/conv1d.ts, assembly/winograd.ts); heap byte
 * offsets throughout.
 */
export interface Conv1dExports {
  memory: WebAssembly.Memory;
  winogradScratchFloats(inChannels: number, outChannels: number, m: number, r: number): number;
  winogradForward(
    x: number,
    kernel: number,
    bias: number,
    y: number,
    ...rest: [...Shape, number, number]
  ): void;
  winogradInputGrad(
    dy: number,
    kernel: number,
    dx: number,
    ...rest: [...Shape, number, number]
  ): void;
  winogradFilterGrad(
    x: number,
    dy: number,
    dkernel: number,
    biasGrad: number,
    ...rest: [...Shape, number, number]
  ): void;
  conv1dScratchFloats(
    length: number,
    outLength: number,
    inChannels: number,
    outChannels: number,
    size: number,
  ): number;
  conv1dForward(
    x: number,
    kernel: number,
    bias: number,
    y: number,
    batch: number,
    length: number,
    outLength: number,
    inChannels: number,
    outChannels: number,
    size: number,
    before: number,
    scratch: number,
  ): void;
  conv1dInputGrad(
    dy: number,
    kernel: number,
    dx: number,
    batch: number,
    length: number,
    outLength: number,
    inChannels: number,
    outChannels: number,
    size: number,
    before: number,
    scratch: number,
  ): void;
  conv1dFilterGrad(
    x: number,
    dy: number,
    dkernel: number,
    biasGrad: number,
    batch: number,
    length: number,
    outLength: number,
    inChannels: number,
    outChannels: number,
    size: number,
    before: number,
    scratch: number,
  ): void;
}

/** The kernels in a backend's heap, and scratch there (a 16-byte aligned heap byte offset). */
export interface Conv1dHeap {
  kernels: Conv1dExports;
  scratch(floats: number): number;
}

/** Finds the kernels in the backend's heap, checking the inputs are float32 (throws otherwise). */
export type Conv1dHeapFor = (backend: BackendWasm, ...inputs: tf.TensorInfo[]) => Conv1dHeap;

const offset = (backend: BackendWasm, info: tf.TensorInfo | undefined) =>
  info ? backend.typedArrayFromHeap(info).byteOffset : 0;

/** batch, length, in, out and size of a convolution of x by filter [size, in, out]. */
function sizes(x: tf.TensorInfo, filter: tf.TensorInfo) {
  const [batch, length, inChannels] = x.shape;
  const [size, , outChannels] = filter.shape;
  return { batch, length, inChannels, outChannels, size };
}

/** The points of the Winograd transforms: the kernels hold a tile's 8 rows in registers. */
const POINTS = 8;

/**
 * F(m, size) with 8 points where it pays and the kernels take it: kernels of 2 to 5 taps (4 to 7
 * outputs per tile) between channel counts of at least 8 that fill whole vectors. Otherwise the
 * direct products (one channel in or out, odd counts, long kernels).
 */
function winogradOutputs(size: number, inChannels: number, outChannels: number): number {
  const fits = (channels: number) => channels >= 8 && channels % 4 === 0;
  return size >= 2 && size <= 5 && fits(inChannels) && fits(outChannels) ? POINTS + 1 - size : 0;
}

/** The matrices of F(m, r), each number four times over, as the kernels read them; by r. */
const replicated = new Map<number, Float32Array>();

function matricesFor(m: number, r: number): Float32Array {
  let found = replicated.get(r);
  if (!found) {
    const { at, g, bt } = winogradMatrices(m, r);
    const all = [...at, ...g, ...bt];
    found = Float32Array.from({ length: all.length * 4 }, (_, i) => all[i >> 2]);
    replicated.set(r, found);
  }
  return found;
}

/**
 * Scratch for a convolution, from the heap: for the Winograd kernels (m > 0) with their matrices
 * written at its start.
 */
function scratchFor(heap: Conv1dHeap, m: number, shape: Shape): number {
  const [, length, outLength, inChannels, outChannels, size] = shape;
  if (m === 0)
    return heap.scratch(
      heap.kernels.conv1dScratchFloats(length, outLength, inChannels, outChannels, size),
    );
  const scratch = heap.scratch(
    heap.kernels.winogradScratchFloats(inChannels, outChannels, m, size),
  );
  const matrices = matricesFor(m, size);
  new Float32Array(heap.kernels.memory.buffer, scratch, matrices.length).set(matrices);
  return scratch;
}

function kernelFuncs(heapFor: Conv1dHeapFor): Record<string, tf.KernelFunc> {
  const forward = (args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo => {
    const { x, filter, bias } = args.inputs as Record<string, tf.TensorInfo | undefined>;
    const { before, outLength } = args.attrs as unknown as Conv1dAttrs;
    const backend = args.backend as BackendWasm;
    const heap = heapFor(backend, ...[x!, filter!, bias].filter((t) => t !== undefined));
    const { batch, length, inChannels, outChannels, size } = sizes(x!, filter!);
    const y = backend.makeOutput([batch, outLength, outChannels], 'float32');
    if (batch * outLength * outChannels === 0) return y;
    const shape: Shape = [batch, length, outLength, inChannels, outChannels, size, before];
    const m = winogradOutputs(size, inChannels, outChannels);
    // Scratch first: offsets are taken after every allocation (malloc may grow the heap).
    const scratch = scratchFor(heap, m, shape);
    const [px, pf, pb, py] = [x, filter, bias, y].map((info) => offset(backend, info));
    if (m > 0) heap.kernels.winogradForward(px, pf, pb, py, ...shape, m, scratch);
    else heap.kernels.conv1dForward(px, pf, pb, py, ...shape, scratch);
    return y;
  };

  const backward = (args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] => {
    const { x, filter, dy } = args.inputs as Record<string, tf.TensorInfo>;
    const { before, outLength, withBias } = args.attrs as unknown as Conv1dAttrs;
    const backend = args.backend as BackendWasm;
    const heap = heapFor(backend, x, filter, dy);
    const { batch, length, inChannels, outChannels, size } = sizes(x, filter);
    const dx = backend.makeOutput(x.shape, 'float32');
    const dFilter = backend.makeOutput(filter.shape, 'float32');
    const dBias = withBias ? backend.makeOutput([outChannels], 'float32') : undefined;
    const outputs = dBias ? [dx, dFilter, dBias] : [dx, dFilter];
    if (batch * length * inChannels * outChannels === 0) {
      for (const grad of outputs) backend.typedArrayFromHeap(grad).fill(0);
      return outputs;
    }
    const shape: Shape = [batch, length, outLength, inChannels, outChannels, size, before];
    const m = winogradOutputs(size, inChannels, outChannels);
    const scratch = scratchFor(heap, m, shape);
    const [px, pf, pdy, pdx, pdf, pdb] = [x, filter, dy, dx, dFilter, dBias].map((info) =>
      offset(backend, info),
    );
    if (m > 0) {
      heap.kernels.winogradInputGrad(pdy, pf, pdx, ...shape, m, scratch);
      heap.kernels.winogradFilterGrad(px, pdy, pdf, pdb, ...shape, m, scratch);
    } else {
      heap.kernels.conv1dInputGrad(pdy, pf, pdx, ...shape, scratch);
      heap.kernels.conv1dFilterGrad(px, pdy, pdf, pdb, ...shape, scratch);
    }
    return outputs;
  };

  return {
    [CONV1D]: forward as unknown as tf.KernelFunc,
    [CONV1D_GRAD]: backward as unknown as tf.KernelFunc,
  };
}

let registered = false;

/**
 * Registers (or unregisters) the conv1d kernels for the wasm backend, running in its heap as
 * `heapFor` finds them.
 */
export function registerConv1d(on: boolean, heapFor: Conv1dHeapFor): void {
  if (on === registered) return;
  for (const [kernelName, kernelFunc] of Object.entries(kernelFuncs(heapFor))) {
    if (on) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
    else tf.unregisterKernel(kernelName, 'wasm');
  }
  registered = on;
}
