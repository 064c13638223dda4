import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { ADAM_UPDATE } from './adam-op.js';

/** The Adam kernel's WebAssembly export (assembly/adam.ts); heap byte offsets for the tensors. */
export interface AdamExports {
  adamUpdate(
    value: number,
    m: number,
    v: number,
    g: number,
    valueOut: number,
    mOut: number,
    vOut: number,
    n: number,
    b1: number,
    c1: number,
    b2: number,
    c2: number,
    d1: number,
    d2: number,
    epsilon: number,
    step: number,
  ): void;
}

/** Finds the kernels in the backend's heap, checking the inputs are float32 (throws otherwise). */
export type AdamKernelsFor = (backend: BackendWasm, ...inputs: tf.TensorInfo[]) => AdamExports;

type Scalars = Record<'b1' | 'c1' | 'b2' | 'c2' | 'd1' | 'd2' | 'epsilon' | 'step', number>;

function adamKernel(kernelsFor: AdamKernelsFor) {
  return (args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] => {
    const { value, m, v, g } = args.inputs as Record<string, tf.TensorInfo>;
    const a = args.attrs as unknown as Scalars;
    const backend = args.backend as BackendWasm;
    const kernels = kernelsFor(backend, value, m, v, g);
    const outputs = [value, m, v].map((t) => backend.makeOutput(t.shape, 'float32'));
    const n = value.shape.reduce((p, d) => p * d, 1);
    if (n > 0) {
      // Offsets after every allocation (makeOutput may grow the heap).
      const [pv, pm, ps, pg, ov, om, os] = [value, m, v, g, ...outputs].map(
        (t) => backend.typedArrayFromHeap(t).byteOffset,
      );
      kernels.adamUpdate(
        pv,
        pm,
        ps,
        pg,
        ov,
        om,
        os,
        n,
        a.b1,
        a.c1,
        a.b2,
        a.c2,
        a.d1,
        a.d2,
        a.epsilon,
        a.step,
      );
    }
    return outputs;
  };
}

let registered = false;

/** Registers (or unregisters) the Adam kernel for the wasm backend. */
export function registerAdam(on: boolean, kernelsFor: AdamKernelsFor): void {
  if (on === registered) return;
  if (on)
    tf.registerKernel({
      kernelName: ADAM_UPDATE,
      backendName: 'wasm',
      kernelFunc: adamKernel(kernelsFor) as unknown as tf.KernelFunc,
    });
  else tf.unregisterKernel(ADAM_UPDATE, 'wasm');
  registered = on;
}
