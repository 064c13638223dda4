import { expect } from '@open-wc/testing';
import { next } from './trainer-events.js';
import {
  Trainer,
  type SnapshotMessage,
  type TrainingConfig,
  type VariantSnapshot,
} from '../src/train/index.js';
import { resolveTrainingConfig } from '../src/train/session.js';

/** A small transformer on wasm with our kernels: two blocks of two heads at length 64. */
const small: TrainingConfig = {
  model: 'transformer',
  length: 64,
  hidden: 16,
  heads: 2,
  blocks: 2,
  batchSize: 8,
  validationSize: 16,
  learningRate: 3e-3,
  warmupSteps: 2,
  backend: 'wasm',
  evaluateEvery: 0,
  snapshotEvery: 1e9,
  seed: 3,
};

/** Trains `config` to its budget; its ready, evaluations, last snapshot and done. */
async function run(trainer: Trainer, config: TrainingConfig) {
  const evaluations: number[] = [];
  const onEvaluation = (event: Event) =>
    evaluations.push((event as CustomEvent<{ validationLoss: number }>).detail.validationLoss);
  let last: SnapshotMessage | undefined;
  const onSnapshot = (event: Event) => (last = (event as CustomEvent<SnapshotMessage>).detail);
  trainer.addEventListener('evaluation', onEvaluation);
  trainer.addEventListener('snapshot', onSnapshot);
  const ready = next(trainer, 'ready');
  const done = next(trainer, 'done');
  trainer.start(config);
  try {
    const r = await ready;
    const d = await done;
    return { ready: r, done: d, evaluations, snapshot: last! };
  } finally {
    trainer.removeEventListener('evaluation', onEvaluation);
    trainer.removeEventListener('snapshot', onSnapshot);
  }
}

/** The last layer's variant snapshot. */
const lastVariant = (shot: SnapshotMessage): VariantSnapshot | undefined =>
  shot.attention.at(-1)?.variant;

describe('training configuration of the attention variants', () => {
  it('resolves attention and its parameters with their defaults', () => {
    const c = resolveTrainingConfig({ model: 'transformer', attention: 'sparse', stride: 4 });
    expect(c.attention).to.equal('sparse');
    expect(c.stride).to.equal(4);
    expect(c.window).to.equal(8);
    expect(c.globals).to.deep.equal([0]);
    const g = resolveTrainingConfig({ model: 'mha', length: 100, attention: 'global', globals: 4 });
    expect(g.globals).to.deep.equal([0, 25, 50, 75]);
    expect(resolveTrainingConfig({ model: 'cnn' }).attention).to.equal('full');
  });

  it('names the bad option', () => {
    const bad = (config: Partial<TrainingConfig>) => () =>
      resolveTrainingConfig({ model: 'transformer', ...config });
    expect(bad({ attention: 'flash' as never })).to.throw(RangeError, /attention/);
    expect(bad({ attention: 'local', window: 0 })).to.throw(RangeError, /window/);
    expect(bad({ attention: 'performer', features: 2.5 })).to.throw(RangeError, /features/);
    expect(bad({ attention: 'reformer', buckets: 3 })).to.throw(
      RangeError,
      /buckets must be 1 or even/,
    );
    expect(bad({ attention: 'adaptive', spanPenalty: -1 })).to.throw(RangeError, /spanPenalty/);
    expect(bad({ attention: 'global', length: 64, globals: [3, 64] })).to.throw(
      RangeError,
      /globals/,
    );
    expect(bad({ attention: 'linformer', mask: 'causal' })).to.throw(
      RangeError,
      /"linformer" cannot be causal/,
    );
    expect(bad({ attention: 'local', positional: 'rope' })).to.throw(RangeError, /rope/);
    expect(() =>
      resolveTrainingConfig({ model: 'vit', attention: 'local' } as TrainingConfig),
    ).to.throw(RangeError, /attention "local" applies to the 1D attention models/);
  });
});

describe('Trainer with attention variants, in a module Worker on wasm', function () {
  this.timeout(240_000);
  let trainer: Trainer;
  before(async () => {
    trainer = await Trainer.create({ mode: 'worker' });
  });
  after(() => trainer.dispose());

  it('trains local attention: the loss falls, the run differs from full attention', async () => {
    const local = await run(trainer, {
      ...small,
      attention: 'local',
      window: 4,
      budget: { steps: 12 },
    });
    expect(local.ready.backend).to.equal('wasm');
    expect(local.ready.wasmKernels).to.equal(true);
    expect(local.ready.config.attention).to.equal('local');
    expect(local.ready.config.window).to.equal(4);
    expect(local.done.step).to.equal(12);
    expect(local.evaluations.at(-1)).to.be.below(local.evaluations[0]);
    expect(local.done.peakBytes).to.be.above(0);
    const full = await run(trainer, { ...small, budget: { steps: 12 } });
    expect(full.ready.config.attention).to.equal('full');
    expect(full.done.validationLoss).to.not.equal(local.done.validationLoss);
    // Local attention with a window of 4 leaves every key beyond 4 at weight 0.
    const shot = local.snapshot.attention[0];
    expect(shot.variant?.attention).to.equal('local');
    expect(shot.variant?.options).to.deep.equal({ causal: false, window: 4 });
    const row = shot.data.subarray(30 * 64, 31 * 64);
    const outside = [...row].filter((_, key) => Math.abs(key - 30) > 4);
    expect(outside.every((w) => w === 0)).to.equal(true);
    expect([...row].reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-4);
    // Full attention's snapshot has no variant.
    expect(full.snapshot.attention[0].variant).to.equal(undefined);
  });

  it("a reformer snapshot carries each round's bucket of every position", async () => {
    const { snapshot } = await run(trainer, {
      ...small,
      attention: 'reformer',
      buckets: 4,
      hashes: 2,
      chunk: 16,
      budget: { steps: 3 },
    });
    const variant = lastVariant(snapshot)!;
    expect(variant.attention).to.equal('reformer');
    expect(variant.hashes).to.equal(2);
    expect(variant.buckets).to.be.instanceOf(Int32Array);
    expect(variant.buckets!.length).to.equal(2 * 2 * 64);
    expect([...variant.buckets!].every((b) => b >= 0 && b < 4)).to.equal(true);
    expect(new Set(variant.buckets).size).to.be.above(1);
    expect(variant.options).to.deep.equal({
      causal: false,
      buckets: 4,
      hashes: 2,
      chunk: 16,
      redraw: 0,
    });
  });

  it('an adaptive snapshot carries the spans in tokens; the span penalty shrinks them', async () => {
    const spans = async (spanPenalty: number) => {
      const { snapshot } = await run(trainer, {
        ...small,
        attention: 'adaptive',
        span: 32,
        ramp: 8,
        spanPenalty,
        learningRate: 3e-2,
        budget: { steps: 6 },
      });
      const variant = lastVariant(snapshot)!;
      expect(variant.maxSpan).to.equal(32);
      expect(variant.spans).to.have.length(2);
      return [...variant.spans!];
    };
    // The spans start at half the largest, 16 tokens; Adam moves each at most about 6 tokens in
    // 6 steps at this rate. A heavy penalty pulls every head's span down by nearly that much.
    const free = await spans(0);
    for (const s of free) expect(s).to.be.within(10, 22);
    const penalised = await spans(10);
    for (let h = 0; h < 2; h++) {
      expect(penalised[h]).to.be.below(12);
      expect(penalised[h]).to.be.below(free[h]);
    }
  });

  it('a linformer snapshot carries the weights over the k projected rows', async () => {
    const { snapshot } = await run(trainer, {
      ...small,
      attention: 'linformer',
      projected: 8,
      budget: { steps: 3 },
    });
    const variant = lastVariant(snapshot)!;
    expect(variant.rows).to.equal(8);
    expect(variant.projected!.length).to.equal(2 * 64 * 8);
    // Each query's weights over the k rows sum to 1.
    const row = variant.projected!.subarray(5 * 8, 6 * 8);
    expect([...row].reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-4);
    // E and F, k x L each, are the layer's trained weights as exported.
    const file = await trainer.exportWeights();
    for (const which of ['e', 'f'] as const) {
      // The last attention layer: the one the snapshot describes.
      const weight = file.weights.filter((w) => w.name.endsWith(`projection/${which}`)).at(-1)!;
      expect(weight.shape).to.deep.equal([8, 64]);
      expect([...variant[which]!]).to.deep.equal([...Float32Array.from(weight.values)]);
    }
  });

  it('a performer snapshot carries exact softmax attention on the same queries and keys', async () => {
    const { snapshot } = await run(trainer, {
      ...small,
      attention: 'performer',
      features: 64,
      budget: { steps: 3 },
    });
    const layer = snapshot.attention.at(-1)!;
    const exact = layer.variant!.exact!;
    expect(exact.length).to.equal(layer.data.length);
    // Rows of both sum to 1; the estimate is near the exact weights, not equal to them.
    let difference = 0;
    for (let q = 0; q < 64; q++) {
      const row = exact.subarray(q * 64, (q + 1) * 64);
      expect([...row].reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-4);
      for (let k = 0; k < 64; k++) difference += Math.abs(row[k] - layer.data[q * 64 + k]);
    }
    const mean = difference / (64 * 64);
    expect(mean).to.be.above(0);
    expect(mean).to.be.below(1 / 64);
  });

  it('records the variant in weights files, and refuses to continue weights of another variant', async () => {
    await run(trainer, {
      ...small,
      attention: 'sparse',
      window: 4,
      stride: 8,
      budget: { steps: 2 },
    });
    const file = await trainer.exportWeights();
    expect(file.options).to.include({ attention: 'sparse', window: 4, stride: 8 });
    const error = next(trainer, 'error');
    trainer.start({
      ...small,
      attention: 'local',
      window: 4,
      keepWeights: true,
      budget: { steps: 1 },
    });
    expect((await error).message).to.equal(
      'the weights were trained with attention "sparse" (window 4, stride 8), not "local" (window 4): train this variant from scratch, or set attention to the weights\' variant',
    );
    // A fresh trainer loads the file as the sparse model it is, and trains on from it.
    const other = await Trainer.create({ mode: 'worker' });
    try {
      const shot = next(other, 'snapshot');
      await other.importWeights(file, { backend: 'wasm' });
      expect((await shot).attention[0].variant?.attention).to.equal('sparse');
      const done = next(other, 'done');
      other.start({
        ...small,
        attention: 'sparse',
        window: 4,
        stride: 8,
        keepWeights: true,
        budget: { steps: 1 },
      });
      expect((await done).step).to.equal(1);
    } finally {
      other.dispose();
    }
  });
});
