/**
 * `npm run bench:train`: training in the browser, the way `<trainable-model>` runs it (a module
 * Worker, batches generated there from the seed).
 *
 * 1. Throughput: samples per second for each model and backend at the spec's defaults
 *    (length 400, batch 128), the first (warm-up) step left out where the budget allows two.
 * 2. Time to lesson: seconds until the `attention` model at `<trainable-model>`'s defaults gets
 *    its validation MSE under 26, the "copy the input" baseline of spec/datasets.md.
 * 3. Profile: where one attention step's time goes, kernel by kernel.
 * 4. The post-1 table: validation MSE of the six post-1 models after the same number of samples.
 *
 * Query options (BENCH_QUERY): `backends=wasm,cpu,webgl`, `models=fcn,cnn`, `seconds=12` (per
 * throughput cell), `lessonSeconds=300`, `tableSamples=2560`, `tableBatch=32`, `tableModels=…`.
 */
import { MODEL_IDS, parameterCount, type ModelId } from '@decoding-attention/core';
import {
  Trainer,
  type EvaluationMessage,
  type ProgressMessage,
  type TrainingConfig,
} from '@decoding-attention/core/train';
import type { BenchSuite, Report } from './harness.js';

/** The validation MSE of predicting the input itself (spec/datasets.md). */
const COPY_BASELINE = 26;
const query = new URLSearchParams(location.search);
const list = (name: string, fallback: readonly string[]) =>
  query.get(name)?.split(',').filter(Boolean) ?? [...fallback];
const number = (name: string, fallback: number) => Number(query.get(name) ?? fallback);

interface Run {
  backend: string;
  progress: ProgressMessage[];
  evaluations: EvaluationMessage[];
  done: { validationLoss: number; samplesSeen: number; elapsed: number; samplesPerSecond: number };
}

/** Trains one configuration to its budget (or until `until` says stop) in a Worker. */
async function train(
  config: TrainingConfig,
  until: (evaluation: EvaluationMessage) => boolean = () => false,
): Promise<Run> {
  const trainer = await Trainer.create({ mode: 'worker' });
  const run: Partial<Run> = { progress: [], evaluations: [] };
  try {
    await new Promise<void>((resolve, reject) => {
      trainer.addEventListener('ready', (event) => {
        run.backend = (event as CustomEvent<{ backend: string }>).detail.backend;
      });
      trainer.addEventListener('progress', (event) =>
        run.progress!.push((event as CustomEvent<ProgressMessage>).detail),
      );
      trainer.addEventListener('evaluation', (event) => {
        const evaluation = (event as CustomEvent<EvaluationMessage>).detail;
        run.evaluations!.push(evaluation);
        if (until(evaluation)) trainer.stop();
      });
      trainer.addEventListener('done', (event) => {
        run.done = (event as CustomEvent<Run['done']>).detail;
        resolve();
      });
      trainer.addEventListener('error', (event) =>
        reject(new Error((event as CustomEvent<{ message: string }>).detail.message)),
      );
      trainer.start(config);
    });
  } finally {
    trainer.dispose();
  }
  return run as Run;
}

/** Samples per second after the first step (compilation, warm-up); all steps if there was one. */
function throughput(run: Run): { rate: number; steps: number; warm: boolean } {
  const { progress } = run;
  if (progress.length < 2)
    return { rate: run.done.samplesPerSecond, steps: progress.length, warm: false };
  const first = progress[0];
  const last = progress[progress.length - 1];
  return {
    rate: (last.samplesSeen - first.samplesSeen) / (last.elapsed - first.elapsed),
    steps: progress.length - 1,
    warm: true,
  };
}

const seconds = (value: number) => `${value.toFixed(value < 10 ? 1 : 0)} s`;

async function throughputTable(report: Report): Promise<void> {
  const backends = list('backends', ['wasm', 'cpu']);
  const models = list('models', MODEL_IDS) as ModelId[];
  const perCell = number('seconds', 12);
  const batchSize = number('batch', 128);
  for (const model of models) {
    const rates: Record<string, number> = {};
    for (const backend of backends) {
      const measure = (budget: TrainingConfig['budget']) =>
        train({
          model,
          batchSize,
          backend: backend as TrainingConfig['backend'],
          budget,
          // Only the final evaluation; one snapshot after the first step.
          evaluateEvery: 1e9,
          snapshotEvery: 1e9,
        });
      // Two steps first: the warm-up and one timed step. Models that would fit more steps into
      // `seconds` are measured again over that time.
      let run = await measure({ steps: 2 });
      if (throughput(run).rate * perCell > 4 * batchSize) run = await measure({ seconds: perCell });
      const { rate, steps, warm } = throughput(run);
      rates[backend] = rate;
      console.log(`${model} on ${run.backend}: ${rate.toFixed(2)} samples/s over ${steps} steps`);
      const reference = rates[backends[0]];
      report({
        figure: `${model} on ${run.backend}: training samples/s (L 400, batch 128)`,
        value: rate,
        unit: 'samples/s',
        against: `${model} on ${backends[0]}`,
        reference,
        ratio: rate / reference,
        note: warm
          ? undefined
          : `one step of ${seconds(run.done.elapsed)} only, warm-up included: slower than it would settle to`,
      });
    }
  }
}

async function timeToLesson(report: Report): Promise<void> {
  // <trainable-model>'s defaults: the attention model, length 400, batch 128, Adam 3e-4 with 300
  // warm-up steps, validation on 256 samples, backend chosen by measurement.
  const cap = number('lessonSeconds', 300);
  const run = await train({ model: 'attention', budget: { seconds: cap } }, (evaluation) => {
    return evaluation.validationLoss < COPY_BASELINE;
  });
  const reached = run.evaluations.find((e) => e.validationLoss < COPY_BASELINE);
  const last = run.evaluations[run.evaluations.length - 1];
  const first = run.evaluations[0];
  const curve = run.evaluations
    .map((e) => `${seconds(e.elapsed)}: ${e.validationLoss.toFixed(1)}`)
    .join(', ');
  console.log(`time to lesson, validation MSE over time on ${run.backend}: ${curve}`);
  report({
    figure: `time to lesson: attention at the element's defaults (${run.backend}), val MSE < ${COPY_BASELINE}`,
    value: reached ? reached.elapsed : last.elapsed,
    unit: 's',
    against: 'the 60 s target',
    reference: 60,
    ratio: 60 / (reached ? reached.elapsed : last.elapsed),
    note: reached
      ? `reached after ${reached.samplesSeen.toLocaleString('en')} samples (val MSE ${reached.validationLoss.toFixed(1)})`
      : `NOT reached within ${cap} s: val MSE went ${first.validationLoss.toFixed(1)} -> ${last.validationLoss.toFixed(1)} over ${last.samplesSeen.toLocaleString('en')} samples (${(last.samplesSeen / last.elapsed).toFixed(1)} samples/s with evaluation)`,
  });
}

async function resultsTable(report: Report): Promise<void> {
  const models = list('tableModels', [
    'fcn',
    'cnn',
    'lstm',
    'attention',
    'attention-pe',
    'mha',
  ]) as ModelId[];
  const samples = number('tableSamples', 2560);
  const batchSize = number('tableBatch', 32);
  const results: { model: ModelId; loss: number; elapsed: number; rate: number }[] = [];
  for (const model of models) {
    const run = await train({
      model,
      batchSize,
      budget: { samples },
      evaluateEvery: 1e9,
      snapshotEvery: 1e9,
    });
    results.push({
      model,
      loss: run.done.validationLoss,
      elapsed: run.done.elapsed,
      rate: run.done.samplesPerSecond,
    });
    console.log(`table: ${model} val MSE ${run.done.validationLoss.toFixed(2)}`);
  }
  const best = Math.min(...results.map((r) => r.loss));
  for (const { model, loss, elapsed, rate } of results) {
    report({
      figure: `post-1 table: ${model} (${parameterCount(model).toLocaleString('en')} parameters) val MSE after ${samples.toLocaleString('en')} samples, batch ${batchSize}`,
      value: loss,
      unit: 'MSE',
      against: 'the copy-the-input baseline',
      reference: COPY_BASELINE,
      ratio: COPY_BASELINE / loss,
      note: `${seconds(elapsed)} at ${rate.toFixed(1)} samples/s${loss === best ? '; lowest of the table' : ''}`,
    });
  }
}

/** Where the time of one training step goes (length 400, batch 128), kernel by kernel. */
async function profile(report: Report): Promise<void> {
  const trainer = await Trainer.create({ mode: 'worker' });
  const batchSize = number('profileBatch', 128);
  try {
    for (const model of list('profileModels', ['attention']) as ModelId[]) {
      for (const backend of list('backends', ['wasm', 'cpu'])) {
        const step = await trainer.profileStep({
          model,
          batchSize,
          backend: backend as TrainingConfig['backend'],
        });
        const kernelTotal = step.kernels.reduce((sum, k) => sum + k.ms, 0);
        console.log(
          `${model} on ${step.backend}: step ${step.stepMs.toFixed(0)} ms, kernels ${kernelTotal.toFixed(0)} ms, ${step.kernels.reduce((n, k) => n + k.calls, 0)} kernel calls`,
        );
        for (const kernel of step.kernels.slice(0, 4)) {
          report({
            figure: `${model} step on ${step.backend}: ${kernel.name} (${kernel.calls} calls)`,
            value: kernel.ms,
            unit: 'ms',
            against: `the whole step (batch ${batchSize})`,
            reference: step.stepMs,
            ratio: step.stepMs / kernel.ms,
            note: `${((100 * kernel.ms) / step.stepMs).toFixed(1)}% of the step`,
          });
        }
      }
    }
  } finally {
    trainer.dispose();
  }
}

const suite: BenchSuite = {
  title: `Training in the browser (cross-origin isolated: ${crossOriginIsolated ? 'yes' : 'no'}, ${navigator.hardwareConcurrency} cores)`,
  async run(report) {
    const parts = list('parts', ['throughput', 'profile', 'lesson', 'table']);
    if (parts.includes('throughput')) await throughputTable(report);
    if (parts.includes('profile')) await profile(report);
    if (parts.includes('lesson')) await timeToLesson(report);
    if (parts.includes('table')) await resultsTable(report);
  },
};

export default suite;
