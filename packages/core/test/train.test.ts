import * as tf from '@tensorflow/tfjs';
import { expect } from '@open-wc/testing';
import { next } from './trainer-events.js';
import { Trainer, type TrainerMessage, type TrainingConfig } from '../src/train/index.js';

const small: TrainingConfig = {
  model: 'attention',
  length: 48,
  hidden: 16,
  batchSize: 16,
  validationSize: 32,
  learningRate: 3e-3,
  warmupSteps: 5,
  backend: 'cpu',
  evaluateEvery: 0,
  snapshotEvery: 0,
};

describe('Trainer in a module Worker', () => {
  let trainer: Trainer;
  before(async () => {
    trainer = await Trainer.create({ mode: 'worker' });
  });
  after(() => trainer.dispose());

  it('trains: progress after every step, validation loss falls, a snapshot with attention', async () => {
    const progress: number[] = [];
    const onProgress = (event: Event) =>
      progress.push((event as CustomEvent<{ step: number }>).detail.step);
    trainer.addEventListener('progress', onProgress);
    const evaluations: number[] = [];
    const onEvaluation = (event: Event) =>
      evaluations.push((event as CustomEvent<{ validationLoss: number }>).detail.validationLoss);
    trainer.addEventListener('evaluation', onEvaluation);
    const ready = next(trainer, 'ready');
    const snapshot = next(trainer, 'snapshot');
    const done = next(trainer, 'done');
    trainer.start({ ...small, budget: { steps: 40 } });
    const { backend, parameters } = await ready;
    expect(backend).to.equal('cpu');
    expect(parameters).to.equal(3 * 16 * 16 + 6 * 16 + 1);
    const shot = await snapshot;
    expect(shot.prediction.length).to.equal(48);
    expect(shot.attention).to.have.length(1);
    expect(shot.attention[0].heads).to.equal(1);
    expect(shot.attention[0].data.length).to.equal(48 * 48);
    const end = await done;
    trainer.removeEventListener('progress', onProgress);
    trainer.removeEventListener('evaluation', onEvaluation);
    expect(end.reason).to.equal('budget');
    expect(end.step).to.equal(40);
    expect(end.samplesSeen).to.equal(640);
    expect(progress).to.deep.equal(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(evaluations.at(-1)).to.be.below(evaluations[0]);
  });

  it('warms up over 300 steps, or over a tenth of a shorter budget', async () => {
    const rates = async (steps: number, warmupBudget?: number) => {
      const seen: number[] = [];
      const onProgress = (event: Event) =>
        seen.push((event as CustomEvent<{ learningRate: number }>).detail.learningRate);
      trainer.addEventListener('progress', onProgress);
      const done = next(trainer, 'done');
      trainer.start({
        ...small,
        learningRate: 1e-3,
        warmupSteps: 300,
        warmupBudget,
        budget: { steps },
      });
      await done;
      trainer.removeEventListener('progress', onProgress);
      return seen;
    };
    // 20 steps: step 1 is at 1/300 of the rate, step 3 (a tenth of the budget done) at all of it.
    const short = await rates(20);
    expect(short[0]).to.be.closeTo(1e-3 / 300, 1e-12);
    expect(short[1]).to.be.closeTo(1e-3 * 0.5, 1e-12);
    expect(short.slice(2)).to.deep.equal(Array(18).fill(1e-3));
    // warmupBudget 0: the series' own warm-up, 300 steps whatever the budget.
    const exact = await rates(20, 0);
    expect(exact).to.have.length(20);
    exact.forEach((rate, step) => expect(rate).to.be.closeTo((1e-3 * (step + 1)) / 300, 1e-12));
  });

  it('pauses, resumes and stops', async () => {
    const ready = next(trainer, 'ready');
    trainer.start({ ...small, budget: { seconds: 60 } });
    await ready;
    await next(trainer, 'progress');
    trainer.pause();
    expect((await next(trainer, 'state')).state).to.equal('paused');
    let stepsWhilePaused = 0;
    const count = () => stepsWhilePaused++;
    trainer.addEventListener('progress', count);
    await new Promise((resolve) => setTimeout(resolve, 300));
    trainer.removeEventListener('progress', count);
    expect(stepsWhilePaused).to.be.at.most(1);
    trainer.resume();
    expect((await next(trainer, 'state')).state).to.equal('running');
    const last = await next(trainer, 'progress');
    await new Promise((resolve) => setTimeout(resolve, 100));
    const evaluations: number[] = [];
    const onEvaluation = (event: Event) =>
      evaluations.push((event as CustomEvent<{ elapsed: number }>).detail.elapsed);
    trainer.addEventListener('evaluation', onEvaluation);
    trainer.stop();
    const done = await next(trainer, 'done');
    expect(done.reason).to.equal('stopped');
    // The training time counts to the stop, the pause left out: at least the last progress's.
    expect(done.elapsed).to.be.at.least(last.elapsed);
    trainer.removeEventListener('evaluation', onEvaluation);
    expect(evaluations.at(-1)).to.equal(done.elapsed);
  });

  it('exports weights and imports them into a fresh trainer, predicting the same', async () => {
    const done = next(trainer, 'done');
    trainer.start({ ...small, budget: { steps: 5 } });
    await done;
    const weights = await trainer.exportWeights();
    expect(weights.format).to.equal('decoding-attention-weights');
    expect(weights.weights.map((w) => w.name)).to.include('attention/query/kernel');
    // Sent over as Float32Arrays, handed back as the file's plain arrays.
    expect(weights.weights.every((w) => Array.isArray(w.values))).to.equal(true);
    // Only the weights named, the same values.
    const some = await trainer.exportWeights({ names: ['attention/query/kernel'] });
    expect(some.weights).to.deep.equal(
      weights.weights.filter((w) => w.name === 'attention/query/kernel'),
    );
    expect(some.model).to.equal(weights.model);
    const copy = JSON.parse(JSON.stringify(weights));
    const other = await Trainer.create({ mode: 'page' });
    await other.importWeights(copy);
    expect(await other.exportWeights()).to.deep.equal(weights);
    other.dispose();
    const bad = {
      ...copy,
      weights: copy.weights.map((w: { shape: number[] }, i: number) =>
        i === 0 ? { ...w, shape: [1, 2, 3] } : w,
      ),
    };
    let message = '';
    await trainer.importWeights(bad).catch((error: Error) => (message = error.message));
    expect(message).to.match(/has shape \[1,2,3\]/);
  });

  it('leaves no tensors behind after ten train / stop / reset cycles', async () => {
    trainer.reset();
    const baseline = (await trainer.memory()).numTensors;
    for (let cycle = 0; cycle < 10; cycle++) {
      const ready = next(trainer, 'ready');
      trainer.start({
        ...small,
        model: cycle % 2 ? 'transformer' : 'mha',
        heads: 2,
        budget: { steps: 3 },
      });
      await ready;
      await next(trainer, 'progress');
      trainer.stop();
      await next(trainer, 'done');
      trainer.reset();
      await next(trainer, 'state');
    }
    expect((await trainer.memory()).numTensors).to.equal(baseline);
  });

  it('profiles one step kernel by kernel, the attention products among them, leaving no tensors', async () => {
    trainer.reset();
    await next(trainer, 'state');
    const baseline = (await trainer.memory()).numTensors;
    const profile = await trainer.profileStep({ ...small, budget: { steps: 1 } });
    expect(profile).to.include({ backend: 'cpu', batchSize: 16 });
    expect(profile.stepMs).to.be.above(0);
    const names = profile.kernels.map((k) => k.name);
    // Q K^T and weights x V forward, and their gradients: batched matrix products.
    expect(names).to.include('BatchMatMul');
    expect(names).to.include('Softmax');
    const matmul = profile.kernels.find((k) => k.name === 'BatchMatMul')!;
    expect(matmul.calls).to.be.at.least(6);
    const ms = profile.kernels.map((k) => k.ms);
    expect(ms).to.deep.equal([...ms].sort((a, b) => b - a));
    expect((await trainer.memory()).numTensors).to.equal(baseline);
  });
});

describe('Trainer on the page', () => {
  it('trains the same way and leaves tf.memory().numTensors where it started', async () => {
    await tf.setBackend('cpu');
    const trainer = await Trainer.create({ mode: 'page' });
    expect(trainer.mode).to.equal('page');
    const baseline = tf.memory().numTensors;
    for (let cycle = 0; cycle < 10; cycle++) {
      const done = next(trainer, 'done');
      trainer.start({ ...small, model: cycle % 2 ? 'cnn' : 'attention-pe', budget: { steps: 2 } });
      await done;
      trainer.reset();
      await next(trainer, 'state');
    }
    expect(tf.memory().numTensors).to.equal(baseline);
    trainer.dispose();
  });

  it('the same seed trains the same run, in a Worker or on the page; another seed another run', async () => {
    const losses = async (mode: 'worker' | 'page', seed: number) => {
      const trainer = await Trainer.create({ mode });
      const seen: number[] = [];
      const onProgress = (event: Event) =>
        seen.push((event as CustomEvent<{ trainLoss: number }>).detail.trainLoss);
      trainer.addEventListener('progress', onProgress);
      const done = next(trainer, 'done');
      trainer.start({ ...small, seed, budget: { steps: 4 } });
      await done;
      trainer.dispose();
      return seen;
    };
    const worker = await losses('worker', 3);
    expect(worker).to.have.length(4);
    expect(await losses('page', 3)).to.deep.equal(worker);
    const other = await losses('page', 4);
    expect(other).to.have.length(4);
    expect(other[0]).to.not.equal(worker[0]);
  });

  it('trains the same on wasm with our SIMD kernels and fused attention as with the stock tfjs kernels', async () => {
    const run = async (wasmKernels: boolean, fusedAttention = true) => {
      const trainer = await Trainer.create({ mode: 'page' });
      const seen: number[] = [];
      const onProgress = (event: Event) =>
        seen.push((event as CustomEvent<{ trainLoss: number }>).detail.trainLoss);
      trainer.addEventListener('progress', onProgress);
      const ready = next(trainer, 'ready');
      const done = next(trainer, 'done');
      trainer.start({
        ...small,
        seed: 5,
        backend: 'wasm',
        wasmKernels,
        fusedAttention,
        budget: { steps: 6 },
      });
      const { backend, wasmKernels: served, fusedAttention: fused, threads } = await ready;
      const { validationLoss } = await done;
      trainer.dispose();
      return { backend, served, fused, threads, losses: seen, validationLoss };
    };
    const ours = await run(true);
    const unfused = await run(true, false);
    const stock = await run(false);
    await tf.setBackend('cpu');
    // Not cross-origin isolated: tfjs-wasm's single-threaded build, and one thread for ours.
    expect([ours.backend, ours.served, ours.fused, ours.threads]).to.deep.equal([
      'wasm',
      true,
      true,
      1,
    ]);
    expect([unfused.served, unfused.fused]).to.deep.equal([true, false]);
    expect([stock.backend, stock.served, stock.fused, stock.threads]).to.deep.equal([
      'wasm',
      false,
      false,
      1,
    ]);
    expect(ours.losses).to.have.length(6);
    for (const other of [unfused, stock]) {
      ours.losses.forEach((loss, i) =>
        expect(loss, `step ${i + 1}`).to.be.closeTo(other.losses[i], 1e-4 * other.losses[i]),
      );
      expect(ours.validationLoss).to.be.closeTo(other.validationLoss, 1e-4 * other.validationLoss);
    }
    expect(ours.losses[5]).to.be.below(ours.losses[0]);
  });

  it('reports bad settings as an error event, not an exception', async () => {
    const trainer = await Trainer.create({ mode: 'page' });
    const error = next(trainer, 'error');
    trainer.start({ ...small, batchSize: 0 });
    const { message } = await error;
    expect(message).to.match(/batchSize must be a whole number in \[1, 4096\]/);
    const threadsError = next(trainer, 'error');
    trainer.start({ ...small, threads: 0 });
    expect((await threadsError).message).to.match(/threads must be a whole number in \[1, 64\]/);
    const warmupError = next(trainer, 'error');
    trainer.start({ ...small, warmupBudget: 2 });
    expect((await warmupError).message).to.match(/warmupBudget must be a number in \[0, 1\]/);
    trainer.dispose();
  });

  it('shows imported weights as their model, and keepWeights trains on from them', async () => {
    const source = await Trainer.create({ mode: 'page' });
    const trained = next(source, 'done');
    source.start({ ...small, budget: { steps: 30 } });
    await trained;
    const weights = await source.exportWeights();
    const lastShot = next(source, 'snapshot');
    // A run of one step at a learning rate too small to move anything: the trained model's snapshot.
    source.start({ ...small, keepWeights: true, learningRate: 1e-9, budget: { steps: 1 } });
    const trainedShot = await lastShot;
    source.dispose();

    const trainer = await Trainer.create({ mode: 'page' });
    const shots: Extract<TrainerMessage, { type: 'snapshot' }>[] = [];
    const onSnapshot = (event: Event) => shots.push((event as CustomEvent).detail);
    trainer.addEventListener('snapshot', onSnapshot);
    await trainer.importWeights(JSON.parse(JSON.stringify(weights)), {
      backend: 'cpu',
      validationSize: 32,
    });
    // Before any training: the loaded model's prediction and attention on the validation sample.
    expect(shots).to.have.length(1);
    expect(shots[0].step).to.equal(0);
    expect(shots[0].attention[0].data.length).to.equal(48 * 48);
    Array.from(shots[0].prediction).forEach((value, i) =>
      expect(value, `position ${i}`).to.be.closeTo(trainedShot.prediction[i], 1e-3),
    );
    // Continued: the first step's loss is the trained model's, far below a fresh model's.
    const firstLoss = async (config: TrainingConfig) => {
      const progress = next(trainer, 'progress');
      trainer.start({ ...config, budget: { steps: 1 } });
      const { trainLoss } = await progress;
      await next(trainer, 'done');
      return trainLoss;
    };
    const continued = await firstLoss({ ...small, keepWeights: true });
    const fresh = await firstLoss(small);
    expect(continued).to.be.below(fresh * 0.8);
    trainer.removeEventListener('snapshot', onSnapshot);

    // Nothing to continue from, or another model's weights: an error event that says so.
    trainer.reset();
    await next(trainer, 'state');
    const none = next(trainer, 'error');
    trainer.start({ ...small, keepWeights: true });
    expect((await none).message).to.equal(
      'there are no weights to continue from: train or load weights first',
    );
    await trainer.importWeights(weights, { backend: 'cpu' });
    const other = next(trainer, 'error');
    trainer.start({ ...small, model: 'cnn', keepWeights: true });
    expect((await other).message).to.equal("the weights held are attention's, not cnn's");
    let refused = '';
    const broken = { ...weights, weights: weights.weights.map((w) => ({ ...w, values: [NaN] })) };
    await trainer.importWeights(broken).catch((error: Error) => (refused = error.message));
    expect(refused).to.match(/^weight .* holds values that are not finite numbers$/);
    trainer.dispose();
  });

  it('measures the backends once per page for a model and length, then reuses the choice', async () => {
    const config: TrainingConfig = { ...small, model: 'mha', heads: 2, backend: 'auto' };
    const first = await Trainer.create({ mode: 'page' });
    let ready = next(first, 'ready');
    first.start({ ...config, budget: { steps: 1 } });
    const measured = await ready;
    await next(first, 'done');
    expect(Object.keys(measured.timings).length).to.be.above(0);
    expect(measured.remembered).to.equal(undefined);
    // Another run, even by another trainer on the page: no measuring, the same backend.
    const second = await Trainer.create({ mode: 'page' });
    ready = next(second, 'ready');
    second.start({ ...config, budget: { steps: 1 } });
    const reused = await ready;
    await next(second, 'done');
    expect([reused.backend, reused.timings, reused.remembered]).to.deep.equal([
      measured.backend,
      {},
      true,
    ]);
    // Another length is another workload: measured again.
    ready = next(second, 'ready');
    second.start({ ...config, length: 64, budget: { steps: 1 } });
    expect(Object.keys((await ready).timings).length).to.be.above(0);
    await next(second, 'done');
    first.dispose();
    second.dispose();
  });
});
