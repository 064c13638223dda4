import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { expect } from '@open-wc/testing';
import {
  MatMul,
  kernelSupport,
  matMulShape,
  useWasmKernels,
  wasmKernelsState,
} from '../src/index.js';
import { splitCalls } from '../src/pool.js';
import type { GemmCall } from '../src/matmul.js';

/** Uniform values in [-1, 1) from a small LCG, so failures reproduce. */
function randoms(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

/**
 * The largest |x - y| / (1 + |y|) over two arrays of the same length; or, `normwise`, the largest
 * |x - y| over the largest |y| (for results of chained products, where single entries cancel).
 */
function worstRelative(x: ArrayLike<number>, y: ArrayLike<number>, normwise = false): number {
  expect(x.length).to.equal(y.length);
  let largest = 0;
  for (let i = 0; i < y.length; i++) largest = Math.max(largest, Math.abs(y[i]));
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const scale = normwise ? largest : 1 + Math.abs(y[i]);
    worst = Math.max(worst, Math.abs(x[i] - y[i]) / scale);
  }
  return worst;
}

const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);

/** Shapes of a and b before transposing, as tf.matMul takes them. */
function shapesFor(
  batchA: number[],
  batchB: number[],
  m: number,
  n: number,
  k: number,
  ta: boolean,
  tb: boolean,
) {
  return {
    aShape: [...batchA, ...(ta ? [k, m] : [m, k])],
    bShape: [...batchB, ...(tb ? [n, k] : [k, n])],
  };
}

const CASES: Array<[number[], number[], number, number, number]> = [
  [[], [], 1, 1, 1],
  [[], [], 3, 5, 7],
  [[2], [2], 9, 17, 300],
  [[3], [1], 13, 11, 6],
  [[1], [4], 5, 8, 8],
  [[], [2, 2], 4, 12, 5],
  [[2], [2], 40, 40, 64],
  [[1], [1], 33, 257, 513],
];

before(async () => {
  await tf.setBackend('cpu');
});

describe('kernelSupport', () => {
  it('finds SIMD128 in Chromium, and relaxed SIMD', () => {
    expect(kernelSupport()).to.deep.equal({ simd: true, relaxedSimd: true });
  });
});

describe('matMulShape', () => {
  it('broadcasts batch dimensions as numpy does and maps each output matrix to its operands', () => {
    const shape = matMulShape([2, 1, 5, 7], [3, 7, 4]);
    expect(shape.batchShape).to.deep.equal([2, 3]);
    expect([shape.m, shape.n, shape.k]).to.deep.equal([5, 4, 7]);
    expect(Array.from(shape.aIndex)).to.deep.equal([0, 0, 0, 1, 1, 1]);
    expect(Array.from(shape.bIndex)).to.deep.equal([0, 1, 2, 0, 1, 2]);
  });

  it('names the sizes that do not fit', () => {
    expect(() => matMulShape([2, 3], [4, 5])).to.throw('inner sizes 3 and 4');
    expect(() => matMulShape([2, 3, 4], [3, 4, 5])).to.throw('do not broadcast');
    expect(() => matMulShape([3], [3, 4])).to.throw('rank 2 or more');
  });
});

for (const relaxedSimd of [false, true]) {
  describe(`MatMul (${relaxedSimd ? 'relaxed SIMD' : 'SIMD128'})`, () => {
    let matMul: MatMul;
    before(async () => {
      matMul = (await MatMul.create({ relaxedSimd }))!;
      expect(matMul.relaxedSimd).to.equal(relaxedSimd);
    });

    it('agrees with tfjs cpu to 1e-4 on odd sizes, broadcast batches and every transpose flag', () => {
      let seed = 1;
      for (const [batchA, batchB, m, n, k] of CASES) {
        for (const ta of [false, true]) {
          for (const tb of [false, true]) {
            const { aShape, bShape } = shapesFor(batchA, batchB, m, n, k, ta, tb);
            const a = randoms(size(aShape), seed++);
            const b = randoms(size(bShape), seed++);
            const got = matMul.batchMatMul(a, aShape, b, bShape, ta, tb);
            const want = tf.tidy(() =>
              tf.matMul(tf.tensor(a, aShape), tf.tensor(b, bShape), ta, tb),
            );
            const label = `[${aShape}]${ta ? 'T' : ''} x [${bShape}]${tb ? 'T' : ''}`;
            expect(got.shape, label).to.deep.equal(want.shape);
            expect(worstRelative(got.values, want.dataSync()), label).to.be.below(1e-4);
            want.dispose();
          }
        }
      }
    });

    it('broadcasts batches that tf.matMul cannot: [2, 1] x [3] gives 2 x 3 products', () => {
      const a = randoms(2 * 4 * 5, 3);
      const b = randoms(3 * 5 * 6, 4);
      const got = matMul.batchMatMul(a, [2, 1, 4, 5], b, [3, 5, 6]);
      expect(got.shape).to.deep.equal([2, 3, 4, 6]);
      const want = new Float32Array(2 * 3 * 4 * 6);
      for (let x = 0; x < 2; x++)
        for (let y = 0; y < 3; y++)
          for (let i = 0; i < 4; i++)
            for (let j = 0; j < 6; j++) {
              let sum = 0;
              for (let p = 0; p < 5; p++) sum += a[x * 20 + i * 5 + p] * b[y * 30 + p * 6 + j];
              want[((x * 3 + y) * 4 + i) * 6 + j] = sum;
            }
      expect(worstRelative(got.values, want)).to.be.below(1e-6);
    });

    it('writes into a given output and refuses one of the wrong size', () => {
      const out = new Float32Array(4);
      const result = matMul.batchMatMul(
        Float32Array.of(1, 2, 3, 4),
        [2, 2],
        Float32Array.of(5, 6, 7, 8),
        [2, 2],
        false,
        false,
        out,
      );
      expect(result.values).to.equal(out);
      expect(Array.from(out)).to.deep.equal([19, 22, 43, 50]);
      expect(() =>
        matMul.batchMatMul(
          new Float32Array(4),
          [2, 2],
          new Float32Array(4),
          [2, 2],
          false,
          false,
          new Float32Array(3),
        ),
      ).to.throw('holds 3 floats, not 4');
    });
  });
}

describe('useWasmKernels on the wasm backend', () => {
  before(async () => {
    setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    expect(await tf.setBackend('wasm')).to.equal(true);
  });
  after(async () => {
    await useWasmKernels(false);
    await tf.setBackend('cpu');
  });

  /** tf.matMul and its gradients on the current backend, as plain arrays. */
  function productAndGradients(
    a: Float32Array,
    aShape: number[],
    b: Float32Array,
    bShape: number[],
    ta: boolean,
    tb: boolean,
  ) {
    return tf.tidy(() => {
      const ta_ = tf.tensor(a, aShape);
      const tb_ = tf.tensor(b, bShape);
      const f = (x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.square(tf.matMul(x, y, ta, tb)));
      const [ga, gb] = tf.grads(f)([ta_, tb_]);
      return [tf.matMul(ta_, tb_, ta, tb).dataSync(), ga.dataSync(), gb.dataSync()];
    });
  }

  it('serves tf.matMul and its gradients, matching stock tfjs and a numerical gradient', async () => {
    expect(await useWasmKernels(true)).to.include({ active: true, relaxedSimd: true });
    tf.tidy(() => tf.matMul(tf.ones([2, 2]), tf.ones([2, 2])));
    // Not cross-origin isolated, tfjs-wasm is single-threaded: its heap can be shared.
    expect(wasmKernelsState().inTfjsHeap).to.equal(true);
    let seed = 100;
    // tfjs's BatchMatMul gradient does not sum over broadcast batches, so equal batches only.
    const cases = CASES.filter(([batchA, batchB]) => String(batchA) === String(batchB));
    for (const [batchA, batchB, m, n, k] of cases.slice(0, 5)) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const { aShape, bShape } = shapesFor(batchA, batchB, m, n, k, ta, tb);
          const a = randoms(size(aShape), seed++);
          const b = randoms(size(bShape), seed++);
          await useWasmKernels(true);
          const ours = productAndGradients(a, aShape, b, bShape, ta, tb);
          await useWasmKernels(false);
          const stock = productAndGradients(a, aShape, b, bShape, ta, tb);
          const label = `[${aShape}]${ta ? 'T' : ''} x [${bShape}]${tb ? 'T' : ''}`;
          // The product entry by entry; the gradients (two chained products) normwise.
          expect(worstRelative(ours[0], stock[0]), label).to.be.below(1e-4);
          for (let i = 1; i < 3; i++)
            expect(worstRelative(ours[i], stock[i], true), `${label} #${i}`).to.be.below(1e-5);
        }
      }
    }
    // A central difference on one entry of a: d/da sum((ab)^2) = 2 (ab) b^T.
    await useWasmKernels(true);
    const a = randoms(12, 7);
    const b = randoms(20, 8);
    const loss = (values: Float32Array) =>
      tf.tidy(
        () =>
          tf
            .sum(tf.square(tf.matMul(tf.tensor(values, [3, 4]), tf.tensor(b, [4, 5]))))
            .dataSync()[0],
      );
    const [, gradA] = productAndGradients(a, [3, 4], b, [4, 5], false, false);
    const h = 1e-2;
    for (const index of [0, 5, 11]) {
      const up = a.slice();
      const down = a.slice();
      up[index] += h;
      down[index] -= h;
      expect(gradA[index]).to.be.closeTo((loss(up) - loss(down)) / (2 * h), 2e-3);
    }
  });

  it('switches off and on: tfjs kernels serve again, and no tensor is left behind', async () => {
    const before = tf.memory().numTensors;
    expect((await useWasmKernels(false)).active).to.equal(false);
    expect(wasmKernelsState().active).to.equal(false);
    const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const z = tf.matMul(x, x);
    expect(Array.from(z.dataSync())).to.deep.equal([7, 10, 15, 22]);
    expect((await useWasmKernels(true)).active).to.equal(true);
    const y = tf.matMul(x, x, true, false);
    expect(Array.from(y.dataSync())).to.deep.equal([10, 14, 14, 20]);
    tf.dispose([x, y, z]);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('slices, unstacks and splits exactly as tfjs does, for every dtype', async () => {
    const cases: Array<{ shape: number[]; begin: number[]; size: number[] }> = [
      { shape: [7], begin: [2], size: [4] },
      { shape: [5, 6], begin: [1, 0], size: [3, 6] },
      { shape: [5, 6], begin: [1, 2], size: [-1, 3] },
      { shape: [3, 4, 5], begin: [0, 1, 0], size: [3, 2, 5] },
      { shape: [3, 4, 5], begin: [1, 1, 2], size: [2, 3, 1] },
      { shape: [2, 3, 4, 5], begin: [1, 0, 2, 1], size: [1, 3, 2, 4] },
      { shape: [2, 3, 4, 5, 2], begin: [0, 1, 0, 1, 0], size: [2, 2, 4, 3, 2] },
      { shape: [4, 3], begin: [0, 0], size: [0, 3] },
    ];
    const run = () =>
      tf.tidy(() =>
        (['float32', 'int32', 'bool'] as const).flatMap((dtype) =>
          cases.flatMap(({ shape, begin, size: extent }, i) => {
            const x = tf
              .tensor(randoms(size(shape), 40 + i), shape)
              .mul(10)
              .cast(dtype);
            return [
              tf.slice(x, begin, extent),
              ...tf.unstack(x, shape.length - 1),
              ...tf.unstack(x, 0),
              ...tf.split(x, [1, shape[0] - 1], 0),
              ...(shape.length > 1 ? tf.split(x, shape.at(-1)! % 2 === 0 ? 2 : 1, -1) : []),
            ].map((t) => ({ shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) }));
          }),
        ),
      );
    await useWasmKernels(false);
    const stock = run();
    await useWasmKernels(true);
    const before = tf.memory().numTensors;
    expect(run()).to.deep.equal(stock);
    expect(tf.memory().numTensors).to.equal(before);
    // The gradient of a slice (a pad) and of a stack (an unstack) flow through them too.
    const grads = () =>
      tf.tidy(() => {
        const x = tf.tensor(randoms(60, 3), [3, 4, 5]);
        const f = (t: tf.Tensor) =>
          tf.sum(
            tf.square(
              tf.stack([tf.slice(t, [0, 1, 0], [3, 2, 5]), tf.slice(t, [0, 0, 0], [3, 2, 5])]),
            ),
          );
        return Array.from(tf.grad(f)(x).dataSync());
      });
    const ours = grads();
    await useWasmKernels(false);
    expect(ours).to.deep.equal(grads());
  });

  it('clones without copying: a kept tensor shares its memory, and outlives the original', async () => {
    const backend = tf.findBackend('wasm') as unknown as { numDataIds(): number };
    const clones = () => {
      const x = tf.tensor([1.5, -2, 3], [3]);
      const buffers = backend.numDataIds();
      const copy = tf.clone(x);
      const added = backend.numDataIds() - buffers;
      x.dispose();
      const values = Array.from(copy.dataSync());
      copy.dispose();
      return { added, values };
    };
    await useWasmKernels(false);
    // tfjs-wasm's own Identity copies.
    expect(clones()).to.deep.equal({ added: 1, values: [1.5, -2, 3] });
    await useWasmKernels(true);
    const before = backend.numDataIds();
    expect(clones()).to.deep.equal({ added: 0, values: [1.5, -2, 3] });
    // Disposing both frees the one buffer.
    expect(backend.numDataIds()).to.equal(before);
    // What a recorded step keeps for its gradient (a clone of each tensor the gradient needs)
    // adds no buffer either: x * y keeps x and y, which tfjs-wasm's own Identity copied.
    const kept = async (on: boolean) => {
      await useWasmKernels(on);
      const x = tf.tensor([1, 2, 3]);
      const y = tf.tensor([4, 5, 6]);
      let added = -1;
      const { value, grads } = tf.valueAndGrads((a: tf.Tensor, b: tf.Tensor) => {
        const buffers = backend.numDataIds();
        const product = tf.tidy(() => tf.mul(a, b));
        // Beyond the product itself.
        added = backend.numDataIds() - buffers - 1;
        return tf.sum(product);
      })([x, y]);
      const result = {
        added,
        value: value.dataSync()[0],
        grads: grads.map((g) => Array.from(g.dataSync())),
      };
      tf.dispose([value, ...grads, x, y]);
      return result;
    };
    const stock = await kept(false);
    expect(stock.added).to.equal(2);
    expect(await kept(true)).to.deep.equal({ ...stock, added: 0 });
    expect(stock).to.deep.equal({
      added: 2,
      value: 32,
      grads: [
        [4, 5, 6],
        [1, 2, 3],
      ],
    });
    expect(backend.numDataIds()).to.equal(before);
  });

  it('can be held to plain SIMD128', async () => {
    expect(await useWasmKernels(true, { relaxedSimd: false })).to.include({
      active: true,
      relaxedSimd: false,
    });
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = tf.matMul(x, x, false, true);
    expect(Array.from(y.dataSync())).to.deep.equal([14, 32, 32, 77]);
    expect(wasmKernelsState().inTfjsHeap).to.equal(true);
    tf.dispose([x, y]);
  });

  it('falls back to copies in memory of its own, with the same results', async () => {
    let seed = 300;
    const cases = CASES.filter(([batchA, batchB]) => String(batchA) === String(batchB));
    for (const [batchA, batchB, m, n, k] of cases) {
      for (const ta of [false, true]) {
        for (const tb of [false, true]) {
          const { aShape, bShape } = shapesFor(batchA, batchB, m, n, k, ta, tb);
          const a = randoms(size(aShape), seed++);
          const b = randoms(size(bShape), seed++);
          expect(await useWasmKernels(true, { copy: true })).to.include({
            active: true,
            inTfjsHeap: false,
            threads: 1,
          });
          const copied = productAndGradients(a, aShape, b, bShape, ta, tb);
          await useWasmKernels(true);
          expect(wasmKernelsState().inTfjsHeap).to.equal(true);
          const inHeap = productAndGradients(a, aShape, b, bShape, ta, tb);
          const label = `[${aShape}]${ta ? 'T' : ''} x [${bShape}]${tb ? 'T' : ''}`;
          // The same kernels on the same numbers: the same results, bit for bit.
          for (let i = 0; i < 3; i++)
            expect(Array.from(copied[i]), `${label} #${i}`).to.deep.equal(Array.from(inHeap[i]));
        }
      }
    }
  });

  it('stays on one thread where the page is not cross-origin isolated', async () => {
    expect(crossOriginIsolated).to.equal(false);
    expect(await useWasmKernels(true, { threads: 4 })).to.include({
      inTfjsHeap: true,
      threads: 1,
    });
  });
});

describe('splitCalls', () => {
  // [a, ars, acs, b, brs, bcs, c, ldc, m, n, k, pack]
  const call = (a: number, c: number, m: number): GemmCall => [a, 8, 1, 0, 5, 1, c, 5, m, 5, 8, 0];

  it('hands out whole products evenly, then splits the rest by rows in blocks of four', () => {
    const calls = [call(0, 0, 10), call(1000, 2000, 10), call(3000, 4000, 10)];
    const [mine, helpers] = splitCalls(calls, 2);
    // The third product: rows 0-7 here (8 = 10 / 2 rounded up to four), rows 8-9 on the helper.
    expect(mine).to.deep.equal([call(0, 0, 10), call(3000, 4000, 8)]);
    expect(helpers).to.deep.equal([
      call(1000, 2000, 10),
      call(3000 + 8 * 8 * 4, 4000 + 8 * 5 * 4, 2),
    ]);
  });

  it('gives a thread nothing rather than an empty product', () => {
    expect(splitCalls([call(0, 0, 3)], 2)).to.deep.equal([[call(0, 0, 3)], []]);
  });
});
