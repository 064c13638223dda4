import * as tf from '@tensorflow/tfjs';
import { expect } from '@open-wc/testing';
import { adamOptimizer } from '../src/train/adam.js';
import { useBackend } from '../src/train/backends.js';
import { buildModel } from '../src/models/index.js';
import { generateBatch2D } from '../src/shapes2d.js';
import { useWasmKernels } from '@decoding-attention/wasm-kernels';

describe("Adam's update in one kernel per variable (wasm backend, our kernels)", () => {
  before(async () => {
    expect(await useBackend('wasm')).to.equal(true);
  });
  after(async () => {
    await useWasmKernels(false);
    await tf.setBackend('cpu');
  });

  it("gives tfjs's AdamOptimizer's values and moments, bit for bit, in one kernel per variable", async () => {
    // Sizes on and off the vector width, a scalar among them.
    const shapes = [[7, 5], [64], [1], [3, 4, 2]];
    const make = () =>
      shapes.map((shape, i) => tf.variable(tf.randomNormal(shape, 0, 1, 'float32', i + 1)));
    const ours = make();
    const theirs = make();
    const fused = adamOptimizer(0.01);
    const stock = tf.train.adam(0.01);
    let kernels: string[] = [];
    for (let step = 0; step < 5; step++) {
      const gradients = shapes.map((shape, i) =>
        tf.randomNormal(shape, 0, 1, 'float32', 100 * step + i),
      );
      (stock as unknown as { learningRate: number }).learningRate = 0.01 / (step + 1);
      (fused as unknown as { learningRate: number }).learningRate = 0.01 / (step + 1);
      stock.applyGradients(theirs.map((v, i) => ({ name: v.name, tensor: gradients[i] })));
      const info = await tf.profile(() =>
        fused.applyGradients(ours.map((v, i) => ({ name: v.name, tensor: gradients[i] }))),
      );
      kernels = info.kernels.map((k) => k.name);
      tf.dispose(gradients);
    }
    ours.forEach((v, i) =>
      expect([...v.dataSync()], `variable ${i}`).to.deep.equal([...theirs[i].dataSync()]),
    );
    const [mine, others] = [await fused.getWeights(), await stock.getWeights()];
    expect(mine.map((w) => w.name.replace(/^.*\//, ''))).to.deep.equal(
      others.map((w) => w.name.replace(/^.*\//, '')),
    );
    mine.forEach((w, i) =>
      expect([...w.tensor.dataSync()], w.name).to.deep.equal([...others[i].tensor.dataSync()]),
    );
    expect(fused.iterations).to.equal(5);
    // One update kernel per variable, no element-wise chain.
    expect(kernels.filter((k) => k === 'DAAdamUpdate')).to.have.length(shapes.length);
    expect(kernels.includes('Sqrt')).to.equal(false);
    tf.dispose([...ours, ...theirs, ...mine.map((w) => w.tensor), ...others.map((w) => w.tensor)]);
    fused.dispose();
    stock.dispose();
  });

  it("trains a vit three steps to the losses of tfjs's Adam", async () => {
    const batch = generateBatch2D(4, { seed: 8, width: 32, height: 32 });
    const train = async (optimizer: tf.Optimizer) => {
      const model = buildModel('vit', {
        imageSize: 32,
        patchSize: 8,
        hidden: 16,
        heads: 2,
        seed: 3,
      });
      const xs = tf.tensor4d(batch.inputs, [4, 32, 32, 3]);
      const ys = tf.tensor4d(batch.targets, [4, 32, 32, 3]);
      const losses: number[] = [];
      for (let step = 0; step < 3; step++) {
        const loss = optimizer.minimize(
          () =>
            tf.losses.meanSquaredError(
              ys,
              model.apply(xs, { training: true }) as tf.Tensor,
            ) as tf.Scalar,
          true,
        )!;
        losses.push(loss.dataSync()[0]);
        loss.dispose();
      }
      tf.dispose([xs, ys]);
      optimizer.dispose();
      model.dispose();
      return losses;
    };
    const ours = await train(adamOptimizer(1e-2));
    const theirs = await train(tf.train.adam(1e-2));
    expect(ours[2]).to.be.below(ours[0]);
    ours.forEach((loss, i) =>
      expect(loss, `step ${i + 1}`).to.be.closeTo(theirs[i], 1e-4 * theirs[i]),
    );
  });
});
