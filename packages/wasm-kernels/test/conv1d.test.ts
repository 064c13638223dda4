import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { expect } from '@open-wc/testing';
import { conv1d, conv1dAvailable, useWasmKernels } from '../src/index.js';

/** Values of a seeded pseudo-random tensor in [-1, 1), the same on every backend. */
function values(size: number, seed: number): Float32Array {
  let state = seed >>> 0 || 1;
  return Float32Array.from({ length: size }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

interface Case {
  batch: number;
  length: number;
  inChannels: number;
  outChannels: number;
  size: number;
  padding: 'same' | 'valid';
}

interface Result {
  y: Float32Array;
  dx: Float32Array;
  dFilter: Float32Array;
  dBias: Float32Array;
}

/**
 * y = conv(x, filter) + bias and the gradients of sum(y * weights) in x, the filter and the bias,
 * by `convolve` on the active backend.
 */
function run(
  { batch, length, inChannels, outChannels, size, padding }: Case,
  convolve: (x: tf.Tensor3D, f: tf.Tensor3D, b: tf.Tensor1D) => tf.Tensor3D,
): Result {
  return tf.tidy(() => {
    const x = tf.tensor3d(values(batch * length * inChannels, 1), [batch, length, inChannels]);
    const filter = tf.tensor3d(values(size * inChannels * outChannels, 2), [
      size,
      inChannels,
      outChannels,
    ]);
    const bias = tf.tensor1d(values(outChannels, 3));
    const outLength = padding === 'same' ? length : length - size + 1;
    const weights = tf.tensor3d(values(batch * outLength * outChannels, 4), [
      batch,
      outLength,
      outChannels,
    ]);
    const y = convolve(x, filter, bias);
    const [dx, dFilter, dBias] = tf.grads((a: tf.Tensor, f: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(convolve(a as tf.Tensor3D, f as tf.Tensor3D, b as tf.Tensor1D), weights)),
    )([x, filter, bias]);
    return {
      y: y.dataSync() as Float32Array,
      dx: dx.dataSync() as Float32Array,
      dFilter: dFilter.dataSync() as Float32Array,
      dBias: dBias.dataSync() as Float32Array,
    };
  });
}

/** The largest difference, relative to the values' scale where that exceeds 1. */
function worst(ours: Float32Array, reference: Float32Array): number {
  expect(ours.length).to.equal(reference.length);
  let difference = 0;
  for (let i = 0; i < ours.length; i++)
    difference = Math.max(
      difference,
      Math.abs(ours[i] - reference[i]) / Math.max(1, Math.abs(reference[i])),
    );
  return difference;
}

describe('conv1d on the wasm backend', () => {
  before(async () => {
    setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    expect(await tf.setBackend('wasm')).to.equal(true);
    await useWasmKernels(true);
  });
  after(async () => {
    await useWasmKernels(false);
    await tf.setBackend('cpu');
  });

  const cases: Case[] = [
    // The cnn model's layers: 1 -> 64, 64 -> 64, 64 -> 1, kernel 5, 'same'.
    { batch: 3, length: 400, inChannels: 1, outChannels: 64, size: 5, padding: 'same' },
    { batch: 3, length: 400, inChannels: 64, outChannels: 64, size: 5, padding: 'same' },
    { batch: 3, length: 400, inChannels: 64, outChannels: 1, size: 5, padding: 'same' },
    // Odd and even kernels, channel counts off the vector and tile widths, depth past one block.
    { batch: 2, length: 37, inChannels: 3, outChannels: 7, size: 3, padding: 'same' },
    { batch: 2, length: 37, inChannels: 5, outChannels: 9, size: 4, padding: 'same' },
    { batch: 2, length: 300, inChannels: 70, outChannels: 13, size: 7, padding: 'same' },
    { batch: 1, length: 20, inChannels: 6, outChannels: 10, size: 1, padding: 'same' },
    { batch: 2, length: 37, inChannels: 3, outChannels: 7, size: 3, padding: 'valid' },
    { batch: 2, length: 41, inChannels: 12, outChannels: 16, size: 6, padding: 'valid' },
    { batch: 2, length: 300, inChannels: 33, outChannels: 40, size: 9, padding: 'valid' },
    // Winograd's tiles (kernels of 2 to 5 taps, channels in whole vectors), 'same' and 'valid',
    // with a last tile part past the end.
    { batch: 2, length: 57, inChannels: 8, outChannels: 12, size: 3, padding: 'same' },
    { batch: 2, length: 50, inChannels: 16, outChannels: 8, size: 4, padding: 'same' },
    { batch: 2, length: 45, inChannels: 12, outChannels: 20, size: 2, padding: 'same' },
    { batch: 3, length: 61, inChannels: 16, outChannels: 16, size: 5, padding: 'valid' },
    { batch: 2, length: 3, inChannels: 8, outChannels: 8, size: 5, padding: 'same' },
    { batch: 1, length: 6, inChannels: 8, outChannels: 8, size: 5, padding: 'valid' },
    // Sequences shorter than the kernel: every row is an edge row.
    { batch: 2, length: 3, inChannels: 4, outChannels: 5, size: 7, padding: 'same' },
    { batch: 2, length: 7, inChannels: 4, outChannels: 5, size: 7, padding: 'valid' },
  ];
  for (const c of cases) {
    it(`gives tf.conv1d's values and gradients to 1e-4: [${c.batch}, ${c.length}, ${c.inChannels}] by ${c.size} x ${c.outChannels}, ${c.padding}`, async () => {
      expect(conv1dAvailable()).to.equal(true);
      const ours = run(c, (x, f, b) => conv1d(x, f, b, { padding: c.padding }));
      // tfjs's own convolution, on its cpu backend: tfjs-wasm has no Conv2DBackpropFilter.
      await tf.setBackend('cpu');
      const reference = run(c, (x, f, b) => tf.add(tf.conv1d(x, f, 1, c.padding), b));
      await tf.setBackend('wasm');
      expect(worst(ours.y, reference.y), 'values').to.be.below(1e-4);
      expect(worst(ours.dx, reference.dx), 'input gradient').to.be.below(1e-4);
      expect(worst(ours.dFilter, reference.dFilter), 'filter gradient').to.be.below(1e-4);
      expect(worst(ours.dBias, reference.dBias), 'bias gradient').to.be.below(1e-4);
      // Not all zeros: the comparison has something to compare.
      expect(Math.max(...reference.dFilter.map(Math.abs))).to.be.above(0.1);
    });
  }

  it('works without a bias, and keeps no tensor it made', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor3d(values(2 * 10 * 3, 5), [2, 10, 3]);
    const filter = tf.tensor3d(values(3 * 3 * 4, 6), [3, 3, 4]);
    const [dx, df] = tf.grads((a: tf.Tensor, f: tf.Tensor) =>
      tf.sum(conv1d(a as tf.Tensor3D, f as tf.Tensor3D)),
    )([x, filter]);
    const zeros = tf.zeros([4]) as tf.Tensor1D;
    const withBias = conv1d(x, filter, zeros);
    const without = conv1d(x, filter);
    expect(worst(without.dataSync() as Float32Array, withBias.dataSync() as Float32Array)).to.equal(
      0,
    );
    // d sum(y) / dx at an interior row is the sum of the whole filter's rows for its channel.
    const f = filter.arraySync();
    const expected = [0, 1, 2].map((c) =>
      f.reduce((sum, tap) => sum + tap[c].reduce((a, b) => a + b, 0), 0),
    );
    const row = (dx.arraySync() as number[][][])[1][5];
    row.forEach((value, c) => expect(value).to.be.closeTo(expected[c], 1e-5));
    expect(df.shape).to.deep.equal([3, 3, 4]);
    tf.dispose([x, filter, dx, df, zeros, withBias, without]);
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('refuses strides, dilations, paddings and shapes it does not serve', () => {
    const x = tf.zeros([1, 10, 2]) as tf.Tensor3D;
    const filter = tf.zeros([3, 2, 4]) as tf.Tensor3D;
    expect(() => conv1d(x, filter, undefined, { stride: 2 })).to.throw(RangeError, /stride/);
    expect(() => conv1d(x, filter, undefined, { dilation: 2 })).to.throw(RangeError, /dilation/);
    expect(() => conv1d(x, filter, undefined, { padding: 'causal' as unknown as 'same' })).to.throw(
      RangeError,
      /padding/,
    );
    expect(() => conv1d(x, tf.zeros([3, 3, 4]) as tf.Tensor3D)).to.throw(RangeError, /filter/);
    expect(() => conv1d(x, filter, tf.zeros([3]) as tf.Tensor1D)).to.throw(RangeError, /bias/);
    expect(() =>
      conv1d(x, tf.zeros([11, 2, 4]) as tf.Tensor3D, undefined, { padding: 'valid' }),
    ).to.throw(RangeError, /valid/);
    tf.dispose([x, filter]);
  });

  it('is gone with our kernels switched off, and back with them on', async () => {
    await useWasmKernels(false);
    expect(conv1dAvailable()).to.equal(false);
    await useWasmKernels(true);
    expect(conv1dAvailable()).to.equal(true);
  });
});
