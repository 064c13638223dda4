import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { FUSED_LSTM, FUSED_LSTM_GRAD, type LstmAttrs } from './lstm-op.js';

/** The LSTM kernels' WebAssembly exports (assembly/lstm.ts); heap byte offsets throughout. */
export interface LstmExports {
  lstmScratchFloats(units: number, length: number): number;
  lstmForward(
    projected: number,
    recurrent: number,
    hidden: number,
    cells: number,
    gates: number,
    batch: number,
    length: number,
    units: number,
    reverse: number,
    scratch: number,
  ): void;
  lstmBackward(
    dy: number,
    recurrent: number,
    hidden: number,
    cells: number,
    gates: number,
    dProjected: number,
    dRecurrent: number,
    batch: number,
    length: number,
    units: number,
    reverse: number,
    scratch: number,
  ): void;
}

/** The kernels in a backend's heap, and scratch there (a 16-byte aligned heap byte offset). */
export interface LstmHeap {
  kernels: LstmExports;
  scratch(floats: number): number;
}

/** Finds the kernels in the backend's heap, checking the inputs are float32 (throws otherwise). */
export type LstmHeapFor = (backend: BackendWasm, ...inputs: tf.TensorInfo[]) => LstmHeap;

const offset = (backend: BackendWasm, info: tf.TensorInfo) =>
  backend.typedArrayFromHeap(info).byteOffset;

function kernelFuncs(heapFor: LstmHeapFor): Record<string, tf.KernelFunc> {
  const forward = (args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] => {
    const { projected, recurrent } = args.inputs as Record<string, tf.TensorInfo>;
    const { reverse } = args.attrs as unknown as LstmAttrs;
    const backend = args.backend as BackendWasm;
    const heap = heapFor(backend, projected, recurrent);
    const [batch, length, width] = projected.shape;
    const units = width / 4;
    const hidden = backend.makeOutput([batch, length, units], 'float32');
    const cells = backend.makeOutput([batch, length, units], 'float32');
    const gates = backend.makeOutput([batch, length, width], 'float32');
    if (batch * length * units === 0) return [hidden, cells, gates];
    // Scratch first: offsets are taken after every allocation (malloc may grow the heap).
    const scratch = heap.scratch(heap.kernels.lstmScratchFloats(units, length));
    const [pp, pr, ph, pc, pg] = [projected, recurrent, hidden, cells, gates].map((info) =>
      offset(backend, info),
    );
    heap.kernels.lstmForward(pp, pr, ph, pc, pg, batch, length, units, reverse ? 1 : 0, scratch);
    return [hidden, cells, gates];
  };

  const backward = (args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo[] => {
    const { dy, recurrent, hidden, cells, gates } = args.inputs as Record<string, tf.TensorInfo>;
    const { reverse } = args.attrs as unknown as LstmAttrs;
    const backend = args.backend as BackendWasm;
    const heap = heapFor(backend, dy, recurrent, hidden, cells, gates);
    const [batch, length, width] = gates.shape;
    const units = width / 4;
    const dProjected = backend.makeOutput(gates.shape, 'float32');
    const dRecurrent = backend.makeOutput(recurrent.shape, 'float32');
    if (batch * length * units === 0) {
      for (const grad of [dProjected, dRecurrent]) backend.typedArrayFromHeap(grad).fill(0);
      return [dProjected, dRecurrent];
    }
    const scratch = heap.scratch(heap.kernels.lstmScratchFloats(units, length));
    const [pdy, pr, ph, pc, pg, pdp, pdr] = [
      dy,
      recurrent,
      hidden,
      cells,
      gates,
      dProjected,
      dRecurrent,
    ].map((info) => offset(backend, info));
    heap.kernels.lstmBackward(
      pdy,
      pr,
      ph,
      pc,
      pg,
      pdp,
      pdr,
      batch,
      length,
      units,
      reverse ? 1 : 0,
      scratch,
    );
    return [dProjected, dRecurrent];
  };

  return {
    [FUSED_LSTM]: forward as unknown as tf.KernelFunc,
    [FUSED_LSTM_GRAD]: backward as unknown as tf.KernelFunc,
  };
}

let registered = false;

/**
 * Registers (or unregisters) the LSTM kernels for the wasm backend, running in its heap as
 * `heapFor` finds them.
 */
export function registerLstm(on: boolean, heapFor: LstmHeapFor): void {
  if (on === registered) return;
  for (const [kernelName, kernelFunc] of Object.entries(kernelFuncs(heapFor))) {
    if (on) tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc });
    else tf.unregisterKernel(kernelName, 'wasm');
  }
  registered = on;
}
