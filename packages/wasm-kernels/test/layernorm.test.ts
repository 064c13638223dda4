import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { expect } from '@open-wc/testing';
import { layerNorm, layerNormAvailable, useWasmKernels } from '../src/index.js';

/** Values of a seeded pseudo-random tensor in [-scale, scale) plus `shift`, the same everywhere. */
function values(size: number, seed: number, scale = 1, shift = 0): Float32Array {
  let state = seed >>> 0 || 1;
  return Float32Array.from({ length: size }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state / 2 ** 31 - 1) * scale + shift;
  });
}

/** Layer normalisation written out in tfjs's own ops. */
function reference(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  const centered = tf.sub(x, tf.mean(x, -1, true));
  const variance = tf.mean(tf.square(centered), -1, true);
  return tf.add(tf.mul(tf.mul(centered, tf.rsqrt(tf.add(variance, epsilon))), gamma), beta);
}

type Norm = (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor;

/** y and the gradients of sum(y * weights) in x, gamma and beta. */
function run(shape: number[], norm: Norm): Float32Array[] {
  return tf.tidy(() => {
    const size = shape.reduce((a, b) => a * b, 1);
    const features = shape[shape.length - 1];
    // Rows with an offset and a spread of their own, as a residual stream has.
    const x = tf.tensor(values(size, 1, 3, 0.7), shape);
    const gamma = tf.tensor1d(values(features, 2, 0.5, 1));
    const beta = tf.tensor1d(values(features, 3, 0.2));
    const weights = tf.tensor(values(size, 4), shape);
    const y = norm(x, gamma, beta);
    const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(norm(a, g, b), weights)),
    )([x, gamma, beta]);
    return [y, ...grads].map((t) => t.dataSync() as Float32Array);
  });
}

/** The largest difference, relative to the values' scale where that exceeds 1. */
function worst(ours: Float32Array, theirs: Float32Array): number {
  expect(ours.length).to.equal(theirs.length);
  let difference = 0;
  for (let i = 0; i < ours.length; i++)
    difference = Math.max(
      difference,
      Math.abs(ours[i] - theirs[i]) / Math.max(1, Math.abs(theirs[i])),
    );
  return difference;
}

describe('layerNorm on the wasm backend', () => {
  before(async () => {
    setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    expect(await tf.setBackend('wasm')).to.equal(true);
    await useWasmKernels(true);
  });
  after(async () => {
    await useWasmKernels(false);
    await tf.setBackend('cpu');
  });

  // The vision models' width (64 features, 2,048 rows at batch 32), widths off the vector width,
  // a single feature (normalised to zeros: beta alone), a single row.
  for (const shape of [
    [32, 64, 64],
    [3, 5, 10],
    [4, 7],
    [6, 1],
    [1, 13],
  ]) {
    it(`gives the ops' values and gradients in x, gamma and beta to 1e-4: [${shape}]`, () => {
      expect(layerNormAvailable()).to.equal(true);
      const ours = run(shape, (x, g, b) => layerNorm(x, g as tf.Tensor1D, b as tf.Tensor1D, 1e-3));
      const theirs = run(shape, (x, g, b) => reference(x, g, b, 1e-3));
      ['values', 'x gradient', 'gamma gradient', 'beta gradient'].forEach((name, i) =>
        expect(worst(ours[i], theirs[i]), name).to.be.below(1e-4),
      );
      // Something to compare: the gradients are not all zeros.
      if (shape[shape.length - 1] > 1)
        expect(Math.max(...theirs[2].map(Math.abs))).to.be.above(0.1);
    });
  }

  it('is one kernel each way, and keeps no tensor it made', async () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(values(8 * 16, 5), [8, 16]);
    const gamma = tf.ones([16]) as tf.Tensor1D;
    const beta = tf.zeros([16]) as tf.Tensor1D;
    const info = await tf.profile(() => {
      const [dx] = tf.grads((a: tf.Tensor) => tf.sum(tf.square(layerNorm(a, gamma, beta, 1e-3))))([
        x,
      ]);
      dx.dispose();
    });
    const names = info.kernels.map((k) => k.name);
    expect(names.filter((n) => n.startsWith('DALayerNorm'))).to.deep.equal([
      'DALayerNorm',
      'DALayerNormGrad',
    ]);
    // Each row normalised: mean 0, mean square 1 - epsilon's share.
    const normed = layerNorm(x, gamma, beta, 0);
    const y = normed.arraySync() as number[][];
    normed.dispose();
    for (const row of y) {
      expect(row.reduce((a, b) => a + b, 0) / 16).to.be.closeTo(0, 1e-6);
      expect(row.reduce((a, b) => a + b * b, 0) / 16).to.be.closeTo(1, 1e-5);
    }
    const short = tf.ones([15]) as tf.Tensor1D;
    expect(() => layerNorm(x, short, beta, 1e-3)).to.throw(
      'layerNorm: gamma and beta must be [16], got [15] and [16]',
    );
    tf.dispose([x, gamma, beta, short]);
    expect(tf.memory().numTensors).to.equal(before);
  });
});
