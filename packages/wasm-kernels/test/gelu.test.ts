import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { expect } from '@open-wc/testing';
import { fusedGelu, fusedGeluAvailable, useWasmKernels } from '../src/index.js';

/** erf to double precision (Abramowitz and Stegun 7.1.26 is not enough: a series, then a continued fraction). */
function erf(x: number): number {
  const a = Math.abs(x);
  let value: number;
  if (a < 3) {
    // erf x = 2/sqrt(pi) sum (-1)^n x^(2n+1) / (n! (2n+1))
    let term = a;
    let sum = a;
    for (let n = 1; n < 80; n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    value = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    // erfc by Lentz's continued fraction.
    let f = a;
    for (let k = 60; k >= 1; k--) f = a + k / 2 / f;
    value = 1 - Math.exp(-a * a) / (Math.sqrt(Math.PI) * f);
  }
  return x < 0 ? -value : value;
}
const cdf = (x: number) => 0.5 * (1 + erf(x / Math.SQRT2));
const density = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

describe('fusedGelu on the wasm backend', () => {
  before(async () => {
    setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    expect(await tf.setBackend('wasm')).to.equal(true);
    await useWasmKernels(true);
  });
  after(async () => {
    await useWasmKernels(false);
    await tf.setBackend('cpu');
  });

  it('gives x Phi(x) and dy (Phi(x) + x phi(x)) to single precision, tails included', () => {
    expect(fusedGeluAvailable()).to.equal(true);
    // 10,003 values: not a multiple of four, so the last vector is partial.
    const xs = Float32Array.from({ length: 10_003 }, (_, i) => -12 + (24 * i) / 10_002);
    const dys = Float32Array.from(xs, (_, i) => Math.cos(i * 0.37));
    const x = tf.tensor1d(xs);
    const dy = tf.tensor1d(dys);
    const y = fusedGelu(x).dataSync();
    const dx = tf
      .grad((t: tf.Tensor) => tf.sum(tf.mul(fusedGelu(t), dy)))(x)
      .dataSync();
    let worstValue = 0;
    let worstSlope = 0;
    for (let i = 0; i < xs.length; i++) {
      const v = xs[i];
      worstValue = Math.max(worstValue, Math.abs(y[i] - v * cdf(v)) / Math.max(1, Math.abs(v)));
      const slope = cdf(v) + v * density(v);
      worstSlope = Math.max(worstSlope, Math.abs(dx[i] - dys[i] * slope));
    }
    expect(worstValue).to.be.below(5e-7);
    expect(worstSlope).to.be.below(5e-7);
    // Far out: exactly x on the right, exactly 0 on the left, slopes 1 and 0.
    expect([y[xs.length - 1], y[0]]).to.deep.equal([12, -0]);
    tf.dispose([x, dy]);
  });

  it('keeps only its input for the gradient and leaves no tensor behind', () => {
    const x = tf.randomNormal([7, 9], 0, 2, 'float32', 3);
    const before = tf.memory().numTensors;
    const g = tf.grad((t: tf.Tensor) => tf.sum(fusedGelu(t)))(x);
    expect(tf.memory().numTensors).to.equal(before + 1);
    g.dispose();
    x.dispose();
  });

  it('is not offered when the kernels are off', async () => {
    await useWasmKernels(false);
    expect(fusedGeluAvailable()).to.equal(false);
    await useWasmKernels(true);
    expect(fusedGeluAvailable()).to.equal(true);
  });
});
