import {
  FILTER_MODES_2D,
  SHAPES_1D_DEFAULTS,
  SHAPES_2D_DEFAULTS,
  generateShapes1D,
  generateShapes2D,
  resolveShapes1DOptions,
  resolveShapes2DOptions,
  rgbToHex,
  type FilterMode2D,
  type ResolvedShapes1DOptions,
  type ResolvedShapes2DOptions,
  type Sample1D,
  type Sample2D,
  type Shape1D,
  type Shape2D,
} from '@decoding-attention/core';
import {
  styleProps,
  DecodingElement,
  attributeNamesFor,
  canvasToPng,
  composeSideBySide,
  downloadBlob,
  downloadJson,
  embedChart,
  readThemeColors,
  toJsonText,
  type Chart,
  type ThemeColors,
} from '@decoding-attention/ui';
import { css, html, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { chartData1D, chartSpec1D, drawPlot1D, groupColor1D } from './plot1d.js';
import { VERSION } from './version.js';

/** Which dataset the viewer shows. */
export type DatasetMode = '1d' | '2d';

/** What `sample-change` carries: the sample shown and everything needed to regenerate it. */
export interface SampleChangeDetail {
  mode: DatasetMode;
  seed: number;
  options: ResolvedShapes1DOptions | ResolvedShapes2DOptions;
  sample: Sample1D | Sample2D;
}

/** What `shape-highlight` carries: the highlighted shape's index in `sample.shapes`, or -1. */
export interface ShapeHighlightDetail {
  index: number;
  shape: Shape1D | Shape2D | undefined;
}

export type SampleChangeEvent = CustomEvent<SampleChangeDetail>;
export type ShapeHighlightEvent = CustomEvent<ShapeHighlightDetail>;

const OPTIONS_1D = Object.keys(SHAPES_1D_DEFAULTS) as (keyof ResolvedShapes1DOptions)[];
const OPTIONS_2D = Object.keys(SHAPES_2D_DEFAULTS) as (keyof ResolvedShapes2DOptions)[];
const ATTRIBUTE_NAMES = attributeNamesFor([...new Set([...OPTIONS_1D, ...OPTIONS_2D])]);
const PLOT_HEIGHT = 220;

/**
 * Shows samples of the 1D and 2D shape datasets: the input against the target, each shape marked
 * and coloured by its group, the group means, and controls to step through samples.
 *
 * @tag shape-dataset-viewer
 * @summary Input and target of the synthetic shape datasets, shape by shape.
 *
 * @attr {'auto' | 'light' | 'dark'} theme - `light` or `dark` forces a colour scheme; `auto` (the default) follows the reader's.
 *
 * @fires sample-change - A new sample is shown. `detail: { mode, seed, options, sample }`.
 * @fires shape-highlight - The highlighted shape changed. `detail: { index, shape }`; index -1 is none.
 *
 * @csspart controls - The toolbar of sample and export buttons.
 * @csspart button - Every button.
 * @csspart plot - The 1D chart (and its fast canvas first paint).
 * @csspart images - The 2D input and target images.
 * @csspart shapes - The list of shapes.
 * @csspart groups - The list of groups and their means.
 * @csspart error - The message shown for bad input.
 *
 * @cssprop [--da-color-text] - Text colour.
 * @cssprop [--da-color-muted] - Secondary text and axes.
 * @cssprop [--da-color-background] - Background.
 * @cssprop [--da-color-surface] - Buttons and panels.
 * @cssprop [--da-color-border] - Borders and grid lines.
 * @cssprop [--da-color-accent] - Highlights and marked positions.
 * @cssprop [--da-color-focus] - Focus rings.
 * @cssprop [--da-color-error] - The bad-input message.
 * @cssprop [--da-color-input] - The 1D input line.
 * @cssprop [--da-color-target] - The 1D target line.
 * @cssprop [--da-font-family] - Font.
 * @cssprop [--da-radius] - Corner radius.
 * @cssprop [--da-image-size=256px] - Display size of each 2D image.
 */
export class ShapeDatasetViewer extends DecodingElement {
  static readonly version = VERSION;

  static override styles = [
    ...DecodingElement.styles,
    css`
      .header {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_gap);
        align-items: baseline;
        justify-content: space-between;
        margin-bottom: 0.5rem;
      }
      .title {
        font-weight: 600;
      }
      .seed {
        width: 7rem;
      }
      .plot {
        position: relative;
        min-height: ${PLOT_HEIGHT}px;
        margin-block: 0.5rem;
      }
      .plot canvas {
        display: block;
        width: 100%;
        height: ${PLOT_HEIGHT}px;
      }
      .plot .chart[hidden],
      .plot canvas[hidden] {
        display: none;
      }
      .legend {
        display: flex;
        gap: 1rem;
        color: var(--_muted);
        font-size: 0.85em;
      }
      .legend .line {
        display: inline-block;
        width: 1.5em;
        vertical-align: middle;
        border-top: 2px solid var(--_target);
      }
      .legend .line.input {
        border-top: 1px solid var(--_input);
      }
      .images {
        display: flex;
        flex-wrap: wrap;
        gap: var(--_gap);
        margin-block: 0.5rem;
      }
      figure {
        margin: 0;
      }
      figcaption {
        color: var(--_muted);
        font-size: 0.85em;
      }
      .frame {
        position: relative;
        width: var(--da-image-size, 256px);
        max-width: 100%;
        aspect-ratio: var(--aspect);
      }
      .frame canvas,
      .frame svg {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
      }
      .frame canvas {
        image-rendering: pixelated;
        border: 1px solid var(--_border);
      }
      .frame svg {
        pointer-events: none;
        overflow: visible;
      }
      .outline {
        fill: none;
        stroke: var(--_accent);
        stroke-width: 1.5px;
        vector-effect: non-scaling-stroke;
      }
      .outline.halo {
        stroke: var(--_background);
        stroke-width: 4px;
      }
      .outline.filtered {
        stroke: var(--_muted);
        stroke-dasharray: 3 3;
      }
      .details {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr));
        gap: var(--_gap);
      }
      h3 {
        font-size: 0.85em;
        font-weight: 600;
        margin: 0 0 0.25rem;
        color: var(--_muted);
        text-transform: uppercase;
        letter-spacing: 0.04em;
      }
      [role='listbox'],
      .groups {
        list-style: none;
        margin: 0;
        padding: 0;
        max-height: 14rem;
        overflow: auto;
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
      }
      [role='option'],
      .groups li {
        display: flex;
        gap: 0.5rem;
        align-items: center;
        padding: 0.2rem 0.5rem;
        font-variant-numeric: tabular-nums;
      }
      [role='option'] {
        cursor: default;
      }
      [role='option'][aria-selected='true'] {
        background: var(--_surface);
        box-shadow: inset 3px 0 0 var(--_accent);
      }
      .swatch {
        flex: none;
        width: 0.9rem;
        height: 0.9rem;
        border-radius: 3px;
        border: 1px solid var(--_border);
      }
      .note {
        color: var(--_muted);
        font-size: 0.85em;
      }
      kbd {
        font: inherit;
        font-size: 0.8em;
        border: 1px solid var(--_border);
        border-radius: 3px;
        padding: 0 0.25em;
      }
    `,
  ];

  @query('canvas.fast-plot') private fastPlot?: HTMLCanvasElement;
  @query('.chart') private chartContainer?: HTMLDivElement;
  @query('canvas.input-image') private inputCanvas?: HTMLCanvasElement;
  @query('canvas.target-image') private targetCanvas?: HTMLCanvasElement;

  @state() private currentSample: Sample1D | Sample2D | undefined;
  @state() private highlighted = -1;
  private drawnImages: { sample: Sample2D; canvas?: HTMLCanvasElement } | undefined;
  @state() private marked: readonly number[] = [];
  @state() private chartReady = false;

  /** `1d` for the time-series dataset, `2d` for the coloured-shapes images. */
  @property({ reflect: true }) mode: DatasetMode = '1d';
  /** Seed of the sample shown; the same seed always gives the same sample. */
  @property({ type: Number }) seed = 0;
  /** 1D: samples per series (default 400). */
  @property({ type: Number }) length?: number;
  /** 1D: narrowest shape, in samples (default 10). */
  @property({ type: Number, attribute: 'min-width' }) minWidth?: number;
  /** 1D: widest shape, in samples (default 40). */
  @property({ type: Number, attribute: 'max-width' }) maxWidth?: number;
  /** 1D: smallest amplitude magnitude (default 10). */
  @property({ type: Number, attribute: 'min-amplitude' }) minAmplitude?: number;
  /** 1D: largest amplitude magnitude (default 50). */
  @property({ type: Number, attribute: 'max-amplitude' }) maxAmplitude?: number;
  /** Noise standard deviation: 1D before smoothing (default 3), 2D per channel (default 128). */
  @property({ type: Number, attribute: 'noise-std' }) noiseStd?: number;
  /** 1D: sigma of the Gaussian that smooths the noise (default 5). */
  @property({ type: Number, attribute: 'noise-sigma' }) noiseSigma?: number;
  /** 2D: image width in pixels (default 128). */
  @property({ type: Number }) width?: number;
  /** 2D: image height in pixels (default 128). */
  @property({ type: Number }) height?: number;
  /** 2D: which shapes reach the target: `none`, `channel` or `filled-circles`. */
  @property() filter?: FilterMode2D;
  /** 2D: sigma of the blur after the noise (default 1). */
  @property({ type: Number, attribute: 'blur-sigma' }) blurSigma?: number;

  private chart: Chart | undefined;
  private chartLength = 0;
  private chartSample: Sample1D | undefined;
  private pendingChart: Promise<void> | undefined;
  private chartGeneration = 0;
  private resizeObserver: ResizeObserver | undefined;
  private resizeFrame = 0;
  private observedWidth = 0;
  private stopWatchingScheme: (() => void) | undefined;
  private colors: ThemeColors | undefined;
  private announcedSample: Sample1D | Sample2D | undefined;

  /** The sample shown, or undefined while the attributes are bad. */
  get sample(): Sample1D | Sample2D | undefined {
    return this.currentSample;
  }

  /** The generator options in force, defaults filled in (throws if an attribute is bad). */
  get options(): ResolvedShapes1DOptions | ResolvedShapes2DOptions {
    return this.mode === '2d'
      ? resolveShapes2DOptions(this.optionsFor2D())
      : resolveShapes1DOptions(this.optionsFor1D());
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.onKeyDown);
    this.stopWatchingScheme = this.onColorSchemeChange(() => this.refreshTheme());
    this.resizeObserver = new ResizeObserver(() => this.onResize());
    this.resizeObserver.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKeyDown);
    this.stopWatchingScheme?.();
    this.resizeObserver?.disconnect();
    this.resizeObserver = undefined;
    cancelAnimationFrame(this.resizeFrame);
    this.disposeChart();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    const inputs = ['mode', 'seed', ...OPTIONS_1D, ...OPTIONS_2D] as const;
    if (!this.hasUpdated || inputs.some((name) => changed.has(name as keyof ShapeDatasetViewer))) {
      this.regenerate();
    }
    if (changed.has('mode') && changed.get('mode') !== undefined) this.disposeChart();
    if (changed.has('theme') && this.hasUpdated) this.refreshTheme();
  }

  protected override updated(): void {
    this.colors ??= readThemeColors(this.renderRoot as ShadowRoot);
    const sample = this.currentSample;
    if (!sample) return;
    if (isSample2D(sample)) {
      // The pixels change with the sample only; highlights are drawn over them in SVG.
      if (this.drawnImages?.sample !== sample || this.drawnImages.canvas !== this.inputCanvas)
        this.drawImages(sample);
    } else {
      this.drawFastPlot(sample);
      void this.syncChart(sample);
    }
    if (sample !== this.announcedSample) {
      this.announcedSample = sample;
      this.dispatchEvent(
        new CustomEvent<SampleChangeDetail>('sample-change', {
          detail: { mode: this.mode, seed: this.seed, options: this.options, sample },
          bubbles: true,
          composed: true,
        }),
      );
    }
  }

  /** Resolves once rendering is done, including the lazily loaded chart when one is shown. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const result = await super.getUpdateComplete();
    await this.pendingChart;
    return result;
  }

  private optionsFor1D() {
    return {
      seed: this.seed,
      length: this.length,
      minWidth: this.minWidth,
      maxWidth: this.maxWidth,
      minAmplitude: this.minAmplitude,
      maxAmplitude: this.maxAmplitude,
      noiseStd: this.noiseStd,
      noiseSigma: this.noiseSigma,
    };
  }

  private optionsFor2D() {
    return {
      seed: this.seed,
      width: this.width,
      height: this.height,
      filter: this.filter,
      noiseStd: this.noiseStd,
      blurSigma: this.blurSigma,
    };
  }

  private regenerate(): void {
    try {
      if (this.mode !== '1d' && this.mode !== '2d') {
        throw new RangeError(`mode must be 1d or 2d, got "${String(this.mode)}"`);
      }
      if (
        this.mode === '2d' &&
        this.filter !== undefined &&
        !FILTER_MODES_2D.includes(this.filter)
      ) {
        throw new RangeError(
          `filter must be one of ${FILTER_MODES_2D.join(', ')}, got "${this.filter}"`,
        );
      }
      this.currentSample =
        this.mode === '2d'
          ? generateShapes2D(this.optionsFor2D())
          : generateShapes1D(this.optionsFor1D());
      this.clearHighlight();
      this.marked = [];
      this.clearError();
    } catch (error) {
      this.currentSample = undefined;
      this.clearHighlight();
      // The chart's container leaves the page with the sample; a fresh one comes back with it.
      this.disposeChart();
      this.reportError(error, ATTRIBUTE_NAMES);
    }
  }

  /** Shows the sample of the previous seed. */
  previous(): void {
    this.seed -= 1;
  }

  /** Shows the sample of the next seed. */
  next(): void {
    this.seed += 1;
  }

  /** Shows a sample of a fresh random seed. */
  newSample(): void {
    this.seed = crypto.getRandomValues(new Uint32Array(1))[0] % 1_000_000;
  }

  /** Drops the highlight of a sample that is going away, telling followers it is gone. */
  private clearHighlight(): void {
    if (this.highlighted < 0) return;
    this.highlighted = -1;
    this.announceHighlight();
  }

  /** Highlights shape `index` of the current sample (-1 for none), as hovering it does. */
  highlightShape(index: number): void {
    const count = this.currentSample?.shapes.length ?? 0;
    const next = Number.isInteger(index) && index >= 0 && index < count ? index : -1;
    if (next === this.highlighted) return;
    this.highlighted = next;
    this.announceHighlight();
  }

  private announceHighlight(): void {
    const index = this.highlighted;
    this.dispatchEvent(
      new CustomEvent<ShapeHighlightDetail>('shape-highlight', {
        detail: { index, shape: index >= 0 ? this.currentSample?.shapes[index] : undefined },
        bubbles: true,
        composed: true,
      }),
    );
  }

  /**
   * Marks positions of the 1D series with dashed rules, such as the query and key a linked
   * attention heatmap hovers; an empty list clears them.
   */
  markPositions(positions: readonly number[]): void {
    const length =
      this.currentSample && !isSample2D(this.currentSample) ? this.currentSample.input.length : 0;
    const marked = positions.filter((p) => Number.isFinite(p) && p >= 0 && p < length);
    // Hovering a heatmap calls this on every pointer move: redraw only when the marks move.
    if (marked.length === this.marked.length && marked.every((p, i) => p === this.marked[i]))
      return;
    this.marked = marked;
  }

  /** The sample and the options that made it, as plain JSON-ready data. */
  toJSON(): Record<string, unknown> {
    return JSON.parse(
      toJsonText({
        mode: this.mode,
        options: this.currentSample ? this.options : undefined,
        sample: this.currentSample,
      }),
    ) as Record<string, unknown>;
  }

  /** A PNG of what the element shows: the chart (1D) or the two images side by side (2D). */
  async toPNG(scale = 2): Promise<Blob> {
    await this.updateComplete;
    if (this.mode === '2d' && this.inputCanvas && this.targetCanvas) {
      return canvasToPng(
        composeSideBySide([this.inputCanvas, this.targetCanvas], {
          scale,
          background: this.colors?.background ?? '#ffffff',
        }),
      );
    }
    if (this.chart) return canvasToPng(await this.chart.toCanvas(scale));
    if (this.fastPlot) return canvasToPng(this.fastPlot);
    throw new Error('Nothing to export: the attributes are not valid.');
  }

  /** SVG text of the 1D chart (undefined in 2D mode or before the chart has loaded). */
  async toSVG(): Promise<string | undefined> {
    await this.updateComplete;
    return this.chart?.toSvg();
  }

  private get fileStem(): string {
    return `shapes-${this.mode}-seed-${this.seed}`;
  }

  private async exportPng(): Promise<void> {
    try {
      downloadBlob(await this.toPNG(), `${this.fileStem}.png`);
    } catch (error) {
      this.reportError(error);
    }
  }

  private exportJson(): void {
    downloadJson(this.toJSON(), `${this.fileStem}.json`);
  }

  private readonly onKeyDown = (event: KeyboardEvent): void => {
    const origin = event.composedPath()[0];
    if (origin instanceof HTMLInputElement || event.altKey || event.ctrlKey || event.metaKey)
      return;
    if (event.key === 'ArrowLeft' || event.key === 'p') this.previous();
    else if (event.key === 'ArrowRight' || event.key === 'n') this.next();
    else if (event.key === 'r') this.newSample();
    else return;
    event.preventDefault();
  };

  private onSeedInput(event: Event): void {
    const value = (event.target as HTMLInputElement).valueAsNumber;
    if (Number.isSafeInteger(value)) this.seed = value;
  }

  private onListKeyDown(event: KeyboardEvent): void {
    const count = this.currentSample?.shapes.length ?? 0;
    if (count === 0) return;
    const moves: Record<string, number> = {
      ArrowDown: Math.min(count - 1, this.highlighted + 1),
      ArrowUp: Math.max(0, this.highlighted < 0 ? 0 : this.highlighted - 1),
      Home: 0,
      End: count - 1,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    event.stopPropagation();
    this.highlightShape(moves[event.key]);
    this.renderRoot
      .querySelector(`#shape-${moves[event.key]}`)
      ?.scrollIntoView({ block: 'nearest' });
  }

  /** Leaving the list clears the hover highlight, unless the keyboard is moving through it. */
  private onListPointerLeave(event: PointerEvent): void {
    if ((event.currentTarget as HTMLElement).matches(':focus-visible')) return;
    this.highlightShape(-1);
  }

  private onImagePointer(event: PointerEvent): void {
    const sample = this.currentSample;
    if (!sample || !isSample2D(sample)) return;
    const rect = (event.currentTarget as HTMLElement).getBoundingClientRect();
    const x = ((event.clientX - rect.left) / rect.width) * sample.width;
    const y = ((event.clientY - rect.top) / rect.height) * sample.height;
    this.highlightShape(
      sample.shapes.findIndex(
        (s) => x >= s.x && x < s.x + s.width && y >= s.y && y < s.y + s.height,
      ),
    );
  }

  private onResize(): void {
    // In the next frame, not inside the observer's callback: resizing there loops the observer.
    cancelAnimationFrame(this.resizeFrame);
    this.resizeFrame = requestAnimationFrame(() => {
      const sample = this.currentSample;
      if (!sample || isSample2D(sample)) return;
      const width = this.plotWidth();
      if (width === this.observedWidth) return;
      this.observedWidth = width;
      this.drawFastPlot(sample);
      if (this.chart) void this.chart.view.width(width).runAsync();
    });
  }

  private refreshTheme(): void {
    this.colors = undefined;
    this.disposeChart();
    this.requestUpdate();
  }

  private plotWidth(): number {
    return Math.max(200, Math.floor(this.chartContainer?.parentElement?.clientWidth ?? 600));
  }

  private drawFastPlot(sample: Sample1D): void {
    const canvas = this.fastPlot;
    if (!canvas || !this.colors) return;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round((canvas.clientWidth || 600) * ratio));
    const height = Math.round(PLOT_HEIGHT * ratio);
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    drawPlot1D(canvas, sample, this.colors, { highlight: this.highlighted, marks: this.marked });
  }

  private syncChart(sample: Sample1D): Promise<void> {
    const container = this.chartContainer;
    if (!container || !this.colors) return Promise.resolve();
    const colors = this.colors;
    const update = async () => {
      if (!this.chart) {
        const generation = ++this.chartGeneration;
        const spec = chartSpec1D(
          sample.input.length,
          this.plotWidth(),
          colors,
          chartData1D(sample),
        );
        const chart = await embedChart(container, spec, {
          colors,
        });
        if (generation !== this.chartGeneration || !this.isConnected) {
          chart.finalize();
          return;
        }
        this.chart = chart;
        this.chartLength = sample.input.length;
        this.chartSample = sample;
        chart.view.addEventListener('pointermove', (_event, item) => {
          const datum = (item as { datum?: { index?: number; type?: string } } | null)?.datum;
          this.highlightShape(
            datum?.type !== undefined && datum.index !== undefined ? datum.index : -1,
          );
        });
        chart.view.addEventListener('pointerleave', () => this.highlightShape(-1));
      }
      const chart = this.chart;
      if (this.chartLength !== sample.input.length) {
        this.disposeChart();
        return update();
      }
      if (this.chartSample !== sample) {
        const data = chartData1D(sample);
        chart.view.data('series', data.series).data('shapes', data.shapes);
        this.chartSample = sample;
      }
      chart.view.data(
        'marks',
        this.marked.map((position) => ({ position })),
      );
      chart.view.signal('highlight', this.highlighted);
      await chart.view.runAsync();
      this.chartReady = true;
    };
    const pending = (this.pendingChart ?? Promise.resolve())
      .then(update)
      .catch((error: unknown) => {
        // Without vega the fast canvas stays: the reader still sees the sample.
        this.chartReady = false;
        console.warn(
          `<${this.localName}>: the chart could not be drawn; showing the quick plot.`,
          error,
        );
      });
    this.pendingChart = pending;
    return pending;
  }

  private disposeChart(): void {
    this.chartGeneration++;
    this.chart?.finalize();
    this.chart = undefined;
    this.chartSample = undefined;
    this.chartReady = false;
  }

  private drawImages(sample: Sample2D): void {
    this.drawnImages = { sample, canvas: this.inputCanvas };
    for (const [canvas, pixels] of [
      [this.inputCanvas, sample.input],
      [this.targetCanvas, sample.target],
    ] as const) {
      if (!canvas) continue;
      if (canvas.width !== sample.width) canvas.width = sample.width;
      if (canvas.height !== sample.height) canvas.height = sample.height;
      canvas
        .getContext('2d')
        ?.putImageData(
          new ImageData(new Uint8ClampedArray(pixels), sample.width, sample.height),
          0,
          0,
        );
    }
  }

  override render(): TemplateResult {
    const sample = this.currentSample;
    return html`
      <div class="header">
        <span class="title" id="title">
          ${this.mode === '2d' ? '2D coloured shapes' : '1D shapes'} · seed ${this.seed}
        </span>
        <div class="toolbar" part="controls" role="group" aria-label="Sample controls">
          <button
            part="button"
            @click=${this.previous}
            aria-keyshortcuts="ArrowLeft p"
            title="Previous sample (← or P)"
          >
            ← Previous
          </button>
          <button
            part="button"
            @click=${this.next}
            aria-keyshortcuts="ArrowRight n"
            title="Next sample (→ or N)"
          >
            Next →
          </button>
          <button
            part="button"
            @click=${this.newSample}
            aria-keyshortcuts="r"
            title="New random sample (R)"
          >
            New sample
          </button>
          <label>
            <span class="visually-hidden">Seed</span>
            <input
              class="seed"
              type="number"
              step="1"
              .value=${String(this.seed)}
              @change=${this.onSeedInput}
            />
          </label>
          <button part="button" @click=${this.exportPng} ?disabled=${!sample}>PNG</button>
          <button part="button" @click=${this.exportJson} ?disabled=${!sample}>JSON</button>
          ${this.renderEmbedButton()}
        </div>
      </div>
      ${this.renderError()}
      ${sample ? (isSample2D(sample) ? this.renderImages(sample) : this.renderPlot(sample)) : nothing}
      ${sample ? this.renderDetails(sample) : nothing}
      <p class="visually-hidden" aria-live="polite">${sample ? this.describe(sample) : ''}</p>
    `;
  }

  private renderPlot(sample: Sample1D): TemplateResult {
    return html`
      <div class="plot" part="plot">
        <canvas
          class="fast-plot"
          role="img"
          aria-label=${this.describe(sample)}
          ?hidden=${this.chartReady}
        ></canvas>
        <div class="chart" ?hidden=${!this.chartReady}></div>
      </div>
      <div class="legend" aria-hidden="true">
        <span><span class="line input"></span> input (own amplitudes + noise)</span>
        <span><span class="line"></span> target (group means)</span>
      </div>
    `;
  }

  private renderImages(sample: Sample2D): TemplateResult {
    const aspect = `${sample.width} / ${sample.height}`;
    const highlighted = sample.shapes[this.highlighted];
    const frame = (kind: 'input' | 'target') => html`
      <figure>
        <div
          class="frame"
          style=${styleProps({ '--aspect': aspect })}
          @pointermove=${this.onImagePointer}
          @pointerleave=${() => this.highlightShape(-1)}
        >
          <canvas
            class="${kind}-image"
            role="img"
            aria-label=${`${kind === 'input' ? 'Input' : 'Target'} image: ${this.describe(sample)}`}
          ></canvas>
          <svg viewBox="0 0 ${sample.width} ${sample.height}" aria-hidden="true">
            ${
              kind === 'target'
                ? sample.shapes
                    .filter((s) => !s.inTarget)
                    .map((s) => outline(s, 'outline filtered'))
                : nothing
            }
            ${highlighted ? [outline(highlighted, 'outline halo'), outline(highlighted, 'outline')] : nothing}
          </svg>
        </div>
        <figcaption>
          ${kind === 'input' ? 'Input: own colours, noise, blur' : 'Target: group mean colours'}
        </figcaption>
      </figure>
    `;
    return html`<div class="images" part="images">${frame('input')} ${frame('target')}</div>`;
  }

  private renderDetails(sample: Sample1D | Sample2D): TemplateResult {
    const active = this.highlighted >= 0 ? `shape-${this.highlighted}` : '';
    return html`
      <div class="details">
        <div>
          <h3 id="shapes-label">Shapes (${sample.shapes.length})</h3>
          <ul
            role="listbox"
            part="shapes"
            tabindex="0"
            aria-labelledby="shapes-label"
            aria-activedescendant=${active || nothing}
            @keydown=${this.onListKeyDown}
            @pointerleave=${this.onListPointerLeave}
          >
            ${sample.shapes.map(
              (shape, index) => html`
                <li
                  role="option"
                  id="shape-${index}"
                  aria-selected=${index === this.highlighted ? 'true' : 'false'}
                  @pointerenter=${() => this.highlightShape(index)}
                >
                  ${isShape2D(shape) ? this.renderShape2D(shape) : this.renderShape1D(shape)}
                </li>
              `,
            )}
          </ul>
        </div>
        <div>
          <h3>Groups and their means</h3>
          <ul class="groups" part="groups">
            ${groupsOf(sample).map(
              (group) => html`
                <li>
                  <span class="swatch" style=${styleProps({ background: group.color })}></span>
                  <span>${group.type} ×${group.count}</span>
                  <span class="note">mean ${group.mean}</span>
                </li>
              `,
            )}
          </ul>
          ${
            isSample2D(sample) && this.filter && this.filter !== 'none'
              ? html`<p class="note">
                  Filter <code>${this.filter}</code>: dashed outlines mark shapes left out of the
                  target.
                </p>`
              : nothing
          }
          <p class="note">
            Keys: <kbd>←</kbd> <kbd>→</kbd> step, <kbd>R</kbd> new sample, <kbd>↑</kbd>
            <kbd>↓</kbd> in the list.
          </p>
        </div>
      </div>
    `;
  }

  private renderShape1D(shape: Shape1D): TemplateResult {
    return html`
      <span class="swatch" style=${styleProps({ background: groupColor1D(shape.type) })}></span>
      <span>${shape.type}</span>
      <span class="note">
        at ${shape.start}–${shape.start + shape.width - 1}, amplitude ${shape.amplitude.toFixed(1)}
        → ${shape.groupAmplitude.toFixed(1)}
      </span>
    `;
  }

  private renderShape2D(shape: Shape2D): TemplateResult {
    return html`
      <span
        class="swatch"
        style=${styleProps({ background: rgbToHex(shape.color) })}
        title="own colour"
      ></span>
      <span
        class="swatch"
        style=${styleProps({ background: rgbToHex(shape.groupColor) })}
        title="group colour"
      ></span>
      <span>${shape.type}</span>
      <span class="note">
        at (${shape.x}, ${shape.y})
        ${shape.width}×${shape.height}${shape.inTarget ? '' : ' · not in target'}
      </span>
    `;
  }

  private describe(sample: Sample1D | Sample2D): string {
    const groups = groupsOf(sample);
    return `Seed ${this.seed}: ${sample.shapes.length} shapes in ${groups.length} groups (${groups
      .map((g) => `${g.type} ×${g.count}, mean ${g.mean}`)
      .join('; ')}).`;
  }
}

function isSample2D(sample: Sample1D | Sample2D): sample is Sample2D {
  return 'width' in sample;
}

function isShape2D(shape: Shape1D | Shape2D): shape is Shape2D {
  return 'color' in shape;
}

interface GroupSummary {
  type: string;
  count: number;
  mean: string;
  color: string;
}

function groupsOf(sample: Sample1D | Sample2D): GroupSummary[] {
  const groups = new Map<string, GroupSummary>();
  for (const shape of sample.shapes as (Shape1D | Shape2D)[]) {
    const existing = groups.get(shape.type);
    if (existing) {
      existing.count++;
      continue;
    }
    groups.set(
      shape.type,
      isShape2D(shape)
        ? {
            type: shape.type,
            count: 1,
            mean: rgbToHex(shape.groupColor),
            color: rgbToHex(shape.groupColor),
          }
        : {
            type: shape.type,
            count: 1,
            mean: shape.groupAmplitude.toFixed(1),
            color: groupColor1D(shape.type),
          },
    );
  }
  return [...groups.values()];
}

/** The outline of a 2D shape in image coordinates, for the SVG overlay. */
function outline(shape: Shape2D, className: string) {
  const { x, y, width, height } = shape;
  if (shape.type.endsWith('circle')) {
    return svg`<circle class=${className} cx=${x + width / 2} cy=${y + height / 2} r=${width / 2}></circle>`;
  }
  if (shape.type.endsWith('triangle')) {
    return svg`<polygon class=${className} points="${x + width / 2},${y} ${x},${y + height} ${x + width},${y + height}"></polygon>`;
  }
  return svg`<rect class=${className} x=${x} y=${y} width=${width} height=${height}></rect>`;
}

declare global {
  interface HTMLElementEventMap {
    'sample-change': SampleChangeEvent;
    'shape-highlight': ShapeHighlightEvent;
  }
}
