import * as tf from '@tensorflow/tfjs';
import { fusedLstm, fusedLstmAvailable } from '@decoding-attention/wasm-kernels/lstm';

/**
 * The LSTM recurrence over a whole sequence as one op with its own gradient (backpropagation
 * through time on typed arrays).
 *
 * Written with tfjs ops, each time step is a dozen small kernels forward and twice as many
 * backward: at length 400 a two-layer bidirectional LSTM runs some 60,000 kernels per training
 * step, and the per-kernel overhead (not the arithmetic) sets the pace, whatever the batch size.
 * Here the whole loop is one kernel each way: on the wasm backend with
 * @decoding-attention/wasm-kernels, their fused SIMD recurrence (`fusedLstm`); elsewhere, the
 * loops below on typed arrays.
 *
 * `projected` is `x W + b` for every position, `[batch, length, 4 units]`, gates in Keras's order
 * (input, forget, cell, output); `recurrent` is `[units, 4 units]`. Returns the hidden states
 * `[batch, length, units]`, run forward in time or, with `reverse`, backward.
 */
export function lstmRecurrence(
  projected: tf.Tensor3D,
  recurrent: tf.Tensor2D,
  reverse = false,
): tf.Tensor3D {
  if (projected.dtype === 'float32' && fusedLstmAvailable())
    return fusedLstm(projected, recurrent, reverse);
  const run = tf.customGrad((...args: unknown[]) => {
    const [p, r] = args as [tf.Tensor3D, tf.Tensor2D];
    const [batch, length, width] = p.shape;
    const units = width / 4;
    const pv = p.dataSync() as Float32Array;
    const rv = r.dataSync() as Float32Array;
    const { hidden, cells, gates } = forward(pv, rv, batch, length, units, reverse);
    const value = tf.tensor3d(hidden, [batch, length, units]);
    const gradFunc = (dy: tf.Tensor | tf.Tensor[]) => {
      const dyv = (Array.isArray(dy) ? dy[0] : dy).dataSync() as Float32Array;
      const { dProjected, dRecurrent } = backward(dyv, rv, hidden, cells, gates, {
        batch,
        length,
        units,
        reverse,
      });
      return [
        tf.tensor3d(dProjected, [batch, length, width]),
        tf.tensor2d(dRecurrent, [units, width]),
      ];
    };
    return { value, gradFunc };
  });
  return run(projected, recurrent) as tf.Tensor3D;
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Runs the cell over time; keeps the activated gates and cell states for the backward pass. */
function forward(
  projected: Float32Array,
  recurrent: Float32Array,
  batch: number,
  length: number,
  units: number,
  reverse: boolean,
): { hidden: Float32Array; cells: Float32Array; gates: Float32Array } {
  const width = 4 * units;
  const hidden = new Float32Array(batch * length * units);
  const cells = new Float32Array(batch * length * units);
  const gates = new Float32Array(batch * length * width);
  const z = new Float32Array(width);
  for (let b = 0; b < batch; b++) {
    let previous = -1;
    for (let k = 0; k < length; k++) {
      const t = reverse ? length - 1 - k : k;
      const row = b * length + t;
      z.set(projected.subarray(row * width, (row + 1) * width));
      if (previous >= 0) {
        // z += h_{t-1} R
        const h = (b * length + previous) * units;
        for (let j = 0; j < units; j++) {
          const hj = hidden[h + j];
          if (hj === 0) continue;
          const r = j * width;
          for (let n = 0; n < width; n++) z[n] += hj * recurrent[r + n];
        }
      }
      const g = row * width;
      const c = row * units;
      const cPrevious = previous >= 0 ? (b * length + previous) * units : -1;
      for (let n = 0; n < units; n++) {
        const input = sigmoid(z[n]);
        const forget = sigmoid(z[units + n]);
        const candidate = Math.tanh(z[2 * units + n]);
        const output = sigmoid(z[3 * units + n]);
        gates[g + n] = input;
        gates[g + units + n] = forget;
        gates[g + 2 * units + n] = candidate;
        gates[g + 3 * units + n] = output;
        const cell = (cPrevious >= 0 ? forget * cells[cPrevious + n] : 0) + input * candidate;
        cells[c + n] = cell;
        hidden[c + n] = output * Math.tanh(cell);
      }
      previous = t;
    }
  }
  return { hidden, cells, gates };
}

/** Backpropagation through time: gradients of the projected inputs and of the recurrent kernel. */
function backward(
  dy: Float32Array,
  recurrent: Float32Array,
  hidden: Float32Array,
  cells: Float32Array,
  gates: Float32Array,
  shape: { batch: number; length: number; units: number; reverse: boolean },
): { dProjected: Float32Array; dRecurrent: Float32Array } {
  const { batch, length, units, reverse } = shape;
  const width = 4 * units;
  const dProjected = new Float32Array(batch * length * width);
  // Accumulated in doubles: hundreds of steps add into every entry.
  const dRecurrent = new Float64Array(units * width);
  const dh = new Float64Array(units);
  const dc = new Float64Array(units);
  const dz = new Float64Array(width);
  for (let b = 0; b < batch; b++) {
    dh.fill(0);
    dc.fill(0);
    // From the last step processed back to the first.
    for (let k = length - 1; k >= 0; k--) {
      const t = reverse ? length - 1 - k : k;
      const previous = k > 0 ? (reverse ? t + 1 : t - 1) : -1;
      const row = b * length + t;
      const g = row * width;
      const c = row * units;
      const cPrevious = previous >= 0 ? (b * length + previous) * units : -1;
      for (let n = 0; n < units; n++) {
        const input = gates[g + n];
        const forget = gates[g + units + n];
        const candidate = gates[g + 2 * units + n];
        const output = gates[g + 3 * units + n];
        const tanhCell = Math.tanh(cells[c + n]);
        const dHidden = dh[n] + dy[c + n];
        const dCell = dc[n] + dHidden * output * (1 - tanhCell * tanhCell);
        const cellBefore = cPrevious >= 0 ? cells[cPrevious + n] : 0;
        dz[n] = dCell * candidate * input * (1 - input);
        dz[units + n] = dCell * cellBefore * forget * (1 - forget);
        dz[2 * units + n] = dCell * input * (1 - candidate * candidate);
        dz[3 * units + n] = dHidden * tanhCell * output * (1 - output);
        dc[n] = dCell * forget;
      }
      for (let n = 0; n < width; n++) dProjected[g + n] = dz[n];
      dh.fill(0);
      if (previous < 0) continue;
      const h = (b * length + previous) * units;
      for (let j = 0; j < units; j++) {
        // dR[j, :] += h_{t-1}[j] dz ; dh_{t-1}[j] = dz . R[j, :]
        const hj = hidden[h + j];
        const r = j * width;
        let sum = 0;
        for (let n = 0; n < width; n++) {
          dRecurrent[r + n] += hj * dz[n];
          sum += dz[n] * recurrent[r + n];
        }
        dh[j] = sum;
      }
    }
  }
  return { dProjected, dRecurrent: Float32Array.from(dRecurrent) };
}
