import * as tf from '@tensorflow/tfjs';
import { expect } from '@open-wc/testing';
import { conv1dAvailable, useWasmKernels } from '@decoding-attention/wasm-kernels';
import { buildModel } from '../src/models/index.js';
import { useBackend } from '../src/train/backends.js';

/**
 * Losses of `steps` Adam steps of a freshly built cnn (seeded, so every call starts from the same
 * weights) on the same batches, and the kernels the first step ran.
 */
async function train(steps: number) {
  const length = 64;
  const model = buildModel('cnn', { length, hidden: 16, seed: 11 });
  const optimizer = tf.train.adam(3e-3);
  const losses: number[] = [];
  let kernels = new Set<string>();
  for (let i = 0; i < steps; i++) {
    const x = tf.randomNormal([8, length], 0, 2, 'float32', 100 + i);
    // A target the convolutions can learn: each value's neighbours, a few places off.
    const target = tf.tidy(() =>
      tf.add(tf.mul(tf.concat([tf.slice(x, [0, 2]), tf.zeros([8, 2])], 1), 0.7), tf.mul(x, 0.3)),
    );
    const step = () =>
      optimizer.minimize(
        () => tf.losses.meanSquaredError(target, model.apply(x) as tf.Tensor) as tf.Scalar,
        true,
      )!;
    if (i === 0) {
      const info = await tf.profile(() => step());
      kernels = new Set(info.kernels.map((k) => k.name));
      losses.push(info.result instanceof tf.Tensor ? (info.result.dataSync()[0] as number) : NaN);
      tf.dispose(info.result as tf.Tensor);
    } else {
      const loss = step();
      losses.push(loss.dataSync()[0]);
      loss.dispose();
    }
    tf.dispose([x, target]);
  }
  optimizer.dispose();
  model.dispose();
  return { losses, kernels };
}

describe('the cnn on our conv1d kernels (wasm backend)', () => {
  before(async () => {
    expect(await useBackend('wasm')).to.equal(true);
  });
  after(async () => {
    await useWasmKernels(false);
    await tf.setBackend('cpu');
  });

  it('trains through them with the losses of tfjs-wasm without them, step by step, to 1e-4', async () => {
    await useWasmKernels(true);
    expect(conv1dAvailable()).to.equal(true);
    const ours = await train(6);
    await useWasmKernels(false);
    expect(conv1dAvailable()).to.equal(false);
    const stock = await train(6);
    await useWasmKernels(true);
    expect(ours.kernels.has('DAConv1D')).to.equal(true);
    expect(ours.kernels.has('DAConv1DGrad')).to.equal(true);
    expect(stock.kernels.has('DAConv1D')).to.equal(false);
    ours.losses.forEach((loss, i) =>
      expect(loss, `step ${i + 1}`).to.be.closeTo(stock.losses[i], 1e-4 * stock.losses[i]),
    );
    // Switched off, the model still trains: the loss falls.
    expect(stock.losses[5]).to.be.below(0.9 * stock.losses[0]);
  });
});
