/**
 * `npm run bench:train`: training in the browser, the way `<trainable-model>` runs it (a module
 * Worker, batches generated there from the seed).
 *
 * 1. Throughput: samples per second for each model and backend at the trainer's defaults
 *    (length 400, batch 128), the first (warm-up) step left out where the budget allows two.
 * 2. Time to lesson: seconds until the model at `<trainable-model>`'s defaults gets its
 *    validation MSE under copying the input (measured on the run's validation set; about 26 at
 *    length 400, docs/design/datasets.md); then its MSE at the element's budget against the CNN's.
 * 3. Profile: where one attention step's time goes, kernel by kernel.
 * 4. The post-1 table: validation MSE of the six post-1 models after the same number of samples.
 * 5. Vision (`parts=vision`): 2D batches generated against what training consumes, the vision
 *    models' samples/s on one thread against the native library's figures, the peak tensor memory
 *    of a step, and each model's validation MSE x 1,000 after the same samples against predicting
 *    black (encoder-started decoder queries against learned ones among them). Then
 *    (`parts=image-lesson`) the seconds until `<trainable-model task="shapes-2d">` at its defaults
 *    beats predicting black, against the 60 s target. Then (`parts=cross`,
 *    run by default, not by `parts=vision`) whether vit-encdec's cross-attention concentrates: trained at
 *    `<trainable-model>`'s image defaults for its budget (queries `encoder` and `learned`, with
 *    the default cross-attention prior unless `crossPriors` names others), the
 *    share of each decoder query's cross-attention on its own patch, its own shape and its
 *    group-mates, against chance, over the run's validation images, per layer, at initialisation
 *    and after training (`crossAttentionMass`, packages/core/src/attention-mass.ts).
 * 6. Post 1's reference table (`parts=reference`, only when asked for): every post-1 model at the
 *    series' own budget, kept in docs/data/post-1-reference.json (see referenceTable).
 *
 * Our wasm kernels against tfjs's own are measured by the `kernels` suite (also part of
 * `npm run bench:train`), on a cross-origin isolated page.
 *
 * Query options (BENCH_QUERY): `backends=wasm,cpu,webgl`, `models=fcn,cnn`, `seconds=12` (per
 * throughput cell), `lessonSeconds=120`, `lesson={"batchSize":32}` (overrides of the element's defaults), `lessonCompare=false` (time to lesson only), `tableSamples=2560`,
 * `tableSeconds=25` (a time budget per model instead), `tableBatch=32`, `tableLearningRate=3e-4`, `tableSeeds=0,1,2`, `tableModels=…`, `visionSamples=3200`, `visionModels=vit,vit-encdec,…`,
 * `imageLesson={json}` (overrides of the element's image defaults), `crossSeconds=60` (the element's budget), `crossSamples=9600` (a budget in samples instead, to
 * see what a longer run learns), `crossImages=64`, `crossQueries=encoder,learned`,
 * `crossPriors=none,content,locality,both` (cross-attention's starting prior; the default's alone
 * unless given), `cross={"heads":2}` (overrides of the cross part's training settings),
 * `referenceModels=fcn,cnn,…`, `referenceSamples=128000`.
 */
import * as tf from '@tensorflow/tfjs';
import {
  MODEL_IDS,
  VISION_DEFAULTS,
  baselineScores1D,
  crossAttentionMass,
  isVisionModel,
  generateBatch1D,
  generateBatch2D,
  generateShapes2D,
  parameterCount,
  sampleSeed,
  useImageKernels,
  visionParameterCount,
  type AnyModelId,
  type AttentionMass,
  type AttentionOnImage,
  type ModelId,
  type Sample2D,
  type VisionModelId,
  type VisionModelOptions,
} from '@decoding-attention/core';
import {
  attentionKinds,
  buildVisionModel,
  withAttentionOutputs,
} from '@decoding-attention/core/models';
import type { TrainableModel } from '@decoding-attention/trainable-model';
import '@decoding-attention/trainable-model/trainable-model.js';
import {
  Trainer,
  baselineScores2D,
  type EvaluationMessage,
  type TrainingConfig,
  type WeightsFile,
} from '@decoding-attention/core/train';
import { medianTime, type BenchSuite, type Report } from './harness.js';
import { list, number, throughput, train } from './training.js';

const query = new URLSearchParams(location.search);
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

/** The seed of a run's validation set, as the trainer picks it. */
const validationSeedOf = (config: TrainingConfig) =>
  config.validationSeed ?? (config.seed ?? 0) + 1_000_003;

/** The validation MSE of copying the input, exactly, on a run's validation set. */
function copyBaseline(config: TrainingConfig): number {
  return baselineScores1D(
    generateBatch1D(config.validationSize ?? 256, {
      seed: validationSeedOf(config),
      length: config.length ?? 400,
    }),
  ).copy;
}

/**
 * Time to lesson: <trainable-model>'s own defaults (read from the element, overridable for
 * experiments with `lesson={json}`), trained until the validation MSE beats copying the input;
 * then, at the element's time budget, the same model against the CNN.
 */
async function timeToLesson(report: Report): Promise<void> {
  const element = document.createElement('trainable-model') as TrainableModel;
  const config: TrainingConfig = {
    ...element.trainingConfig(),
    ...(JSON.parse(query.get('lesson') ?? '{}') as TrainingConfig),
  };
  const baseline = copyBaseline(config);
  const cap = number('lessonSeconds', 120);
  const described = `${config.model} (L ${config.length}, d ${config.hidden}, ${config.blocks ?? 2} block(s), batch ${config.batchSize}, lr ${config.learningRate})`;
  // The element's own budget, so the warm-up is the reader's (a tenth of it); stopped at the
  // lesson, or at the cap.
  const run = await train(
    config,
    (evaluation) => evaluation.validationLoss < baseline || evaluation.elapsed >= cap,
  );
  const reached = run.evaluations.find((e) => e.validationLoss < baseline);
  const last = run.evaluations[run.evaluations.length - 1];
  const first = run.evaluations[0];
  const curve = run.evaluations
    .map((e) => `${seconds(e.elapsed)}: ${e.validationLoss.toFixed(1)}`)
    .join(', ');
  console.log(`time to lesson, ${described}, val MSE over time on ${run.backend}: ${curve}`);
  report({
    figure: `time to lesson: ${described} at the element's defaults (${run.backend}), val MSE < copying the input (${baseline.toFixed(1)})`,
    value: reached ? reached.elapsed : last.elapsed,
    unit: 's',
    against: 'the 10 s target',
    reference: 10,
    ratio: 10 / (reached ? reached.elapsed : last.elapsed),
    note: reached
      ? `reached after ${reached.samplesSeen.toLocaleString('en')} samples (val MSE ${reached.validationLoss.toFixed(1)})`
      : `NOT reached within ${Math.min(cap, last.elapsed).toFixed(0)} s: val MSE went ${first.validationLoss.toFixed(1)} -> ${last.validationLoss.toFixed(1)} over ${last.samplesSeen.toLocaleString('en')} samples (${(last.samplesSeen / last.elapsed).toFixed(1)} samples/s with evaluation)`,
  });
  // Later on: the element's budget for this model and for the CNN, with the same settings.
  if (query.get('lessonCompare') === 'false') return;
  const budget = config.budget ?? { seconds: 60 };
  const full = await train({ ...config, budget });
  // The CNN as the element trains it when a reader picks it (its own default settings).
  const cnnConfig = element.trainingConfig('cnn');
  const cnn = await train({ ...cnnConfig, budget });
  // And the CNN at this model's batch size and learning rate (its own width), which suit a
  // short budget better than its defaults.
  const tuned = { batchSize: config.batchSize, learningRate: config.learningRate };
  const cnnTuned = await train({ ...cnnConfig, ...tuned, budget });
  const span = full.done.elapsed.toFixed(0);
  console.log(
    `after ${span} s: ${config.model} val MSE ${full.done.validationLoss.toFixed(2)}, cnn ${cnn.done.validationLoss.toFixed(2)}, cnn at ${config.model}'s batch and lr ${cnnTuned.done.validationLoss.toFixed(2)}`,
  );
  report({
    figure: `${described}: val MSE after the element's budget (${span} s)`,
    value: full.done.validationLoss,
    unit: 'MSE',
    against: `the CNN at its element defaults (batch ${cnnConfig.batchSize}, lr ${cnnConfig.learningRate}), same budget`,
    reference: cnn.done.validationLoss,
    ratio: cnn.done.validationLoss / full.done.validationLoss,
    note: `${full.done.samplesSeen.toLocaleString('en')} samples against the CNN's ${cnn.done.samplesSeen.toLocaleString('en')}; copying the input scores ${baseline.toFixed(1)}`,
  });
  report({
    figure: `${described}: val MSE after the element's budget (${span} s)`,
    value: full.done.validationLoss,
    unit: 'MSE',
    against: `the CNN at batch ${tuned.batchSize}, lr ${tuned.learningRate}, same budget`,
    reference: cnnTuned.done.validationLoss,
    ratio: cnnTuned.done.validationLoss / full.done.validationLoss,
    note: `the CNN saw ${cnnTuned.done.samplesSeen.toLocaleString('en')} samples`,
  });
}

/**
 * Time to beat black: <trainable-model task="shapes-2d">'s own defaults (vit-encdec; overridable
 * with `imageLesson={json}`), trained for the element's budget (60 s), the validation MSE at
 * each evaluation against predicting black on the run's own validation images, and the first
 * time it is under it, against the 60 s target.
 */
async function imageLesson(report: Report): Promise<void> {
  const element = document.createElement('trainable-model') as TrainableModel;
  element.task = 'shapes-2d';
  const config: TrainingConfig = {
    ...element.trainingConfig(),
    ...(JSON.parse(query.get('imageLesson') ?? '{}') as TrainingConfig),
  };
  const size = config.imageSize ?? 128;
  const validation = generateBatch2D(config.validationSize ?? 64, {
    seed: validationSeedOf(config),
    width: size,
    height: size,
    filter: config.filter,
  });
  const { black } = baselineScores2D(validation);
  const target = 60;
  const run = await train(config);
  const reached = run.evaluations.find((e) => e.validationLoss < black);
  const last = run.evaluations[run.evaluations.length - 1];
  const described = `${config.model} (${size} x ${size}, patch ${config.patchSize}, d ${config.hidden}, ${config.blocks} + ${config.decoderBlocks} blocks, batch ${config.batchSize}, lr ${config.learningRate})`;
  const curve = run.evaluations
    .map((e) => `${seconds(e.elapsed)} (${e.samplesSeen}): ${e.validationLoss.toFixed(1)}`)
    .join(', ');
  console.log(`image lesson, ${described}, val MSE x 1e-3 over time on ${run.backend}: ${curve}`);
  report({
    figure: `image lesson: ${described} at the element's image defaults (${run.backend}), val MSE x 1e-3 < predicting black (${black.toFixed(1)})`,
    value: reached ? reached.elapsed : last.elapsed,
    unit: 's',
    against: `the ${target} s target`,
    reference: target,
    ratio: target / (reached ? reached.elapsed : last.elapsed),
    note: reached
      ? `reached after ${reached.samplesSeen.toLocaleString('en')} samples (val MSE ${reached.validationLoss.toFixed(1)}); ${last.validationLoss.toFixed(1)} after the budget's ${last.samplesSeen.toLocaleString('en')} samples`
      : `NOT reached within ${last.elapsed.toFixed(0)} s: ${last.validationLoss.toFixed(1)} after ${last.samplesSeen.toLocaleString('en')} samples (${(last.samplesSeen / last.elapsed).toFixed(1)} samples/s with evaluation)`,
  });
}

async function resultsTable(report: Report): Promise<void> {
  const models = list(
    'tableModels',
    MODEL_IDS.filter((id) => id !== 'transformer'),
  ) as ModelId[];
  const samples = number('tableSamples', 2560);
  // A time budget per model instead (`tableSeconds=25`), as the post's live line-up gives.
  const perModel = number('tableSeconds', 0);
  const budget = perModel > 0 ? { seconds: perModel } : { samples };
  const described =
    perModel > 0 ? `${perModel} s of training` : `${samples.toLocaleString('en')} samples`;
  const batchSize = number('tableBatch', 32);
  const learningRate = number('tableLearningRate', 3e-4);
  // Several seeds (`tableSeeds=0,1,2`: other samples, validation sets and initial weights) show
  // whether the order holds.
  const seeds = list('tableSeeds', ['0']).map(Number);
  const orders: string[] = [];
  for (const seed of seeds) {
    const results: {
      model: ModelId;
      loss: number;
      elapsed: number;
      rate: number;
      seen: number;
    }[] = [];
    const baseline = copyBaseline({ model: 'fcn', seed });
    for (const model of models) {
      const run = await train({
        model,
        batchSize,
        learningRate,
        budget,
        seed,
        evaluateEvery: 1e9,
        snapshotEvery: 1e9,
      });
      results.push({
        model,
        loss: run.done.validationLoss,
        elapsed: run.done.elapsed,
        rate: run.done.samplesPerSecond,
        seen: run.done.samplesSeen,
      });
      console.log(`table, seed ${seed}: ${model} val MSE ${run.done.validationLoss.toFixed(2)}`);
    }
    const best = Math.min(...results.map((r) => r.loss));
    const ofSeed = seeds.length > 1 ? `, seed ${seed}` : '';
    for (const { model, loss, elapsed, rate, seen } of results) {
      report({
        figure: `post-1 table${ofSeed}: ${model} (${parameterCount(model).toLocaleString('en')} parameters) val MSE after ${described}, batch ${batchSize}, lr ${learningRate}`,
        value: loss,
        unit: 'MSE',
        against: 'the copy-the-input baseline',
        reference: baseline,
        ratio: baseline / loss,
        note: `${seconds(elapsed)}, ${seen.toLocaleString('en')} samples at ${rate.toFixed(1)} samples/s${loss === best ? '; lowest of the table' : ''}`,
      });
    }
    const order = [
      ...results.map((r) => ({ name: r.model as string, loss: r.loss })),
      { name: 'copy', loss: baseline },
    ]
      .sort((a, b) => a.loss - b.loss)
      .map((r) => `${r.name} ${r.loss.toFixed(1)}`)
      .join(' < ');
    orders.push(`seed ${seed}: ${order}`);
  }
  for (const order of orders) console.log(`table order, ${order}`);
}

/**
 * The reference table of post 1 (`parts=reference`, asked for by name: about two hours on two
 * cores): each model trained at the series' own settings (128,000 samples in batches of 128, Adam
 * 3e-4 after a 300-step warm-up, validation on 2,560 fresh samples), its validation MSE against
 * copying the input, kept in docs/data/post-1-reference.json with how it was measured, model by
 * model as each finishes. `referenceModels=…`, `referenceSamples=128000`.
 */
async function referenceTable(report: Report): Promise<void> {
  const models = list('referenceModels', MODEL_IDS) as ModelId[];
  const samples = number('referenceSamples', 128_000);
  const settings = {
    length: 400,
    batchSize: 128,
    learningRate: 3e-4,
    warmupSteps: 300,
    warmupBudget: 0,
    validationSize: 2560,
    seed: 0,
    budget: { samples },
  } satisfies Omit<TrainingConfig, 'model'>;
  const copy = copyBaseline({ model: 'fcn', ...settings });
  const save = (entries: Record<string, Record<string, unknown>>) =>
    console.log(`bench-save ${JSON.stringify({ file: REFERENCE_FILE, entries })}`);
  save({ baselines: { copy: { validationMSE: copy } } });
  for (const model of models) {
    const run = await train({ ...settings, model, evaluateEvery: 1e9, snapshotEvery: 1e9 });
    // The training loss per epoch (100 steps), for the curve.
    const epochs: number[] = [];
    for (let i = 0; i < run.progress.length; i += 100) {
      const epoch = run.progress.slice(i, i + 100);
      epochs.push(epoch.reduce((sum, p) => sum + p.trainLoss, 0) / epoch.length);
    }
    const { validationLoss, samplesSeen, elapsed } = run.done;
    const { rate } = throughput(run);
    save({
      models: {
        [model]: {
          parameters: parameterCount(model),
          samples: samplesSeen,
          validationMSE: validationLoss,
          trainMSEPerEpoch: epochs.map((loss) => Number(loss.toFixed(3))),
          seconds: Number(elapsed.toFixed(1)),
          samplesPerSecond: Number(rate.toFixed(1)),
          backend: run.backend,
          threads: run.threads,
          settings: { ...settings, budget: undefined },
        },
      },
    });
    report({
      figure: `reference: ${model} val MSE after ${samplesSeen.toLocaleString('en')} samples (series settings)`,
      value: validationLoss,
      unit: 'MSE',
      against: 'copying the input',
      reference: copy,
      ratio: copy / validationLoss,
      note: `${seconds(elapsed)} at ${rate.toFixed(1)} samples/s on ${run.backend}, ${run.threads} threads`,
    });
  }
}

/** Where post 1's reference results are kept (written by `parts=reference`). */
const REFERENCE_FILE = 'docs/data/post-1-reference.json';

/**
 * Where the time of one training step goes, kernel by kernel: 1D models at length 400, batch 128;
 * vision models (`profileModels=vit`) on shapes-2d at batch 32, one thread, as the vision part
 * measures them.
 */
async function profile(report: Report): Promise<void> {
  const trainer = await Trainer.create({ mode: 'worker' });
  try {
    for (const model of list('profileModels', ['attention']) as AnyModelId[]) {
      const vision = isVisionModel(model);
      const batchSize = number('profileBatch', vision ? 32 : 128);
      for (const backend of list('backends', vision ? ['wasm'] : ['wasm', 'cpu'])) {
        const step = await trainer.profileStep({
          model,
          batchSize,
          backend: backend as TrainingConfig['backend'],
          ...(vision ? { task: 'shapes-2d', threads: 1 } : {}),
        });
        const kernelTotal = step.kernels.reduce((sum, k) => sum + k.ms, 0);
        console.log(
          `${model} on ${step.backend}: step ${step.stepMs.toFixed(0)} ms, kernels ${kernelTotal.toFixed(0)} ms, ${step.kernels.reduce((n, k) => n + k.calls, 0)} kernel calls, peak ${(step.peakBytes / 2 ** 20).toFixed(0)} MiB`,
        );
        for (const kernel of step.kernels)
          console.log(`  ${kernel.name}: ${kernel.ms.toFixed(1)} ms in ${kernel.calls} calls`);
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

/** The native library's figures on two cores (docs/design/models.md, "Vision"), batch 32. */
const NATIVE = { vit: 872, 'vit-encdec': 485, generator: 400 };

/**
 * Post 3's models on shapes-2d at their defaults (128 x 128, patch 16, width 64, 4 heads, 2 + 2
 * blocks), batch 32, Adam 1e-3, on one thread (this page is not cross-origin isolated).
 */
async function vision(report: Report): Promise<void> {
  const batchSize = 32;
  const backend = (list('backends', ['wasm'])[0] ?? 'wasm') as TrainingConfig['backend'];
  const base = { task: 'shapes-2d', batchSize, learningRate: 1e-3, backend, threads: 1 } as const;
  const perCell = number('seconds', 12);
  const rates: Record<string, number> = {};
  const variants: [string, VisionModelId, VisionModelOptions][] = [
    ['vit', 'vit', {}],
    ['vit-encdec', 'vit-encdec', {}],
    ['vit-encdec (learned queries)', 'vit-encdec', { queries: 'learned' }],
    ['vit-channels', 'vit-channels', {}],
    ['unet', 'unet', {}],
  ];
  const wanted = list(
    'visionModels',
    variants.map(([name]) => name),
  );
  const chosen = variants.filter(([name]) => wanted.includes(name));
  // vit again with every batch made a step ahead on a second thread (batchesAhead), against its
  // row with the batches generated between steps on the training thread (the trainer's default).
  const ahead = { batchesAhead: true };
  const throughputRuns = chosen.flatMap((variant) =>
    variant[0] === 'vit'
      ? [variant, ['vit, batches made ahead', 'vit', ahead] as (typeof chosen)[number]]
      : [variant],
  );
  for (const [name, model, options] of throughputRuns) {
    const run = await train({
      ...base,
      ...options,
      model,
      budget: { seconds: perCell },
      evaluateEvery: 1e9,
      snapshotEvery: 1e9,
    });
    const { rate, steps } = throughput(run);
    rates[name] = rate;
    console.log(
      `${name} on ${run.backend}, ${run.threads} thread(s): ${rate.toFixed(1)} samples/s`,
    );
    const native = NATIVE[name as keyof typeof NATIVE];
    report({
      figure: `${name} (${visionParameterCount(model, options).toLocaleString('en')} parameters) on ${run.backend}, ${run.threads} thread: training samples/s, batch ${batchSize}`,
      value: rate,
      unit: 'samples/s',
      against:
        native === undefined
          ? 'vit on the same thread'
          : `a quarter of the native library's ${native} samples/s on two cores`,
      reference: native === undefined ? (rates.vit ?? rate) : native / 4,
      ratio: native === undefined ? rate / (rates.vit ?? rate) : rate / (native / 4),
      note: `${steps} steps; ${options === ahead ? 'batches generated a step ahead on a second thread, waits for them included' : 'each batch generated between steps, included'}`,
    });
  }

  // 2D batches on this page, as the Worker makes them before each step: into the same two
  // arrays each time. The input's noise and blur in WebAssembly (where it runs: the default),
  // then in the JavaScript fallback; the same bits either way.
  const into = {
    inputs: new Float32Array(batchSize * 128 * 128 * 3),
    targets: new Float32Array(batchSize * 128 * 128 * 3),
  };
  let firstIndex = 0;
  const generationRate = async () => {
    const ms = await medianTime(
      () => {
        generateBatch2D(batchSize, { seed: 0, firstIndex }, into);
        firstIndex += batchSize;
      },
      { repeats: 15 },
    );
    return (1000 * batchSize) / ms;
  };
  const inWasm = useImageKernels(true);
  const generated = await generationRate();
  useImageKernels(false);
  const generatedJs = await generationRate();
  useImageKernels(true);
  const fastest = Math.max(...Object.values(rates));
  report({
    figure: `2D batches generated (128 x 128, batch ${batchSize}), noise and blur in ${inWasm ? 'WebAssembly' : 'JavaScript (WebAssembly unavailable)'}: samples/s`,
    value: generated,
    unit: 'samples/s',
    against: `10 x the fastest vision model's training consumption (${fastest.toFixed(0)} samples/s)`,
    reference: 10 * fastest,
    ratio: generated / (10 * fastest),
    note: `${(generated / fastest).toFixed(1)} x what training consumes; the native generator makes about ${NATIVE.generator} samples/s`,
  });
  report({
    figure: `2D batches generated, noise and blur in JavaScript (the fallback): samples/s`,
    value: generatedJs,
    unit: 'samples/s',
    against: 'the default above, same page',
    reference: generated,
    ratio: generatedJs / generated,
    note: `${(generatedJs / fastest).toFixed(1)} x what training consumes`,
  });

  // Peak tensor memory of one training step.
  const trainer = await Trainer.create({ mode: 'worker' });
  try {
    for (const [name, model, options] of chosen.slice(0, 2)) {
      const step = await trainer.profileStep({ ...base, ...options, model });
      report({
        figure: `${name}: peak tensor memory of a training step (batch ${batchSize}, ${step.backend})`,
        value: step.peakBytes / 2 ** 20,
        unit: 'MiB',
        against: 'the 256 MiB a tab can spare',
        reference: 256,
        ratio: 256 / (step.peakBytes / 2 ** 20),
        note: `step ${step.stepMs.toFixed(0)} ms while profiled`,
      });
    }
  } finally {
    trainer.dispose();
  }

  // What each model learns from the same samples, against predicting black.
  const samples = number('visionSamples', 3200);
  // The runs' validation set: 64 images of seed 1,000,003.
  const baselines = baselineScores2D(generateBatch2D(64, { seed: 1_000_003 }));
  const black = baselines.black;
  for (const [name, model, options] of chosen) {
    const run = await train({
      ...base,
      ...options,
      model,
      budget: { samples },
      evaluateEvery: 1e9,
      snapshotEvery: 1e9,
    });
    console.log(
      `${name}: val MSE x 1e-3 ${run.done.validationLoss.toFixed(1)} after ${samples} samples (black ${black.toFixed(1)}, copy ${baselines.copy.toFixed(1)}, channel mean ${baselines.channelMean.toFixed(1)})`,
    );
    report({
      figure: `${name}: val MSE x 1e-3 after ${samples.toLocaleString('en')} samples (batch ${batchSize}, lr 1e-3)`,
      value: run.done.validationLoss,
      unit: 'MSE x 1e-3',
      against: 'predicting black',
      reference: black,
      ratio: black / run.done.validationLoss,
      note: `copying the input ${baselines.copy.toFixed(1)}, the mean colour ${baselines.channelMean.toFixed(1)}; ${run.done.elapsed.toFixed(0)} s`,
    });
  }
}

type CrossPrior = NonNullable<VisionModelOptions['crossPrior']>;

/** The validation set of a shapes-2d run of seed 0: its images' seed (the trainer's). */
const VALIDATION_SEED_2D = 1_000_003;

/** Trains one configuration to its budget in a Worker and exports the trained weights. */
async function trainAndExport(
  config: TrainingConfig,
): Promise<{ weights: WeightsFile<AnyModelId>; validationLoss: number; steps: number }> {
  const trainer = await Trainer.create({ mode: 'worker' });
  try {
    let last: EvaluationMessage | undefined;
    await new Promise<void>((resolve, reject) => {
      trainer.addEventListener('evaluation', (event) => {
        last = (event as CustomEvent<EvaluationMessage>).detail;
      });
      trainer.addEventListener('done', () => resolve());
      trainer.addEventListener('error', (event) =>
        reject(new Error((event as CustomEvent<{ message: string }>).detail.message)),
      );
      trainer.start(config);
    });
    const weights = await trainer.exportWeights<AnyModelId>();
    return { weights, validationLoss: last?.validationLoss ?? Number.NaN, steps: last?.step ?? 0 };
  } finally {
    trainer.dispose();
  }
}

/**
 * Every cross-attention layer's concentration (`crossAttentionMass`) of a vit-encdec on the
 * images: their weights [heads, patches, patches] computed on this page, 16 images at a time.
 */
function crossMasses(
  model: tf.LayersModel,
  inputs: Float32Array,
  samples: Sample2D[],
  heads: number,
  patchSize: number,
): AttentionMass[] {
  const withWeights = withAttentionOutputs(model);
  if (!withWeights) throw new Error('the model reports no attention');
  const cross = attentionKinds(model).flatMap((kind, i) => (kind === 'cross' ? [i] : []));
  const { width, height } = samples[0];
  const pixels = width * height * 3;
  const perLayer: AttentionOnImage[][] = cross.map(() => []);
  for (let first = 0; first < samples.length; first += 16) {
    const count = Math.min(16, samples.length - first);
    const outputs = tf.tidy(() => {
      const xs = tf.tensor4d(inputs.subarray(first * pixels, (first + count) * pixels), [
        count,
        height,
        width,
        3,
      ]);
      const all = withWeights.predict(xs) as tf.Tensor[];
      return cross.map((i) => all[1 + i].dataSync() as Float32Array);
    });
    outputs.forEach((data, l) => {
      const size = data.length / count;
      for (let k = 0; k < count; k++)
        perLayer[l].push({
          sample: samples[first + k],
          weights: data.subarray(k * size, (k + 1) * size),
        });
    });
  }
  return perLayer.map((images) => crossAttentionMass(images, heads, patchSize));
}

/** A share against chance, as the bench prints it: "41.2 % (x 3.10 chance)". */
const shareText = (share: { share: number; ratio: number }) =>
  `${(100 * share.share).toFixed(1)} % (x ${share.ratio.toFixed(2)} chance)`;

/**
 * Whether vit-encdec's cross-attention concentrates, at `<trainable-model>`'s image defaults
 * (128 x 128, patch 16, width 64, 4 heads, 2 + 2 blocks, sinusoidal, batch 32, Adam 1e-3) for its
 * budget (60 s), with decoder queries started from the encoder's tokens and learned: the share of
 * each query's cross-attention on its own patch, its own shape and its group-mates, against
 * chance, over the run's validation images, at initialisation (the run's own seed) and after.
 */
async function crossAttention(report: Report): Promise<void> {
  const seconds = number('crossSeconds', 60);
  const samplesBudget = number('crossSamples', 0);
  const budget = samplesBudget > 0 ? { samples: samplesBudget } : { seconds };
  const budgetText =
    samplesBudget > 0 ? `${samplesBudget.toLocaleString('en')} samples` : `${seconds} s`;
  const count = number('crossImages', 64);
  const backend = (list('backends', ['wasm'])[0] ?? 'wasm') as TrainingConfig['backend'];
  const validation = generateBatch2D(count, { seed: VALIDATION_SEED_2D });
  const samples = Array.from({ length: count }, (_, k) =>
    generateShapes2D({ seed: sampleSeed(VALIDATION_SEED_2D, k) }),
  );
  // The attention is read on this page, on tfjs's plain JavaScript backend (exact, and no wasm
  // set-up needed for a few forward passes).
  await tf.setBackend('cpu');
  const priors = list('crossPriors', [VISION_DEFAULTS.crossPrior]) as CrossPrior[];
  const choices = list('crossQueries', ['encoder', 'learned']).flatMap((queries) =>
    priors.map((crossPrior) => ({ queries: queries as 'encoder' | 'learned', crossPrior })),
  );
  for (const { queries, crossPrior } of choices) {
    const config: TrainingConfig = {
      task: 'shapes-2d',
      model: 'vit-encdec',
      queries,
      crossPrior,
      batchSize: 32,
      learningRate: 1e-3,
      backend,
      threads: 1,
      budget,
      snapshotEvery: 1e9,
      ...(JSON.parse(query.get('cross') ?? '{}') as Partial<TrainingConfig>),
    };
    const { weights, validationLoss, steps } = await trainAndExport(config);
    const options = weights.options;
    const model = buildVisionModel('vit-encdec', options);
    try {
      const heads = options.heads;
      const patchSize = options.patchSize ?? 16;
      // The same seed builds the run's initial weights.
      const before = crossMasses(model, validation.inputs, samples, heads, patchSize);
      model.weights.forEach((w, i) => {
        const stored = weights.weights[i];
        if (stored.name !== w.originalName)
          throw new Error(`weight ${i} is ${stored.name}, the model's ${w.originalName}`);
        w.write(tf.tensor(stored.values, stored.shape));
      });
      const after = crossMasses(model, validation.inputs, samples, heads, patchSize);
      const name = `vit-encdec (queries ${queries}, cross prior ${crossPrior}${query.get('cross') ? `, ${query.get('cross')}` : ''}, ${budgetText}, ${steps} steps, val MSE x 1e-3 ${validationLoss.toFixed(1)})`;
      after.forEach((mass, l) => {
        const start = before[l];
        console.log(
          `${name}, cross-attention layer ${l + 1}: own patch ${shareText(mass.self)}, own shape ${shareText(mass.shape)}, group-mates ${shareText(mass.mates)}; at initialisation ${shareText(start.self)}, ${shareText(start.shape)}, ${shareText(start.mates)}`,
        );
        mass.heads.forEach((head, h) =>
          console.log(
            `  head ${h + 1}: own patch ${shareText(head.self)}, own shape ${shareText(head.shape)}, group-mates ${shareText(head.mates)}`,
          ),
        );
        for (const [set, label] of [
          ['self', "the query's own patch"],
          ['shape', "the query's own shape"],
          ['mates', "the shape's group-mates"],
        ] as const)
          report({
            figure: `${name}, cross-attention layer ${l + 1} (heads' mean): share on ${label}`,
            value: 100 * mass[set].share,
            unit: '%',
            against: 'chance (attention spread evenly over the patches)',
            reference: 100 * mass[set].chance,
            ratio: mass[set].ratio,
            note: `x ${start[set].ratio.toFixed(2)} chance at initialisation; ${mass[set].queries} queries on ${count} validation images`,
          });
      });
    } finally {
      model.dispose();
    }
  }
}

const suite: BenchSuite = {
  title: `Training in the browser (cross-origin isolated: ${crossOriginIsolated ? 'yes' : 'no'}, ${navigator.hardwareConcurrency} cores)`,
  async run(report) {
    const parts = list('parts', [
      'throughput',
      'profile',
      'lesson',
      'table',
      'vision',
      'image-lesson',
      'cross',
    ]);
    if (parts.includes('throughput')) await throughputTable(report);
    if (parts.includes('profile')) await profile(report);
    if (parts.includes('lesson')) await timeToLesson(report);
    if (parts.includes('table')) await resultsTable(report);
    if (parts.includes('vision')) await vision(report);
    if (parts.includes('image-lesson')) await imageLesson(report);
    if (parts.includes('cross')) await crossAttention(report);
    // Two hours on two cores: only when asked for by name.
    if (parts.includes('reference')) await referenceTable(report);
  },
};

export default suite;
