import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { expect } from '@open-wc/testing';
import { fusedLstm, fusedLstmAvailable, useWasmKernels } from '../src/index.js';

/** A seeded uniform draw in [-scale, scale). */
function draws(count: number, seed: number, scale = 1): Float32Array {
  let state = seed >>> 0 || 1;
  return Float32Array.from({ length: count }, () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return ((state >>> 0) / 2 ** 32 - 0.5) * 2 * scale;
  });
}

interface Case {
  batch: number;
  length: number;
  features: number;
  units: number;
  reverse: boolean;
}

interface Results {
  out: Float32Array;
  dx: Float32Array;
  dKernel: Float32Array;
  dRecurrent: Float32Array;
  dBias: Float32Array;
}

/** Inputs, weights and the loss's weights of a case, drawn from its seed. */
function operands({ batch, length, features, units }: Case, seed: number) {
  return {
    x: draws(batch * length * features, seed, 1.5),
    kernel: draws(features * 4 * units, seed + 1, 0.6),
    recurrent: draws(units * 4 * units, seed + 2, 0.6),
    bias: draws(4 * units, seed + 3, 0.5),
    weights: draws(batch * length * units, seed + 4, 1),
  };
}

/**
 * tfjs's own LSTM layer (sigmoid gates, tanh), run as a layer: its outputs in position order
 * (a layer going backwards returns them last position first) and the gradients of
 * sum(out * weights) with respect to x and every weight.
 */
function tfjsLstm(c: Case, seed: number): Results {
  const o = operands(c, seed);
  const { batch, length, features, units, reverse } = c;
  const layer = tf.layers.lstm({
    units,
    returnSequences: true,
    goBackwards: reverse,
    recurrentActivation: 'sigmoid',
    inputShape: [length, features],
  });
  const x = tf.variable(tf.tensor3d(o.x, [batch, length, features]));
  // Built by its first call, then given the case's weights.
  tf.tidy(() => {
    layer.apply(x);
  });
  layer.setWeights([
    tf.tensor2d(o.kernel, [features, 4 * units]),
    tf.tensor2d(o.recurrent, [units, 4 * units]),
    tf.tensor1d(o.bias),
  ]);
  const weights = tf.tensor3d(o.weights, [batch, length, units]);
  const inOrder = (t: tf.Tensor) => (reverse ? tf.reverse(t, 1) : t);
  const out = tf.tidy(() => inOrder(layer.apply(x) as tf.Tensor).dataSync() as Float32Array);
  const { grads, value } = tf.variableGrads(
    () => tf.sum(tf.mul(inOrder(layer.apply(x) as tf.Tensor), weights)) as tf.Scalar,
    [x, ...layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val)],
  );
  const [kernelName, recurrentName, biasName] = layer.trainableWeights.map(
    (w) => (w as unknown as { val: tf.Variable }).val.name,
  );
  const read = (name: string) => grads[name].dataSync() as Float32Array;
  const results = {
    out,
    dx: read(x.name),
    dKernel: read(kernelName),
    dRecurrent: read(recurrentName),
    dBias: read(biasName),
  };
  tf.dispose([value, ...Object.values(grads), x, weights]);
  layer.dispose();
  return results;
}

/** The same layer through fusedLstm: projected = x W + b, then the fused recurrence. */
function fused(c: Case, seed: number): Results {
  const o = operands(c, seed);
  const { batch, length, features, units, reverse } = c;
  const x = tf.tensor3d(o.x, [batch, length, features]);
  const kernel = tf.tensor2d(o.kernel, [features, 4 * units]);
  const recurrent = tf.tensor2d(o.recurrent, [units, 4 * units]);
  const bias = tf.tensor1d(o.bias);
  const weights = tf.tensor3d(o.weights, [batch, length, units]);
  const run = (xs: tf.Tensor, k: tf.Tensor, r: tf.Tensor, b: tf.Tensor) => {
    const projected = tf.reshape(
      tf.add(tf.matMul(tf.reshape(xs, [batch * length, features]), k), b),
      [batch, length, 4 * units],
    ) as tf.Tensor3D;
    return fusedLstm(projected, r as tf.Tensor2D, reverse);
  };
  const out = tf.tidy(() => run(x, kernel, recurrent, bias).dataSync() as Float32Array);
  const grads = tf.grads((xs, k, r, b) => tf.sum(tf.mul(run(xs, k, r, b), weights)))([
    x,
    kernel,
    recurrent,
    bias,
  ]);
  const [dx, dKernel, dRecurrent, dBias] = grads.map((g) => g.dataSync() as Float32Array);
  tf.dispose([...grads, x, kernel, recurrent, bias, weights]);
  return { out, dx, dKernel, dRecurrent, dBias };
}

/** The largest |a - b| / max(1, |b|). */
function worst(a: Float32Array, b: Float32Array): number {
  expect(a.length).to.equal(b.length);
  let most = 0;
  for (let i = 0; i < a.length; i++)
    most = Math.max(most, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return most;
}

/** The recurrence in doubles, for finite differences: sum(h * weights) from P and R. */
function lossInDoubles(
  p: Float64Array,
  r: Float64Array,
  weights: Float32Array,
  batch: number,
  length: number,
  units: number,
  reverse: boolean,
): number {
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  const w = 4 * units;
  let loss = 0;
  for (let b = 0; b < batch; b++) {
    let h = new Float64Array(units);
    const c = new Float64Array(units);
    for (let k = 0; k < length; k++) {
      const t = reverse ? length - 1 - k : k;
      const z = p.slice((b * length + t) * w, (b * length + t + 1) * w);
      for (let j = 0; j < units; j++) for (let n = 0; n < w; n++) z[n] += h[j] * r[j * w + n];
      const next = new Float64Array(units);
      for (let n = 0; n < units; n++) {
        c[n] = sigmoid(z[units + n]) * c[n] + sigmoid(z[n]) * Math.tanh(z[2 * units + n]);
        next[n] = sigmoid(z[3 * units + n]) * Math.tanh(c[n]);
        loss += next[n] * weights[(b * length + t) * units + n];
      }
      h = next;
    }
  }
  return loss;
}

describe('fusedLstm on the wasm backend', () => {
  before(async () => {
    setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    expect(await tf.setBackend('wasm')).to.equal(true);
  });
  after(async () => {
    await useWasmKernels(false);
    await tf.setBackend('cpu');
  });

  const cases: Case[] = [
    // A partial group of batch rows (5 = 4 + 1) and units that are not a multiple of four.
    { batch: 5, length: 7, features: 3, units: 6, reverse: false },
    { batch: 5, length: 7, features: 3, units: 6, reverse: true },
    { batch: 4, length: 9, features: 2, units: 8, reverse: false },
    { batch: 3, length: 6, features: 4, units: 13, reverse: true },
    { batch: 2, length: 2, features: 3, units: 4, reverse: false },
  ];
  for (const [index, c] of cases.entries()) {
    it(`matches tfjs's LSTM layer to 1e-4, outputs and every gradient (batch ${c.batch}, length ${c.length}, ${c.units} units${c.reverse ? ', backwards' : ''})`, async () => {
      // tfjs's layer on tfjs-wasm's own kernels, then ours.
      await useWasmKernels(false);
      const expected = tfjsLstm(c, 10 * index + 1);
      await useWasmKernels(true);
      expect(fusedLstmAvailable()).to.equal(true);
      const got = fused(c, 10 * index + 1);
      for (const key of ['out', 'dx', 'dKernel', 'dRecurrent', 'dBias'] as const) {
        expect(worst(got[key], expected[key]), key).to.be.below(1e-4);
        // Not a comparison of zeros: every quantity carries signal.
        expect(Math.max(...got[key].map(Math.abs)), key).to.be.above(0.01);
      }
    });
  }

  // A single step too: no step before it, so no recurrent product at all.
  for (const [reverse, [batch, length, units]] of [
    [false, [2, 5, 3]],
    [true, [2, 5, 3]],
    [false, [1, 1, 5]],
  ] as const)
    it(`has the gradients of central differences in doubles (batch ${batch}, length ${length}, ${units} units${reverse ? ', backwards' : ''})`, async () => {
      await useWasmKernels(true);
      const w = 4 * units;
      const p = draws(batch * length * w, 71, 1.5);
      const r = draws(units * w, 72, 0.8);
      const weights = draws(batch * length * units, 73);
      const pt = tf.tensor3d(p, [batch, length, w]);
      const rt = tf.tensor2d(r, [units, w]);
      const wt = tf.tensor3d(weights, [batch, length, units]);
      const [dp, dr] = tf
        .grads((a, b) =>
          tf.sum(tf.mul(fusedLstm(a as tf.Tensor3D, b as tf.Tensor2D, reverse), wt)),
        )([pt, rt])
        .map((g) => g.dataSync() as Float32Array);
      const numeric = (values: Float32Array, which: 'p' | 'r') =>
        Float32Array.from(values, (_, i) => {
          const loss = (step: number) => {
            const pp = Float64Array.from(p);
            const rr = Float64Array.from(r);
            (which === 'p' ? pp : rr)[i] += step;
            return lossInDoubles(pp, rr, weights, batch, length, units, reverse);
          };
          return (loss(1e-6) - loss(-1e-6)) / 2e-6;
        });
      expect(worst(dp, numeric(p, 'p'))).to.be.below(1e-4);
      expect(worst(dr, numeric(r, 'r'))).to.be.below(1e-4);
      tf.dispose([pt, rt, wt]);
    });

  it('keeps nothing past its output or its gradient, and is not offered when the kernels are off', async () => {
    await useWasmKernels(true);
    const p = tf.randomNormal([3, 10, 16], 0, 1, 'float32', 5) as tf.Tensor3D;
    const r = tf.randomNormal([4, 16], 0, 0.5, 'float32', 6) as tf.Tensor2D;
    const before = tf.memory().numTensors;
    // Without a gradient recorded, the cell states and gates it made go with it.
    const hidden = fusedLstm(p, r);
    expect(tf.memory().numTensors).to.equal(before + 1);
    hidden.dispose();
    const grads = tf.grads((a, b) => tf.sum(fusedLstm(a as tf.Tensor3D, b as tf.Tensor2D)))([p, r]);
    expect(tf.memory().numTensors).to.equal(before + 2);
    tf.dispose([...grads, p, r]);
    await useWasmKernels(false);
    expect(fusedLstmAvailable()).to.equal(false);
  });
});
