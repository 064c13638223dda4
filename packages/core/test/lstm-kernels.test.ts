import * as tf from '@tensorflow/tfjs';
import { expect } from '@open-wc/testing';
import { fusedLstmAvailable, useWasmKernels } from '@decoding-attention/wasm-kernels';
import { buildModel } from '../src/models/index.js';
import { useBackend } from '../src/train/backends.js';

describe('the lstm model on the fused LSTM kernels (wasm backend)', () => {
  before(async () => {
    expect(await useBackend('wasm')).to.equal(true);
  });
  after(async () => {
    await useWasmKernels(false);
    await tf.setBackend('cpu');
  });

  /** Adam steps of a freshly built lstm model: each step's loss, and the kernels that ran. */
  async function train(wasmKernels: boolean, hidden: number) {
    await useWasmKernels(wasmKernels);
    const model = buildModel('lstm', { length: 40, hidden, seed: 7 });
    const optimizer = tf.train.adam(0.01);
    const x = tf.randomNormal([6, 40], 0, 10, 'float32', 11);
    const y = tf.tidy(() => tf.mul(tf.reverse(x, 1), 0.5));
    const losses: number[] = [];
    const kernels = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const info = await tf.profile(() => {
        const loss = optimizer.minimize(
          () => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar,
          true,
        )!;
        losses.push(loss.dataSync()[0]);
        loss.dispose();
      });
      for (const { name } of info.kernels) kernels.add(name);
    }
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
    return { losses, kernels, fused: fusedLstmAvailable() };
  }

  for (const hidden of [8, 6])
    it(`trains to the same losses with the kernels on and off, to 1e-4 (hidden ${hidden})`, async () => {
      const on = await train(true, hidden);
      const off = await train(false, hidden);
      expect(on.fused).to.equal(true);
      expect(off.fused).to.equal(false);
      expect(on.kernels.has('DALstm') && on.kernels.has('DALstmGrad')).to.equal(true);
      expect(off.kernels.has('DALstm')).to.equal(false);
      on.losses.forEach((loss, i) =>
        expect(Math.abs(loss - off.losses[i]) / off.losses[i], `step ${i + 1}`).to.be.below(1e-4),
      );
      // It learns: five steps lower the loss.
      expect(on.losses[4]).to.be.below(on.losses[0]);
    });
});
