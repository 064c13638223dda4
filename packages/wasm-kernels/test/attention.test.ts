import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { expect } from '@open-wc/testing';
import {
  fusedAttention,
  fusedAttentionAvailable,
  useWasmKernels,
  wasmKernelsState,
} from '../src/index.js';
import { referenceAttention, type AttentionCase } from './attention-reference.js';

/** Values in [-scale, scale] that differ from one call to the next. */
const values = (count: number, seed: number, scale = 1) =>
  Float32Array.from({ length: count }, (_, i) => scale * Math.sin(seed * 7.1 + i * 0.731));

/** The largest |x - y| over the largest |y|. */
function worstNormwise(x: ArrayLike<number>, y: ArrayLike<number>): number {
  expect(x.length).to.equal(y.length);
  let largest = 0;
  for (let i = 0; i < y.length; i++) largest = Math.max(largest, Math.abs(y[i]));
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  return worst / (largest || 1);
}

/** A causal mask, additive, as the attention layers make it: 0 where seen, -1e9 where not. */
function causal(lq: number, lk: number): Float32Array {
  return Float32Array.from({ length: lq * lk }, (_, i) =>
    i % lk <= Math.floor(i / lk) ? 0 : -1e9,
  );
}

// [leading dimensions, Lq, Lk, D, Dv, masked]: single entries, sizes that are no multiple of
// four, query blocks of 64 with a partial last one, and the attention layers' shapes.
const CASES: Array<[number[], number, number, number, number, boolean]> = [
  [[1], 1, 1, 1, 1, false],
  [[2], 5, 7, 3, 2, false],
  [[2], 5, 7, 3, 2, true],
  [[3], 70, 70, 16, 16, true],
  [[1], 130, 50, 8, 5, false],
  [[2, 3], 66, 66, 9, 9, false],
  [[2, 4], 100, 100, 16, 16, true],
];

/** The op's output and its gradients for the loss sum(O * W), on the current backend. */
function opAndGradients(c: AttentionCase) {
  return tf.tidy(() => {
    const q = tf.tensor(c.q, [...c.lead, c.lq, c.d]);
    const k = tf.tensor(c.k, [...c.lead, c.lk, c.d]);
    const v = tf.tensor(c.v, [...c.lead, c.lk, c.dv]);
    const w = tf.tensor(c.w, [...c.lead, c.lq, c.dv]);
    const mask = c.mask ? tf.tensor2d(c.mask, [c.lq, c.lk]) : undefined;
    const f = (a: tf.Tensor, b: tf.Tensor, e: tf.Tensor) =>
      tf.sum(tf.mul(fusedAttention(a, b, e, mask), w));
    const grads = tf.grads(f)([q, k, v]);
    return {
      o: fusedAttention(q, k, v, mask).dataSync() as Float32Array,
      dq: grads[0].dataSync() as Float32Array,
      dk: grads[1].dataSync() as Float32Array,
      dv: grads[2].dataSync() as Float32Array,
    };
  });
}

function makeCase(
  [lead, lq, lk, d, dv, masked]: (typeof CASES)[number],
  seed: number,
): AttentionCase {
  const pairs = lead.reduce((p, x) => p * x, 1);
  return {
    lead,
    lq,
    lk,
    d,
    dv,
    // Scores of a few units, as scaled queries give: the weights are far from uniform.
    q: values(pairs * lq * d, seed, 2),
    k: values(pairs * lk * d, seed + 1),
    v: values(pairs * lk * dv, seed + 2),
    w: values(pairs * lq * dv, seed + 3),
    mask: masked ? causal(lq, lk) : undefined,
  };
}

describe('fusedAttention on the wasm backend', () => {
  before(async () => {
    setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    expect(await tf.setBackend('wasm')).to.equal(true);
  });
  after(async () => {
    await useWasmKernels(false);
    await tf.setBackend('cpu');
  });

  it('computes softmax(q k^T + mask) v and its gradients as a float64 reference does', async () => {
    expect(await useWasmKernels(true)).to.include({ active: true, fusedAttention: true });
    expect(fusedAttentionAvailable()).to.equal(true);
    let seed = 1;
    for (const shape of CASES) {
      const c = makeCase(shape, (seed += 10));
      const ours = opAndGradients(c);
      const reference = referenceAttention(c);
      const label = `[${c.lead}] ${c.lq}x${c.lk} d ${c.d} dv ${c.dv}${c.mask ? ' causal' : ''}`;
      for (const name of ['o', 'dq', 'dk', 'dv'] as const)
        expect(worstNormwise(ours[name], reference[name]), `${label} ${name}`).to.be.below(1e-5);
    }
  });

  it('agrees with a central difference of the loss', async () => {
    await useWasmKernels(true);
    const c = makeCase([[1], 6, 9, 4, 3, true], 5);
    const ours = opAndGradients(c);
    const loss = (q: Float32Array, k: Float32Array, v: Float32Array) =>
      tf.tidy(() => {
        const mask = tf.tensor2d(c.mask!, [c.lq, c.lk]);
        const o = fusedAttention(
          tf.tensor(q, [1, c.lq, c.d]),
          tf.tensor(k, [1, c.lk, c.d]),
          tf.tensor(v, [1, c.lk, c.dv]),
          mask,
        );
        return tf.sum(tf.mul(o, tf.tensor(c.w, [1, c.lq, c.dv]))).dataSync()[0];
      });
    const h = 1e-2;
    const nudge = (array: Float32Array, index: number, by: number) => {
      const out = array.slice();
      out[index] += by;
      return out;
    };
    for (const index of [0, 7, 23]) {
      const dq =
        (loss(nudge(c.q, index, h), c.k, c.v) - loss(nudge(c.q, index, -h), c.k, c.v)) / (2 * h);
      const dk =
        (loss(c.q, nudge(c.k, index, h), c.v) - loss(c.q, nudge(c.k, index, -h), c.v)) / (2 * h);
      expect(ours.dq[index], `dq[${index}]`).to.be.closeTo(dq, 2e-3);
      expect(ours.dk[index], `dk[${index}]`).to.be.closeTo(dk, 2e-3);
    }
    for (const index of [0, 10, 26]) {
      const dv =
        (loss(c.q, c.k, nudge(c.v, index, h)) - loss(c.q, c.k, nudge(c.v, index, -h))) / (2 * h);
      expect(ours.dv[index], `dv[${index}]`).to.be.closeTo(dv, 2e-3);
    }
  });

  it('matches tfjs softmax exactly where every key is masked: equal weights', async () => {
    await useWasmKernels(true);
    const mask = new Float32Array(2 * 3).fill(-1e9);
    mask.set([0, 0, 0], 0);
    const out = tf.tidy(() =>
      fusedAttention(
        tf.tensor3d([1, 2, 3, 4], [1, 2, 2]),
        tf.tensor3d([1, 0, 0, 1, 1, 1], [1, 3, 2]),
        tf.tensor3d([3, 6, 9], [1, 3, 1]),
        tf.tensor2d(mask, [2, 3]),
      ).dataSync(),
    );
    // Row 2 sees nothing: softmax of three equal scores, the mean of v.
    expect(out[1]).to.be.closeTo(6, 1e-5);
    // Row 1: weights e^1, e^2, e^3 over their sum, times 3, 6, 9.
    const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
    expect(out[0]).to.be.closeTo((3 * e[0] + 6 * e[1] + 9 * e[2]) / (e[0] + e[1] + e[2]), 1e-4);
  });

  it('leaves no tensor behind, forward or backward', async () => {
    await useWasmKernels(true);
    const c = makeCase([[2], 20, 20, 4, 4, true], 9);
    opAndGradients(c);
    const before = tf.memory().numTensors;
    opAndGradients(c);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('names shapes that do not fit', async () => {
    await useWasmKernels(true);
    const q = tf.zeros([2, 3, 4]);
    expect(() => fusedAttention(q, tf.zeros([2, 5, 3]), tf.zeros([2, 5, 4]))).to.throw(
      /k must be \[\.\.\., Lk, 4\]/,
    );
    expect(() => fusedAttention(q, tf.zeros([1, 5, 4]), tf.zeros([1, 5, 4]))).to.throw(
      /same leading dimensions/,
    );
    expect(() =>
      fusedAttention(q, tf.zeros([2, 5, 4]), tf.zeros([2, 5, 4]), tf.zeros([5, 3])),
    ).to.throw(/mask must be \[3, 5\]/);
    q.dispose();
  });

  it('can be declined or switched off, and then is not offered', async () => {
    expect(await useWasmKernels(true, { fusedAttention: false })).to.include({
      active: true,
      fusedAttention: false,
    });
    expect(fusedAttentionAvailable()).to.equal(false);
    expect((await useWasmKernels(true)).fusedAttention).to.equal(true);
    expect(fusedAttentionAvailable()).to.equal(true);
    await useWasmKernels(false);
    expect(wasmKernelsState().fusedAttention).to.equal(false);
    expect(fusedAttentionAvailable()).to.equal(false);
    // Copies in memory of its own cannot hold the op's operands: not offered either.
    expect((await useWasmKernels(true, { copy: true })).fusedAttention).to.equal(false);
    await useWasmKernels(true);
  });
});
