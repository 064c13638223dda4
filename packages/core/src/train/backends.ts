import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { useWasmKernels, wasmKernelsState } from '@decoding-attention/wasm-kernels';

/**
 * The wasm backend's binaries, shipped in this package's dist/wasm (copied there by the build)
 * and found relative to this module, so nothing is fetched from a CDN. The literal URLs let
 * bundlers see and emit the files.
 */
const WASM_FILES = {
  'tfjs-backend-wasm.wasm': new URL('../../dist/wasm/tfjs-backend-wasm.wasm', import.meta.url).href,
  'tfjs-backend-wasm-simd.wasm': new URL(
    '../../dist/wasm/tfjs-backend-wasm-simd.wasm',
    import.meta.url,
  ).href,
  'tfjs-backend-wasm-threaded-simd.wasm': new URL(
    '../../dist/wasm/tfjs-backend-wasm-threaded-simd.wasm',
    import.meta.url,
  ).href,
};

let wasmPathsSet = false;

/**
 * Switches tfjs to `name`, initialising it if needed; false if it cannot run here. On wasm, our
 * SIMD kernels serve the matrix multiplies unless `wasmKernels` is false (with the fused attention
 * op unless `fusedAttention` is false), and where the page is
 * cross-origin isolated, tfjs's threaded build and our kernels use `threads` threads (settled when
 * the wasm backend first starts: 1 keeps its single-threaded build).
 */
export async function useBackend(
  name: string,
  options: { wasmKernels?: boolean; fusedAttention?: boolean; threads?: number } = {},
): Promise<boolean> {
  const { wasmKernels = true, fusedAttention = true, threads } = options;
  // Asking tfjs to start wasm where the page's CSP forbids it fills the console with warnings.
  if (name === 'wasm' && !canCompileWasm()) return false;
  if (name === 'wasm' && !wasmPathsSet) {
    setWasmPaths(WASM_FILES);
    wasmPathsSet = true;
    if (threads === 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    else if (threads !== undefined) setThreadsCount(threads);
  }
  try {
    if (tf.getBackend() !== name) {
      const switched = await tf.setBackend(name);
      await tf.ready();
      if (!switched || tf.getBackend() !== name) return false;
    }
    if (name === 'wasm') await useWasmKernels(wasmKernels, { threads, fusedAttention });
    return true;
  } catch {
    return false;
  }
}

/** Threads the current backend's matrix multiplies are split between. */
export function threadsInUse(): number {
  if (tf.getBackend() !== 'wasm') return 1;
  if (wasmKernelsState().active) return wasmKernelsState().threads;
  try {
    return getThreadsCount();
  } catch {
    return 1;
  }
}

/** Whether our wasm kernels serve the current backend's matrix multiplies. */
export function wasmKernelsActive(): boolean {
  return tf.getBackend() === 'wasm' && wasmKernelsState().active;
}

/**
 * Whether this context may compile WebAssembly: a Content-Security-Policy without
 * 'wasm-unsafe-eval' (or 'unsafe-eval') in script-src forbids it.
 */
export function canCompileWasm(): boolean {
  try {
    // The smallest module there is: the magic number and version 1.
    new WebAssembly.Module(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
    return true;
  } catch {
    return false;
  }
}

/**
 * The backends worth measuring here: wasm where WebAssembly may be compiled, cpu always, webgl
 * where a WebGL context can be made.
 */
export async function availableBackends(): Promise<string[]> {
  const names = canCompileWasm() ? ['wasm', 'cpu'] : ['cpu'];
  if (hasWebGL()) names.splice(1, 0, 'webgl');
  return names;
}

function hasWebGL(): boolean {
  try {
    const canvas =
      typeof OffscreenCanvas !== 'undefined'
        ? new OffscreenCanvas(1, 1)
        : document.createElement('canvas');
    return Boolean(canvas.getContext('webgl2') ?? canvas.getContext('webgl'));
  } catch {
    return false;
  }
}
