import { expect } from '@open-wc/testing';
import { next } from './trainer-events.js';
import { generateBatch2D } from '../src/index.js';
import { BatchPrefetcher, type BatchWanted } from '../src/train/batch-prefetch.js';
import { Trainer, type TrainerMessage, type TrainingConfig } from '../src/train/index.js';

const spec = { task: 'shapes-2d', length: 400, imageSize: 48, filter: 'channel' } as const;
const count = 3;
const size = count * 48 * 48 * 3;
const wanted = (step: number): BatchWanted => ({
  spec,
  count,
  seed: 11,
  firstIndex: step * count,
});
const expected = (step: number) =>
  generateBatch2D(count, {
    seed: 11,
    firstIndex: step * count,
    width: 48,
    height: 48,
    filter: 'channel',
  });

describe('2D batches made a step ahead on a second thread', () => {
  it("hands over the helper's batch, the same floats as generating it here", async () => {
    const batches = new BatchPrefetcher(new URL('./batch-helper.worker.ts', import.meta.url));
    try {
      expect(await batches.started).to.equal(true);
      const first = await batches.take(wanted(0), size);
      expect([...first.inputs]).to.deep.equal([...expected(0).inputs]);
      for (let step = 1; step <= 3; step++) {
        batches.ahead(wanted(step), size);
        const batch = await batches.take(wanted(step), size);
        const local = expected(step);
        expect([...batch.inputs]).to.deep.equal([...local.inputs]);
        expect([...batch.targets]).to.deep.equal([...local.targets]);
      }
      expect(batches.made).to.deep.equal({ helper: 3, here: 1 });
      // A batch asked for ahead that is not the one taken is not handed over.
      batches.ahead(wanted(9), size);
      const other = await batches.take(wanted(4), size);
      expect([...other.inputs]).to.deep.equal([...expected(4).inputs]);
      expect(batches.made).to.deep.equal({ helper: 3, here: 2 });
    } finally {
      batches.dispose();
    }
  });

  it('rests a helper that keeps the training thread waiting longer than generating here takes', async () => {
    const batches = new BatchPrefetcher(new URL('./batch-slow-helper.worker.ts', import.meta.url));
    try {
      expect(await batches.started).to.equal(true);
      let last = await batches.take(wanted(0), size);
      for (let step = 1; step <= 24; step++) {
        batches.ahead(wanted(step), size);
        last = await batches.take(wanted(step), size);
      }
      // Steps 1 to 3 waited for the helper; 4 to 23 were made here; then the helper again.
      expect(batches.made).to.deep.equal({ helper: 4, here: 21 });
      expect([...last.inputs]).to.deep.equal([...expected(24).inputs]);
    } finally {
      batches.dispose();
    }
  });

  it('generates every batch itself without a helper, or when the helper cannot start', async () => {
    for (const helper of [false, new URL('./no-such-helper.worker.js', import.meta.url)]) {
      const batches = new BatchPrefetcher(helper);
      expect(await batches.started).to.equal(false);
      for (let step = 0; step < 2; step++) {
        batches.ahead(wanted(step + 1), size);
        const batch = await batches.take(wanted(step), size);
        expect([...batch.targets]).to.deep.equal([...expected(step).targets]);
      }
      expect(batches.made).to.deep.equal({ helper: 0, here: 2 });
      batches.dispose();
    }
  });

  it('trains a ViT in a Worker, with batches from its helper, to the same losses as on the page', async () => {
    const config: TrainingConfig = {
      model: 'vit',
      task: 'shapes-2d',
      imageSize: 32,
      patchSize: 8,
      hidden: 16,
      heads: 2,
      batchSize: 4,
      validationSize: 4,
      backend: 'cpu',
      evaluateEvery: 1e9,
      snapshotEvery: 1e9,
      budget: { steps: 6 },
    };
    const losses = async (trainer: Trainer, batchesAhead = true) => {
      const seen: number[] = [];
      const onProgress = (event: Event) =>
        seen.push((event as CustomEvent<{ trainLoss: number }>).detail.trainLoss);
      trainer.addEventListener('progress', onProgress);
      const done = next(trainer, 'done');
      trainer.start({ ...config, batchesAhead });
      const message: Extract<TrainerMessage, { type: 'done' }> = await done;
      trainer.removeEventListener('progress', onProgress);
      return { seen, ahead: message.batchesAhead };
    };
    const page = await Trainer.create({ mode: 'page' });
    const onPage = await losses(page);
    page.dispose();
    expect(onPage.ahead).to.equal(0);
    const worker = await Trainer.create({ mode: 'worker' });
    try {
      // The first run starts the helper (loading the training Worker's script again, seconds
      // on the test server); once it listens, it makes every batch after a run's first.
      let inWorker = await losses(worker);
      for (let tries = 0; tries < 60 && inWorker.ahead < 5; tries++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        inWorker = await losses(worker);
      }
      expect(inWorker.ahead).to.equal(5);
      expect(inWorker.seen).to.deep.equal(onPage.seen);
      // batchesAhead: false makes every batch between steps.
      const between = await losses(worker, false);
      expect(between.ahead).to.equal(0);
      expect(between.seen).to.deep.equal(onPage.seen);
    } finally {
      worker.dispose();
    }
  });
});
