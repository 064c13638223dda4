import '@decoding-attention/attention-heatmap/attention-heatmap.js';
import type { AttentionHeatmap } from '@decoding-attention/attention-heatmap';
import {
  MODEL_ENCODINGS,
  MODEL_IDS,
  SHAPES_1D_DEFAULTS,
  baselineScores1D,
  checkInteger,
  checkNumber,
  checkOneOf,
  generateBatch1D,
  generateShapes1D,
  modelCatalog,
  resolveModelOptions,
  sampleSeed,
  type Matrix,
  type ModelEncoding,
  type ModelId,
} from '@decoding-attention/core';
import type {
  ProgressMessage,
  SnapshotMessage,
  Trainer,
  TrainerMessage,
  TrainingBackend,
  TrainingConfig,
  WeightsFile,
} from '@decoding-attention/core/train';
import {
  styleProps,
  DecodingElement,
  downloadBlob,
  downloadJson,
  embedChart,
  eventDetail,
  highlightCells,
  nextTask,
  wordList,
  type Chart,
  type ThemeColors,
} from '@decoding-attention/ui';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { property, query, state } from 'lit/decorators.js';
import {
  AMPLITUDE_SIGNALS,
  amplitudeDomain,
  ANY_SAMPLE_AMPLITUDES,
  baselineRows,
  lossSpec,
  predictionSpec,
  type Baselines,
  type LossRow,
} from './charts.js';
import { trainableModelStyles } from './trainable-model.styles.js';
import { VERSION } from './version.js';

/** One finished run: a row of the results table. */
export interface TrainingResult {
  model: ModelId;
  label: string;
  parameters: number;
  /** Validation MSE at the end of the budget. */
  validationLoss: number;
  samplesSeen: number;
  samplesPerSecond: number;
  seconds: number;
  backend: string;
}

/** What `training-done` carries: every run of this training, in order. */
export interface TrainingDoneDetail {
  results: TrainingResult[];
}

type Phase = 'idle' | 'starting' | 'training' | 'paused' | 'done' | 'error';

const BACKENDS = ['auto', 'wasm', 'webgl', 'cpu'] as const;
/**
 * Settings chosen for the browser where the element leaves them unset. The transformer, at the
 * spec's width 64 and the draft's batch 128 and learning rate 3e-4, needs minutes on a laptop to
 * beat copying the input; at width 32, batches of 16 and 2e-3 it does so in about 20 s (measured
 * by `npm run bench:train`). The post-1 models keep the spec's settings, and so its parameter
 * counts.
 */
export const TRAINING_DEFAULTS: Record<
  'transformer' | 'others',
  { hidden: number; batchSize: number; learningRate: number }
> = {
  transformer: { hidden: 32, batchSize: 16, learningRate: 2e-3 },
  others: { hidden: 64, batchSize: 128, learningRate: 3e-4 },
};

/** Reads a budget such as `60s`, `2m`, `20000` or `20000 samples`, `300 steps`. */
export function parseBudget(text: string): NonNullable<TrainingConfig['budget']> {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(s|sec|seconds?|m|min|minutes?|samples?|steps?)?\s*$/i.exec(
    text,
  );
  if (!match)
    throw new RangeError(
      `budget must be like "60s", "2m", "20000 samples" or "300 steps", got "${text}"`,
    );
  const value = Number(match[1]);
  const unit = (match[2] ?? 'samples').toLowerCase();
  if (!(value > 0)) throw new RangeError(`budget must be positive, got "${text}"`);
  if (unit.startsWith('s') && unit !== 'samples' && unit !== 'sample' && !unit.startsWith('st'))
    return { seconds: value };
  if (unit.startsWith('m')) return { seconds: value * 60 };
  if (unit.startsWith('st')) return { steps: Math.ceil(value) };
  return { samples: Math.ceil(value) };
}

/**
 * Trains a model on the 1D shapes task in the reader's browser, in a Worker so the page stays
 * responsive: live loss curves against the baselines, the prediction on a validation sample,
 * and, for attention models, the attention maps forming. With `models="fcn cnn lstm attention"`
 * it trains each in turn on the same data and budget and fills a results table.
 *
 * @tag trainable-model
 * @summary Trains FCN, CNN, RNN and attention models in the browser and shows what they learn.
 *
 * @attr {'auto' | 'light' | 'dark'} theme - `light` or `dark` forces a colour scheme; `auto` (the default) follows the reader's.
 *
 * @fires training-progress - After every training step. `detail`: `{ step, samplesSeen, trainLoss, validationLoss, learningRate, samplesPerSecond, elapsed, backend, fraction, model }`.
 * @fires training-done - Every model has used its budget. `detail: { results }`.
 * @fires attention-change - New attention weights of the model's last attention layer, for `<attention-heatmap for="...">`. `detail: { heads }`.
 *
 * @csspart controls - The model choice and the buttons.
 * @csspart button - Every button.
 * @csspart progress - The progress bar.
 * @csspart figures - Parameters, samples per second, backend, time, losses.
 * @csspart loss-chart - The loss curves.
 * @csspart prediction-chart - Input, target and prediction on a validation sample.
 * @csspart attention - The attention maps.
 * @csspart results - The results table.
 * @csspart error - The message shown for bad input.
 *
 * @cssprop [--da-color-accent] - The prediction line and the progress bar.
 * @cssprop [--da-heatmap-size] - Width of each attention map.
 */
export class TrainableModel extends DecodingElement {
  static readonly version = VERSION;

  static override styles = [...DecodingElement.styles, trainableModelStyles];

  @query('.loss') private lossContainer?: HTMLDivElement;
  @query('.prediction') private predictionContainer?: HTMLDivElement;

  @state() private phase: Phase = 'idle';
  @state() private progress: (ProgressMessage & { model: ModelId }) | undefined;
  /**
   * The latest snapshot. Not rendered from directly, so not a reactive state: its maps reach the
   * heatmaps through `shownAttention`, its prediction the chart through `updateCharts`, and a
   * snapshot arriving costs no render of the whole element.
   */
  private snapshot: SnapshotMessage | undefined;
  /** The attention maps the heatmaps show: the snapshot's, handed over layer by layer. */
  @state() private shownAttention: Matrix[][] = [];
  @state() private results: TrainingResult[] = [];
  @state() private current: ModelId | undefined;
  @state() private backendUsed = '';

  /** The model trained: `transformer` (default), `fcn`, `cnn`, `lstm`, `attention`, `attention-pe` or `mha`. */
  @property({ reflect: true }) model: ModelId = 'transformer';
  /** Comparison mode: these models, one after another on the same data and budget, e.g. `"fcn cnn lstm attention mha"`. */
  @property({ converter: wordList }) models?: string[];
  /** Samples per series (default 400). */
  @property({ type: Number }) length = 400;
  /** Width of every layer (default: 32 for the transformer, 64 for the others); `hidden` itself is HTML's attribute for hiding elements. */
  @property({ type: Number, attribute: 'hidden-size' }) hiddenSize?: number;
  /** Attention heads of `mha` and `transformer` (default 4). */
  @property({ type: Number }) heads = 4;
  /** transformer: `none`, `linear`, `learnable`, `sinusoidal`, `sinusoidal-inverted` or `rope`. */
  @property() positional: ModelEncoding = 'sinusoidal';
  /** transformer: `full` or `causal` attention. */
  @property() mask: 'full' | 'causal' = 'full';
  /** transformer: `conv` or `dense` input embedding. */
  @property() embedding: 'dense' | 'conv' = 'conv';
  /** transformer: number of blocks. */
  @property({ type: Number }) blocks = 2;
  /** Adam's learning rate after warm-up (default: 2e-3 for the transformer, 3e-4 for the others). */
  @property({ type: Number, attribute: 'learning-rate' }) learningRate?: number;
  /** Fresh samples per step (default: 16 for the transformer, 128 for the others). */
  @property({ type: Number, attribute: 'batch-size' }) batchSize?: number;
  /** How long each model trains: `60s`, `2m`, `20000 samples` or `300 steps` (default `60s`). */
  @property() budget = '60s';
  /** Seed of the training data and of the initial weights: the same seed trains the same run. Validation uses its own seed derived from it. */
  @property({ type: Number }) seed = 0;
  /** `auto` (measures and picks the fastest), `wasm`, `webgl` or `cpu`. */
  @property() backend: TrainingBackend = 'auto';
  /** `worker` (default: the page never freezes) or `page` (train on the main thread, yielding between steps). */
  @property({ attribute: 'run-on' }) runOn: 'worker' | 'page' = 'worker';
  /** Which validation sample the prediction and attention show. */
  @property({ type: Number }) sample = 0;
  /** Samples in the validation set (default 256). */
  @property({ type: Number, attribute: 'validation-size' }) validationSize = 256;

  private trainer: Trainer | undefined;
  /** The baselines of the current validation set, once measured (in a task of their own). */
  @state() private baselineCache: { key: string; scores: Baselines } | undefined;
  private baselineTimer = 0;
  private queue: ModelId[] = [];
  private lossRows: LossRow[] = [];
  /** Loss rows not yet in the chart, and whether the chart must be cleared first. */
  private unplotted: LossRow[] = [];
  private clearPlot = false;
  private plottedSnapshot: SnapshotMessage | undefined;
  private plottedSample = '';
  private catalog: ReturnType<typeof modelCatalog> = [];
  private lossChart: Chart | undefined;
  private predictionChart: Chart | undefined;
  private chartWork: Promise<void> = Promise.resolve();
  private pendingSnapshot: Promise<void> = Promise.resolve();
  private chartTimer = 0;
  private marks: number[] = [];

  /** Every finished run so far. */
  get trainingResults(): TrainingResult[] {
    return this.results.map((r) => ({ ...r }));
  }

  /** The latest attention weights: per attention layer, one matrix per head. */
  get attentionMaps(): Matrix[][] {
    return (this.snapshot?.attention ?? []).map(({ heads, length, data }) =>
      Array.from({ length: heads }, (_, h) => ({
        data: data.subarray(h * length * length, (h + 1) * length * length),
        rows: length,
        cols: length,
      })),
    );
  }

  /** What the last `attention-change` carried (the last attention layer's heads), for followers that attach later. */
  get currentAttention(): { heads: Matrix[] } | undefined {
    const heads = this.attentionMaps.at(-1);
    return heads ? { heads } : undefined;
  }

  /** Where training runs: `worker`, `main`, or undefined before the first run. */
  get runsOn(): string | undefined {
    return this.trainer?.mode;
  }

  /** The trainer itself (created by the first `train()`), for tests and advanced pages. */
  get activeTrainer(): Trainer | undefined {
    return this.trainer;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.redrawCharts();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.trainer?.dispose();
    this.trainer = undefined;
    this.queue = [];
    if (this.phase === 'training' || this.phase === 'paused' || this.phase === 'starting')
      this.phase = 'idle';
    clearTimeout(this.chartTimer);
    this.chartTimer = 0;
    clearTimeout(this.baselineTimer);
    this.baselineTimer = 0;
    this.disposeCharts();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.refreshBaselines();
    const settings = [
      'model',
      'models',
      'length',
      'hiddenSize',
      'heads',
      'positional',
      'mask',
      'embedding',
      'blocks',
      'learningRate',
      'batchSize',
      'budget',
      'seed',
      'backend',
      'runOn',
      'sample',
      'validationSize',
    ];
    if (
      !this.hasUpdated ||
      ([...changed.keys()] as string[]).some((key) => settings.includes(key))
    ) {
      try {
        // Each model described at its own settings (the transformer's defaults differ).
        this.validate();
        this.catalog = MODEL_IDS.map((id) =>
          modelCatalog(this.configFor(id)).find((m) => m.id === id)!,
        );
        this.clearError();
      } catch (error) {
        this.catalog = [];
        this.reportError(error);
      }
    }
  }

  /** A change of the reader's colour scheme or of `theme`: the charts redraw in the new colours. */
  protected override themeChanged(colors: ThemeColors): void {
    super.themeChanged(colors);
    if (this.hasUpdated) this.redrawCharts();
  }

  /**
   * Checks every setting under its attribute name, before any reaches core; throws a RangeError
   * naming the first bad one.
   */
  private validate(): void {
    checkOneOf('model', this.model, MODEL_IDS);
    for (const id of this.models ?? []) checkOneOf('models', id, MODEL_IDS);
    // Shapes are up to SHAPES_1D_DEFAULTS.maxWidth samples wide: a series holds at least one.
    checkInteger('length', this.length, SHAPES_1D_DEFAULTS.maxWidth, 4096);
    if (this.hiddenSize !== undefined) checkInteger('hidden-size', this.hiddenSize, 2, 1024);
    checkInteger('heads', this.heads, 1, 64);
    checkOneOf('positional', this.positional, MODEL_ENCODINGS);
    checkOneOf('mask', this.mask, ['full', 'causal'] as const);
    checkOneOf('embedding', this.embedding, ['dense', 'conv'] as const);
    checkInteger('blocks', this.blocks, 1, 24);
    if (this.learningRate !== undefined) checkNumber('learning-rate', this.learningRate, 1e-9, 10);
    if (this.batchSize !== undefined) checkInteger('batch-size', this.batchSize, 1, 4096);
    parseBudget(this.budget);
    checkInteger('seed', this.seed, 0, Number.MAX_SAFE_INTEGER);
    checkOneOf('backend', this.backend, BACKENDS);
    checkOneOf('run-on', this.runOn, ['worker', 'page'] as const);
    checkInteger('validation-size', this.validationSize, 1, 100_000);
    checkInteger('sample', this.sample, 0, this.validationSize - 1);
    // The models with heads split their width between them; the menu offers both, so both count.
    for (const id of ['mha', 'transformer'] as const) {
      const hidden = this.hiddenFor(id);
      if (hidden % this.heads !== 0)
        throw new RangeError(`hidden-size (${hidden}) must be divisible by heads (${this.heads})`);
    }
    const perHead = this.hiddenFor('transformer') / this.heads;
    if (this.positional === 'rope' && perHead % 2 !== 0)
      throw new RangeError(
        `positional="rope" needs an even number of features per head; hidden-size / heads is ${perHead}`,
      );
  }

  /** The defaults of `id` where the element leaves them unset. */
  private defaultsFor(id: ModelId): (typeof TRAINING_DEFAULTS)['others'] {
    return TRAINING_DEFAULTS[id === 'transformer' ? 'transformer' : 'others'];
  }

  private hiddenFor(id: ModelId): number {
    return this.hiddenSize ?? this.defaultsFor(id).hidden;
  }

  protected override firstUpdated(): void {
    this.redrawCharts();
  }

  protected override updated(changed: PropertyValues<this>): void {
    // The theme's colours are followed by themeChanged.
    if (
      changed.has('length') ||
      changed.has('seed') ||
      changed.has('validationSize') ||
      changed.has('sample')
    ) {
      if (!changed.has('phase' as keyof TrainableModel)) this.redrawCharts();
    }
  }

  /** Resolves once the charts, loaded lazily, are drawn. */
  protected override async getUpdateComplete(): Promise<boolean> {
    await this.pendingSnapshot;
    const result = await super.getUpdateComplete();
    await this.chartWork;
    return result;
  }

  /** The models trained by Train: the comparison list, or the one model. */
  private comparison(): ModelId[] {
    return (this.models?.length ? this.models : [this.model]) as ModelId[];
  }

  private validationSeed(): number {
    return this.seed + 1_000_003;
  }

  /**
   * The configuration Train starts the trainer with for `model` (default: the element's model),
   * from the element's attributes; throws a RangeError naming a bad attribute. With it, the same
   * run can be reproduced outside the element.
   */
  trainingConfig(model: ModelId = this.model): TrainingConfig {
    this.validate();
    checkOneOf('model', model, MODEL_IDS);
    return this.configFor(model);
  }

  /** The training configuration for one model, from settings `validate()` has passed. */
  private configFor(id: ModelId): TrainingConfig {
    const defaults = this.defaultsFor(id);
    const learningRate = this.learningRate ?? defaults.learningRate;
    const batchSize = this.batchSize ?? defaults.batchSize;
    const options = resolveModelOptions(id, {
      length: this.length,
      hidden: this.hiddenFor(id),
      heads: id === 'mha' || id === 'transformer' ? this.heads : undefined,
      positional: this.positional,
      mask: this.mask,
      embedding: this.embedding,
      blocks: this.blocks,
    });
    return {
      ...options,
      model: id,
      learningRate,
      batchSize,
      budget: parseBudget(this.budget),
      seed: this.seed,
      validationSeed: this.validationSeed(),
      validationSize: this.validationSize,
      sampleIndex: this.sample,
      backend: this.backend,
    };
  }

  // ---- Training ----

  /** Trains the model (or each model of the comparison), from scratch. */
  async train(): Promise<void> {
    if (this.errorMessage) return;
    const queue = this.comparison();
    this.results = [];
    this.clearLoss();
    this.snapshot = undefined;
    this.shownAttention = [];
    this.progress = undefined;
    this.phase = 'starting';
    this.scheduleChartUpdate();
    try {
      if (!this.trainer) {
        const { Trainer } = await import('@decoding-attention/core/train');
        const trainer = await Trainer.create({ mode: this.runOn === 'page' ? 'main' : 'auto' });
        if (!this.isConnected) {
          trainer.dispose();
          return;
        }
        this.trainer = trainer;
        for (const type of [
          'ready',
          'progress',
          'evaluation',
          'snapshot',
          'done',
          'error',
        ] as const) {
          trainer.addEventListener(type, (event) =>
            this.onMessage((event as CustomEvent<TrainerMessage>).detail),
          );
        }
      }
      this.queue = queue;
      this.startNext();
    } catch (error) {
      this.phase = 'error';
      this.reportError(error);
    }
  }

  /** Pauses training; `resume()` continues where it stopped. */
  pause(): void {
    if (this.phase !== 'training') return;
    this.trainer?.pause();
    this.phase = 'paused';
  }

  resume(): void {
    if (this.phase !== 'paused') return;
    this.trainer?.resume();
    this.phase = 'training';
  }

  /** Stops training and forgets the models, the curves and the results. */
  reset(): void {
    this.queue = [];
    this.trainer?.reset();
    this.results = [];
    this.clearLoss();
    this.snapshot = undefined;
    this.shownAttention = [];
    this.progress = undefined;
    this.current = undefined;
    this.phase = 'idle';
    this.marks = [];
    this.scheduleChartUpdate();
  }

  /** The trained weights of the last model, as JSON. */
  async exportWeights(): Promise<WeightsFile> {
    if (!this.trainer) throw new Error('Train a model first.');
    return this.trainer.exportWeights();
  }

  /** Loads weights exported before; the model they belong to becomes this element's model. */
  async importWeights(weights: WeightsFile): Promise<void> {
    if (!this.trainer) {
      const { Trainer } = await import('@decoding-attention/core/train');
      this.trainer = await Trainer.create({ mode: this.runOn === 'page' ? 'main' : 'auto' });
    }
    await this.trainer.importWeights(weights);
    this.model = weights.model;
  }

  /** The loss and prediction charts as SVG, for export (they are drawn on canvas while training). */
  async chartsSVG(): Promise<{ loss: string; prediction: string }> {
    await this.updateComplete;
    await this.chartWork;
    return {
      loss: (await this.lossChart?.toSvg()) ?? '',
      prediction: (await this.predictionChart?.toSvg()) ?? '',
    };
  }

  /** The results table as CSV. */
  resultsCsv(): string {
    const header =
      'model,parameters,validation_mse,samples_seen,samples_per_second,seconds,backend';
    const rows = this.results.map((r) =>
      [
        r.model,
        r.parameters,
        r.validationLoss.toFixed(3),
        r.samplesSeen,
        r.samplesPerSecond.toFixed(1),
        r.seconds.toFixed(1),
        r.backend,
      ].join(','),
    );
    return [header, ...rows].join('\n') + '\n';
  }

  private startNext(): void {
    const id = this.queue.shift();
    if (!id || !this.trainer) return;
    this.current = id;
    this.trainer.start(this.configFor(id));
  }

  private onMessage(message: TrainerMessage): void {
    const model = this.current ?? this.model;
    switch (message.type) {
      case 'ready':
        this.phase = 'training';
        this.backendUsed = message.backend;
        this.announce(`Training ${this.label(model)} on the ${message.backend} backend.`);
        break;
      case 'progress':
        this.progress = { ...message, model };
        this.addLoss({
          model,
          split: 'train',
          samples: message.samplesSeen,
          loss: message.trainLoss,
        });
        this.scheduleChartUpdate();
        this.emit('training-progress', { ...message, model });
        break;
      case 'evaluation':
        if (Number.isFinite(message.validationLoss)) {
          this.addLoss({
            model,
            split: 'validation',
            samples: message.samplesSeen,
            loss: message.validationLoss,
          });
          this.scheduleChartUpdate();
        }
        break;
      case 'snapshot':
        // The attention maps render in a task of their own, apart from the message handling.
        this.pendingSnapshot = nextTask().then(async () => {
          this.snapshot = message;
          this.scheduleChartUpdate();
          // Each layer's heatmap takes its new maps in a task of its own: a transformer's two
          // layers of four 400 x 400 heads at once held the page for 70 ms.
          const layers = this.attentionMaps;
          for (let i = 0; i < layers.length; i++) {
            await nextTask();
            if (this.snapshot !== message) return;
            const shown = this.shownAttention;
            this.shownAttention = layers.flatMap((heads, j) =>
              j <= i ? [heads] : shown[j] ? [shown[j]] : [],
            );
          }
          this.shownAttention = layers;
          if (layers.length === 0) return;
          this.emit('attention-change', { heads: layers.at(-1) });
        });
        break;
      case 'done': {
        const parameters = modelCatalog(this.configFor(model)).find(
          (m) => m.id === model,
        )!.parameters;
        this.results = [
          ...this.results,
          {
            model,
            label: this.label(model),
            parameters,
            validationLoss: message.validationLoss,
            samplesSeen: message.samplesSeen,
            samplesPerSecond: message.samplesPerSecond,
            seconds: message.elapsed,
            backend: message.backend,
          },
        ];
        if (this.queue.length > 0 && message.reason === 'budget') {
          this.startNext();
        } else {
          this.phase = 'done';
          this.announce(
            `Done: ${this.label(model)} reached a validation MSE of ${message.validationLoss.toFixed(1)}.`,
          );
          this.emit<TrainingDoneDetail>('training-done', { results: this.trainingResults });
        }
        break;
      }
      case 'error':
        this.phase = 'error';
        this.queue = [];
        this.reportError(new Error(`Training failed: ${message.message}`));
        break;
    }
  }

  private label(id: ModelId): string {
    return modelCatalog().find((m) => m.id === id)?.label ?? id;
  }

  private announce(text: string): void {
    const region = this.renderRoot.querySelector('.live');
    if (region) region.textContent = text;
  }

  // ---- Charts ----

  private disposeCharts(): void {
    this.lossChart?.finalize();
    this.predictionChart?.finalize();
    this.lossChart = undefined;
    this.predictionChart = undefined;
  }

  private redrawCharts(): void {
    this.chartWork = this.chartWork
      .then(async () => {
        this.disposeCharts();
        if (!this.lossContainer || !this.predictionContainer || this.errorMessage) return;
        const colors = this.colors;
        const width = (container: HTMLElement) => Math.max(260, container.clientWidth - 10);
        const loss = await embedChart(
          this.lossContainer,
          lossSpec(width(this.lossContainer), colors, this.measuredBaselines()),
          {
            colors,
            renderer: 'canvas',
          },
        );
        await nextTask();
        const prediction = await embedChart(
          this.predictionContainer,
          predictionSpec(width(this.predictionContainer), this.length, colors),
          { colors, renderer: 'canvas' },
        );
        if (!this.isConnected) {
          loss.finalize();
          prediction.finalize();
          return;
        }
        this.lossChart = loss;
        this.predictionChart = prediction;
        // Hovering the prediction shows that position's query row in the attention maps.
        prediction.view.addEventListener('pointermove', (event) =>
          this.onPredictionPointer(prediction, event as PointerEvent),
        );
        prediction.view.addEventListener('pointerleave', () => this.highlightQuery(-1));
        await this.warmCharts();
        // New charts: everything is to be plotted again.
        this.unplotted = this.lossRows.slice();
        this.plottedSample = '';
        this.plottedSnapshot = undefined;
        await this.updateCharts();
      })
      .catch((error: unknown) =>
        console.warn(`<${this.localName}>: a chart could not be drawn.`, error),
      );
  }

  /**
   * Runs a few throwaway updates through new charts, each in its own task: vega's first updates
   * (compiling its code paths, growing its caches) are several times slower than later ones,
   * and they should happen now, not in the middle of training.
   */
  private async warmCharts(): Promise<void> {
    const { lossChart: loss, predictionChart: prediction } = this;
    const sample = this.validationSample();
    if (!loss || !prediction || !sample) return;
    const points = Array.from(sample.input, (value, position) => ({ position, value }));
    for (let round = 1; round <= 8; round++) {
      const rows = Array.from({ length: 20 * round }, (_, i) => ({
        model: 'warm',
        samples: 128 * (i + 1),
        loss: 300 / (i + 1),
      }));
      await loss.view.data('train', rows).data('validation', rows).runAsync();
      await nextTask();
      await prediction.view
        .data('prediction', points)
        .data('input', points)
        .data('target', points)
        .runAsync();
      await nextTask();
    }
    await loss.view.data('train', []).data('validation', []).runAsync();
    await prediction.view.data('prediction', []).runAsync();
    // The same for the attention maps: a throwaway heatmap, out of sight, given four heads of
    // typed matrices (as training sends them) over and over, a task each. The loops that check,
    // average and colour them are then compiled by the time the first real 400 x 400 maps come:
    // cold, averaging four of those took 18 ms on an idle page and 50 ms beside training; after
    // about 30 small rounds, 3 ms.
    const heatmap = document.createElement('attention-heatmap') as AttentionHeatmap;
    heatmap.compact = true;
    heatmap.style.cssText = 'position: absolute; visibility: hidden; pointer-events: none';
    this.renderRoot.appendChild(heatmap);
    for (let round = 0; round < 30; round++) {
      heatmap.heads = [0, 1, 2, 3].map((head) => ({
        data: new Float32Array(48 * 48).map((_, i) => ((i + head + round) % 48) / 48),
        rows: 48,
        cols: 48,
      }));
      await heatmap.updateComplete;
      await nextTask();
      if (!this.isConnected) break;
    }
    heatmap.remove();
  }

  private addLoss(row: LossRow): void {
    this.lossRows.push(row);
    this.unplotted.push(row);
  }

  private clearLoss(): void {
    this.lossRows = [];
    this.unplotted = [];
    this.clearPlot = true;
  }

  /**
   * Coalesces chart updates to at most one every 400 ms: steps can come faster, and each vega
   * update is main-thread work the reader's scrolling shares.
   */
  private scheduleChartUpdate(): void {
    if (this.chartTimer) return;
    this.chartTimer = window.setTimeout(() => {
      this.chartTimer = 0;
      this.chartWork = this.chartWork.then(() => this.updateCharts()).catch(() => undefined);
    }, 400);
  }

  /** Brings the charts up to date with as little work as possible: new loss points are inserted. */
  private async updateCharts(): Promise<void> {
    const loss = this.lossChart;
    if (loss) {
      if (this.clearPlot) {
        loss.view.data('train', []).data('validation', []);
        this.clearPlot = false;
      }
      const rows = this.unplotted;
      this.unplotted = [];
      loss.view.insert(
        'train',
        rows.filter((r) => r.split === 'train'),
      );
      loss.view.insert(
        'validation',
        rows.filter((r) => r.split === 'validation'),
      );
      await loss.view.runAsync();
      // Each chart redraws in a task of its own, so that neither holds the page for long.
      await nextTask();
    }
    const prediction = this.predictionChart;
    if (prediction) {
      const points = (values: Float32Array) =>
        Array.from(values, (value, position) => ({ position, value }));
      const sampleKey = `${this.seed}/${this.sample}/${this.length}`;
      if (this.plottedSample !== sampleKey) {
        const sample = this.validationSample();
        const domain = sample
          ? amplitudeDomain(sample.input, sample.target)
          : ANY_SAMPLE_AMPLITUDES;
        AMPLITUDE_SIGNALS.forEach((name, i) => prediction.view.signal(name, domain[i]));
        prediction.view
          .data('input', sample ? points(sample.input) : [])
          .data('target', sample ? points(sample.target) : []);
        this.plottedSample = sampleKey;
      }
      if (this.plottedSnapshot !== this.snapshot) {
        prediction.view.data('prediction', this.snapshot ? points(this.snapshot.prediction) : []);
        this.plottedSnapshot = this.snapshot;
      }
      await prediction.view
        .data(
          'marks',
          this.marks.map((position) => ({ position })),
        )
        .runAsync();
    }
  }

  /** The batch size of the first model Train starts, for the help text ('?' while settings are bad). */
  private batchShown(): number | string {
    try {
      return this.configFor(this.comparison()[0]).batchSize ?? '?';
    } catch {
      return '?';
    }
  }

  /**
   * What predicting zeros and copying the input score on the validation set the Worker uses
   * (about 310 and 26 at length 400, spec/datasets.md; more at shorter lengths, where shapes
   * crowd).
   */
  get baselines(): Baselines {
    const key = this.baselineKey();
    if (this.baselineCache?.key !== key)
      this.baselineCache = { key, scores: this.measureBaselines() };
    return { ...this.baselineCache.scores };
  }

  private baselineKey(): string {
    return `${this.length} ${this.validationSeed()} ${this.validationSize}`;
  }

  /** Generates the validation set (about 50 ms at the defaults) and scores the baselines on it. */
  private measureBaselines(): Baselines {
    try {
      return baselineScores1D(
        generateBatch1D(this.validationSize, { seed: this.validationSeed(), length: this.length }),
      );
    } catch {
      // Bad settings: the error message says which; no baselines meanwhile.
      return { zeros: Number.NaN, copy: Number.NaN };
    }
  }

  /**
   * Measures the baselines in a task of their own when the validation set changes, so that no
   * render (nor a training step's update) waits for them; the loss chart's rules follow.
   */
  private refreshBaselines(): void {
    if (this.baselineCache?.key === this.baselineKey() || this.baselineTimer) return;
    this.baselineTimer = window.setTimeout(() => {
      this.baselineTimer = 0;
      const key = this.baselineKey();
      if (this.baselineCache?.key === key) return;
      const scores = this.measureBaselines();
      this.baselineCache = { key, scores };
      this.chartWork = this.chartWork.then(async () => {
        await this.lossChart?.view.data('baselines', baselineRows(scores)).runAsync();
      });
    });
  }

  /** The baselines if measured for the current settings (never measured here). */
  private measuredBaselines(): Baselines | undefined {
    return this.baselineCache?.key === this.baselineKey() ? this.baselineCache.scores : undefined;
  }

  /** The copy-the-input score for display: NaN until measured (so nothing counts as beating it). */
  private copyScore(): number {
    return this.measuredBaselines()?.copy ?? Number.NaN;
  }

  /** The validation sample shown, generated here before training starts (the same one the Worker uses). */
  private validationSample(): { input: Float32Array; target: Float32Array } | undefined {
    try {
      return generateShapes1D({
        seed: sampleSeed(this.validationSeed(), this.sample),
        length: this.length,
      });
    } catch {
      return undefined;
    }
  }

  private onPredictionPointer(chart: Chart, event: PointerEvent): void {
    const surface = chart.view.container()?.querySelector('canvas, svg');
    if (!surface) return;
    const left = surface.getBoundingClientRect().left + chart.view.origin()[0];
    const x = chart.view.scale('x') as ((value: number) => number) & {
      invert(pixel: number): number;
    };
    const position = Math.round(x.invert(event.clientX - left));
    this.highlightQuery(position >= 0 && position < this.length ? position : -1);
  }

  /** Marks a position of the prediction plot and its query row in every attention map. */
  private highlightQuery(position: number): void {
    const marks = position >= 0 ? [position] : [];
    if (marks.length === this.marks.length && marks[0] === this.marks[0]) return;
    this.marks = marks;
    highlightCells(this.heatmaps(), position, -1);
    this.showMarks();
  }

  /** Hover marks go straight to the prediction plot, not through the throttled chart update. */
  private showMarks(): void {
    const prediction = this.predictionChart;
    if (!prediction) return;
    void prediction.view
      .data(
        'marks',
        this.marks.map((position) => ({ position })),
      )
      .runAsync();
  }

  private onAttentionHover(event: Event): void {
    const detail = eventDetail<{ query: number; key: number }>(event);
    if (typeof detail?.query !== 'number' || typeof detail.key !== 'number') return;
    const { query: q, key: k } = detail;
    this.marks = q >= 0 ? [q, k] : [];
    highlightCells(this.heatmaps(), q, k, event.target);
    this.showMarks();
  }

  private heatmaps(): NodeListOf<AttentionHeatmap> {
    return this.renderRoot.querySelectorAll<AttentionHeatmap>('attention-heatmap');
  }

  // ---- Export ----

  private exportCsv(): void {
    downloadBlob(new Blob([this.resultsCsv()], { type: 'text/csv' }), 'training-results.csv');
  }

  private exportJson(): void {
    downloadJson({ results: this.results, losses: this.lossRows }, 'training-results.json');
  }

  private async exportSvg(): Promise<void> {
    const { loss, prediction } = await this.chartsSVG();
    downloadBlob(new Blob([loss], { type: 'image/svg+xml' }), 'loss.svg');
    downloadBlob(new Blob([prediction], { type: 'image/svg+xml' }), 'prediction.svg');
  }

  private async exportWeightsFile(): Promise<void> {
    try {
      downloadJson(await this.exportWeights(), `${this.current ?? this.model}-weights.json`);
    } catch (error) {
      this.reportError(error);
    }
  }

  private async onImport(event: Event): Promise<void> {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    try {
      await this.importWeights(JSON.parse(await file.text()) as WeightsFile);
      this.announce(`Loaded weights for ${file.name}.`);
    } catch (error) {
      this.reportError(error);
    }
  }

  // ---- Rendering ----

  override render(): TemplateResult {
    const comparison = Boolean(this.models?.length);
    const running = this.phase === 'training' || this.phase === 'starting';
    const catalog = this.catalog;
    const entry = catalog.find((m) => m.id === (this.current ?? this.model));
    const progress = this.progress;
    return html`
      <div class="toolbar controls" part="controls">
        ${
          comparison
            ? html`<span>Comparing ${this.models!.join(', ')}</span>`
            : html`<label>
                Model
                <select
                  ?disabled=${running}
                  .value=${live(this.model)}
                  @change=${(e: Event) => (this.model = (e.target as HTMLSelectElement).value as ModelId)}
                >
                  ${catalog.map(
                    (m) =>
                      html`<option value=${m.id} ?selected=${m.id === this.model}>
                        ${m.label} (${m.parameters.toLocaleString('en')} parameters)
                      </option>`,
                  )}
                </select>
              </label>`
        }
        ${
          this.phase === 'training'
            ? html`<button part="button" @click=${this.pause}>Pause</button>`
            : this.phase === 'paused'
              ? html`<button part="button" class="primary" @click=${this.resume}>Resume</button>`
              : html`<button
                  part="button"
                  class="primary"
                  ?disabled=${Boolean(this.errorMessage) || this.phase === 'starting'}
                  @click=${this.train}
                >
                  Train
                </button>`
        }
        <button part="button" ?disabled=${this.phase === 'idle'} @click=${this.reset}>Reset</button>
        <button part="button" ?disabled=${this.results.length === 0} @click=${this.exportCsv}>
          CSV
        </button>
        <button part="button" @click=${this.exportSvg}>SVG</button>
        <button part="button" ?disabled=${this.results.length === 0} @click=${this.exportJson}>
          JSON
        </button>
        <button
          part="button"
          ?disabled=${!this.trainer || running}
          @click=${this.exportWeightsFile}
        >
          Weights
        </button>
        <label>
          Load weights
          <input type="file" accept="application/json,.json" @change=${this.onImport} />
        </label>
        ${this.renderEmbedButton()}
      </div>
      ${this.renderError()}
      <div
        class="bar"
        part="progress"
        role="progressbar"
        aria-label="Training progress"
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow=${Math.round((progress?.fraction ?? 0) * 100)}
      >
        <div style=${styleProps({ width: `${(progress?.fraction ?? 0) * 100}%` })}></div>
      </div>
      <dl class="figures" part="figures">
        <div>
          <dt>Model</dt>
          <dd>${entry?.label ?? this.model}</dd>
        </div>
        <div>
          <dt>Parameters</dt>
          <dd>${entry?.parameters.toLocaleString('en') ?? '–'}</dd>
        </div>
        <div>
          <dt>Backend</dt>
          <dd>${this.backendUsed || this.backend}</dd>
        </div>
        <div>
          <dt>Samples / s</dt>
          <dd>${progress ? progress.samplesPerSecond.toFixed(1) : '–'}</dd>
        </div>
        <div>
          <dt>Time</dt>
          <dd>${progress ? `${progress.elapsed.toFixed(1)} s` : '–'}</dd>
        </div>
        <div>
          <dt>Samples seen</dt>
          <dd>${progress ? progress.samplesSeen.toLocaleString('en') : '–'}</dd>
        </div>
        <div>
          <dt>Train MSE</dt>
          <dd>${progress ? progress.trainLoss.toFixed(1) : '–'}</dd>
        </div>
        <div>
          <dt>Validation MSE</dt>
          <dd class=${progress && progress.validationLoss < this.copyScore() ? 'beats' : ''}>
            ${progress && Number.isFinite(progress.validationLoss) ? progress.validationLoss.toFixed(1) : '–'}
          </dd>
        </div>
      </dl>
      <p class="note">
        ${
          this.phase === 'idle'
            ? `Press Train: ${this.budget} per model, batches of ${this.batchShown()} fresh samples, validated on ${this.validationSize} others. Beating ${Number.isNaN(this.copyScore()) ? 'about 26' : this.copyScore().toFixed(1)} (copying the input) means it learned to use the group.`
            : this.phase === 'starting'
              ? 'Starting: loading tfjs and choosing the fastest backend…'
              : this.phase === 'paused'
                ? 'Paused.'
                : ''
        }
      </p>
      <div class="charts">
        <div>
          <h3>Loss</h3>
          <div class="loss" part="loss-chart"></div>
        </div>
        <div>
          <h3>Validation sample ${this.sample}</h3>
          <div class="legend" aria-hidden="true">
            <span><span class="line input"></span> input</span>
            <span><span class="line"></span> target</span>
            <span><span class="line prediction"></span> prediction</span>
          </div>
          <div class="prediction" part="prediction-chart"></div>
        </div>
      </div>
      ${this.renderAttention()} ${this.results.length > 0 ? this.renderResults() : nothing}
      <p class="visually-hidden live" aria-live="polite"></p>
    `;
  }

  private renderAttention(): TemplateResult | typeof nothing {
    const layers = this.shownAttention;
    if (layers.length === 0) return nothing;
    return html`
      <div class="attention" part="attention">
        ${layers.map(
          (heads, index) => html`
            <attention-heatmap
              compact
              theme=${this.theme}
              label=${layers.length > 1 ? `Layer ${index + 1} attention` : 'Attention'}
              .heads=${heads}
              @attention-hover=${this.onAttentionHover}
            ></attention-heatmap>
          `,
        )}
      </div>
    `;
  }

  private renderResults(): TemplateResult {
    return html`
      <table part="results">
        <caption class="visually-hidden">
          Results: validation MSE after the same budget
        </caption>
        <thead>
          <tr>
            <th scope="col">Model</th>
            <th scope="col">Parameters</th>
            <th scope="col">Validation MSE</th>
            <th scope="col">Samples</th>
            <th scope="col">Samples / s</th>
            <th scope="col">Time (s)</th>
            <th scope="col">Backend</th>
          </tr>
        </thead>
        <tbody>
          ${this.results.map(
            (r) => html`
              <tr>
                <th scope="row">${r.label}</th>
                <td>${r.parameters.toLocaleString('en')}</td>
                <td class=${r.validationLoss < this.copyScore() ? 'beats' : ''}>
                  ${r.validationLoss.toFixed(2)}
                </td>
                <td>${r.samplesSeen.toLocaleString('en')}</td>
                <td>${r.samplesPerSecond.toFixed(1)}</td>
                <td>${r.seconds.toFixed(1)}</td>
                <td>${r.backend}</td>
              </tr>
            `,
          )}
        </tbody>
      </table>
    `;
  }
}

declare global {
  interface HTMLElementEventMap {
    'training-done': CustomEvent<TrainingDoneDetail>;
    'training-progress': CustomEvent<ProgressMessage & { model: ModelId }>;
  }
}
