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
  const attrs = { reverse } satisfies LstmAttrs as unknown as tf.NamedAttrMap;
  // A custom gradient rather than a registered one: the op's only output is the hidden states.
  // Were the cell states and gates outputs of the op too, tfjs would fill a zero gradient for
  // each (both unused downstream) in JavaScript and copy it into the heap, every step: about two
  // fifths of an LSTM training step. They are saved for the backward pass instead.
  const run = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [p, r, save] = args as [tf.Tensor3D, tf.Tensor2D, tf.GradSaveFunc];
    const [hidden, cells, gates] = tf
      .engine()
      .runKernel(FUSED_LSTM, { projected: p, recurrent: r }, attrs) as tf.Tensor[];
    // What backpropagation through time reads: the hidden states, cell states and activated
    // gates (kept only while a gradient is being recorded; otherwise disposed with this scope).
    save([r, hidden, cells, gates]);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [kernel, h, c, g] = saved;
      const dh = Array.isArray(dy) ? dy[0] : dy;
      return tf
        .engine()
        .runKernel(
          FUSED_LSTM_GRAD,
          { dy: dh, recurrent: kernel, hidden: h, cells: c, gates: g },
          attrs,
        ) as tf.Tensor[];
    };
    return { value: hidden, gradFunc };
  });
  return run(projected, recurrent) as tf.Tensor3D;
}
