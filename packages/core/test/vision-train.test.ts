import * as tf from '@tensorflow/tfjs';
import { expect } from '@open-wc/testing';
import { next } from './trainer-events.js';
import { baselineScores1D, generateBatch1D, generateBatch2D } from '../src/index.js';
import { buildModel, type AnyModelId } from '../src/models/index.js';
import {
  Trainer,
  baselineScores2D,
  type TrainerMessage,
  type TrainingConfig,
} from '../src/train/index.js';

const small: TrainingConfig = {
  model: 'vit',
  task: 'shapes-2d',
  imageSize: 32,
  patchSize: 8,
  hidden: 16,
  heads: 2,
  batchSize: 4,
  validationSize: 6,
  warmupSteps: 2,
  backend: 'cpu',
  evaluateEvery: 0,
  snapshotEvery: 0,
};

/** Trains `config` on the page to its budget; every message of the run, by type. */
async function run(config: TrainingConfig) {
  const trainer = await Trainer.create({ mode: 'page' });
  const progress: Extract<TrainerMessage, { type: 'progress' }>[] = [];
  const onProgress = (event: Event) =>
    progress.push((event as CustomEvent<Extract<TrainerMessage, { type: 'progress' }>>).detail);
  trainer.addEventListener('progress', onProgress);
  const ready = next(trainer, 'ready');
  const snapshot = next(trainer, 'snapshot');
  const done = next(trainer, 'done');
  trainer.start(config);
  const result = { ready: await ready, snapshot: await snapshot, done: await done, progress };
  const weights = await trainer.exportWeights<AnyModelId>();
  trainer.dispose();
  return { ...result, weights };
}

describe('the shapes-2d task through the one Trainer', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('trains a ViT on images: losses as MSE x 1,000, the image baselines, a snapshot of images and attention', async () => {
    const { ready, snapshot, done, progress } = await run({ ...small, budget: { steps: 3 } });
    expect([ready.task, ready.lossScale, ready.config.batchSize]).to.deep.equal([
      'shapes-2d',
      1000,
      4,
    ]);
    // The baselines on the run's validation set (seed + 1,000,003), worked out here.
    const validation = generateBatch2D(6, { seed: 1_000_003, width: 32, height: 32 });
    let black = 0;
    for (const t of validation.targets) black += t * t;
    expect(ready.baselines.black).to.be.closeTo((1000 * black) / validation.targets.length, 1e-9);
    expect(ready.baselines).to.deep.equal(baselineScores2D(validation));
    // The best constant colour beats black (itself a constant).
    expect(ready.baselines.channelMean).to.be.below(ready.baselines.black);

    // Step 1's loss is 1,000 x the MSE of the same fresh model on samples 0..3 of seed 0.
    const model = buildModel('vit', { imageSize: 32, patchSize: 8, hidden: 16, heads: 2 });
    const batch = generateBatch2D(4, { seed: 0, width: 32, height: 32 });
    const mse = tf.tidy(
      () =>
        tf.losses
          .meanSquaredError(
            tf.tensor4d(batch.targets, [4, 32, 32, 3]),
            model.predict(tf.tensor4d(batch.inputs, [4, 32, 32, 3])) as tf.Tensor,
          )
          .dataSync()[0],
    );
    model.dispose();
    expect(progress.map((p) => p.step)).to.deep.equal([1, 2, 3]);
    expect(progress[0].trainLoss).to.be.closeTo(1000 * mse, 1e-4 * 1000 * mse);
    expect(done.validationLoss).to.be.above(0);

    expect(snapshot.image).to.deep.equal({ width: 32, height: 32, channels: 3 });
    expect(snapshot.input).to.deep.equal(validation.inputs.slice(0, 32 * 32 * 3));
    expect(snapshot.target).to.deep.equal(validation.targets.slice(0, 32 * 32 * 3));
    expect(snapshot.prediction).to.have.length(32 * 32 * 3);
    expect(
      snapshot.attention.map(({ kind, heads, length, keys, data }) => [
        kind,
        heads,
        length,
        keys,
        data.length,
      ]),
    ).to.deep.equal([
      ['encoder-self', 2, 16, 16, 2 * 16 * 16],
      ['encoder-self', 2, 16, 16, 2 * 16 * 16],
    ]);
  });

  it('the encoder-decoder reports encoder, decoder and cross-attention; the channel model its three maps', async () => {
    const encdec = await run({
      ...small,
      model: 'vit-encdec',
      decoderBlocks: 1,
      budget: { steps: 1 },
    });
    expect(encdec.snapshot.attention.map((a) => [a.kind, a.length, a.keys])).to.deep.equal([
      ['encoder-self', 16, 16],
      ['encoder-self', 16, 16],
      ['decoder-self', 16, 16],
      ['cross', 16, 16],
    ]);
    const channels = await run({
      ...small,
      model: 'vit-channels',
      blocks: 1,
      budget: { steps: 1 },
    });
    const [within] = channels.snapshot.attention;
    expect([within.kind, within.length, within.keys]).to.deep.equal(['channel-within', 48, 48]);
    // Row 20 (a G plane) of head 0: weights only on the G planes 16..31, summing to 1.
    const row = within.data.slice(20 * 48, 21 * 48);
    expect(row.slice(0, 16).every((v) => v === 0) && row.slice(32).every((v) => v === 0)).to.equal(
      true,
    );
    expect(row.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-5);
    const unet = await run({ ...small, model: 'unet', budget: { steps: 1 } });
    expect(unet.snapshot.attention).to.deep.equal([]);
    expect(unet.ready.parameters).to.equal(
      unet.weights.weights.reduce((n, w) => n + w.values.length, 0),
    );
  });

  it('filters the target as the dataset does, and exports and imports a vision model', async () => {
    const filtered = await run({ ...small, filter: 'channel', budget: { steps: 1 } });
    const validation = generateBatch2D(6, {
      seed: 1_000_003,
      width: 32,
      height: 32,
      filter: 'channel',
    });
    expect(filtered.snapshot.target).to.deep.equal(validation.targets.slice(0, 32 * 32 * 3));
    expect(filtered.weights.task).to.equal('shapes-2d');
    expect(filtered.weights.options).to.include({ imageSize: 32, patchSize: 8, hidden: 16 });
    expect(filtered.weights.filter).to.equal('channel');
    const trainer = await Trainer.create({ mode: 'page' });
    const shown = next(trainer, 'snapshot');
    // The file says which targets the model learned: no filter passed by hand.
    await trainer.importWeights(filtered.weights, { backend: 'cpu' });
    const { prediction, target } = await shown;
    // The imported model predicts what the trained one did on the same sample, against the
    // filtered target it was trained for.
    prediction.forEach((v, i) => expect(v).to.be.closeTo(filtered.snapshot.prediction[i], 1e-5));
    expect(target).to.deep.equal(filtered.snapshot.target);
    trainer.dispose();
  });

  it('the 1D task reports its baselines and scale too, and a model on the wrong task is an error event', async () => {
    const trainer = await Trainer.create({ mode: 'page' });
    const ready = next(trainer, 'ready');
    const done = next(trainer, 'done');
    trainer.start({
      model: 'attention',
      length: 48,
      hidden: 8,
      batchSize: 4,
      validationSize: 8,
      backend: 'cpu',
      budget: { steps: 1 },
    });
    const message = await ready;
    await done;
    expect([message.task, message.lossScale]).to.deep.equal(['shapes-1d', 1]);
    expect(message.baselines).to.deep.equal(
      baselineScores1D(generateBatch1D(8, { seed: 1_000_003, length: 48 })),
    );
    for (const [config, pattern] of [
      [{ ...small, task: 'shapes-1d' }, /model vit does not train on shapes-1d/],
      [{ ...small, model: 'cnn' }, /model cnn does not train on shapes-2d/],
      [{ ...small, task: 'images' }, /task must be one of/],
      [{ ...small, filter: 'red' }, /filter must be one of/],
      [{ ...small, patchSize: 5 }, /patchSize 5 does not divide the 32 x 32 image/],
    ] as const) {
      const error = next(trainer, 'error');
      trainer.start(config as TrainingConfig);
      expect((await error).message).to.match(pattern);
    }
    trainer.dispose();
  });

  it('trains the same on wasm with our SIMD kernels and fused attention as with the stock tfjs kernels', async () => {
    const losses = async (wasmKernels: boolean, fusedAttention = true) => {
      const { ready, progress, done } = await run({
        ...small,
        model: 'vit-encdec',
        decoderBlocks: 1,
        seed: 3,
        backend: 'wasm',
        wasmKernels,
        fusedAttention,
        budget: { steps: 4 },
      });
      return {
        served: [ready.wasmKernels, ready.fusedAttention],
        losses: progress.map((p) => p.trainLoss),
        validation: done.validationLoss,
      };
    };
    const ours = await losses(true);
    const unfused = await losses(true, false);
    const stock = await losses(false);
    await tf.setBackend('cpu');
    expect([ours.served, unfused.served, stock.served]).to.deep.equal([
      [true, true],
      [true, false],
      [false, false],
    ]);
    expect(ours.losses).to.have.length(4);
    for (const other of [unfused, stock]) {
      ours.losses.forEach((loss, i) =>
        expect(loss, `step ${i + 1}`).to.be.closeTo(other.losses[i], 1e-4 * other.losses[i]),
      );
      expect(ours.validation).to.be.closeTo(other.validation, 1e-4 * other.validation);
    }
  });
});
