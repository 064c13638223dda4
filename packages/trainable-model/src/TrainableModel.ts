import {
  generateShapes1D,
  isVisionModel,
  modelCatalog,
  sampleSeed,
  visionModelCatalog,
  type AnyModelId,
  type AttentionVariant,
  type FilterMode2D,
  type Matrix,
  type ModelEncoding,
} from '@decoding-attention/core';
import type {
  SnapshotMessage,
  TaskId,
  Trainer,
  TrainerMode,
  TrainingBackend,
  TrainingConfig,
  WeightsFile,
} from '@decoding-attention/core/train';
import {
  DecodingElement,
  downloadBlob,
  downloadJson,
  eventDetail,
  seriesLegendStyles,
  FirstSightController,
  wordList,
  type ThemeColors,
  word,
} from '@decoding-attention/ui';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import type { PatchImage } from '@decoding-attention/attention-heatmap';
import { AttentionPanel } from './attention-panel.js';
import { BaselinesController } from './baselines.js';
import type { Baselines } from './charts.js';
import { renderProgress } from './progress-figures.js';
import { ImageFigures } from './image-figures.js';
import { TASK_MODELS, checkSettings, modelOf, weightsSettings } from './settings.js';
import { renderResults, resultsCsv } from './results-table.js';
import { trainableModelStyles } from './trainable-model.styles.js';
import { TrainingCharts, type ChartSample } from './training-charts.js';
import {
  trainingConfigFor,
  validationSeed,
  validationSizeOf,
  type TrainingSettings,
} from './training-config.js';
import {
  TrainingController,
  type TrainingDoneDetail,
  type TrainingProgress,
  type TrainingResult,
  type TrainingRun,
} from './training-controller.js';
import {
  attentionsOf,
  globalsConverter,
  variantDetail,
  variantLabel,
  variantNote,
  type VariantDetail,
} from './variant-settings.js';
import { readingLayer, visionLayers, type VisionLayer } from './vision-attention.js';
import { VERSION } from './version.js';

/** The properties that configure training: a change of any is validated again. */
const SETTINGS = [
  'theme',
  'task',
  'filter',
  'imageSize',
  'patchSize',
  'decoderBlocks',
  'queries',
  'crossPrior',
  'channelAttention',
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
  'attention',
  'attentions',
  'window',
  'stride',
  'globals',
  'span',
  'ramp',
  'spanPenalty',
  'projected',
  'features',
  'redraw',
  'buckets',
  'hashes',
  'chunk',
] as const;

/** The properties the charts are drawn from: a change of any draws them afresh. */
const CHART_SETTINGS = [
  'task',
  'length',
  'imageSize',
  'patchSize',
  'filter',
  'seed',
  'validationSize',
  'sample',
] as const;

/**
 * Trains a model on the 1D shapes task, or with `task="shapes-2d"` a vision model on its images,
 * in the reader's browser, in a Worker so the page stays responsive: live loss curves against
 * the baselines, the prediction on a validation sample (a chart, or input, target and
 * prediction images side by side), and, for attention models, the attention maps forming (on
 * the patch grid over the image for vision models, with the rollout across the encoder's layers;
 * pointing at a patch of the prediction shows which input patches it reads). With
 * `models="fcn cnn lstm attention"` it trains each in turn on the same data and budget and fills
 * a results table; with `attentions="full local performer"`, each attention variant of the model
 * (post 2: `attention` and its parameters, which apply to the attention models: `attention`,
 * `attention-pe`, `mha`, `transformer`).
 *
 * @tag trainable-model
 * @summary Trains FCN, CNN, RNN, attention models and vision transformers in the browser and shows what they learn.
 *
 * @attr {'auto' | 'light' | 'dark'} theme - `light` or `dark` forces a colour scheme; `auto` (the default) follows the reader's.
 *
 * @fires training-progress - After every training step. `detail`: `{ step, samplesSeen, trainLoss, validationLoss, learningRate, samplesPerSecond, elapsed, backend, fraction, model }`.
 * @fires training-done - Every model has used its budget. `detail: { results }`.
 * @fires attention-change - New attention weights, for `<attention-heatmap for="...">`: the last attention layer's, `detail: { heads, variant? }` (`variant`: what an efficient attention variant did, see `VariantDetail`); a vision model's every layer, `detail: { layers, grid, image }`.
 *
 * @csspart controls - The model choice and the buttons.
 * @csspart button - Every button.
 * @csspart progress - The progress bar.
 * @csspart figures - Parameters, samples per second, backend, time, losses.
 * @csspart loss-chart - The loss curves.
 * @csspart prediction-chart - Input, target and prediction on a validation sample (series).
 * @csspart images - Input, target and prediction images on a validation sample (images).
 * @csspart attention - The attention maps.
 * @csspart results - The results table.
 * @csspart error - The message shown for bad input.
 *
 * @cssprop [--da-color-accent] - The prediction line and the progress bar.
 * @cssprop [--da-heatmap-size] - Width of each attention map.
 * @cssprop [--da-image-size] - Width of each image of the image task (160px).
 */
export class TrainableModel extends DecodingElement implements TrainingSettings {
  // ---- Static ----

  static readonly version = VERSION;

  static override styles = [...DecodingElement.styles, seriesLegendStyles, trainableModelStyles];

  // ---- Controllers and fields ----

  /** The Trainer, the queue of models, and what training reports. */
  private readonly training = new TrainingController(this, {
    configFor: (model, attention) => trainingConfigFor(this, model, attention),
    refused: () => Boolean(this.errorMessage),
    place: () => this.runOn,
    loss: (row) => this.charts.addLoss(row),
    baselines: (scores) => this.baselineScores.reported(scores),
    snapshot: (message) => this.onSnapshot(message),
    announce: (text) => this.announce(text),
    failed: (error) => this.reportError(error),
  });

  /** The loss and prediction charts. */
  private readonly charts = new TrainingCharts(this, (position) => this.highlightQuery(position));

  /** The attention maps, one heatmap per layer. */
  private readonly attentionPanel = new AttentionPanel(this);

  /** What predictions that need no training score on the validation set. */
  private readonly baselineScores = new BaselinesController(
    this,
    () =>
      this.errorMessage
        ? undefined
        : {
            task: this.task,
            length: this.length,
            imageSize: this.imageSize,
            filter: this.filter,
            seed: validationSeed(this.seed),
            size: validationSizeOf(this),
          },
    (scores) => this.charts.showBaselines(scores),
  );

  /** The image task's input, target and prediction images. */
  private readonly figures = new ImageFigures(this, (patch) => this.highlightPatch(patch));

  /** The charts wait until the element comes near the view: a post may hold many. */
  private readonly sight = new FirstSightController(this);
  /** Whether the charts have been drawn since the element was first seen. */
  private chartsDrawn = false;
  /**
   * What the charts on show were drawn from (settings and colours): a bad setting hides them, and
   * fixing it shows them again without a redraw (a vega chart is one long task) if nothing they
   * show has changed.
   */
  private drawnFrom: { key: string; colors: ThemeColors } | undefined;

  /** The model menu: the task's models, each at its own settings (the transformer's defaults differ). */
  private catalog: { id: AnyModelId; label: string; parameters: number }[] = [];

  // ---- Queries ----

  @query('.loss') private lossContainer?: HTMLDivElement;
  // `div`: the legend's prediction line is a `.prediction` too, and comes first.
  @query('div.prediction') private predictionContainer?: HTMLDivElement;

  // ---- Properties ----

  /** What the models learn: `shapes-1d` (default), the series, or `shapes-2d`, the images of post 3. */
  @property({ reflect: true, converter: word }) task: TaskId = 'shapes-1d';
  /**
   * The model trained: on series `transformer` (default), `fcn`, `cnn`, `lstm`, `attention`,
   * `attention-pe` or `mha`; on images `vit-encdec` (default), `vit`, `vit-channels` or `unet`.
   */
  @property({ reflect: true, converter: word }) model?: AnyModelId;
  /** Comparison mode: these models, one after another on the same data and budget, e.g. `"fcn cnn lstm attention mha"` or `"vit vit-encdec unet"`. */
  @property({ converter: wordList }) models?: string[];
  /** Images: which shapes the target keeps, as on the viewer: `none` (default), `channel` or `filled-circles`. */
  @property() filter: FilterMode2D = 'none';
  /** Images: side of the square images, in pixels (default 128, 8 to 256). */
  @property({ type: Number, attribute: 'image-size' }) imageSize = 128;
  /** Images: side of the square patches, in pixels; must divide `image-size` (default 16). */
  @property({ type: Number, attribute: 'patch-size' }) patchSize = 16;
  /** vit-encdec: decoder blocks (default 2). */
  @property({ type: Number, attribute: 'decoder-blocks' }) decoderBlocks = 2;
  /** vit-encdec: where each decoder query starts: `encoder` (its patch's encoder token, default) or `learned`. */
  @property() queries: 'encoder' | 'learned' = 'encoder';
  /**
   * vit-encdec: the bias cross-attention starts with: `locality` (default: each head favours the
   * encoder patches near its query's own), `content`, `both` or `none`.
   */
  @property({ attribute: 'cross-prior' }) crossPrior: 'locality' | 'content' | 'both' | 'none' =
    'locality';
  /** vit-channels: R, G and B planes attend `within` their channel (default) or `across` channels. */
  @property({ attribute: 'channel-attention' }) channelAttention: 'within' | 'across' = 'within';
  /** Samples per series (default 400). */
  @property({ type: Number }) length = 400;
  /** Width of every layer (default: 32 for the transformer, 64 for the others and the vision models); `hidden` itself is HTML's attribute for hiding elements. */
  @property({ type: Number, attribute: 'hidden-size' }) hiddenSize?: number;
  /** Attention heads of `mha` and `transformer` (default 4). */
  @property({ type: Number }) heads = 4;
  /** transformer: `none`, `linear`, `learnable`, `sinusoidal`, `sinusoidal-inverted` or `rope`; vision models: `none`, `learnable`, `sinusoidal` (2D) or `rope` (axial 2D). */
  @property() positional: ModelEncoding = 'sinusoidal';
  /** transformer: `full` or `causal` attention. */
  @property() mask: 'full' | 'causal' = 'full';
  /** transformer: `conv` or `dense` input embedding. */
  @property() embedding: 'dense' | 'conv' = 'conv';
  /** transformer: number of blocks (default 1); vision models: encoder blocks (default 2). */
  @property({ type: Number }) blocks?: number;
  /** Adam's learning rate after warm-up (default: 2e-3 for the transformer, 1e-3 for vision models, 3e-4 for the others). */
  @property({ type: Number, attribute: 'learning-rate' }) learningRate?: number;
  /** Fresh samples per step (default: 16 for the transformer, 32 for vision models, 128 for the others). */
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
  /** Samples in the validation set (default 256 series, 64 images). */
  @property({ type: Number, attribute: 'validation-size' }) validationSize?: number;

  // Attention variants (post 2): they apply to the attention models (attention, attention-pe,
  // mha, transformer); the models without attention and the vision models ignore them, and the
  // note says so. Each parameter is read by the variants named first in its description.

  /**
   * The attention of the attention models: `full` (default), `causal`, `local`, `sparse`,
   * `global`, `adaptive`, `linformer`, `performer`, `reformer` or `binary` (the transformer's
   * `mask="causal"` makes any but linformer causal).
   */
  @property({ converter: word }) attention: AttentionVariant = 'full';
  /** Comparison mode: these variants of the model, one run each on the same data and budget, e.g. `"full local performer"` (with `models`, each attention model runs each). */
  @property({ converter: wordList }) attentions?: string[];
  /** local, sparse, global: keys within this distance of a query are seen (default 8, at least 1). */
  @property({ type: Number }) window = 8;
  /** sparse: every `stride`-th key is seen by every query (default 8, at least 1). */
  @property({ type: Number }) stride = 8;
  /** global: a count of tokens that see and are seen by all, evenly spread (default 1: token 0), or their positions, `"0, 200"` (each below `length`). */
  @property({ converter: globalsConverter }) globals: number | number[] = 1;
  /** adaptive: the largest span a head can learn, in tokens (default 64, at least 1). */
  @property({ type: Number }) span = 64;
  /** adaptive: the length of the soft mask's ramp, in tokens (default 16, at least 1). */
  @property({ type: Number }) ramp = 16;
  /** adaptive: the span penalty, in loss per token of span per head (default 2e-6, at least 0). */
  @property({ type: Number, attribute: 'span-penalty' }) spanPenalty = 2e-6;
  /** linformer: the rows k keys and values are projected to along the sequence (default 32, at least 1). */
  @property({ type: Number }) projected = 32;
  /** performer: random features m (default 64, at least 1). */
  @property({ type: Number }) features = 64;
  /** performer, reformer: draw new random features or rotations every this many steps; 0 never (default 0). */
  @property({ type: Number }) redraw = 0;
  /** reformer: hash buckets, 1 or even (default 8). */
  @property({ type: Number }) buckets = 8;
  /** reformer: hashing rounds (default 2, at least 1). */
  @property({ type: Number }) hashes = 2;
  /** reformer: sorted positions a query attends within, with the chunk before (default 32, at least 1). */
  @property({ type: Number }) chunk = 32;

  // ---- Lifecycle ----

  override connectedCallback(): void {
    super.connectedCallback();
    // Charts are finalised when the element leaves the page; back on it, they are drawn again.
    if (this.hasUpdated) this.redrawCharts({ force: true });
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.hasUpdated && !SETTINGS.some((name) => changed.has(name))) return;
    try {
      this.validate();
      this.catalog = TASK_MODELS[this.task].map((id) => {
        const config = trainingConfigFor(this, id);
        const menu = isVisionModel(id) ? visionModelCatalog(config) : modelCatalog(config);
        return menu.find((m) => m.id === id)!;
      });
      this.clearError();
    } catch (error) {
      this.catalog = [];
      this.reportError(error);
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    // The first update counts every setting as changed, so it draws the charts too; so does
    // fixing a bad setting, which left none drawn.
    const fixed = (changed as Map<PropertyKey, unknown>).has('errorMessage') && !this.errorMessage;
    const firstSight = this.sight.seen && !this.chartsDrawn;
    if (fixed || firstSight || CHART_SETTINGS.some((name) => changed.has(name)))
      this.redrawCharts();
    if (this.task === 'shapes-2d' && !this.errorMessage) this.figures.draw(this.colors);
  }

  /** A change of the reader's colour scheme or of `theme`: the charts redraw in the new colours. */
  protected override themeChanged(colors: ThemeColors): void {
    super.themeChanged(colors);
    if (this.hasUpdated) this.redrawCharts();
  }

  // ---- Validation ----

  /**
   * Checks every setting under its attribute name, before any reaches core; throws a RangeError
   * naming the first bad one.
   */
  private validate(): void {
    this.validateTheme();
    checkSettings(this);
  }

  // ---- Event handlers ----

  /**
   * A snapshot: the prediction goes to its chart (or image), the attention to the heatmaps; a
   * vision model's attention is laid on the patch grid over the input image.
   */
  private onSnapshot(message: SnapshotMessage): void {
    if (!message.image) {
      this.charts.showPrediction(message.prediction);
      this.attentionPanel.show(message);
      return;
    }
    const layers = visionLayers(message.attention);
    this.figures.show(message.prediction, readingLayer(layers));
    // The grid the model cut the image into: as many patches as its attention has keys.
    const side = layers.length ? Math.round(Math.sqrt(layers[0].heads[0].cols)) : 1;
    this.attentionPanel.show(message, {
      patches: { side, image: this.figures.inputImage },
      layers,
    });
  }

  /** The reader points at a cell of one attention map: the others and the plot follow. */
  private onAttentionHover(event: Event): void {
    const detail = eventDetail<{ query: number; key: number }>(event);
    if (typeof detail?.query !== 'number' || typeof detail.key !== 'number') return;
    const { query: q, key: k } = detail;
    if (this.task === 'shapes-2d') this.figures.pick(q, { notify: false });
    else this.charts.mark(q >= 0 ? [q, k] : []);
    this.attentionPanel.highlight(q, k, event.target);
  }

  private exportCsv(): void {
    downloadBlob(new Blob([this.resultsCsv()], { type: 'text/csv' }), 'training-results.csv');
  }

  private exportJson(): void {
    downloadJson(
      { results: this.training.results, losses: this.charts.rows },
      'training-results.json',
    );
  }

  private async exportSvg(): Promise<void> {
    const { loss, prediction } = await this.chartsSVG();
    downloadBlob(new Blob([loss], { type: 'image/svg+xml' }), 'loss.svg');
    downloadBlob(new Blob([prediction], { type: 'image/svg+xml' }), 'prediction.svg');
  }

  private async exportWeightsFile(): Promise<void> {
    try {
      const model = this.training.model ?? modelOf(this);
      downloadJson(await this.exportWeights(), `${model}-weights.json`);
    } catch (error) {
      this.reportError(error);
    }
  }

  private async onImport(event: Event): Promise<void> {
    const file = (event.target as HTMLInputElement).files?.[0];
    if (!file) return;
    try {
      await this.importWeights(JSON.parse(await file.text()) as WeightsFile<AnyModelId>);
      this.announce(`Loaded weights for ${file.name}.`);
    } catch (error) {
      this.reportError(error);
    }
  }

  // ---- Drawing ----

  /**
   * Draws the charts afresh when what they show (settings or colours) changed, or when `force`d;
   * none while the settings are bad (the charts drawn before are hidden meanwhile).
   */
  private redrawCharts({ force = false } = {}): void {
    if (!this.sight.seen || this.errorMessage) return;
    this.chartsDrawn = true;
    const images = this.task === 'shapes-2d';
    if (images)
      this.figures.setSample({
        seed: sampleSeed(validationSeed(this.seed), this.sample),
        imageSize: this.imageSize,
        patchSize: this.patchSize,
        filter: this.filter,
      });
    if (!this.lossContainer || (!images && !this.predictionContainer)) {
      this.charts.clear();
      this.drawnFrom = undefined;
      return;
    }
    const key = CHART_SETTINGS.map((name) => String(this[name])).join(' ');
    const colors = this.colors;
    if (!force && this.drawnFrom?.key === key && this.drawnFrom.colors === colors) return;
    this.drawnFrom = { key, colors };
    const drawn = this.charts.redraw({
      loss: this.lossContainer,
      prediction: images ? undefined : this.predictionContainer,
      colors: this.colors,
      length: this.length,
      sample: images ? undefined : this.validationSample(),
      baselines: this.baselineScores.current,
    });
    // The heatmaps' warm-up after the charts', before any training.
    const patches = images
      ? { side: this.imageSize / this.patchSize, image: this.figures.inputImage }
      : undefined;
    this.trackWork(drawn.then(() => this.attentionPanel.warmUp(patches)));
  }

  /** Marks a position of the prediction plot and its query row in every attention map. */
  private highlightQuery(position: number): void {
    if (this.charts.mark(position >= 0 ? [position] : []))
      this.attentionPanel.highlight(position, -1);
  }

  /** Marks an output patch picked on the prediction image: its query row in every attention map. */
  private highlightPatch(patch: number): void {
    this.attentionPanel.highlight(patch, -1);
  }

  /** The validation sample shown, generated here before training starts (the same one the Worker uses). */
  private validationSample(): ChartSample | undefined {
    try {
      return generateShapes1D({
        seed: sampleSeed(validationSeed(this.seed), this.sample),
        length: this.length,
      });
    } catch {
      return undefined;
    }
  }

  /** The models trained by Train: the comparison list, or the one model. */
  private comparison(): AnyModelId[] {
    return (
      Array.isArray(this.models) && this.models.length ? this.models : [modelOf(this)]
    ) as AnyModelId[];
  }

  /** The runs of a comparison, as the toolbar names them: `transformer · local w=8, ...`. */
  private runNames(): string {
    return this.runs()
      .map((r) => (r.variant ? `${r.model} · ${r.variant}` : r.model))
      .join(', ');
  }

  /**
   * The runs Train makes: each model of the comparison, an attention model once per variant of
   * `attentions` (or with `attention`); a run is labelled with its variant where one was chosen.
   */
  private runs(): TrainingRun[] {
    // Bad settings train nothing: the runs are named only once the settings are checked.
    // (A bad `models` may be anything, even a sparse list of 2^32 - 1 slots: never walked.)
    if (this.errorMessage) return [{ model: modelOf(this) }];
    const compared = Array.isArray(this.attentions) && this.attentions.length > 0;
    return this.comparison().flatMap((model) => {
      const attentions = attentionsOf(this, model);
      if (attentions.length === 0) return [{ model }];
      return attentions.map((attention) => ({
        model,
        attention,
        ...(compared || attention !== 'full' ? { variant: variantLabel(attention, this) } : {}),
      }));
    });
  }

  private announce(text: string): void {
    const region = this.renderRoot.querySelector('.live');
    if (region) region.textContent = text;
  }

  // ---- Public API ----

  /** Every finished run so far. */
  get trainingResults(): TrainingResult[] {
    return this.training.results.map((r) => ({ ...r }));
  }

  /** The latest attention weights: per attention layer, one matrix per head. */
  get attentionMaps(): Matrix[][] {
    return this.attentionPanel.layers;
  }

  /**
   * What the last `attention-change` carried, for followers that attach later: the last
   * attention layer's heads, or a vision model's layers with their patch grid and image.
   */
  get currentAttention():
    | { heads: Matrix[]; variant?: VariantDetail }
    | { layers: VisionLayer[]; grid: [number, number]; image?: PatchImage }
    | undefined {
    const vision = this.attentionPanel.visionDetail;
    if (vision) return vision;
    const heads = this.attentionMaps.at(-1);
    if (!heads) return undefined;
    const variant = variantDetail(this.attentionPanel.lastLayer);
    return variant ? { heads, variant } : { heads };
  }

  /**
   * A vision model's attention as the heatmaps show it: per layer its kind (`encoder`,
   * `decoder`, `cross`), one patch-grid matrix per head, and the R, G, B maps of a
   * channel-specific layer. Empty for 1D models and before a snapshot.
   */
  get visionAttention(): VisionLayer[] {
    return this.attentionPanel.visionLayers;
  }

  /** The rollout across the encoder's layers, as shown (see `attentionRollout`). */
  get rollout(): Matrix | undefined {
    return this.attentionPanel.rollout;
  }

  /** The output patch picked on the prediction image (by pointer or keys), or -1. */
  get pickedPatch(): number {
    return this.figures.patch;
  }

  /**
   * What the picked output patch reads of each input patch: its row of the last
   * cross-attention (or, encoder-only, the last encoder layer), heads averaged.
   */
  get patchReads(): Float32Array | undefined {
    return this.figures.reads;
  }

  /** Picks an output patch of the prediction image (-1: none), as pointing at it does. */
  pickPatch(patch: number): void {
    this.figures.pick(patch);
  }

  /** Where training runs: `worker` or `page` (as `run-on` says, or where no Worker could start), or undefined before the first run. */
  get runsOn(): TrainerMode | undefined {
    return this.training.trainer?.mode;
  }

  /** The trainer itself (created by the first `train()`), for tests and advanced pages. */
  get activeTrainer(): Trainer | undefined {
    return this.training.trainer;
  }

  /**
   * What predictions that need no training score on the validation set the Worker uses: on
   * series `{ zeros, copy }` (about 310 and 26 at length 400; more at shorter lengths, where
   * shapes crowd); on images `{ black, copy, channelMean }` as MSE x 1,000 (NaN until measured,
   * which takes a task per sample or two after the element is first seen).
   */
  get baselines(): Baselines {
    return this.baselineScores.scores;
  }

  /**
   * The configuration Train starts the trainer with for `model` (default: the element's model),
   * from the element's attributes; throws a RangeError naming a bad attribute. With it, the same
   * run can be reproduced outside the element.
   */
  trainingConfig(
    model: AnyModelId = modelOf(this),
    attention: AttentionVariant = this.attention,
  ): TrainingConfig {
    this.validate();
    const models = TASK_MODELS[this.task];
    if (!(models as readonly unknown[]).includes(model))
      throw new RangeError(
        `model must be one of ${models.join(', ')} on task="${this.task}", got "${String(model)}"`,
      );
    return trainingConfigFor(this, model, attention);
  }

  /**
   * Trains the model (or each model of the comparison). `from: 'scratch'` starts from fresh
   * weights; `from: 'weights'` continues from the weights the element holds (loaded with
   * `importWeights`, or left by its last run of this model at these settings). By default it
   * continues from loaded weights, and starts from scratch otherwise.
   */
  async train({ from }: { from?: 'weights' | 'scratch' } = {}): Promise<void> {
    if (this.errorMessage) return;
    this.sight.see();
    const [{ model }, ...others] = this.runs();
    const canContinue = others.length === 0 && this.training.canContinue(model);
    const keep = from
      ? from === 'weights'
      : canContinue && this.training.held?.source === 'imported';
    if (keep && !canContinue)
      throw new Error(
        `There are no weights of ${model} at these settings to continue from: load weights or train it first.`,
      );
    this.charts.clearTraining();
    this.attentionPanel.clear();
    this.figures.show(undefined, undefined);
    await this.training.train(this.runs(), keep);
  }

  /** Pauses training; `resume()` continues where it stopped. */
  pause(): void {
    this.training.pause();
  }

  resume(): void {
    this.training.resume();
  }

  /** Stops training and forgets the models, the curves and the results. */
  reset(): void {
    this.training.reset();
    this.charts.clearTraining();
    this.charts.mark([]);
    this.attentionPanel.clear();
    this.figures.show(undefined, undefined);
  }

  /**
   * The trained weights of the last model, as JSON; with `names`, only those weights (such as
   * `['embed/kernel', 'embed/bias']`), for a follower that shows one layer.
   */
  exportWeights(options: { names?: readonly string[] } = {}): Promise<WeightsFile<AnyModelId>> {
    return this.training.exportWeights(options);
  }

  /**
   * Loads weights exported before. The model they belong to, at their settings (length, width,
   * heads and so on), becomes this element's; its prediction and attention on the validation
   * sample are shown, and Train continues from them (or starts from scratch, if asked).
   */
  async importWeights(weights: WeightsFile<AnyModelId>): Promise<void> {
    if (this.training.running) throw new Error('Stop training before loading weights.');
    this.sight.see();
    const settings = weightsSettings(weights);
    Object.assign(this, settings);
    await this.updateComplete;
    if (this.errorMessage) throw new Error(this.errorMessage);
    this.charts.clearTraining();
    this.attentionPanel.clear();
    this.figures.show(undefined, undefined);
    await this.training.importWeights(weights);
    // Its snapshot has arrived: shown now.
    await this.charts.flush();
    this.announce(
      `Loaded the weights of ${weights.model}: its prediction and attention are shown.`,
    );
  }

  /** The loss and prediction charts as SVG, for export (they are drawn on canvas while training). */
  async chartsSVG(): Promise<{ loss: string; prediction: string }> {
    this.sight.see();
    await this.updateComplete;
    return this.charts.svg();
  }

  /** The results table as CSV. */
  resultsCsv(): string {
    return resultsCsv(this.training.results);
  }

  // ---- Render ----

  override render(): TemplateResult {
    // The score to beat: copying the input on series, predicting black on images.
    const line = this.baselineScores.line;
    const model = this.errorMessage ? '' : modelOf(this);
    const images = this.task === 'shapes-2d';
    return html`
      ${this.renderControls()} ${this.renderError()}
      ${renderProgress({
        progress: this.training.progress,
        model: this.catalog.find((m) => m.id === (this.training.model ?? model)),
        // Settings are shown only once checked: a bad one (even a symbol, set from script) is
        // named by the message alone.
        modelId: model,
        compared: this.comparedModels(),
        backend: this.training.backend || (this.errorMessage ? '' : this.backend),
        copy: line,
        unit: images && !this.errorMessage ? ' (x 1,000)' : '',
      })}
      <p class="note">${this.note(line)}</p>
      <div class="charts" ?hidden=${!!this.errorMessage}>
        <div>
          <p class="chart-title">Loss${images ? ' (MSE x 1,000)' : ''}</p>
          <div class="loss" part="loss-chart"></div>
        </div>
        <div>
          <p class="chart-title">Validation sample ${this.errorMessage ? '' : this.sample}</p>
          ${
            images && !this.errorMessage
              ? this.figures.render()
              : html`<div class="legend" aria-hidden="true">
                    <span><span class="line input"></span> input</span>
                    <span><span class="line"></span> target</span>
                    <span><span class="line prediction"></span> prediction</span>
                  </div>
                  <div class="prediction" part="prediction-chart"></div>`
          }
        </div>
      </div>
      ${this.attentionPanel.render(this.theme, (event) => this.onAttentionHover(event))}
      ${this.training.results.length > 0 ? renderResults(this.training.results, line, images ? ' (x 1,000)' : '') : nothing}
      <p class="visually-hidden live" aria-live="polite"></p>
    `;
  }

  private renderControls(): TemplateResult {
    const { phase, running, results, trainer } = this.training;
    return html`
      <div class="toolbar controls" part="controls">
        ${
          !this.errorMessage && this.runs().length > 1
            ? html`<span>Comparing ${this.runNames()}</span>`
            : html`<label>
                Model
                <select
                  ?disabled=${running}
                  .value=${live(this.errorMessage ? '' : modelOf(this))}
                  @change=${(e: Event) => (this.model = (e.target as HTMLSelectElement).value as AnyModelId)}
                >
                  ${this.catalog.map(
                    (m) =>
                      html`<option value=${m.id} ?selected=${m.id === modelOf(this)}>
                        ${m.label} (${m.parameters.toLocaleString('en')} parameters)
                      </option>`,
                  )}
                </select>
              </label>`
        }
        ${
          phase === 'training'
            ? html`<button part="button" @click=${this.pause}>Pause</button>`
            : phase === 'paused'
              ? html`<button part="button" class="primary" @click=${this.resume}>Resume</button>`
              : this.renderTrainButtons()
        }
        <button part="button" ?disabled=${phase === 'idle'} @click=${this.reset}>Reset</button>
        <button part="button" ?disabled=${results.length === 0} @click=${this.exportCsv}>
          CSV
        </button>
        <button part="button" @click=${this.exportSvg}>SVG</button>
        <button part="button" ?disabled=${results.length === 0} @click=${this.exportJson}>
          JSON
        </button>
        <button part="button" ?disabled=${!trainer || running} @click=${this.exportWeightsFile}>
          Weights
        </button>
        <label>
          Load weights
          <input type="file" accept="application/json,.json" @change=${this.onImport} />
        </label>
        ${this.renderEmbedButton()}
      </div>
    `;
  }

  /**
   * Train (from scratch) and, where the element holds weights of this model at these settings,
   * Continue (from them): the first choice after loading weights.
   */
  private renderTrainButtons(): TemplateResult {
    const disabled = Boolean(this.errorMessage) || this.training.phase === 'starting';
    const runs = this.runs();
    const canContinue = runs.length === 1 && this.training.canContinue(runs[0].model);
    const imported = this.training.held?.source === 'imported';
    const press = (from: 'weights' | 'scratch') => () =>
      this.train({ from }).catch((error: unknown) => this.reportError(error));
    return html`${
        canContinue
          ? html`<button
              part="button"
              class=${imported ? 'primary' : ''}
              title="Train on from the weights this model has now"
              ?disabled=${disabled}
              @click=${press('weights')}
            >
              Continue
            </button>`
          : nothing
      }<button
        part="button"
        class=${canContinue && imported ? '' : 'primary'}
        title=${canContinue ? 'Train from scratch: fresh weights' : nothing}
        ?disabled=${disabled}
        @click=${press('scratch')}
      >
        Train
      </button>`;
  }

  /** The runs of a comparison as the figures name them before training (none for one model). */
  private comparedModels(): { label: string; parameters: number }[] {
    const runs = this.runs();
    if (runs.length < 2) return [];
    return runs.flatMap(({ model, variant }) => {
      const entry = this.catalog.find((m) => m.id === model);
      return entry
        ? [
            {
              label: variant ? `${entry.label} · ${variant}` : entry.label,
              parameters: entry.parameters,
            },
          ]
        : [];
    });
  }

  /** What to do, or what is happening, below the figures. */
  private note(score: number): string {
    switch (this.training.phase) {
      case 'idle': {
        if (this.errorMessage) return '';
        const batch = trainingConfigFor(this, this.comparison()[0]).batchSize;
        const images = this.task === 'shapes-2d';
        const line = Number.isNaN(score) ? (images ? 'about 42' : 'about 26') : score.toFixed(1);
        const beating = images
          ? `Beating ${line} (predicting black: the target's background is black) means it learned to draw the shapes.`
          : `Beating ${line} (copying the input) means it learned to use the group.`;
        const press =
          this.training.held?.source === 'imported'
            ? `Loaded weights of ${this.training.model}: its prediction and attention are shown below. Press Continue to train on from them, or Train to start from scratch:`
            : 'Press Train:';
        const onPage =
          this.runOn === 'page'
            ? ' Training shares the page (run-on="page"): it pauses for every step, which can take seconds on the cpu backend.'
            : '';
        const variants = images ? '' : variantNote(this, this.comparison());
        return `${press} ${this.budget} per model, batches of ${batch} fresh samples, validated on ${validationSizeOf(this)} others. ${beating}${variants}${onPage}`;
      }
      case 'starting':
        return 'Starting: loading tfjs and choosing the fastest backend…';
      case 'paused':
        return 'Paused.';
      default:
        return this.training.pageStepMs === undefined
          ? ''
          : `Each training step holds the page for about ${Math.round(this.training.pageStepMs)} ms (run-on="page"): the page responds between steps. Without run-on, training runs in a Worker and the page stays responsive.`;
    }
  }
}

declare global {
  interface HTMLElementEventMap {
    'training-done': CustomEvent<TrainingDoneDetail>;
    'training-progress': CustomEvent<TrainingProgress>;
  }
}
