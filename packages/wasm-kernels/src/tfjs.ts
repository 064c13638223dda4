import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import {
  ADD_ROW_VECTOR,
  COLUMN_SUMS,
  FUSED_ATTENTION,
  FUSED_ATTENTION_GRAD,
  FUSED_ATTENTION_MASKED,
  FUSED_GELU,
  FUSED_GELU_GRAD,
  PATCH_IMAGES,
  PATCH_TOKENS,
} from './attention-op.js';
import {
  MatMul,
  compileInHeapKernels,
  gemmCalls,
  matMulShape,
  type AttentionBackwardCall,
  type AttentionForwardCall,
  type KernelExports,
} from './matmul.js';
import { GemmPool } from './pool.js';
import { registerLstm, type LstmExports } from './lstm-kernels.js';
import { registerConv1d, type Conv1dExports } from './conv1d-kernels.js';
import { registerLayerNorm, type LayerNormExports } from './layernorm-kernels.js';
import { registerAdam, type AdamExports } from './adam-kernels.js';
import { VIEW_KERNELS } from './views.js';

const NAME = 'BatchMatMul';
const BACKEND = 'wasm';

/** How the wasm backend's BatchMatMul is served now. */
export interface WasmKernelsState {
  /** Our kernels serve BatchMatMul (false: tfjs's own). */
  active: boolean;
  /** They use relaxed SIMD's fused multiply-add. */
  relaxedSimd: boolean;
  /**
   * They run inside tfjs's heap, on the tensors where they lie (false: on copies in memory of
   * their own). Known once the wasm backend has started.
   */
  inTfjsHeap: boolean;
  /**
   * Threads a product is split between: more than one where tfjs-wasm's heap is shared (its
   * threaded build, on a cross-origin isolated page) and helper workers could start.
   */
  threads: number;
  /** Products the helper threads have taken part in so far. */
  helperRounds: number;
  /**
   * The fused attention kernels (see `fusedAttention`) are registered: our kernels are on, run
   * in tfjs's heap, and `fusedAttention` was not declined.
   */
  fusedAttention: boolean;
}

/** Options of useWasmKernels. */
export interface WasmKernelsOptions {
  /** Use relaxed SIMD's fused multiply-add where the browser has it (default true). */
  relaxedSimd?: boolean;
  /**
   * Threads to split products between where tfjs's heap is shared: default, as many as
   * tfjs-wasm's own thread pool (the logical cores). 1 keeps them on the calling thread.
   */
  threads?: number;
  /** Work on copies in memory of the kernels' own even where tfjs's heap could be used. */
  copy?: boolean;
  /**
   * Register the fused attention kernels, which the attention layers of core/models use while
   * training (default true; they need the kernels in tfjs's heap).
   */
  fusedAttention?: boolean;
}

/** What the emscripten module of tfjs-wasm exposes that the kernels use. */
interface TfjsWasmModule {
  asm?: { memory?: WebAssembly.Memory };
  /** The threaded build's heap, which it creates and shares with its threads. */
  wasmMemory?: WebAssembly.Memory;
  _malloc(bytes: number): number;
  _free(pointer: number): void;
}

/** The kernels instantiated inside one tfjs-wasm backend's heap, with scratch from its malloc. */
interface InHeap {
  kernels: KernelExports;
  wasm: TfjsWasmModule;
  /** One scratch block per thread. */
  scratch: number[];
  scratchBytes: number;
  pool?: GemmPool;
}

let stock: tf.KernelConfig | undefined;
/** tfjs's own slicing kernels, which ours replace alongside BatchMatMul. */
const stockViews = new Map<string, tf.KernelConfig>();
let settings: Required<Pick<WasmKernelsOptions, 'relaxedSimd' | 'copy' | 'fusedAttention'>> & {
  threads?: number;
} = {
  relaxedSimd: true,
  copy: false,
  fusedAttention: true,
};
let modules:
  | {
      imported?: { module: WebAssembly.Module; relaxedSimd: boolean };
      shared?: { module: WebAssembly.Module; relaxedSimd: boolean };
      copying?: MatMul;
    }
  | undefined;
let active = false;
let fusedActive = false;
const inHeap = new WeakMap<object, InHeap | null>();

function heapMemory(wasm: TfjsWasmModule): WebAssembly.Memory | undefined {
  return wasm.wasmMemory ?? wasm.asm?.memory;
}

// SharedArrayBuffer is undefined where the page is not cross-origin isolated.
const isShared = (memory: WebAssembly.Memory) =>
  typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer;

/**
 * The kernels running in tfjs's own heap (no copies), or null where its memory cannot be
 * imported and operands must be copied. Helper threads are added by prepareThreads.
 */
function inHeapFor(backend: BackendWasm): InHeap | null {
  let found = inHeap.get(backend);
  if (found !== undefined) return found;
  found = null;
  const wasm = backend.wasm as unknown as TfjsWasmModule;
  const memory = heapMemory(wasm);
  const compiled = memory && (isShared(memory) ? modules?.shared : modules?.imported);
  if (memory && compiled && !settings.copy) {
    try {
      const instance = new WebAssembly.Instance(compiled.module, { env: { memory } });
      found = {
        kernels: instance.exports as unknown as KernelExports,
        wasm,
        scratch: [],
        scratchBytes: 0,
      };
    } catch {
      found = null;
    }
  }
  inHeap.set(backend, found);
  return found;
}

/** Starts helper threads for a backend whose heap is shared, as many as settings ask. */
async function prepareThreads(backend: BackendWasm): Promise<void> {
  const heap = inHeapFor(backend);
  const memory = heapMemory(backend.wasm as unknown as TfjsWasmModule);
  if (!heap || heap.pool || !memory || !isShared(memory) || !modules?.shared) return;
  let threads = settings.threads;
  if (threads === undefined) {
    try {
      threads = getThreadsCount();
    } catch {
      threads = 1;
    }
  }
  if (threads < 2) return;
  heap.pool = await GemmPool.create(modules.shared.module, memory, threads);
}

/** Frees what an in-heap instance holds: its scratch back to tfjs, its helper threads. */
function release(backend: object | undefined): void {
  if (!backend) return;
  const old = inHeap.get(backend);
  if (old) {
    for (const pointer of old.scratch) old.wasm._free(pointer);
    old.pool?.dispose();
  }
  inHeap.delete(backend);
}

/**
 * Scratch of `floats` floats for each thread, 16-byte aligned, from tfjs's malloc: kept between
 * calls and grown when a call needs more. Take heap offsets only after this (malloc may grow it).
 */
function scratchFor(heap: InHeap, floats: number): number[] {
  const threads = heap.pool?.threads ?? 1;
  const bytes = floats * 4 + 16;
  if (bytes > heap.scratchBytes || heap.scratch.length !== threads) {
    for (const pointer of heap.scratch) heap.wasm._free(pointer);
    heap.scratch = Array.from({ length: threads }, () => heap.wasm._malloc(bytes));
    heap.scratchBytes = bytes;
  }
  return heap.scratch.map((pointer) => Math.ceil(pointer / 16) * 16);
}

/** Where a tensor lies in tfjs's heap, in bytes (0 for none). Take it after every allocation. */
function heapOffset(backend: BackendWasm, info: tf.TensorInfo | undefined): number {
  return info ? backend.typedArrayFromHeap(info).byteOffset : 0;
}

function batchMatMul(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
  const backend = args.backend as BackendWasm;
  const floats = a.dtype === 'float32' && b.dtype === 'float32';
  const heap = floats ? inHeapFor(backend) : null;
  const copying = modules?.copying;
  if (!floats || (!heap && !copying)) return stock!.kernelFunc(args) as tf.TensorInfo;
  const shape = matMulShape(a.shape, b.shape, transposeA, transposeB);
  const { batchShape, m, n, k } = shape;
  const out = backend.makeOutput([...batchShape, m, n], 'float32');
  if (m * n === 0 || batchShape.includes(0)) return out;
  if (heap) {
    const scratch = scratchFor(heap, heap.kernels.packFloats(m, n, k));
    // Offsets into tfjs's heap, taken after makeOutput and malloc (which may grow the memory).
    const offset = (info: tf.TensorInfo) => heapOffset(backend, info);
    const calls = gemmCalls(
      shape,
      transposeA,
      transposeB,
      offset(a),
      offset(b),
      offset(out),
      scratch[0],
    );
    if (heap.pool) heap.pool.run(calls, scratch);
    else for (const call of calls) heap.kernels.gemm(...call);
    return out;
  }
  // Copies in and out of the kernels' own memory; views into tfjs's heap taken after makeOutput.
  copying!.batchMatMul(
    backend.typedArrayFromHeap(a) as Float32Array,
    a.shape,
    backend.typedArrayFromHeap(b) as Float32Array,
    b.shape,
    transposeA,
    transposeB,
    backend.typedArrayFromHeap(out) as Float32Array,
  );
  return out;
}

/** The sizes of a fused attention: (batch x heads) pairs of Lq x D queries, Lk keys, Dv values. */
function attentionSizes(q: tf.TensorInfo, k: tf.TensorInfo, v: tf.TensorInfo) {
  const rank = q.shape.length;
  const [lq, d] = q.shape.slice(-2);
  const [lk, dv] = [k.shape[rank - 2], v.shape[rank - 1]];
  const pairs = q.shape.slice(0, -2).reduce((p, x) => p * x, 1);
  return { lq, lk, d, dv, pairs };
}

/** The kernels in the backend's heap, for the fused attention (registered only where they are). */
function attentionHeap(backend: BackendWasm, ...inputs: (tf.TensorInfo | undefined)[]): InHeap {
  const heap = inHeapFor(backend);
  if (!heap) throw new Error('wasm-kernels: the fused attention needs the kernels in tfjs heap');
  for (const input of inputs)
    if (input && input.dtype !== 'float32')
      throw new TypeError(`wasm-kernels: the fused attention takes float32, not ${input.dtype}`);
  return heap;
}

/**
 * The arguments both attention kernels begin with, for (batch, head) pair i: where its q, k, v,
 * mask (0 for none; one for every pair), output and log-sum-exp lie in the heap. Offsets are
 * taken now: call it after every allocation.
 */
function pairOperands(
  backend: BackendWasm,
  { lq, lk, d, dv }: { lq: number; lk: number; d: number; dv: number },
  q: tf.TensorInfo,
  k: tf.TensorInfo,
  v: tf.TensorInfo,
  mask: tf.TensorInfo | undefined,
  o: tf.TensorInfo,
  lse: tf.TensorInfo,
): (i: number) => [number, number, number, number, number, number] {
  const [pq, pk, pv, pm, po, pl] = [q, k, v, mask, o, lse].map((info) => heapOffset(backend, info));
  return (i) => [
    pq + i * lq * d * 4,
    pk + i * lk * d * 4,
    pv + i * lk * dv * 4,
    pm,
    po + i * lq * dv * 4,
    pl + i * lq * 4,
  ];
}

/** Runs one attention kernel's calls: shared with the helper threads where there are some. */
function runPairs<K extends 'attentionForward' | 'attentionBackward'>(
  heap: InHeap,
  kernel: K,
  calls: Parameters<KernelExports[K]>[],
  scratch: number[],
): void {
  if (heap.pool) heap.pool.runAttention(kernel, calls, scratch);
  else for (const call of calls) (heap.kernels[kernel] as (...args: number[]) => void)(...call);
}

function attentionForward(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { q, k, v, mask } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const backend = args.backend as BackendWasm;
  const heap = attentionHeap(backend, q, k, v, mask);
  const { lq, lk, d, dv, pairs } = attentionSizes(q!, k!, v!);
  const out = backend.makeOutput([...q!.shape.slice(0, -1), dv], 'float32');
  const lse = backend.makeOutput(q!.shape.slice(0, -1), 'float32');
  if (pairs * lq === 0) return [out, lse];
  const scratch = scratchFor(heap, heap.kernels.attentionScratchFloats(lq, lk, d, dv));
  const base = pairOperands(backend, { lq, lk, d, dv }, q!, k!, v!, mask, out, lse);
  const calls = Array.from({ length: pairs }, (_, i): AttentionForwardCall => [
    ...base(i),
    lq,
    lk,
    d,
    dv,
    scratch[0],
  ]);
  runPairs(heap, 'attentionForward', calls, scratch);
  return [out, lse];
}

function attentionBackward(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] {
  const { q, k, v, mask, o, lse, dy } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const backend = args.backend as BackendWasm;
  const heap = attentionHeap(backend, q, k, v, mask, o, lse, dy);
  const { lq, lk, d, dv, pairs } = attentionSizes(q!, k!, v!);
  const dq = backend.makeOutput(q!.shape, 'float32');
  const dk = backend.makeOutput(k!.shape, 'float32');
  const dvOut = backend.makeOutput(v!.shape, 'float32');
  if (pairs * lq * lk === 0) {
    for (const grad of [dq, dk, dvOut]) backend.typedArrayFromHeap(grad).fill(0);
    return [dq, dk, dvOut];
  }
  const scratch = scratchFor(heap, heap.kernels.attentionScratchFloats(lq, lk, d, dv));
  const base = pairOperands(backend, { lq, lk, d, dv }, q!, k!, v!, mask, o!, lse!);
  const [pdy, pdq, pdk, pdv] = [dy!, dq, dk, dvOut].map((info) => heapOffset(backend, info));
  const calls = Array.from({ length: pairs }, (_, i): AttentionBackwardCall => [
    ...base(i),
    pdy + i * lq * dv * 4,
    pdq + i * lq * d * 4,
    pdk + i * lk * d * 4,
    pdv + i * lk * dv * 4,
    lq,
    lk,
    d,
    dv,
    scratch[0],
  ]);
  runPairs(heap, 'attentionBackward', calls, scratch);
  return [dq, dk, dvOut];
}

const ATTENTION_KERNELS: Record<string, tf.KernelFunc> = {
  [FUSED_ATTENTION]: attentionForward as unknown as tf.KernelFunc,
  [FUSED_ATTENTION_MASKED]: attentionForward as unknown as tf.KernelFunc,
  [FUSED_ATTENTION_GRAD]: attentionBackward as unknown as tf.KernelFunc,
};

function geluForward(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const backend = args.backend as BackendWasm;
  const heap = attentionHeap(backend, x);
  const out = backend.makeOutput(x.shape, 'float32');
  const n = x.shape.reduce((p, d) => p * d, 1);
  if (n > 0) heap.kernels.geluForward(heapOffset(backend, x), heapOffset(backend, out), n);
  return out;
}

function geluBackward(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x, dy } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const backend = args.backend as BackendWasm;
  const heap = attentionHeap(backend, x, dy);
  const dx = backend.makeOutput(x.shape, 'float32');
  const n = x.shape.reduce((p, d) => p * d, 1);
  if (n > 0) {
    const [px, pdy, pdx] = [x, dy, dx].map((info) => heapOffset(backend, info));
    heap.kernels.geluBackward(px, pdy, pdx, n);
  }
  return dx;
}

const GELU_KERNELS: Record<string, tf.KernelFunc> = {
  [FUSED_GELU]: geluForward as unknown as tf.KernelFunc,
  [FUSED_GELU_GRAD]: geluBackward as unknown as tf.KernelFunc,
};
let geluActive = false;

function addRowVectorKernel(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x, bias } = args.inputs as { x: tf.TensorInfo; bias: tf.TensorInfo };
  const backend = args.backend as BackendWasm;
  const heap = attentionHeap(backend, x, bias);
  const out = backend.makeOutput(x.shape, 'float32');
  const cols = x.shape[x.shape.length - 1];
  const rows = cols > 0 ? x.shape.reduce((p, d) => p * d, 1) / cols : 0;
  if (rows > 0) {
    const [px, pb, po] = [x, bias, out].map((info) => heapOffset(backend, info));
    heap.kernels.addRowVector(px, pb, po, rows, cols);
  }
  return out;
}

function columnSumsKernel(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const backend = args.backend as BackendWasm;
  const heap = attentionHeap(backend, x);
  const cols = x.shape[x.shape.length - 1];
  const out = backend.makeOutput([cols], 'float32');
  const rows = cols > 0 ? x.shape.reduce((p, d) => p * d, 1) / cols : 0;
  if (cols > 0)
    heap.kernels.columnSums(heapOffset(backend, x), heapOffset(backend, out), rows, cols);
  return out;
}

/** Images to patch tokens (`toTokens`) or back, one pass each (see `patchTokens`). */
function patchKernel(toTokens: boolean) {
  return (args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo => {
    const { x } = args.inputs as { x: tf.TensorInfo };
    const {
      patchSize: p,
      height,
      width,
    } = args.attrs as {
      patchSize: number;
      height: number;
      width: number;
    };
    const backend = args.backend as BackendWasm;
    const heap = attentionHeap(backend, x);
    const count = x.shape[0];
    const size = x.shape.reduce((n, d) => n * d, 1);
    const channels = count > 0 ? size / (count * height * width) : 0;
    const patches = (height / p) * (width / p);
    const out = backend.makeOutput(
      toTokens ? [count, patches, channels * p * p] : [count, height, width, channels],
      'float32',
    );
    if (size > 0) {
      const [pi, po] = [x, out].map((info) => heapOffset(backend, info));
      if (toTokens) heap.kernels.patchTokens(pi, po, count, height, width, channels, p, 1);
      else heap.kernels.patchTokens(po, pi, count, height, width, channels, p, 0);
    }
    return out;
  };
}

const LAYOUT_KERNELS: Record<string, tf.KernelFunc> = {
  [ADD_ROW_VECTOR]: addRowVectorKernel as unknown as tf.KernelFunc,
  [COLUMN_SUMS]: columnSumsKernel as unknown as tf.KernelFunc,
  [PATCH_TOKENS]: patchKernel(true) as unknown as tf.KernelFunc,
  [PATCH_IMAGES]: patchKernel(false) as unknown as tf.KernelFunc,
};
let layoutActive = false;

/** Registers or unregisters the layout kernels for the wasm backend. */
function registerLayout(on: boolean): void {
  if (on === layoutActive) return;
  for (const [kernelName, kernelFunc] of Object.entries(LAYOUT_KERNELS)) {
    if (on) tf.registerKernel({ kernelName, backendName: BACKEND, kernelFunc });
    else tf.unregisterKernel(kernelName, BACKEND);
  }
  layoutActive = on;
}

/** Registers or unregisters the GELU kernels for the wasm backend. */
function registerGelu(on: boolean): void {
  if (on === geluActive) return;
  for (const [kernelName, kernelFunc] of Object.entries(GELU_KERNELS)) {
    if (on) tf.registerKernel({ kernelName, backendName: BACKEND, kernelFunc });
    else tf.unregisterKernel(kernelName, BACKEND);
  }
  geluActive = on;
}

/** Registers or unregisters the fused attention kernels for the wasm backend. */
function registerAttention(on: boolean): void {
  if (on === fusedActive) return;
  for (const [kernelName, kernelFunc] of Object.entries(ATTENTION_KERNELS)) {
    if (on) tf.registerKernel({ kernelName, backendName: BACKEND, kernelFunc });
    else tf.unregisterKernel(kernelName, BACKEND);
  }
  fusedActive = on;
}

/**
 * Serves tfjs's wasm backend's BatchMatMul (every tf.matMul, and the gradients built from it)
 * with this package's packed SIMD kernels, so models need no change; `false` switches back to
 * tfjs's own. The kernels run inside tfjs's heap where they can import it, else on copies in
 * memory of their own. Where tfjs's heap is shared (its threaded build, on a cross-origin
 * isolated page), products are split between the calling thread and helper workers. Where the
 * kernels cannot run at all (no SIMD128, or a CSP forbidding WebAssembly), tfjs's kernel stays.
 * Alongside, the backend's Slice, Unpack and SplitV are served by kernels that copy only the part
 * they take (tfjs's copy the whole input out of the heap for every slice), and its Identity by one
 * that shares the input's memory (tfjs's copies every tensor a gradient keeps).
 * Call it after the wasm backend has started to have its threads ready for the first product.
 * Resolves with what now serves BatchMatMul.
 */
export async function useWasmKernels(
  enabled = true,
  options: WasmKernelsOptions = {},
): Promise<WasmKernelsState> {
  stock ??= tf.getKernel(NAME, BACKEND);
  if (!stock) throw new Error('wasm-kernels: import @tensorflow/tfjs-backend-wasm first');
  const wanted = {
    relaxedSimd: options.relaxedSimd !== false,
    copy: options.copy === true,
    threads: options.threads,
    fusedAttention: options.fusedAttention !== false,
  };
  const backend = tf.findBackend(BACKEND) as BackendWasm | undefined;
  const changed =
    !modules ||
    wanted.relaxedSimd !== settings.relaxedSimd ||
    wanted.copy !== settings.copy ||
    wanted.threads !== settings.threads;
  if (enabled && changed) {
    // An instance made with earlier settings goes, with its scratch and threads.
    release(backend);
    if (!modules || wanted.relaxedSimd !== settings.relaxedSimd) {
      const [imported, shared, copying] = await Promise.all([
        compileInHeapKernels({ relaxedSimd: wanted.relaxedSimd }),
        compileInHeapKernels({ relaxedSimd: wanted.relaxedSimd, shared: true }),
        MatMul.create({ relaxedSimd: wanted.relaxedSimd }),
      ]);
      modules = { imported, shared, copying };
    }
    settings = wanted;
  }
  settings.fusedAttention = wanted.fusedAttention;
  if (enabled && backend) await prepareThreads(backend);
  const on = enabled && modules?.copying !== undefined;
  if (on !== active) {
    for (const [name, kernel] of Object.entries(VIEW_KERNELS)) {
      const own = stockViews.get(name) ?? tf.getKernel(name, BACKEND);
      if (!own) continue;
      stockViews.set(name, own);
      tf.unregisterKernel(name, BACKEND);
      tf.registerKernel(on ? { ...own, kernelFunc: kernel(own) } : own);
    }
    tf.unregisterKernel(NAME, BACKEND);
    tf.registerKernel(
      on
        ? {
            kernelName: NAME,
            backendName: BACKEND,
            // tfjs's own kernel is set up whenever the backend starts, so switching back works.
            setupFunc: stock.setupFunc,
            kernelFunc: batchMatMul as unknown as tf.KernelFunc,
          }
        : stock,
    );
    active = on;
  }
  // The fused attention runs only in tfjs's heap: where that is out of reach, models keep their
  // unfused attention.
  const inTfjsHeap = backend !== undefined && inHeapFor(backend) !== null;
  registerAttention(on && settings.fusedAttention && inTfjsHeap);
  // GELU in one pass each way, wherever the kernels run in tfjs's heap.
  registerGelu(on && inTfjsHeap);
  // Bias rows, column sums and patch tokens likewise.
  registerLayout(on && inTfjsHeap);
  // Layer normalisation in one pass each way, likewise.
  registerLayerNorm(
    on && inTfjsHeap,
    (heapOf, ...inputs) => attentionHeap(heapOf, ...inputs).kernels as unknown as LayerNormExports,
  );
  // Adam's update of a variable in one pass, likewise.
  registerAdam(
    on && inTfjsHeap,
    (heapOf, ...inputs) => attentionHeap(heapOf, ...inputs).kernels as unknown as AdamExports,
  );
  // The 1D convolution and its gradients as products (one thread), likewise.
  registerConv1d(on && inTfjsHeap, (heapOf, ...inputs) => {
    const heap = attentionHeap(heapOf, ...inputs);
    return {
      kernels: heap.kernels as unknown as Conv1dExports,
      scratch: (floats) => scratchFor(heap, floats)[0],
    };
  });
  // The LSTM recurrence and its backpropagation through time (one thread), likewise.
  registerLstm(on && inTfjsHeap, (heapOf, ...inputs) => {
    const heap = attentionHeap(heapOf, ...inputs);
    return {
      kernels: heap.kernels as unknown as LstmExports,
      scratch: (floats) => scratchFor(heap, floats)[0],
    };
  });
  return wasmKernelsState();
}

/** Whether our kernels serve the wasm backend's BatchMatMul now, and how. */
export function wasmKernelsState(): WasmKernelsState {
  const backend = tf.findBackend(BACKEND);
  const heap = active && backend ? inHeap.get(backend) : undefined;
  return {
    active,
    // The in-heap and copying builds are chosen by the same support and setting.
    relaxedSimd: active && (modules?.copying?.relaxedSimd ?? false),
    inTfjsHeap: Boolean(heap),
    threads: heap?.pool?.threads ?? 1,
    helperRounds: heap?.pool?.helperRounds ?? 0,
    fusedAttention: fusedActive,
  };
}
