import '@decoding-attention/attention-heatmap/attention-heatmap.js';
import type { AttentionHeatmap } from '@decoding-attention/attention-heatmap';
import type { Sample1D, Sample2D } from '@decoding-attention/core';
import {
  DecodingElement,
  ElementLink,
  VegaChartController,
  canvasToPng,
  composeSideBySide,
  downloadBlob,
  downloadJson,
  isSampleSource,
  numberList,
  toJsonText,
  toolbarLabelStyles,
  word,
  type ChartDrawing,
  type ThemeColors,
} from '@decoding-attention/ui';
import { html, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { VisualizationSpec } from 'vega-embed';
import {
  addSnapshot,
  isTrainingSource,
  readSpans,
  samplesSeen,
  type SpanSnapshot,
  type TrainingSource,
} from './adaptive.js';
import {
  MARKER_SIGNAL,
  chartWidth,
  linformerSpec,
  performerSpec,
  spansSpec,
  spansValues,
  SPANS_DATA,
  spectrumSpec,
} from './charts.js';
import { explorerStyles } from './efficient-attention-explorer.styles.js';
import type { ExplorerChangeDetail, Method, PatternKind, ReformerStep } from './events.js';
import { EFFICIENT_EXPLORER_LIMITS } from './limits.js';
import { LinformerLab, readProjections, type LearnedProjections } from './linformer.js';
import {
  drawSpread,
  spreadDrawn,
  spreadFrom,
  workOutPattern,
  type PatternResult,
} from './patterns.js';
import { PerformerLab } from './performer.js';
import { ReformerLab, reformerFigure, type ReformerFigure } from './reformer.js';
import { ownSample, queriesKeys, type QueriesKeys } from './sample.js';
import { validateSettings } from './settings.js';
import { afterPaint } from './slices.js';
import { drawStrips, stripsDrawn } from './strips.js';
import { VERSION } from './version.js';
import {
  renderAdaptive,
  renderLinformer,
  renderPatterns,
  renderPerformer,
  renderReformer,
  type ExplorerView,
  type LatestSpans,
} from './views.js';
import type { FeatureDraw, FeatureKernel } from '@decoding-attention/core';

/** Charts are drawn anew at most this often while the curves fill in. */
const CHART_EVERY_MS = 300;

/** A followed element's sample, if it is a 1D one. */
function sample1D(sample: Sample1D | Sample2D | undefined): Sample1D | undefined {
  return sample && typeof sample === 'object' && !('width' in sample) && sample.input
    ? sample
    : undefined;
}

/** Elements `for` can name: a viewer (before or after its tag is defined), a sample source, a model. */
function isFollowable(element: Element): element is HTMLElement {
  return (
    element.localName === 'shape-dataset-viewer' ||
    isSampleSource(element) ||
    isTrainingSource(element)
  );
}

const DESCRIBED_METHOD: Record<Method, string> = {
  performer: 'Performer',
  reformer: 'Reformer',
  linformer: 'Linformer',
  adaptive: 'adaptive span',
  patterns: 'sparse patterns',
};

/**
 * Inside the efficient attention approximations, on the real queries and keys of a sample:
 * Performer's random features, Reformer's hash buckets, Linformer's low rank, a trained model's
 * adaptive spans, and local, sparse and global patterns with their cost and reach.
 *
 * @tag efficient-attention-explorer
 * @summary Inside Performer, Reformer, Linformer, adaptive span and sparse patterns, live.
 *
 * @attr {'auto' | 'light' | 'dark'} theme - `light` or `dark` forces a colour scheme; `auto` (the default) follows the reader's.
 *
 * @fires explorer-change - The numbers shown changed. `detail: { method, summary }`.
 *
 * @csspart controls - The toolbar (export buttons).
 * @csspart button - Every button.
 * @csspart section - The method's part.
 * @csspart chart - Each chart.
 * @csspart error - The message shown for bad input.
 *
 * @cssprop [--da-heatmap-size] - Width of each heatmap (default 260px).
 * @cssprop [--da-color-accent] - The slider's marker on the curves.
 */
export class EfficientAttentionExplorer extends DecodingElement implements ExplorerView {
  // ---- Static ----

  static readonly version = VERSION;
  static override styles = [...DecodingElement.styles, toolbarLabelStyles, explorerStyles];

  // ---- Controllers and fields ----

  private readonly firstChart = new VegaChartController(this, 'the error chart');
  private readonly secondChart = new VegaChartController(this, 'the error-against-k chart');
  private readonly link = new ElementLink<HTMLElement>(
    this,
    (target) => this.attach(target),
    (target) => this.detach(target),
    isFollowable,
    'a <shape-dataset-viewer> (or, for method="adaptive", a <trainable-model attention="adaptive">)',
  );

  private input: ArrayLike<number> | undefined;
  private ownKey = '';
  private sample: QueriesKeys | undefined;
  private performerLab: PerformerLab | undefined;
  private reformerLab: ReformerLab | undefined;
  /**
   * The rounds the strips and the Reformer matrix show. They follow the readout a paint later, so
   * that a slider's move is answered within its frame and the canvases are redrawn after it.
   */
  private reformerFigure: ReformerFigure | undefined;
  /** The Linformer lab and k the matrices and projections show, likewise a paint behind. */
  private linformerFigure: { lab: LinformerLab; k: number } | undefined;
  /** The span history the spans chart shows. */
  private spansCharted: readonly SpanSnapshot[] | undefined;
  private figuresDue = false;
  private linformerLab: LinformerLab | undefined;
  private patternResult: PatternResult | undefined;
  private linkedSample: Sample1D | Sample2D | undefined;
  private spanHistory: SpanSnapshot[] = [];
  private latestSpans: LatestSpans | undefined;
  private lastSamples = 0;
  /** A followed Linformer model's learned E and F, and the samples it had seen then. */
  private learned: (LearnedProjections & { samples: number }) | undefined;
  /** Counts runs of work; a run overtaken by a newer one stops at its next slice. */
  private run = 0;
  private workKey = '';
  private chartsStale = true;
  private chartsDrawnAt = 0;
  private chartTimer: ReturnType<typeof setTimeout> | undefined;
  private announced = '';

  // ---- Properties ----

  /** `performer`, `reformer`, `linformer`, `adaptive` or `patterns`. */
  @property({ reflect: true, converter: word }) method: Method = 'performer';
  /** Id of a `<shape-dataset-viewer>` (its 1D sample), or of a `<trainable-model attention="adaptive">` for `adaptive`. */
  @property({ reflect: true, converter: word }) for?: string;
  /** Seed of the element's own sample, when it follows no viewer. */
  @property({ type: Number }) seed = 0;
  /** Length of the element's own sample, 8 to 512 (default 400). */
  @property({ type: Number }) length = 400;
  /** performer: the random features m, 1 to 256 (default 16). */
  @property({ type: Number }) features = 16;
  /** performer: `orthogonal` (default) or `iid` features. */
  @property({ converter: word }) draw: FeatureDraw = 'orthogonal';
  /** performer: `positive` (default) or `trig` feature map. */
  @property({ converter: word }) kernel: FeatureKernel = 'positive';
  /** reformer: hashing rounds, 1 to 8 (default 2). */
  @property({ type: Number }) hashes = 2;
  /** reformer: hash buckets, 1 or even up to 64 (default 8). */
  @property({ type: Number }) buckets = 8;
  /** reformer: the chunk of sorted positions a query attends within, with the chunk before (default 32). */
  @property({ type: Number }) chunk = 32;
  /** reformer: the steps shown, up to `hash`, `sort`, `chunk` or `attend` (default, all). */
  @property({ converter: word }) step: ReformerStep = 'attend';
  /** linformer: the rows k the keys are projected to, 1 to 256 and at most the length (default 32). */
  @property({ type: Number }) projected = 32;
  /** patterns: `local` (default), `sparse` or `global`. */
  @property({ converter: word }) pattern: PatternKind = 'local';
  /** patterns: keys within this distance of the query are read (default 8). */
  @property({ type: Number }) window = 8;
  /** patterns, sparse: every stride-th key is read by all (default 8). */
  @property({ type: Number }) stride = 8;
  /** patterns, global: the positions that read and are read by all (default "0"). */
  @property({ converter: numberList }) globals: number[] = [0];

  /** patterns: the position whose information the spread figure follows (its slider). */
  @state() spreadSource = 0;

  /** The sample's length (the followed viewer's, a followed Linformer model's, or `length`). */
  get sampleLength(): number {
    const linked = sample1D(this.linkedSample);
    if (linked) return linked.input.length;
    return this.followsModel && this.learned ? this.learned.e.cols : this.length;
  }

  /** True while `for` names a model (a `<trainable-model>` or anything that reports attention). */
  private get followsModel(): boolean {
    const target = this.link.element;
    return !!target && isTrainingSource(target);
  }

  /** Where the sample comes from, in words. */
  get sampleText(): string {
    return sample1D(this.linkedSample)
      ? `the followed viewer's sample (${this.sampleLength} positions), each position's queries and keys its local shape`
      : `a 1D sample (seed ${this.seed}, ${this.length} positions), each position's queries and keys its local shape`;
  }

  /** The spans recorded from a followed adaptive model, one snapshot per attention-change. */
  get spans(): readonly SpanSnapshot[] {
    return this.spanHistory;
  }

  set(name: string, value: unknown): void {
    (this as unknown as Record<string, unknown>)[name] = value;
  }

  // ---- Lifecycle ----

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) {
      this.chartsStale = true;
      this.requestUpdate();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    // Measured again, and watched again, once back on a page.
    this.resizes.disconnect();
    this.chartWidths = new WeakMap();
    this.run++;
    this.workKey = '';
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('for')) this.link.follow(typeof this.for === 'string' ? this.for : undefined);
    try {
      this.validate();
    } catch (error) {
      this.clearWork();
      this.reportError(error);
      return;
    }
    this.clearError();
    try {
      this.refresh();
    } catch (error) {
      this.clearWork();
      this.reportError(error);
    }
  }

  protected override updated(): void {
    if (this.errorMessage) return;
    this.followFigures();
    this.drawStrips();
    if (this.chartsStale) this.scheduleCharts();
    this.chartSpans();
  }

  protected override async getUpdateComplete(): Promise<boolean> {
    const result = await super.getUpdateComplete();
    const heatmaps = [...this.renderRoot.querySelectorAll<AttentionHeatmap>('attention-heatmap')];
    await Promise.all(heatmaps.map((heatmap) => heatmap.updateComplete));
    await Promise.all([this.firstChart.settled, this.secondChart.settled]);
    return result;
  }

  protected override themeChanged(_colors: ThemeColors): void {
    this.chartsStale = true;
    this.chartsDrawnAt = 0;
    this.requestUpdate();
  }

  // ---- Validation ----

  /** Checks the link, the sample and every setting under its attribute's name. */
  private validate(): void {
    this.validateTheme();
    const problem = this.link.problem;
    if (problem) throw new RangeError(problem);
    const target = this.link.element;
    const id = String(this.for);
    const isModel = !!target && isTrainingSource(target);
    if (this.method === 'adaptive') {
      if (!target && !this.for)
        throw new RangeError(
          'method="adaptive" shows the spans of a model as it trains: set for to the id of a <trainable-model attention="adaptive">',
        );
      // Not found yet (later in the page, or not defined yet): the link names it if it never comes.
      if (!target) return;
      if (!isModel)
        throw new RangeError(
          `method="adaptive" follows a model as it trains: for="${id}" names a <${target.localName}>; name a <trainable-model attention="adaptive">`,
        );
      const attention = (target as TrainingSource).attention;
      if (typeof attention === 'string' && attention !== 'adaptive')
        throw new RangeError(
          `for="${id}" names a <${target.localName}> with attention="${attention}"; method="adaptive" needs one with attention="adaptive"`,
        );
    } else if (isModel && this.method === 'linformer') {
      const attention = (target as TrainingSource).attention;
      if (typeof attention === 'string' && attention !== 'linformer')
        throw new RangeError(
          `for="${id}" names a <${target.localName}> with attention="${attention}"; method="linformer" takes learned E and F from one with attention="linformer"`,
        );
    } else if (isModel)
      throw new RangeError(
        `method="${String(this.method)}" works on a sample's queries and keys: for="${id}" names a <${target.localName}>; name a <shape-dataset-viewer> (a model serves method="adaptive", or method="linformer" with attention="linformer")`,
      );
    if (target && !isModel && this.linkedSample && !sample1D(this.linkedSample))
      throw new RangeError(
        `for="${id}" names a viewer showing a 2D image; the explorer reads a 1D series: set its mode="1d"`,
      );
    const { min, max } = EFFICIENT_EXPLORER_LIMITS.length;
    const length = this.sampleLength;
    if (sample1D(this.linkedSample) && (length < min || length > max))
      throw new RangeError(
        `for="${id}": the followed sample has ${length} positions; the explorer takes ${min} to ${max}`,
      );
    validateSettings(this, length);
  }

  // ---- Linked elements ----

  private attach(target: HTMLElement): void {
    target.addEventListener('sample-change', this.onSampleChange);
    target.addEventListener('attention-change', this.onAttentionChange);
    target.addEventListener('training-progress', this.onProgress);
    if (isSampleSource(target)) this.linkedSample = target.sample;
    if (isTrainingSource(target)) this.recordSpans(target.currentAttention);
    this.requestUpdate();
  }

  private detach(target: HTMLElement): void {
    target.removeEventListener('sample-change', this.onSampleChange);
    target.removeEventListener('attention-change', this.onAttentionChange);
    target.removeEventListener('training-progress', this.onProgress);
    this.linkedSample = undefined;
    this.spanHistory = [];
    this.latestSpans = undefined;
    this.lastSamples = 0;
    this.learned = undefined;
    this.requestUpdate();
  }

  private readonly onSampleChange = (event: Event): void => {
    const detail = (event as CustomEvent<{ sample?: Sample1D | Sample2D }>).detail;
    if (detail && typeof detail === 'object' && detail.sample) {
      this.linkedSample = detail.sample;
      this.requestUpdate();
    }
  };

  private readonly onProgress = (event: Event): void => {
    const samples = samplesSeen(event);
    if (samples === undefined) return;
    // A new run starts from fewer samples: its spans make a new history.
    if (samples < this.lastSamples) this.spanHistory = [];
    this.lastSamples = samples;
  };

  private readonly onAttentionChange = (event: Event): void => {
    this.recordSpans((event as CustomEvent<unknown>).detail);
  };

  private recordSpans(detail: unknown): void {
    const projections = readProjections(detail);
    if (projections) {
      this.learned = { ...projections, samples: this.lastSamples };
      this.requestUpdate();
    }
    const read = readSpans(detail);
    if (!read) return;
    this.latestSpans = read;
    this.spanHistory = addSnapshot(this.spanHistory, {
      samples: this.lastSamples,
      spans: read.spans,
    });
    this.chartsStale = true;
    this.requestUpdate();
  }

  // ---- Work ----

  private clearWork(): void {
    this.run++;
    this.workKey = '';
    this.input = undefined;
    this.sample = undefined;
    this.performerLab = this.reformerLab = this.linformerLab = undefined;
    this.reformerFigure = this.linformerFigure = undefined;
    this.patternResult = undefined;
    this.firstChart.clear();
    this.secondChart.clear();
    this.chartsStale = true;
  }

  /** The sample's series: the followed viewer's, or the element's own (kept while its seed and length stay). */
  private currentInput(): ArrayLike<number> {
    const linked = sample1D(this.linkedSample);
    if (linked) {
      if (!Array.prototype.every.call(linked.input, (v: number) => Number.isFinite(v)))
        throw new RangeError(
          `for="${String(this.for)}": the followed sample holds a value that is not a finite number`,
        );
      return linked.input;
    }
    const length = this.sampleLength;
    const key = `${this.seed} ${length}`;
    if (key !== this.ownKey || !this.input) {
      this.ownKey = key;
      return ownSample(this.seed, length);
    }
    return this.input;
  }

  /** Works out what the method shows, from caches where it can, the rest in slices. */
  private refresh(): void {
    if (this.method === 'adaptive') return;
    // A followed Linformer model shows its learned E and F once it has trained.
    if (this.method === 'linformer' && this.followsModel && !this.learned) return;
    const input = this.currentInput();
    if (input !== this.input || !this.sample) {
      this.clearWork();
      this.input = input;
      this.sample = queriesKeys(input);
    }
    const sample = this.sample;
    switch (this.method) {
      case 'performer': {
        this.performerLab ??= new PerformerLab(sample);
        const lab = this.performerLab;
        const { draw, kernel, features } = this;
        this.start(`performer ${draw} ${kernel} ${features}`, (current) =>
          lab.prepare(draw, kernel, features, current, () => this.shown()),
        );
        break;
      }
      case 'reformer': {
        const { buckets, chunk, hashes } = this;
        if (this.reformerLab?.buckets !== buckets || this.reformerLab.chunk !== chunk)
          this.reformerLab = new ReformerLab(sample, buckets, chunk, this.reformerLab);
        const lab = this.reformerLab;
        // New buckets or chunk: their rounds are worked out after the slider's move is painted.
        const fresh = !lab.rounds(hashes);
        this.start(`reformer ${buckets} ${chunk} ${hashes}`, async (current) => {
          if (fresh) await afterPaint();
          if (current()) await lab.prepare(hashes, current, () => this.shown());
        });
        break;
      }
      case 'linformer': {
        const learned = this.followsModel ? this.learned : undefined;
        if (!this.linformerLab || this.linformerLab.learned !== learned)
          this.linformerLab = new LinformerLab(sample, learned);
        const lab = this.linformerLab;
        const projected = learned ? learned.e.rows : this.projected;
        const from = learned ? `learned ${learned.samples}` : 'drawn';
        this.start(`linformer ${from} ${projected}`, (current) =>
          lab.prepare(projected, current, () => this.shown()),
        );
        break;
      }
      case 'patterns': {
        // About 15 ms at L = 400: after the slider's own change has been painted, in a task of
        // its own, so the slider answers within the frame.
        const { pattern, window, stride } = this;
        const globals = [...this.globals];
        this.start(
          `patterns ${pattern} ${window} ${stride} ${globals.join(' ')}`,
          async (current) => {
            await afterPaint();
            if (!current()) return;
            this.patternResult = workOutPattern(sample, pattern, { window, stride, globals });
            this.shown();
          },
        );
        break;
      }
    }
  }

  /** Starts `work` unless the same work is under way or done; a new start overtakes the old. */
  private start(key: string, work: (current: () => boolean) => Promise<void>): void {
    if (key === this.workKey) return;
    this.workKey = key;
    const run = ++this.run;
    const current = () => run === this.run && this.isConnected;
    this.trackWork(
      work(current).catch((error: unknown) => {
        if (!current()) return;
        this.clearWork();
        this.reportError(error);
      }),
    );
  }

  /** Something the reader sees is ready: render, and redraw the charts soon. */
  private shown(): void {
    this.chartsStale = true;
    this.requestUpdate();
    this.announce();
  }

  // ---- Drawing ----

  private drawStrips(): void {
    const spread = this.renderRoot.querySelector<HTMLCanvasElement>('canvas.spread-canvas');
    const pattern = this.method === 'patterns' ? this.patternResult : undefined;
    if (spread && pattern) {
      const { background, text, accent } = this.colors;
      const source = Math.min(this.spreadSource, pattern.weights.rows - 1);
      const key = `${source} ${background} ${text} ${accent}`;
      const drawn = spreadDrawn.get(spread);
      if (drawn?.pattern !== pattern || drawn.key !== key) {
        spreadDrawn.set(spread, { pattern, key });
        drawSpread(spread, spreadFrom(pattern, source), {
          background,
          reached: accent,
          fresh: text,
        });
      }
    }
    const figure = this.method === 'reformer' ? this.reformerFigure : undefined;
    if (!figure) return;
    const { background } = this.colors;
    for (const canvas of this.renderRoot.querySelectorAll<HTMLCanvasElement>('canvas.strip')) {
      const drawn = stripsDrawn.get(canvas);
      if (drawn?.rounds === figure.rounds && drawn.background === background) continue;
      stripsDrawn.set(canvas, { rounds: figure.rounds, background });
      drawStrips(canvas, figure.rounds, canvas.dataset.step as 'hash', background);
    }
  }

  /**
   * Brings the figures to what the readout shows once the readout's change is painted: a
   * slider's move is answered in its frame, and the canvases are drawn anew in the next.
   */
  private followFigures(): void {
    if (!this.figuresBehind() || this.figuresDue) return;
    this.figuresDue = true;
    this.trackWork(
      afterPaint().then(() => {
        this.figuresDue = false;
        const catchUp = this.isConnected ? this.figuresBehind() : undefined;
        if (!catchUp) return;
        catchUp();
        this.requestUpdate();
      }),
    );
  }

  /** What brings the figures to the readout's settings; undefined when they show them already. */
  private figuresBehind(): (() => void) | undefined {
    if (this.method === 'reformer') {
      const lab = this.reformerLab;
      const rounds = lab?.rounds(this.hashes);
      if (!lab || !rounds || rounds === this.reformerFigure?.rounds) return undefined;
      return () => (this.reformerFigure = reformerFigure(rounds, lab.chunk));
    }
    if (this.method === 'linformer') {
      const lab = this.linformerLab;
      const k = lab?.learned?.e.rows ?? this.projected;
      const shown = this.linformerFigure;
      if (!lab?.matrix(k) || (shown?.lab === lab && shown.k === k)) return undefined;
      return () => (this.linformerFigure = { lab, k });
    }
    return undefined;
  }

  /**
   * Draws the charts now, or after `CHART_EVERY_MS` since the last draw while curves fill in;
   * charts that would not change (a slider moved over values already worked out) are left as they are.
   */
  private scheduleCharts(): void {
    if (this.chartTimer !== undefined) return;
    const draw = () => {
      this.chartTimer = undefined;
      if (!this.isConnected || this.errorMessage) return;
      this.chartsStale = false;
      this.chartsDrawnAt = performance.now();
      this.drawCharts();
    };
    const [first, second] = this.chartDrawings();
    if (this.firstChart.shows(first) && this.secondChart.shows(second)) {
      this.chartsStale = false;
      return;
    }
    const wait = Math.max(0, this.chartsDrawnAt + CHART_EVERY_MS - performance.now());
    if (wait === 0) {
      draw();
      return;
    }
    // The wait is part of the element's work: `updateComplete` resolves once the charts are drawn.
    this.trackWork(
      new Promise<void>((resolve) => {
        this.chartTimer = setTimeout(() => {
          draw();
          resolve();
        }, wait);
      }),
    );
  }

  private drawCharts(): void {
    const [first, second] = this.chartDrawings();
    if (first) void this.firstChart.draw(first);
    else this.firstChart.clear();
    if (second) void this.secondChart.draw(second);
    else this.secondChart.clear();
  }

  /** What the two charts would show now (undefined: no chart). */
  private chartDrawings(): [ChartDrawing | undefined, ChartDrawing | undefined] {
    const colors = this.colors;
    // A chart whose data, size and colours have not changed stays as it is (a slider move
    // over values already worked out moves its marker only).
    const drawing = (container: HTMLElement, spec: VisualizationSpec): ChartDrawing => ({
      container,
      spec,
      colors,
      same: JSON.stringify([{ ...spec, params: undefined }, colors]),
    });
    const container = (selector: string) =>
      this.renderRoot.querySelector<HTMLElement>(selector) ?? undefined;
    const first = container('.performer-chart, .spectrum-chart, .spans-chart');
    const second = container('.linformer-chart');
    const performer = this.method === 'performer' ? this.performerLab : undefined;
    const linformer = this.method === 'linformer' ? this.linformerLab : undefined;
    let firstDrawing: ChartDrawing | undefined;
    if (first && performer && performer.points.length > 0)
      firstDrawing = drawing(
        first,
        performerSpec(performer.points, this.features, this.widthOf(first), colors),
      );
    else if (first && linformer?.singular)
      firstDrawing = drawing(first, spectrumSpec(linformer.singular, this.widthOf(first)));
    else if (first && this.method === 'adaptive' && this.spanHistory.length > 0)
      firstDrawing = {
        ...drawing(first, spansSpec(this.latestSpans?.maxSpan, this.widthOf(first))),
        // A new chart starts from the spans recorded by then; later snapshots replace its data.
        setUp: (chart) => {
          this.spansCharted = this.spanHistory;
          chart.view.data(SPANS_DATA, spansValues(this.spanHistory));
          return chart.view.runAsync().then(() => undefined);
        },
      };
    const secondDrawing =
      second && linformer && linformer.points.length > 0
        ? drawing(
            second,
            linformerSpec(
              linformer.lowRank(),
              linformer.points,
              linformer.learned?.e.rows ?? this.projected,
              this.widthOf(second),
              colors,
            ),
          )
        : undefined;
    return [firstDrawing, secondDrawing];
  }

  /**
   * The width a chart in `container` is drawn at (`chartWidth`), kept and brought up to date by
   * a ResizeObserver: reading it at every update would lay the page out in the middle of it.
   */
  private widthOf(container: HTMLElement): number {
    let width = this.chartWidths.get(container);
    if (width === undefined) {
      width = chartWidth(container);
      this.chartWidths.set(container, width);
      this.resizes.observe(container);
    }
    return width;
  }

  private chartWidths = new WeakMap<HTMLElement, number>();
  private readonly resizes = new ResizeObserver((entries) => {
    for (const { target } of entries) {
      const container = target as HTMLElement;
      const width = chartWidth(container);
      if (this.chartWidths.get(container) === width) continue;
      this.chartWidths.set(container, width);
      this.chartsStale = true;
      this.requestUpdate();
    }
  });

  /** Puts the spans recorded since the chart last showed them into it (the chart is kept). */
  private chartSpans(): void {
    if (this.method !== 'adaptive' || this.spansCharted === this.spanHistory) return;
    void this.firstChart.update(async (chart) => {
      const history = this.spanHistory;
      if (this.spansCharted === history) return;
      this.spansCharted = history;
      chart.view.data(SPANS_DATA, spansValues(history));
      await chart.view.runAsync();
    });
  }

  /** Moves the curves' marker to the slider's value, without drawing the chart anew. */
  private moveMarker(value: number, chart: VegaChartController): void {
    void chart.update(async (c) => {
      await c.view.signal(MARKER_SIGNAL, value).runAsync();
    });
  }

  protected override update(changed: PropertyValues<this>): void {
    if (changed.has('features')) this.moveMarker(this.features, this.firstChart);
    if (changed.has('projected')) this.moveMarker(this.projected, this.secondChart);
    super.update(changed);
  }

  /** Fires `explorer-change` when the numbers shown change. */
  private announce(): void {
    const summary = this.summary();
    if (!summary) return;
    const text = JSON.stringify(summary);
    if (text === this.announced) return;
    this.announced = text;
    this.emit<ExplorerChangeDetail>('explorer-change', { method: this.method, summary });
  }

  /** The headline numbers of the method shown, or undefined until they are worked out. */
  private summary(): ExplorerChangeDetail['summary'] | undefined {
    switch (this.method) {
      case 'performer': {
        const point = this.performerLab?.point(this.draw, this.kernel, this.features);
        return point && { ...point };
      }
      case 'reformer': {
        const r = this.reformerLab?.rounds(this.hashes);
        return (
          r && {
            hashes: r.hashes,
            buckets: this.buckets,
            chunk: this.chunk,
            share: r.share,
            roundShares: r.roundShares,
            cells: r.cells,
            full: this.sampleLength ** 2,
          }
        );
      }
      case 'linformer': {
        const k = this.linformerLab?.learned?.e.rows ?? this.projected;
        const point = this.linformerLab?.point(k);
        const lowRank = this.linformerLab?.lowRank()[k - 1];
        return point && { ...point, ...(lowRank ? { bestRankRelative: lowRank.relative } : {}) };
      }
      case 'patterns': {
        const p = this.patternResult;
        return (
          p && {
            pattern: p.kind,
            window: p.settings.window,
            stride: p.settings.stride,
            globals: [...p.settings.globals],
            cells: p.cells,
            full: p.full,
            share: p.share,
            reach: Number.isFinite(p.reach) ? p.reach : 'never',
          }
        );
      }
      case 'adaptive': {
        const latest = this.latestSpans;
        return latest && { spans: latest.spans, samples: this.lastSamples };
      }
    }
  }

  // ---- Public API ----

  /** The method, its settings and the numbers it shows (with the curves), as plain data. */
  toJSON(): Record<string, unknown> {
    const { method, seed, length, features, draw, kernel, hashes, buckets, chunk, step } = this;
    const { projected, pattern, window, stride, globals } = this;
    const settings = {
      method,
      for: this.for || undefined,
      seed,
      length,
      features,
      draw,
      kernel,
      hashes,
      buckets,
      chunk,
      step,
      projected,
      pattern,
      window,
      stride,
      globals,
    };
    const data: Record<string, unknown> = {
      settings,
      sample: { length: this.sampleLength, from: sample1D(this.linkedSample) ? 'for' : 'seed' },
      summary: this.summary(),
    };
    if (method === 'performer') data.curve = this.performerLab?.points;
    if (method === 'linformer') {
      data.curve = this.linformerLab?.points;
      data.singularValues = this.linformerLab?.singular;
    }
    if (method === 'adaptive') data.spans = this.spanHistory;
    return JSON.parse(toJsonText(data)) as Record<string, unknown>;
  }

  /** A PNG of what is shown: the matrices, the Reformer strips and the charts, side by side. */
  async toPNG(): Promise<Blob> {
    await this.updateComplete;
    const heatmaps = [...this.renderRoot.querySelectorAll<AttentionHeatmap>('attention-heatmap')];
    const strips = [...this.renderRoot.querySelectorAll<HTMLCanvasElement>('canvas.strip')];
    const charts = [this.firstChart.chart, this.secondChart.chart].filter((c) => c !== undefined);
    const sources: (ImageBitmap | HTMLCanvasElement)[] = [
      ...(await Promise.all(heatmaps.map(async (h) => createImageBitmap(await h.toPNG())))),
      ...strips,
      ...(await Promise.all(charts.map((c) => c.toCanvas()))),
    ];
    if (sources.length === 0) throw new Error('Nothing to export: nothing is shown yet.');
    const canvas = composeSideBySide(sources, { gap: 16, background: this.colors.background });
    sources.forEach((s) => (s instanceof ImageBitmap ? s.close() : undefined));
    return canvasToPng(canvas);
  }

  private async exportPng(): Promise<void> {
    try {
      downloadBlob(await this.toPNG(), `efficient-attention-${this.method}.png`);
    } catch (error) {
      this.reportError(error);
    }
  }

  private exportJson(): void {
    downloadJson(this.toJSON(), `efficient-attention-${this.method}.json`);
  }

  // ---- Render ----

  override render(): TemplateResult {
    return html`
      <div class="toolbar controls" part="controls">
        <strong>${DESCRIBED_METHOD[this.method] ?? 'Efficient attention'}</strong>
        <button part="button" @click=${this.exportPng}>PNG</button>
        <button part="button" @click=${this.exportJson}>JSON</button>
        ${this.renderEmbedButton()}
      </div>
      ${this.renderError()} ${this.errorMessage ? '' : this.renderMethod()}
    `;
  }

  private renderMethod(): TemplateResult | string {
    switch (this.method) {
      case 'performer':
        return renderPerformer(this, this.performerLab);
      case 'reformer':
        return renderReformer(this, this.reformerLab, this.reformerFigure);
      case 'linformer':
        return renderLinformer(
          this,
          this.linformerLab,
          this.linformerFigure?.lab === this.linformerLab ? this.linformerFigure?.k : undefined,
          this.followsModel
            ? {
                tag: `<${this.link.element?.localName ?? 'trainable-model'} id="${String(this.for)}">`,
                samples: this.learned?.samples,
              }
            : undefined,
        );
      case 'patterns':
        return renderPatterns(this, this.patternResult);
      case 'adaptive':
        return renderAdaptive(
          this,
          `<${this.link.element?.localName ?? 'trainable-model'} id="${String(this.for)}">`,
          this.spanHistory,
          this.latestSpans,
        );
      default:
        return '';
    }
  }
}
