// Run on a cross-origin isolated page (web-test-runner.isolated.config.js), where tfjs-wasm starts
// its threaded build, whose heap is a shared memory our kernels' helper threads can work in.
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { expect } from '@open-wc/testing';
import { fusedAttention, useWasmKernels, wasmKernelsState } from '../../src/index.js';
import { referenceAttention } from '../attention-reference.js';

/** Values in [-1, 1] that differ from one call to the next. */
const values = (count: number, seed: number) =>
  Float32Array.from({ length: count }, (_, i) => Math.sin(seed * 7.1 + i * 0.731));

interface Result {
  values: Float32Array;
  /** A gradient: two chained products, where single entries cancel, so compared normwise. */
  gradient: boolean;
}

/** The largest |x - y| / (1 + |y|); for gradients, the largest |x - y| over the largest |y|. */
function worstRelative(x: Result, y: Result): number {
  expect(x.values.length).to.equal(y.values.length);
  const largest = y.values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let worst = 0;
  for (let i = 0; i < x.values.length; i++) {
    const scale = y.gradient ? largest : 1 + Math.abs(y.values[i]);
    worst = Math.max(worst, Math.abs(x.values[i] - y.values[i]) / scale);
  }
  return worst;
}

// [batch of a, batch of b, m, n, k]: whole products split between threads, an odd one out split
// by rows, single products split by rows, broadcasting, and the attention layer's shapes.
const CASES: Array<[number[], number[], number, number, number]> = [
  [[], [], 1, 1, 1],
  [[], [], 130, 17, 300],
  [[3], [3], 37, 29, 70],
  [[5], [1], 13, 11, 6],
  [[4], [4], 100, 100, 16],
  [[4], [4], 100, 16, 100],
];

describe('two threads on a cross-origin isolated page', () => {
  before(async () => {
    expect(crossOriginIsolated).to.equal(true);
    setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    setThreadsCount(2);
    expect(await tf.setBackend('wasm')).to.equal(true);
  });
  after(async () => {
    await useWasmKernels(false);
  });

  /** Every case with every transpose flag: the products and the gradients of a loss. */
  function products(): Result[] {
    const out: Result[] = [];
    let seed = 1;
    for (const [batchA, batchB, m, n, k] of CASES)
      for (const ta of [false, true])
        for (const tb of [false, true])
          tf.tidy(() => {
            const a = tf.tensor(values(size([...batchA, m, k]), seed++), [
              ...batchA,
              ...(ta ? [k, m] : [m, k]),
            ]);
            const b = tf.tensor(values(size([...batchB, k, n]), seed++), [
              ...batchB,
              ...(tb ? [n, k] : [k, n]),
            ]);
            out.push({
              values: tf.matMul(a, b, ta, tb).dataSync() as Float32Array,
              gradient: false,
            });
            if (String(batchA) === String(batchB)) {
              const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) =>
                tf.sum(tf.square(tf.matMul(x, y, ta, tb))),
              )([a, b]);
              out.push(
                { values: ga.dataSync() as Float32Array, gradient: true },
                { values: gb.dataSync() as Float32Array, gradient: true },
              );
            }
          });
    return out;
  }

  it('splits products between this thread and a helper, agreeing with tfjs to 1e-4', async () => {
    const stock = products();
    const state = await useWasmKernels(true, { threads: 2 });
    expect(state).to.include({ active: true, inTfjsHeap: true, threads: 2 });
    const ours = products();
    expect(ours.length).to.equal(stock.length);
    ours.forEach((got, i) => expect(worstRelative(got, stock[i]), `#${i}`).to.be.below(1e-4));
    // The helper took part: every product of at least two matrices, or of more than four rows.
    expect(wasmKernelsState().helperRounds).to.be.above(60);
  });

  it('keeps to the calling thread when asked, in the same shared heap', async () => {
    const stock = (await useWasmKernels(false), products());
    expect(await useWasmKernels(true, { threads: 1 })).to.include({
      inTfjsHeap: true,
      threads: 1,
      helperRounds: 0,
    });
    products().forEach((got, i) => expect(worstRelative(got, stock[i])).to.be.below(1e-4));
  });

  it('splits the fused attention by batch and head between the threads, forward and backward', async () => {
    await useWasmKernels(true, { threads: 2 });
    const [lead, lq, lk, d, dv] = [[3, 2], 70, 70, 8, 8];
    const pairs = 6;
    const c = {
      lead,
      lq,
      lk,
      d,
      dv,
      q: values(pairs * lq * d, 1),
      k: values(pairs * lk * d, 2),
      v: values(pairs * lk * dv, 3),
      w: values(pairs * lq * dv, 4),
      mask: Float32Array.from({ length: lq * lk }, (_, i) =>
        i % lk <= Math.floor(i / lk) ? 0 : -1e9,
      ),
    };
    const rounds = wasmKernelsState().helperRounds;
    const ours = tf.tidy(() => {
      const [q, k, v] = [c.q, c.k, c.v].map((x, i) =>
        tf.tensor(x, [...lead, i === 0 ? lq : lk, i === 2 ? dv : d]),
      );
      const mask = tf.tensor2d(c.mask, [lq, lk]);
      const w = tf.tensor(c.w, [...lead, lq, dv]);
      const grads = tf.grads((a: tf.Tensor, b: tf.Tensor, e: tf.Tensor) =>
        tf.sum(tf.mul(fusedAttention(a, b, e, mask), w)),
      )([q, k, v]);
      return [fusedAttention(q, k, v, mask), ...grads].map((t) => t.dataSync() as Float32Array);
    });
    const reference = referenceAttention(c);
    [reference.o, reference.dq, reference.dk, reference.dv].forEach((expected, i) =>
      expect(
        worstRelative(
          { values: ours[i], gradient: true },
          {
            values: Float32Array.from(expected),
            gradient: true,
          },
        ),
        `#${i}`,
      ).to.be.below(1e-5),
    );
    // Two forward passes and one backward, each shared with the helper.
    expect(wasmKernelsState().helperRounds - rounds).to.be.at.least(3);
  });

  it('blocks in Atomics.wait inside a Worker, where training runs', async () => {
    const worker = new Worker(new URL('./pool-worker.js', import.meta.url), { type: 'module' });
    const result = await new Promise<{ worst: number; rounds: number; error?: string }>(
      (resolve) => (worker.onmessage = (event) => resolve(event.data)),
    );
    worker.terminate();
    expect(result.error).to.equal(undefined);
    expect(result.worst).to.be.below(1e-5);
    expect(result.rounds).to.equal(2);
  });
});

const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);
