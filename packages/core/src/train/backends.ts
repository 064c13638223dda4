import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

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

/** Switches tfjs to `name`, initialising it if needed; false if it cannot run here. */
export async function useBackend(name: string): Promise<boolean> {
  // Asking tfjs to start wasm where the page's CSP forbids it fills the console with warnings.
  if (name === 'wasm' && !canCompileWasm()) return false;
  if (name === 'wasm' && !wasmPathsSet) {
    setWasmPaths(WASM_FILES);
    wasmPathsSet = true;
  }
  try {
    if (tf.getBackend() === name) return true;
    const switched = await tf.setBackend(name);
    await tf.ready();
    return switched && tf.getBackend() === name;
  } catch {
    return false;
  }
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
