import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { LAYER_NORM, LAYER_NORM_GRAD } from './layernorm-op.js';

/** The layer norm kernels' WebAssembly exports (assembly/layernorm.ts); heap byte offsets throughout. */
export interface LayerNormExports {
  layerNormForward(
    x: number,
    gamma: number,
    beta: number,
    y: number,
    stats: number,
    rows: number,
    cols: number,
    epsilon: number,
  ): void;
  layerNormBackward(
    x: number,
    gamma: number,
    stats: number,
    dy: number,
    dx: number,
    dgamma: number,
    dbeta: number,
    rows: number,
    cols: number,
  ): void;
}

/** Finds the kernels in the backend's heap, checking the inputs are float32 (throws otherwise). */
export type LayerNormKernelsFor = (
  backend: BackendWasm,
  ...inputs: tf.TensorInfo[]
) => LayerNormExports;

const offset = (backend: BackendWasm, info: tf.TensorInfo) =>
  backend.typedArrayFromHeap(info).byteOffset;

/** Rows and features of x [..., features]. */
function sizes(x: tf.TensorInfo) {
  const cols = x.shape[x.shape.length - 1] ?? 0;
  const rows = cols > 0 ? x.shape.reduce((p, d) => p * d, 1) / cols : 0;
  return { rows, cols };
}

function kernelFuncs(kernelsFor: LayerNormKernelsFor): Record<string, tf.KernelFunc> {
  const forward = (args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] => {
    const { x, gamma, beta } = args.inputs as Record<string, tf.TensorInfo>;
    const { epsilon } = args.attrs as { epsilon: number };
    const backend = args.backend as BackendWasm;
    const kernels = kernelsFor(backend, x, gamma, beta);
    const { rows, cols } = sizes(x);
    const y = backend.makeOutput(x.shape, 'float32');
    const stats = backend.makeOutput([...x.shape.slice(0, -1), 2], 'float32');
    if (rows > 0) {
      // Offsets after every allocation (makeOutput may grow the heap).
      const [px, pg, pb, py, ps] = [x, gamma, beta, y, stats].map((t) => offset(backend, t));
      kernels.layerNormForward(px, pg, pb, py, ps, rows, cols, epsilon);
    }
    return [y, stats];
  };
  const backward = (args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] => {
    const { x, gamma, stats, dy } = args.inputs as Record<string, tf.TensorInfo>;
    const backend = args.backend as BackendWasm;
    const kernels = kernelsFor(backend, x, gamma, stats, dy);
    const { rows, cols } = sizes(x);
    const dx = backend.makeOutput(x.shape, 'float32');
    const dGamma = backend.makeOutput([cols], 'float32');
    const dBeta = backend.makeOutput([cols], 'float32');
    if (rows > 0) {
      const pointers = [x, gamma, stats, dy, dx, dGamma, dBeta].map((t) => offset(backend, t));
      kernels.layerNormBackward(
        pointers[0],
        pointers[1],
        pointers[2],
        pointers[3],
        pointers[4],
        pointers[5],
        pointers[6],
        rows,
        cols,
      );
    } else {
      for (const grad of [dGamma, dBeta]) backend.typedArrayFromHeap(grad).fill(0);
    }
    return [dx, dGamma, dBeta];
  };
  return {
    [LAYER_NORM]: forward as unknown as tf.KernelFunc,
    [LAYER_NORM_GRAD]: backward as unknown as tf.KernelFunc,
  };
}

let registered = false;

/** Registers (or unregisters) the layer norm kernels for the wasm backend. */
export function registerLayerNorm(on: boolean, kernelsFor: LayerNormKernelsFor): void {
  if (on === registered) return;
  for (const [kernelName, kernelFunc] of Object.entries(kernelFuncs(kernelsFor))) {
    if (on) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
    else tf.unregisterKernel(kernelName, 'wasm');
  }
  registered = on;
}
