import {
  generateShapes1D,
  shownValue,
  generateShapes2D,
  resolveShapes1DOptions,
  resolveShapes2DOptions,
  type FilterMode2D,
  type ResolvedShapes1DOptions,
  type ResolvedShapes2DOptions,
  type Sample1D,
  type Sample2D,
} from '@decoding-attention/core';
import {
  DecodingElement,
  canvasToPng,
  composeSideBySide,
  downloadBlob,
  downloadJson,
  seriesLegendStyles,
  toJsonText,
  type PositionMarker,
  type SampleSource,
  type ThemeColors,
  word,
  FirstSightController,
} from '@decoding-attention/ui';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { Chart1DController } from './chart1d.js';
import { SampleImages2D, renderImages2D } from './images2d.js';
import { drawPlot1D } from './plot1d.js';
import { shapeDatasetViewerStyles } from './shape-dataset-viewer.styles.js';
import { ShapeHighlightController, type ShapeHighlightEvent } from './shape-highlight.js';
import {
  describeSample,
  isSample2D,
  renderGroupList,
  renderShapeSummary,
} from './shape-summary.js';
import { VERSION } from './version.js';
import {
  checkPositions,
  resolveViewerOptions,
  wholeSeed,
  type ViewerOptions,
} from './viewer-options.js';

export type { ShapeHighlightDetail, ShapeHighlightEvent } from './shape-highlight.js';

/** Which dataset the viewer shows. */
export type DatasetMode = '1d' | '2d';

/** What `sample-change` carries: the sample shown and everything needed to regenerate it. */
export interface SampleChangeDetail {
  mode: DatasetMode;
  seed: number;
  options: ResolvedShapes1DOptions | ResolvedShapes2DOptions;
  sample: Sample1D | Sample2D;
}

export type SampleChangeEvent = CustomEvent<SampleChangeDetail>;

/** The properties checked, and a new sample generated from, whenever one changes. */
const SAMPLE_INPUTS = [
  'theme',
  'mode',
  'seed',
  'length',
  'minWidth',
  'maxWidth',
  'minAmplitude',
  'maxAmplitude',
  'noiseStd',
  'noiseSigma',
  'width',
  'height',
  'filter',
  'blurSigma',
] as const;

/**
 * Shows samples of the 1D and 2D shape datasets: the input against the target, each shape marked
 * and coloured by its group, the group means, and controls to step through samples.
 *
 * @tag shape-dataset-viewer
 * @summary Input and target of the synthetic shape datasets, shape by shape.
 *
 * @attr {'auto' | 'light' | 'dark'} theme - `light` or `dark` forces a colour scheme; `auto` (the default) follows the reader's.
 *
 * @fires {SampleChangeEvent} sample-change - A new sample is shown. `detail: { mode, seed, options, sample }`.
 * @fires {ShapeHighlightEvent} shape-highlight - The highlighted shape changed. `detail: { index, shape }`; index -1 is none.
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
export class ShapeDatasetViewer extends DecodingElement implements SampleSource, PositionMarker {
  // ---- Static ----

  static readonly version = VERSION;

  static override styles = [
    ...DecodingElement.styles,
    seriesLegendStyles,
    shapeDatasetViewerStyles,
  ];

  // ---- Controllers and fields ----

  private readonly chart = new Chart1DController(this, (index) => this.highlightShape(index));
  private readonly highlight = new ShapeHighlightController(this);
  private readonly sight = new FirstSightController(this);
  private readonly images = new SampleImages2D();
  private readonly resizeObserver = new ResizeObserver(() => this.onResize());
  private resizeTimer: ReturnType<typeof setTimeout> | undefined;
  /** The plot width the fast plot was last drawn at: the observer's first call is no change. */
  private fastPlotWidth = 0;
  private announcedSample: Sample1D | Sample2D | undefined;
  /** Why the values make no sample, and why the last positions were refused. */
  private optionsError: unknown;
  private positionsError: unknown;
  /** The options the sample shown was generated from, as JSON. */
  private generatedFrom = '';

  // ---- Queries ----

  @query('canvas.fast-plot') private fastPlot?: HTMLCanvasElement;
  @query('.chart') private chartContainer?: HTMLDivElement;
  @query('canvas.input-image') private inputCanvas?: HTMLCanvasElement;
  @query('canvas.target-image') private targetCanvas?: HTMLCanvasElement;

  // ---- State ----

  @state() private currentSample: Sample1D | Sample2D | undefined;
  @state() private marked: readonly number[] = [];

  // ---- Properties ----

  /** `1d` for the time-series dataset, `2d` for the coloured-shapes images. */
  @property({ reflect: true, converter: word }) mode: DatasetMode = '1d';
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

  // ---- Lifecycle ----

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.onKeyDown);
    this.resizeObserver.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKeyDown);
    this.resizeObserver.disconnect();
    clearTimeout(this.resizeTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (!this.hasUpdated || SAMPLE_INPUTS.some((name) => changed.has(name))) this.regenerate();
  }

  protected override updated(): void {
    this.draw();
    const sample = this.currentSample;
    if (sample && sample !== this.announcedSample) {
      this.announcedSample = sample;
      const options = this.options;
      this.emit<SampleChangeDetail>('sample-change', {
        mode: this.mode,
        seed: options.seed,
        options,
        sample,
      });
    }
  }

  /** The reader's scheme or `theme` changed: render, and `draw` repaints plot, chart and overlays. */
  protected override themeChanged(_colors: ThemeColors): void {
    this.requestUpdate();
  }

  // ---- Validation ----

  /** The generator options of the values set; throws, naming the attribute, if one is bad. */
  private validate(): ViewerOptions {
    this.validateTheme();
    return resolveViewerOptions(this);
  }

  /**
   * The sample of the values now set, or the message that names the bad one. Values that give
   * the options of the sample shown (a theme change, a seed set to what it was) keep that sample,
   * its marks and its highlight.
   */
  private regenerate(): void {
    try {
      const valid = this.validate();
      this.optionsError = undefined;
      const generatedFrom = JSON.stringify(valid);
      if (this.currentSample && generatedFrom === this.generatedFrom) {
        this.showProblem();
        return;
      }
      this.currentSample =
        valid.mode === '2d' ? generateShapes2D(valid.options) : generateShapes1D(valid.options);
      this.generatedFrom = generatedFrom;
    } catch (error) {
      this.currentSample = undefined;
      this.optionsError = error;
    }
    // A new sample starts unmarked, so a refused markPositions call no longer matters.
    this.marked = [];
    this.positionsError = undefined;
    this.showProblem();
    this.highlight.clear();
  }

  /** Shows what is wrong with the values, else with the last positions to mark, else nothing. */
  private showProblem(): void {
    const error = this.optionsError ?? this.positionsError;
    if (error === undefined) this.clearError();
    else this.reportError(error);
  }

  // ---- Event handlers ----

  /** ← → (or P N) step to the neighbouring seeds, R to a random one, anywhere but the seed field. */
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

  private onResize(): void {
    // In a task of its own, not inside the observer's callback (resizing there loops the
    // observer), nor in the next frame: every element's frame callbacks run in one task, and 80
    // charts laid out again there made a 1.4 s task.
    clearTimeout(this.resizeTimer);
    this.resizeTimer = setTimeout(() => {
      const sample = this.currentSample;
      if (!sample || isSample2D(sample)) return;
      const width = this.plotWidth();
      if (width !== this.fastPlotWidth) this.drawFastPlot(sample);
      this.chart.resize(width);
    });
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

  // ---- Drawing ----

  /** Paints the sample: the 2D images, or the 1D fast plot and the chart that replaces it. */
  private draw(): void {
    const sample = this.currentSample;
    if (sample && isSample2D(sample)) this.images.draw(sample, this.inputCanvas, this.targetCanvas);
    if (!sample || isSample2D(sample) || !this.chartContainer) {
      // The chart's container has left the page: finalise the chart; a fresh one comes back.
      this.chart.clear();
      return;
    }
    this.drawFastPlot(sample);
    // The chart is drawn once the element comes near the view; the fast plot stands in till then.
    if (!this.sight.seen) return;
    this.chart.show({
      container: this.chartContainer,
      sample,
      highlight: this.highlight.index,
      marks: this.marked,
      width: this.fastPlotWidth,
      colors: this.colors,
    });
  }

  private drawFastPlot(sample: Sample1D): void {
    this.fastPlotWidth = this.plotWidth();
    if (!this.fastPlot) return;
    drawPlot1D(this.fastPlot, sample, this.colors, {
      highlight: this.highlight.index,
      marks: this.marked,
    });
  }

  private plotWidth(): number {
    return Math.max(200, Math.floor(this.chartContainer?.parentElement?.clientWidth ?? 600));
  }

  private get fileStem(): string {
    return `shapes-${this.mode}-seed-${this.seed}`;
  }

  // ---- Public API ----

  /** The sample shown, or undefined while the attributes are bad. */
  get sample(): Sample1D | Sample2D | undefined {
    return this.currentSample;
  }

  /** The generator options in force, defaults filled in (throws, naming the attribute, if one is bad). */
  get options(): ResolvedShapes1DOptions | ResolvedShapes2DOptions {
    const valid = this.validate();
    return valid.mode === '2d'
      ? resolveShapes2DOptions(valid.options)
      : resolveShapes1DOptions(valid.options);
  }

  /** Shows the sample of the previous seed. */
  previous(): void {
    this.seed = wholeSeed(this.seed) - 1;
  }

  /** Shows the sample of the next seed. */
  next(): void {
    this.seed = wholeSeed(this.seed) + 1;
  }

  /** Shows a sample of a fresh random seed. */
  newSample(): void {
    this.seed = crypto.getRandomValues(new Uint32Array(1))[0] % 1_000_000;
  }

  /** Highlights shape `index` of the current sample (-1 for none), as hovering it does. */
  highlightShape(index: number): void {
    this.highlight.set(index);
  }

  /**
   * Marks positions of the 1D series with dashed rules, such as the query and key a linked
   * attention heatmap hovers; an empty list (or null) clears them. Entries that are not whole
   * numbers inside the series are left unmarked; anything but a list of at most
   * `VIEWER_LIMITS.markedPositions.max` entries shows a message naming `markPositions`.
   */
  markPositions(positions: readonly number[] | null | undefined): void {
    const sample = this.currentSample;
    let marked: number[];
    try {
      marked = checkPositions(positions, sample && !isSample2D(sample) ? sample.input.length : 0);
      this.positionsError = undefined;
    } catch (error) {
      this.positionsError = error;
      marked = [];
    }
    this.showProblem();
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
    this.sight.see();
    await this.updateComplete;
    if (this.mode === '2d' && this.inputCanvas && this.targetCanvas) {
      return canvasToPng(
        composeSideBySide([this.inputCanvas, this.targetCanvas], {
          scale,
          background: this.colors.background,
        }),
      );
    }
    const chart = this.chart.chart;
    if (chart) return canvasToPng(await chart.toCanvas(scale));
    if (this.fastPlot) return canvasToPng(this.fastPlot);
    throw new Error('Nothing to export: the attributes are not valid.');
  }

  /** SVG text of the 1D chart, drawn now if not yet in view (undefined in 2D mode or if it failed). */
  async toSVG(): Promise<string | undefined> {
    this.sight.see();
    await this.updateComplete;
    return this.chart.chart?.toSvg();
  }

  // ---- Render ----

  override render(): TemplateResult {
    const sample = this.currentSample;
    return html`
      <div class="header">
        <span class="title" id="title">
          ${this.mode === '2d' ? '2D coloured shapes' : '1D shapes'} · seed ${shownValue(this.seed)}
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
              .value=${shownValue(this.seed)}
              @change=${this.onSeedInput}
            />
          </label>
          <button part="button" @click=${this.exportPng} ?disabled=${!sample}>PNG</button>
          <button part="button" @click=${this.exportJson} ?disabled=${!sample}>JSON</button>
          ${this.renderEmbedButton()}
        </div>
      </div>
      ${this.renderError()}
      ${
        sample
          ? isSample2D(sample)
            ? renderImages2D(sample, {
                highlighted: this.highlight.index,
                description: describeSample(this.seed, sample),
                onPointerMove: this.highlight.onImagePointerMove,
                onPointerLeave: this.highlight.onPointerLeave,
              })
            : this.renderPlot(sample)
          : nothing
      }
      ${sample ? this.renderDetails(sample) : nothing}
      <p class="visually-hidden" aria-live="polite">
        ${sample ? describeSample(this.seed, sample) : ''}
      </p>
    `;
  }

  private renderPlot(sample: Sample1D): TemplateResult {
    return html`
      <div class="plot" part="plot">
        <canvas
          class="fast-plot"
          role="img"
          aria-label=${describeSample(this.seed, sample)}
          ?hidden=${this.chart.ready}
        ></canvas>
        <div class="chart" ?hidden=${!this.chart.ready}></div>
      </div>
      <div class="legend" aria-hidden="true">
        <span><span class="line input"></span> input (own amplitudes + noise)</span>
        <span><span class="line"></span> target (group means)</span>
      </div>
    `;
  }

  private renderDetails(sample: Sample1D | Sample2D): TemplateResult {
    const highlighted = this.highlight.index;
    const active = highlighted >= 0 ? `shape-${highlighted}` : '';
    return html`
      <div class="details">
        <div>
          <p class="section-title" id="shapes-label">Shapes (${sample.shapes.length})</p>
          <ul
            role="listbox"
            part="shapes"
            tabindex="0"
            aria-labelledby="shapes-label"
            aria-activedescendant=${active || nothing}
            @keydown=${this.highlight.onListKeyDown}
            @pointerleave=${this.highlight.onListPointerLeave}
          >
            ${sample.shapes.map(
              (shape, index) => html`
                <li
                  role="option"
                  id="shape-${index}"
                  aria-selected=${index === highlighted ? 'true' : 'false'}
                  @pointerenter=${() => this.highlightShape(index)}
                >
                  ${renderShapeSummary(shape)}
                </li>
              `,
            )}
          </ul>
        </div>
        <div>
          <p class="section-title" id="groups-label">Groups and their means</p>
          ${renderGroupList(sample)}
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
}

declare global {
  interface HTMLElementEventMap {
    'sample-change': SampleChangeEvent;
    'shape-highlight': ShapeHighlightEvent;
  }
}
