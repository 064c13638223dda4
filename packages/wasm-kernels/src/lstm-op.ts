/**
 * The LSTM recurrence as one tfjs op, `fusedLstm(projected, recurrent, reverse?)`, with its
 * gradient (backpropagation through time) as one more. This entry needs only tfjs:
 * `useWasmKernels` registers the kernels for the wasm backend, and models ask
 * `fusedLstmAvailable()` before using it.
 */
import * as tf from '@tensorflow/tfjs';

/** Kernel names: the recurrence and its backward pass. */
export const FUSED_LSTM = 'DALstm';
export const FUSED_LSTM_GRAD = 'DALstmGrad';

/** The attributes of both kernels. */
export interface LstmAttrs {
  /** Run from the last position to the first. */
  reverse: boolean;
}

let gradientRegistered = false;

function registerGradient(): void {
  if (gradientRegistered) return;
  gradientRegistered = true;
  tf.registerGradient({
    kernelName: FUSED_LSTM,
    inputsToSave: ['recurrent'],
    // The hidden states, cell states and activated gates: what backpropagation through time reads.
    outputsToSave: [true, true, true],
    gradFunc: (dy, saved, attrs) => {
      const [dh] = dy as tf.Tensor[];
      const [recurrent, hidden, cells, gates] = saved;
      const [dProjected, dRecurrent] = tf
        .engine()
        .runKernel(
          FUSED_LSTM_GRAD,
          { dy: dh, recurrent, hidden, cells, gates },
          attrs as tf.NamedAttrMap,
        ) as tf.Tensor[];
      return { projected: () => dProjected, recurrent: () => dRecurrent };
    },
  });
}

/** Whether the active backend has the fused LSTM kernels (wasm, with useWasmKernels on). */
export function fusedLstmAvailable(): boolean {
  const backend = tf.engine().backendName;
  return Boolean(backend) && tf.getKernel(FUSED_LSTM, backend) !== undefined;
}

/**
 * The LSTM recurrence over whole sequences, from zero states: `projected` is `x W + b` at every
 * position, `[batch, length, 4 units]` with the gates in Keras's order (input, forget, cell,
 * output), `recurrent` the recurrent kernel `[units, 4 units]`. Returns the hidden states
 * `[batch, length, units]`, run forward in time or, with `reverse`, from the last position to
 * the first (each output at its own position). Each time step is one product of all four gates
 * and one pass over the cell; differentiable in both inputs. Needs `fusedLstmAvailable()`.
 */
export function fusedLstm(
  projected: tf.Tensor3D,
  recurrent: tf.Tensor2D,
  reverse = false,
): tf.Tensor3D {
  const [, , width] = projected.shape;
  const units = width / 4;
  if (
    projected.rank !== 3 ||
    recurrent.rank !== 2 ||
    !Number.isInteger(units) ||
    recurrent.shape[0] !== units ||
    recurrent.shape[1] !== width
  )
    throw new RangeError(
      `fusedLstm: projected must be [batch, length, 4 units] and recurrent [units, 4 units], got [${projected.shape}] and [${recurrent.shape}]`,
    );
  registerGradient();
  const attrs: LstmAttrs = { reverse };
  const [hidden, cells, gates] = tf
    .engine()
    .runKernel(
      FUSED_LSTM,
      { projected, recurrent },
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Tensor[];
  // A gradient tape keeps its own references to the cell states and gates.
  tf.dispose([cells, gates]);
  return hidden as tf.Tensor3D;
}
