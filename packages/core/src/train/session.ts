import * as tf from '@tensorflow/tfjs';
import {
  VISION_DEFAULTS,
  isVisionModel,
  type AnyModelId,
  type ModelId,
  resolveAttentionOptions,
  resolveModelOptions,
  resolveVisionOptions,
} from '../model-catalog.js';
import { attentionKinds, buildModel } from '../models/index.js';
import {
  VARIANT_DEFAULTS,
  globalPositions,
  type ResolvedVariantOptions,
} from '../models/variants/options.js';
import { snapshotInspector, variantSnapshots, type SnapshotInspector } from './variant-snapshot.js';
import { FILTER_MODES_2D } from '../shapes2d.js';
import { nextTask } from '../tasks.js';
import { TASKS, trainingTask, type TrainingTask } from './task.js';
import { BatchPrefetcher } from './batch-prefetch.js';
import { adamOptimizer } from './adam.js';
import { meanSquaredError } from './loss.js';
import { checkInteger, checkNumber, checkOneOf } from '../validation.js';
import { fusedAttentionAvailable } from '@decoding-attention/wasm-kernels/attention';
import { availableBackends, threadsInUse, useBackend, wasmKernelsActive } from './backends.js';
import {
  TRAINING_BACKENDS,
  VARIANT_MODELS,
  VARIANT_PARAMETERS,
  type ResolvedTrainingConfig,
  type TrainerCommand,
  type TrainerMessage,
  type TrainingConfig,
  type StepProfile,
  type WeightsFile,
  type WeightsInTransit,
} from './protocol.js';

/** The fraction of the budget by which warm-up is over, however many steps that is. */
const WARMUP_BUDGET = 0.1;

/** Fills in the defaults of docs/design/training.md and checks every setting. */
export function resolveTrainingConfig(config: TrainingConfig): ResolvedTrainingConfig {
  const vision = isVisionModel(config.model);
  const task = config.task ?? (vision ? 'shapes-2d' : 'shapes-1d');
  checkOneOf('task', task, TASKS);
  if (vision !== (task === 'shapes-2d'))
    throw new RangeError(
      `model ${String(config.model)} does not train on ${task}: ${
        task === 'shapes-2d' ? 'use vit, vit-encdec, vit-channels or unet' : 'use a 1D model'
      }`,
    );
  const model = vision
    ? resolveVisionOptions(config.model as Parameters<typeof resolveVisionOptions>[0], config)
    : { ...VISION_DEFAULTS, ...resolveModelOptions(config.model as never, config) };
  const images = task === 'shapes-2d';
  const seed = config.seed ?? 0;
  const resolved: ResolvedTrainingConfig = {
    ...model,
    ...resolveTrainingAttention(config, model.length),
    model: config.model,
    task,
    filter: config.filter ?? 'none',
    learningRate: config.learningRate ?? (images ? 1e-3 : 3e-4),
    warmupSteps: config.warmupSteps ?? 300,
    warmupBudget: config.warmupBudget ?? WARMUP_BUDGET,
    batchSize: config.batchSize ?? (images ? 32 : 128),
    budget: {
      samples: config.budget?.samples ?? Infinity,
      seconds: config.budget?.seconds ?? (config.budget ? Infinity : 60),
      steps: config.budget?.steps ?? Infinity,
    },
    seed,
    validationSeed: config.validationSeed ?? seed + 1_000_003,
    validationSize: config.validationSize ?? (images ? 64 : 256),
    sampleIndex: config.sampleIndex ?? 0,
    evaluateEvery: config.evaluateEvery ?? 2000,
    snapshotEvery: config.snapshotEvery ?? 1000,
    backend: config.backend ?? 'auto',
    keepWeights: config.keepWeights ?? false,
    wasmKernels: config.wasmKernels ?? true,
    fusedAttention: config.fusedAttention ?? true,
    batchesAhead: config.batchesAhead ?? false,
    threads:
      config.threads ?? Math.min(4, Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1)),
  };
  checkOneOf('filter', resolved.filter, FILTER_MODES_2D);
  checkNumber('learningRate', resolved.learningRate, 1e-9, 10);
  checkInteger('warmupSteps', resolved.warmupSteps, 0);
  checkNumber('warmupBudget', resolved.warmupBudget, 0, 1);
  checkInteger('batchSize', resolved.batchSize, 1, 4096);
  checkInteger('validationSize', resolved.validationSize, 1, 100_000);
  checkInteger('sampleIndex', resolved.sampleIndex, 0, resolved.validationSize - 1);
  checkNumber('evaluateEvery', resolved.evaluateEvery, 0);
  checkNumber('snapshotEvery', resolved.snapshotEvery, 0);
  checkOneOf('backend', resolved.backend, TRAINING_BACKENDS);
  for (const name of ['wasmKernels', 'fusedAttention', 'keepWeights', 'batchesAhead'] as const) {
    if (typeof resolved[name] !== 'boolean')
      throw new RangeError(`${name} must be true or false, got ${String(resolved[name])}`);
  }
  checkInteger('threads', resolved.threads, 1, 64);
  for (const [name, value] of Object.entries(resolved.budget)) {
    if (!(value > 0)) throw new RangeError(`budget ${name} must be positive, got ${String(value)}`);
  }
  return resolved;
}

/** The variants' parameters as a resolved configuration holds them. */
type VariantKey = keyof Omit<ResolvedVariantOptions, 'causal'>;

/**
 * The run's attention variant and its parameters, checked by core's `resolveAttentionOptions`
 * (a RangeError names a bad one). Vision models take only `full`; the 1D models without attention
 * (fcn, cnn, lstm) check the options and build without them.
 */
function resolveTrainingAttention(
  config: TrainingConfig,
  length: number,
): Pick<ResolvedTrainingConfig, 'attention' | VariantKey> {
  const given = config.attention ?? 'full';
  if (isVisionModel(config.model)) {
    if (given !== 'full')
      throw new RangeError(
        `attention "${String(given)}" applies to the 1D attention models (${VARIANT_MODELS.join(', ')}); vision models use full attention`,
      );
    const { causal, ...defaults } = VARIANT_DEFAULTS;
    void causal;
    return { attention: 'full', ...defaults, globals: globalPositions(1, length) };
  }
  const { attention, variant } = resolveAttentionOptions(config.model as ModelId, config);
  const { causal, ...rest } = variant;
  void causal;
  return { attention, ...rest };
}

/** The variant's parameters as a weights file or a snapshot records them (VARIANT_PARAMETERS). */
export function variantParameters(
  c: Pick<ResolvedTrainingConfig, 'attention' | VariantKey>,
): Record<string, number | number[]> {
  const out: Record<string, number | number[]> = {};
  for (const name of VARIANT_PARAMETERS[c.attention]) {
    const value = c[name];
    out[name] = Array.isArray(value) ? [...value] : value;
  }
  return out;
}

/**
 * Refuses weights of another attention variant (or of other variant parameters) than the run's:
 * they may even fit in shape (local and sparse weights are the same), but not in what they learned.
 */
function checkSameVariant(file: WeightsFile<AnyModelId>, c: ResolvedTrainingConfig): void {
  if (!(VARIANT_MODELS as readonly string[]).includes(c.model)) return;
  const saved = file.options.attention ?? 'full';
  const theirs = JSON.stringify(
    saved === c.attention
      ? variantParameters({ ...c, ...file.options, attention: saved } as ResolvedTrainingConfig)
      : {},
  );
  const ours = JSON.stringify(saved === c.attention ? variantParameters(c) : {});
  if (saved !== c.attention || theirs !== ours)
    throw new Error(
      `the weights were trained with attention "${saved}"${describeParameters(file.options, saved)}, not "${c.attention}"${describeParameters(c, c.attention)}: train this variant from scratch, or set attention to the weights' variant`,
    );
}

/** ` (window 8, stride 4)`: a variant's parameters as a message names them, or nothing. */
function describeParameters(options: object, attention: keyof typeof VARIANT_PARAMETERS): string {
  const names = VARIANT_PARAMETERS[attention] ?? [];
  const parts = names.flatMap((name) => {
    const value = (options as Record<string, unknown>)[name];
    return value === undefined
      ? []
      : [`${name} ${Array.isArray(value) ? value.join(' ') : String(value)}`];
  });
  return parts.length ? ` (${parts.join(', ')})` : '';
}

type Post = (message: TrainerMessage, transfer?: Transferable[]) => void;

/**
 * One training run at a time, driven by commands and reporting by messages: the same code runs
 * in a module Worker (the default, so the page never freezes) or on the main thread.
 */
export class TrainingSession {
  private state: 'idle' | 'running' | 'paused' | 'stopping' = 'idle';
  private model: tf.LayersModel | undefined;
  private inspector: SnapshotInspector | undefined;
  private optimizer: tf.Optimizer | undefined;
  private validation: { inputs: tf.Tensor; targets: tf.Tensor } | undefined;
  private config: ResolvedTrainingConfig | undefined;
  private task: TrainingTask | undefined;
  /** What the baselines score on the validation set, in the reported units. */
  private baselines: Record<string, number> = {};
  private resumed: (() => void) | undefined;
  private run: Promise<void> | undefined;
  /** Makes 2D batches ahead on a helper Worker, kept from run to run. */
  private batches: BatchPrefetcher | undefined;

  constructor(private readonly post: Post) {}

  /** The state as it is now (pause and stop arrive while a run awaits). */
  private now(): 'idle' | 'running' | 'paused' | 'stopping' {
    return this.state;
  }

  /** Carries out one command; errors are reported as messages, never thrown. */
  async handle(command: TrainerCommand): Promise<void> {
    try {
      switch (command.type) {
        case 'start':
          await this.stopRun();
          this.run = this.train(command.config);
          await this.run;
          break;
        case 'pause':
          if (this.state === 'running') {
            this.state = 'paused';
            this.post({ type: 'state', state: 'paused' });
          }
          break;
        case 'resume':
          if (this.state === 'paused') {
            this.state = 'running';
            this.resumed?.();
            this.post({ type: 'state', state: 'running' });
          }
          break;
        case 'stop':
          await this.stopRun();
          break;
        case 'reset':
          await this.stopRun();
          this.disposeAll();
          this.post({ type: 'state', state: 'idle' });
          break;
        case 'export-weights': {
          const weights = this.weightsInTransit(command.names);
          const buffers = weights.weights.map((w) => w.values.buffer);
          this.post({ type: 'weights', id: command.id, weights }, buffers);
          break;
        }
        case 'import-weights':
          await this.importWeights(command.weights, command.config);
          this.post({ type: 'imported', id: command.id });
          break;
        case 'profile': {
          if (this.state !== 'idle') throw new Error('stop the run before profiling a step');
          const profile = await this.profileStep(command.config);
          this.post({ type: 'profile', id: command.id, ...profile });
          break;
        }
        case 'memory': {
          const { numTensors, numBytes } = tf.memory();
          this.post({ type: 'memory', id: command.id, numTensors, numBytes });
          break;
        }
      }
    } catch (error) {
      this.state = 'idle';
      const message = error instanceof Error ? error.message : String(error);
      this.post({ type: 'error', message, id: 'id' in command ? command.id : undefined });
    }
  }

  private async stopRun(): Promise<void> {
    if (this.state === 'idle' || !this.run) return;
    this.state = 'stopping';
    this.resumed?.();
    await this.run.catch(() => undefined);
  }

  private disposeAll(): void {
    this.inspector = undefined;
    this.model?.dispose();
    this.model = undefined;
    this.optimizer?.dispose();
    this.optimizer = undefined;
    if (this.validation) tf.dispose([this.validation.inputs, this.validation.targets]);
    this.validation = undefined;
    this.config = undefined;
    this.task = undefined;
  }

  private async train(requested: TrainingConfig): Promise<void> {
    const c = resolveTrainingConfig(requested);
    // Read out before anything is freed: the new model starts from them.
    const kept = c.keepWeights ? this.heldWeights(c) : undefined;
    this.disposeAll();
    this.state = 'running';
    const timings = c.backend === 'auto' ? await this.chooseBackend(c) : {};
    if (c.backend !== 'auto' && !(await useBackend(c.backend, c))) {
      throw new Error(`the ${c.backend} backend is not available here`);
    }
    const backend = tf.getBackend();
    const model = this.prepare(c);
    const task = this.task!;
    if (kept) this.setWeightsFrom(kept);
    const optimizer = adamOptimizer(c.learningRate);
    this.optimizer = optimizer;
    this.post({
      type: 'ready',
      backend,
      wasmKernels: wasmKernelsActive(),
      fusedAttention: fusedAttentionAvailable(),
      threads: threadsInUse(),
      parameters: model.countParams(),
      timings,
      task: task.id,
      lossScale: task.lossScale,
      baselines: this.baselines,
      config: c,
    });

    // With batchesAhead, 2D batches are made a step ahead on a second thread where one can be
    // started (see batch-prefetch.ts): the same samples, generated while the previous step trains.
    const batches =
      task.id === 'shapes-2d' && c.batchesAhead
        ? (this.batches ??= new BatchPrefetcher())
        : new BatchPrefetcher(false);
    const helperBefore = batches.made.helper;
    const batchValues = c.batchSize * task.size;
    const spec = { task: c.task, length: c.length, imageSize: c.imageSize, filter: c.filter };
    const wanted = (n: number) => ({
      spec,
      count: c.batchSize,
      seed: c.seed,
      firstIndex: n * c.batchSize,
    });
    let step = 0;
    let samplesSeen = 0;
    let trainTime = 0;
    let active = 0;
    let validationLoss = Number.NaN;
    let lastEvaluation = 0;
    let evaluationCost = 0;
    let lastSnapshot = -Infinity;
    let peakBytes = 0;
    let resumedAt = performance.now();
    const elapsed = () =>
      (active + (this.state === 'running' ? performance.now() - resumedAt : 0)) / 1000;
    const fraction = () =>
      Math.min(
        1,
        Math.max(
          samplesSeen / c.budget.samples,
          step / c.budget.steps,
          elapsed() / c.budget.seconds,
        ),
      );

    while (this.now() !== 'stopping' && fraction() < 1) {
      if (this.now() === 'paused') {
        active += performance.now() - resumedAt;
        await new Promise<void>((resolve) => (this.resumed = resolve));
        this.resumed = undefined;
        resumedAt = performance.now();
        continue;
      }
      const start = performance.now();
      const buffers = await batches.take(wanted(step), batchValues);
      batches.ahead(wanted(step + 1), batchValues);
      const xs = tf.tensor(buffers.inputs, [c.batchSize, ...task.shape]);
      const ys = tf.tensor(buffers.targets, [c.batchSize, ...task.shape]);
      // Linear warm-up to the full learning rate over the first warmupSteps steps, or over the
      // first tenth of the budget (warmupBudget) when that comes first.
      const byBudget = c.warmupBudget > 0 ? fraction() / c.warmupBudget : 0;
      const learningRate =
        c.learningRate * Math.min(1, Math.max((step + 1) / Math.max(1, c.warmupSteps), byBudget));
      (optimizer as unknown as { learningRate: number }).learningRate = learningRate;
      // The adaptive span's penalty reaches the loss as a gradient the layer adds to its spans
      // while training (see adaptiveSpanAttention): the MSE reported is the data's alone.
      const minimize = () =>
        optimizer.minimize(
          () => meanSquaredError(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar,
          true,
        )!;
      let loss: tf.Scalar;
      if (step === 1) {
        // The second step (the first has built the optimiser's moments) is profiled for the
        // most bytes tensors hold at once: the run's peak memory.
        let profiled: tf.Scalar | undefined;
        peakBytes = (
          await tf.profile(() => {
            profiled = minimize();
            return profiled;
          })
        ).peakBytes;
        loss = profiled!;
      } else {
        loss = minimize();
      }
      const trainLoss = (await loss.data())[0] * task.lossScale;
      tf.dispose([xs, ys, loss]);
      trainTime += performance.now() - start;
      step++;
      samplesSeen += c.batchSize;
      if (!Number.isFinite(trainLoss))
        throw new Error(`the loss diverged at step ${step}; try a smaller learning rate`);

      const now = performance.now();
      // Evaluate every evaluateEvery ms, but never spend more than a fifth of the time on it:
      // a slow model's validation pass can take longer than the interval.
      const sinceEvaluation = now - resumedAt + active - lastEvaluation;
      if (sinceEvaluation >= Math.max(c.evaluateEvery, 4 * evaluationCost)) {
        const started = performance.now();
        validationLoss = await this.evaluate();
        evaluationCost = performance.now() - started;
        lastEvaluation = performance.now() - resumedAt + active;
        this.post({ type: 'evaluation', step, samplesSeen, elapsed: elapsed(), validationLoss });
      }
      if (now - lastSnapshot >= c.snapshotEvery) {
        await this.snapshot(step);
        lastSnapshot = performance.now();
      }
      this.post({
        type: 'progress',
        step,
        samplesSeen,
        trainLoss,
        validationLoss,
        learningRate,
        samplesPerSecond: samplesSeen / (trainTime / 1000),
        elapsed: elapsed(),
        backend,
        fraction: fraction(),
      });
      // Queued messages (pause, stop) and the page's work run between steps.
      await nextTask();
    }
    const reason = this.now() === 'stopping' ? 'stopped' : 'budget';
    // Also when stopped mid-run: the clock ran until now (after a pause, from the resume).
    active += performance.now() - resumedAt;
    this.state = 'stopping';
    validationLoss = await this.evaluate();
    this.post({ type: 'evaluation', step, samplesSeen, elapsed: active / 1000, validationLoss });
    await this.snapshot(step);
    this.state = 'idle';
    this.post({
      type: 'done',
      reason,
      step,
      samplesSeen,
      elapsed: active / 1000,
      validationLoss,
      samplesPerSecond: trainTime > 0 ? samplesSeen / (trainTime / 1000) : 0,
      backend,
      peakBytes,
      batchesAhead: batches.made.helper - helperBefore,
    });
  }

  /** Mean squared error over the validation set (in the reported units), in batches of 64 (16 images). */
  private async evaluate(): Promise<number> {
    const { model, validation, config, task } = this;
    if (!model || !validation || !config || !task) return Number.NaN;
    let total = 0;
    const batch = task.id === 'shapes-2d' ? 16 : 64;
    for (let start = 0; start < config.validationSize; start += batch) {
      const size = Math.min(batch, config.validationSize - start);
      const sum = tf.tidy(() => {
        const x = tf.slice(validation.inputs, start, size);
        const y = tf.slice(validation.targets, start, size);
        return tf.sum(tf.squaredDifference(model.predict(x) as tf.Tensor, y));
      });
      total += (await sum.data())[0];
      sum.dispose();
      // On the page (and on the cpu backend, whose data() does not wait), a batch at a time.
      await nextTask();
    }
    return (total / (config.validationSize * task.size)) * task.lossScale;
  }

  /** Sends what the model predicts for the chosen validation sample, and its attention there. */
  private async snapshot(step: number): Promise<void> {
    const { model, inspector, validation, config } = this;
    if (!model || !validation || !config) return;
    const index = config.sampleIndex;
    const tensors = tf.tidy(() => {
      const x = tf.slice(validation.inputs, index, 1);
      const y = tf.slice(validation.targets, index, 1);
      const result = (inspector?.model ?? model).predict(x);
      return [x, y, ...(Array.isArray(result) ? result : [result])];
    });
    const layerCount = inspector?.layers.length ?? 0;
    const variants = inspector
      ? await variantSnapshots(
          inspector,
          tensors.slice(3, 3 + layerCount),
          tensors.slice(3 + layerCount),
        )
      : [];
    // Copies: on the cpu backend data() can hand back tfjs's own buffer, which must not be transferred.
    const values = (
      await Promise.all(
        tensors.slice(0, 3 + layerCount).map((t) => t.data() as Promise<Float32Array>),
      )
    ).map((v) => v.slice());
    const [input, target, prediction] = values;
    const kinds = attentionKinds(model);
    const attention = tensors.slice(3, 3 + layerCount).map((t, i) => ({
      heads: t.shape[1] as number,
      length: t.shape[2] as number,
      keys: t.shape[3] as number,
      kind: kinds[i],
      data: values[i + 3],
      ...(variants[i] ? { variant: variants[i] } : {}),
    }));
    tf.dispose(tensors);
    const image =
      config.task === 'shapes-2d'
        ? { width: config.imageSize, height: config.imageSize, channels: 3 as const }
        : undefined;
    this.post(
      {
        type: 'snapshot',
        step,
        sampleIndex: index,
        input,
        target,
        prediction,
        ...(image ? { image } : {}),
        attention,
      },
      [
        ...values.slice(0, 3 + layerCount).map((v) => v.buffer),
        ...variants.flatMap((v) =>
          [v?.buckets, v?.spans, v?.projected, v?.e, v?.f, v?.exact].flatMap((a) =>
            a ? [a.buffer] : [],
          ),
        ),
      ],
    );
  }

  /** Times each tfjs kernel in one training step (after a warm-up step) of a fresh model. */
  private async profileStep(requested: TrainingConfig): Promise<StepProfile> {
    const c = resolveTrainingConfig(requested);
    if (c.backend !== 'auto' && !(await useBackend(c.backend, c)))
      throw new Error(`the ${c.backend} backend is not available here`);
    const model = buildModel(c.model, c);
    const optimizer = adamOptimizer(c.learningRate);
    const task = trainingTask(c);
    const data = task.generate(c.batchSize, c.seed);
    const xs = tf.tensor(data.inputs, [c.batchSize, ...task.shape]);
    const ys = tf.tensor(data.targets, [c.batchSize, ...task.shape]);
    const step = () =>
      optimizer.minimize(
        () => meanSquaredError(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar,
        true,
      )!;
    try {
      const warm = step();
      await warm.data();
      warm.dispose();
      const start = performance.now();
      let loss: tf.Scalar | undefined;
      const info = await tf.profile(() => {
        loss = step();
        return loss;
      });
      await loss?.data();
      const stepMs = performance.now() - start;
      loss?.dispose();
      const byName = new Map<string, { name: string; ms: number; calls: number }>();
      for (const kernel of info.kernels) {
        const entry = byName.get(kernel.name) ?? { name: kernel.name, ms: 0, calls: 0 };
        entry.ms += Number(await kernel.kernelTimeMs) || 0;
        entry.calls++;
        byName.set(kernel.name, entry);
      }
      return {
        backend: tf.getBackend(),
        batchSize: c.batchSize,
        stepMs,
        kernels: [...byName.values()].sort((a, b) => b.ms - a.ms),
        peakBytes: info.peakBytes,
      };
    } finally {
      tf.dispose([xs, ys]);
      optimizer.dispose();
      model.dispose();
    }
  }

  /** Measures each available backend on a few steps of this model and switches to the fastest. */
  private async chooseBackend(c: ResolvedTrainingConfig): Promise<Record<string, number>> {
    const timings: Record<string, number> = {};
    const batch = Math.min(16, c.batchSize);
    for (const name of await availableBackends()) {
      if (this.state === 'stopping') break;
      if (!(await useBackend(name, c))) continue;
      const model = buildModel(c.model, c);
      const optimizer = adamOptimizer(c.learningRate);
      const task = trainingTask(c);
      const data = task.generate(batch, c.seed + 7);
      const xs = tf.tensor(data.inputs, [batch, ...task.shape]);
      const ys = tf.tensor(data.targets, [batch, ...task.shape]);
      const step = async () => {
        const loss = optimizer.minimize(
          () => meanSquaredError(ys, model.apply(xs, { training: true }) as tf.Tensor) as tf.Scalar,
          true,
        )!;
        await loss.data();
        loss.dispose();
      };
      try {
        const warm = performance.now();
        await step();
        const first = performance.now() - warm;
        await nextTask();
        // A backend whose first step takes seconds is not timed again: its first step, warm-up
        // included, stands for it (so that a big model still gets the fastest of the slow).
        if (first < 4000) {
          const start = performance.now();
          await step();
          await step();
          timings[name] = (performance.now() - start) / (2 * batch);
        } else {
          timings[name] = first / batch;
        }
      } finally {
        tf.dispose([xs, ys]);
        optimizer.dispose();
        model.dispose();
      }
    }
    const fastest = Object.entries(timings).sort((a, b) => a[1] - b[1])[0]?.[0] ?? 'cpu';
    await useBackend(fastest, c);
    return timings;
  }

  private exportWeights(): WeightsFile<AnyModelId> {
    const file = this.weightsInTransit();
    return { ...file, weights: file.weights.map((w) => ({ ...w, values: Array.from(w.values) })) };
  }

  /**
   * The weights held (only those of `names`, when given), each tensor's values copied into a
   * Float32Array of its own (to transfer).
   */
  private weightsInTransit(names?: readonly string[]): WeightsInTransit {
    const { model, config } = this;
    if (!model || !config) throw new Error('there is no trained model to export yet');
    return {
      format: 'decoding-attention-weights',
      version: 1,
      model: config.model,
      ...(config.task === 'shapes-2d' ? { task: config.task, filter: config.filter } : {}),
      options: {
        length: config.length,
        hidden: config.hidden,
        heads: config.heads,
        positional: config.positional,
        mask: config.mask,
        embedding: config.embedding,
        blocks: config.blocks,
        seed: config.seed,
        ...((VARIANT_MODELS as readonly string[]).includes(config.model)
          ? { attention: config.attention, ...variantParameters(config) }
          : {}),
        ...(isVisionModel(config.model)
          ? {
              imageSize: config.imageSize,
              patchSize: config.patchSize,
              decoderBlocks: config.decoderBlocks,
              queries: config.queries,
              crossPrior: config.crossPrior,
              channelAttention: config.channelAttention,
            }
          : {}),
      },
      weights: model.weights
        .filter((w) => !names || names.includes(w.originalName))
        .map((w) => ({
          // The name as built, without the counter tfjs appends when a name is reused.
          name: w.originalName,
          shape: w.shape as number[],
          values: Float32Array.from(w.read().dataSync()),
        })),
    };
  }

  /**
   * Builds the model of `c`, the model that reports its attention, and the validation set;
   * returns the model.
   */
  private prepare(c: ResolvedTrainingConfig): tf.LayersModel {
    this.config = c;
    const task = trainingTask(c);
    this.task = task;
    const model = buildModel(c.model, c);
    this.model = model;
    this.inspector = snapshotInspector(model);
    const validation = task.generate(c.validationSize, c.validationSeed);
    this.baselines = task.baselines(validation);
    this.validation = {
      inputs: tf.tensor(validation.inputs, [c.validationSize, ...task.shape]),
      targets: tf.tensor(validation.targets, [c.validationSize, ...task.shape]),
    };
    return model;
  }

  /** The weights held now, to continue from in a run of `c`; throws if there are none for it. */
  private heldWeights(c: ResolvedTrainingConfig): WeightsFile<AnyModelId> {
    if (!this.model || !this.config)
      throw new Error('there are no weights to continue from: train or load weights first');
    const held = this.exportWeights();
    if (held.model !== c.model)
      throw new Error(`the weights held are ${held.model}'s, not ${c.model}'s`);
    checkSameVariant(held, c);
    return held;
  }

  /**
   * Loads a weights file: builds its model at its settings, its task and filter (the rest from
   * `settings`: the validation sample shown, the backend), sets the weights, and sends the model's snapshot, so
   * what it predicts and where it attends can be seen before any training.
   */
  private async importWeights(
    file: WeightsFile<AnyModelId>,
    settings: Partial<TrainingConfig> = {},
  ): Promise<void> {
    if (
      file?.format !== 'decoding-attention-weights' ||
      file.version !== 1 ||
      !Array.isArray(file.weights)
    ) {
      throw new Error('not a decoding-attention weights file (version 1)');
    }
    const c = resolveTrainingConfig({
      ...settings,
      model: file.model,
      ...(file.task ? { task: file.task } : {}),
      // The targets the model learned: it is scored against those, whatever `settings` say.
      ...(file.filter !== undefined ? { filter: file.filter } : {}),
      // A file written before the variants holds full attention's weights.
      ...((VARIANT_MODELS as readonly string[]).includes(file.model) ? { attention: 'full' } : {}),
      ...file.options,
    });
    if (c.backend !== 'auto' && !(await useBackend(c.backend, c)))
      throw new Error(`the ${c.backend} backend is not available here`);
    this.disposeAll();
    this.prepare(c);
    this.setWeightsFrom(file);
    await this.snapshot(0);
  }

  /** Sets the model's weights from `file`, after checking each one's shape and values. */
  private setWeightsFrom(file: WeightsFile<AnyModelId>): void {
    const model = this.model!;
    if (model.weights.length !== file.weights.length)
      throw new Error(
        `the weights file holds ${file.weights.length} weights, ${file.model} has ${model.weights.length}`,
      );
    const tensors = model.weights.map((w, i) => {
      const saved = file.weights[i];
      if (!Array.isArray(saved?.shape) || saved.shape.join() !== w.shape.join()) {
        throw new Error(
          `weight ${saved?.name} has shape [${saved?.shape}], the model's ${w.name} has [${w.shape}]`,
        );
      }
      if (!Array.isArray(saved.values) || !saved.values.every(Number.isFinite))
        throw new Error(`weight ${saved.name} holds values that are not finite numbers`);
      return tf.tensor(saved.values, saved.shape);
    });
    model.setWeights(tensors);
    tf.dispose(tensors);
  }
}
