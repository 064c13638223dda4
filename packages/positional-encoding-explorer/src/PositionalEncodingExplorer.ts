import '@decoding-attention/attention-heatmap/attention-heatmap.js';
import type {
  AttentionCellDetail,
  AttentionChangeDetail,
  AttentionHeatmap,
} from '@decoding-attention/attention-heatmap';
import {
  generateShapes1D,
  type EncodingKind,
  type Matrix,
  type Sample1D,
  type Sample2D,
} from '@decoding-attention/core';
import {
  DecodingElement,
  ElementLink,
  VegaChartController,
  fittedWidth,
  canvasToPng,
  composeSideBySide,
  downloadBlob,
  downloadJson,
  eventDetail,
  highlightCells,
  isPositionMarker,
  isSampleSource,
  numberList,
  toJsonText,
  toolbarLabelStyles,
  wordList,
  type ThemeColors,
  word,
} from '@decoding-attention/ui';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, queryAll, state } from 'lit/decorators.js';
import { encodingMenu, featureToggles, numberField } from './controls.js';
import { curveRows, curvesSpec, offsetSpec } from './charts.js';
import {
  ENCODING_ABOUT,
  attentionKinds,
  attentionPart,
  defaultFeatures,
  ropeOffsets,
  ropeVerdict,
  similarityVerdict,
  workOutEncoding,
  workingsAsData,
  type AttentionPart,
  type RopeOffsets,
  type WorkedEncoding,
} from './encodings.js';
import { EXPLORER_VIEWS, type EncodingChangeDetail, type PositionHoverDetail } from './events.js';
import { EXPLORER_LIMITS } from './limits.js';
import { ropeDial } from './rope-dial.js';
import { validateSettings } from './validation.js';
import { explorerStyles } from './positional-encoding-explorer.styles.js';
import { VERSION } from './version.js';

const COSINE_DOMAIN = [-1, 1] as const;

/** Which properties each part is worked out from, and the charts drawn from. */
const SHARED_INPUTS = ['encoding', 'compare', 'dim', 'base', 'seed'];
const ENCODING_INPUTS = [...SHARED_INPUTS, 'length', 'measure', 'table'];
const ATTENTION_INPUTS = [...SHARED_INPUTS, 'strength', 'sampleLength', 'linkedSample', 'view'];
/** A change of theme redraws the charts too (`themeChanged`). */
const CHART_INPUTS = [...ENCODING_INPUTS, 'features', 'view'];

/** A followed element's sample, if it is a 1D one (the attention part works on a series). */
function sample1D(sample: Sample1D | Sample2D | undefined): Sample1D | undefined {
  return sample && typeof sample === 'object' && !('width' in sample) && sample.input
    ? sample
    : undefined;
}

/** Elements `for` can name: a viewer (before or after its tag is defined) or any sample source. */
function isFollowable(element: Element): element is HTMLElement {
  return element.localName === 'shape-dataset-viewer' || isSampleSource(element);
}

/** A setting as a form control shows it: a bad value set from script (a symbol, say) shows as none. */
function textOf(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

/** Lets the page breathe: the next piece of work runs in a task of its own. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Positional encodings side by side with what they do: the table, chosen features as curves,
 * how alike positions are, RoPE's rotations and its relative property, and attention on a 1D
 * sample without and with the encoding.
 *
 * @tag positional-encoding-explorer
 * @summary Linear, learnable, sinusoidal and RoPE encodings, and their effect on attention.
 *
 * @attr {'auto' | 'light' | 'dark'} theme - `light` or `dark` forces a colour scheme; `auto` (the default) follows the reader's.
 *
 * @fires position-hover - A position was hovered in the table, the curves or an attention map. `detail: { position }`, -1 when left.
 * @fires encoding-change - The encodings were worked out anew. `detail: { encoding, compare, length, dim, base, pe }`.
 * @fires attention-change - Attention on the sample with the encoding, for `<attention-heatmap for="...">` elsewhere. `detail: { heads }`.
 *
 * @csspart controls - The encoding choices.
 * @csspart button - Every button.
 * @csspart section - Each part: encoding, similarity, RoPE, attention.
 * @csspart curves - The curves chart.
 * @csspart offsets - The RoPE chart of scores against the offset.
 * @csspart dial - The RoPE rotation dial.
 * @csspart error - The message shown for bad input.
 *
 * @cssprop [--da-heatmap-size] - Width of each heatmap.
 * @cssprop [--da-color-accent] - The hovered position and the dial's vector.
 */
export class PositionalEncodingExplorer extends DecodingElement {
  // ---- Static ----

  static readonly version = VERSION;
  static override styles = [...DecodingElement.styles, toolbarLabelStyles, explorerStyles];

  // ---- Controllers and fields ----

  private readonly curvesChart = new VegaChartController(this, 'the curves chart');
  private readonly offsetsChart = new VegaChartController(this, 'the position-offsets chart');
  private readonly link = new ElementLink<HTMLElement>(
    this,
    (target) => {
      target.addEventListener('sample-change', this.onSampleChange);
      if (isSampleSource(target)) this.linkedSample = sample1D(target.sample);
    },
    (target) => {
      target.removeEventListener('sample-change', this.onSampleChange);
      if (isPositionMarker(target)) target.markPositions([]);
      this.linkedSample = undefined;
    },
    isFollowable,
    'a <shape-dataset-viewer>',
  );

  private worked: WorkedEncoding[] = [];
  private attention: AttentionPart[] = [];
  private offsets: RopeOffsets | undefined;
  /** Set when the charts must be drawn afresh whatever changed (first render, error, reconnect, theme). */
  private chartsStale = true;
  /** True while nothing is worked out (first render, after an error): work everything out. */
  private cleared = true;
  /** Counts the runs of work; a run overtaken by a newer one drops what it worked out. */
  private run = 0;
  /** True while a run of work is under way (the charts wait for it). */
  private working = false;
  /** The message of a run that failed, kept until an input changes. */
  private workFailed = false;

  // ---- Queries ----

  @query('.curves') private curvesContainer?: HTMLDivElement;
  @query('.offsets') private offsetsContainer?: HTMLDivElement;
  @queryAll('attention-heatmap.table') private tableHeatmaps!: NodeListOf<AttentionHeatmap>;
  @queryAll('attention-heatmap.similarity')
  private similarityHeatmaps!: NodeListOf<AttentionHeatmap>;
  @queryAll('attention-heatmap.attention')
  private attentionHeatmaps!: NodeListOf<AttentionHeatmap>;

  // ---- State ----

  @state() private linkedSample: Sample1D | undefined;

  // ---- Properties ----

  /** `linear`, `learnable`, `sinusoidal`, `sinusoidal-inverted` or `rope`. */
  @property({ reflect: true, converter: word }) encoding: EncodingKind = 'sinusoidal';
  /** A second encoding shown beside the first. */
  @property({ reflect: true, converter: word }) compare?: EncodingKind | '';
  /** Positions in the table (default 64). */
  @property({ type: Number }) length = 64;
  /** Features per position (default 32). */
  @property({ type: Number }) dim = 32;
  /** Base of the sinusoidal and RoPE frequencies (default 10000). */
  @property({ type: Number }) base = 10000;
  /** Seed of the learnable table, and of the sample when not following a viewer. */
  @property({ type: Number }) seed = 0;
  /** The features drawn as curves, as `"0 1 8 9"`; by default a fast, a middle and a slow pair. */
  @property({ converter: numberList }) features?: number[];
  /** How position similarity is measured: `cosine` (default) or `dot`. */
  @property() measure: 'cosine' | 'dot' = 'cosine';
  /** The parts shown, as `"encoding similarity rope attention"` (the RoPE part needs `rope` chosen); by default all. */
  @property({ converter: wordList }) view?: string[] = [...EXPLORER_VIEWS];
  /** Id of a `<shape-dataset-viewer>` whose sample the attention part uses. */
  @property({ reflect: true, converter: word }) for?: string;
  /** How strongly an additive encoding is mixed into the features, in the attention part (default 0.3). */
  @property({ type: Number }) strength = 0.3;
  /** Length of the sample the attention part uses when not following a viewer (default 160). */
  @property({ type: Number, attribute: 'sample-length' }) sampleLength = 160;
  /** The RoPE pair shown on the dial. */
  @property({ type: Number }) pair = 0;
  /** The position shown on the dial (default 10, or the last position of a shorter table). */
  @property({ type: Number }) position?: number;
  /** A trained table for `learnable`, `length x dim` row-major (from a trained model). */
  @property({ attribute: false }) table?: ArrayLike<number>;

  /** The encodings shown: for each, its `length x dim` table. */
  get tables(): Float32Array[] {
    return this.worked.map((w) => w.pe);
  }

  /** For each encoding shown, the largest spread of its similarity along a diagonal (0: distance alone counts). */
  get spreads(): number[] {
    return this.worked.map((w) => w.spread);
  }

  /** What the last `attention-change` carried (attention with the encoding), for followers that attach later. */
  get currentAttention(): { heads: Matrix[] } | undefined {
    const withEncoding = this.attention[1];
    return withEncoding ? { heads: [withEncoding.matrix] } : undefined;
  }

  /** The attention matrices of the attention part: without, then with each encoding. */
  get attentionMaps(): Matrix[] {
    return this.attention.map((a) => a.matrix);
  }

  /** The parts shown (all of them when `view` is not set). */
  private get views(): readonly string[] {
    return this.view ?? EXPLORER_VIEWS;
  }

  private get kinds(): EncodingKind[] {
    return this.compare ? [this.encoding, this.compare] : [this.encoding];
  }

  /** The features drawn as curves: `features`, or the default pairs. */
  private get shownFeatures(): number[] {
    return this.features ?? defaultFeatures(this.dim);
  }

  // ---- Lifecycle ----

  override connectedCallback(): void {
    super.connectedCallback();
    // Back on the page after a move: the charts were let go on leaving, so draw them again.
    if (this.hasUpdated) {
      this.chartsStale = true;
      this.requestUpdate();
    }
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('for')) this.link.follow(typeof this.for === 'string' ? this.for : undefined);
    const keys = [...changed.keys()] as string[];
    const inputChanged = keys.some(
      (key) => ENCODING_INPUTS.includes(key) || ATTENTION_INPUTS.includes(key),
    );
    try {
      this.validate();
    } catch (error) {
      // Nothing is shown but the message: the parts and their charts go until the input is fixed.
      this.clearWorkings();
      this.reportError(error);
      return;
    }
    // A run that failed keeps its message until an input changes.
    if (this.workFailed && !inputChanged) return;
    this.workFailed = false;
    this.clearError();
    const all = this.cleared;
    const encodings = all || keys.some((key) => ENCODING_INPUTS.includes(key));
    const attention = all || keys.some((key) => ATTENTION_INPUTS.includes(key));
    if (encodings || attention) this.trackWork(this.workOut(encodings, attention));
  }

  /**
   * Also waits for the heatmaps of the render that a run of work asked for: the base class
   * looks for nested elements before that render, so it may not see them.
   */
  protected override async getUpdateComplete(): Promise<boolean> {
    const result = await super.getUpdateComplete();
    const heatmaps = [...this.renderRoot.querySelectorAll<AttentionHeatmap>('attention-heatmap')];
    await Promise.all(heatmaps.map((heatmap) => heatmap.updateComplete));
    return result;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // While a run is under way the charts wait for it: it marks them stale when it lands.
    if (this.errorMessage || this.working) return;
    const keys = [...changed.keys()] as string[];
    if (this.chartsStale || keys.some((key) => CHART_INPUTS.includes(key))) {
      this.chartsStale = false;
      this.drawCharts();
    }
  }

  /** The reader's colour scheme or `theme` changed: the charts are drawn again in the new colours. */
  protected override themeChanged(_colors: ThemeColors): void {
    this.chartsStale = true;
    this.requestUpdate();
  }

  // ---- Validation ----

  /** Checks every value under its attribute's name, before any reaches the encodings. */
  private validate(): void {
    this.validateTheme();
    validateSettings(this);
    const problem = this.link.problem;
    if (problem) throw new RangeError(problem);
  }

  // ---- Event handlers ----

  private readonly onSampleChange = (event: Event): void => {
    const sample = sample1D(eventDetail<{ sample: Sample1D | Sample2D }>(event)?.sample);
    if (sample) this.linkedSample = sample;
  };

  /** A table row hovered: the other tables show the same cell, the other views the position. */
  private onTableHover(event: CustomEvent<AttentionCellDetail>): void {
    highlightCells(this.tableHeatmaps, event.detail.query, event.detail.key, event.target);
    this.hoverPosition(event.detail.query, 'table');
  }

  private onSimilarityHover(event: CustomEvent<AttentionCellDetail>): void {
    highlightCells(this.similarityHeatmaps, event.detail.query, event.detail.key, event.target);
    this.hoverPosition(event.detail.query, 'similarity');
  }

  /** An attention cell hovered: the same cell in the other maps, its query and key in the viewer. */
  private onAttentionHover(event: CustomEvent<AttentionCellDetail>): void {
    const { query, key } = event.detail;
    highlightCells(this.attentionHeatmaps, query, key, event.target);
    const viewer = this.link.element;
    if (isPositionMarker(viewer)) viewer.markPositions(query >= 0 ? [query, key] : []);
  }

  /** Shows `position` everywhere it appears: the curves' rule, the tables' rows, the similarity's diagonal. */
  private hoverPosition(position: number, from: 'curves' | 'table' | 'similarity'): void {
    void this.curvesChart.update(async (chart) => {
      await chart.view.signal('position', position).runAsync();
    });
    if (from !== 'table')
      highlightCells(this.tableHeatmaps, position, (heatmap) => heatmap.activeCell?.key ?? 0);
    if (from !== 'similarity') highlightCells(this.similarityHeatmaps, position, position);
    this.emit<PositionHoverDetail>('position-hover', { position });
  }

  private toggleFeature(feature: number): void {
    const shown = this.shownFeatures;
    this.features = shown.includes(feature)
      ? shown.filter((f) => f !== feature)
      : [...shown, feature].sort((a, b) => a - b);
  }

  /** Sets the table's size from the controls, keeping the dial and the curves inside it. */
  private resizeTable(length: number, dim: number): void {
    this.length = length;
    this.dim = dim;
    if (this.position !== undefined)
      this.position = Math.min(this.position, Math.max(0, length - 1));
    this.pair = Math.min(this.pair, Math.max(0, Math.floor(dim / 2) - 1));
    if (this.features) this.features = this.features.filter((f) => f < dim);
  }

  private async exportPng(): Promise<void> {
    try {
      downloadBlob(await this.toPNG(), `positional-encoding-${this.encoding}.png`);
    } catch (error) {
      this.reportError(error);
    }
  }

  private exportJson(): void {
    downloadJson(this.toJSON(), `positional-encoding-${this.encoding}.json`);
  }

  // ---- Encodings and attention ----

  /** Drops everything worked out, and any run under way. */
  private clearWorkings(): void {
    this.run++;
    this.working = false;
    this.cleared = true;
    this.worked = [];
    this.attention = [];
    this.offsets = undefined;
    this.curvesChart.clear();
    this.offsetsChart.clear();
    this.chartsStale = true;
  }

  /**
   * Works out the encodings and the attention maps asked for, each in a task of its own (at the
   * limits one piece takes tens of milliseconds), then shows them all at once. A newer run
   * overtakes this one; a failure is shown as the message.
   */
  private async workOut(encodings: boolean, attention: boolean): Promise<void> {
    const run = ++this.run;
    this.working = true;
    const current = () => run === this.run && this.isConnected;
    const { length, dim, base, seed, measure, table, strength } = this;
    const kinds = this.kinds;
    try {
      let worked = this.worked;
      let offsets = this.offsets;
      if (encodings) {
        worked = [];
        for (const kind of kinds) {
          await nextTask();
          if (!current()) return;
          worked.push(workOutEncoding(kind, { length, dim, base, seed, measure, table }));
        }
        offsets = kinds.includes('rope') ? ropeOffsets({ length, dim, base, seed }) : undefined;
      }
      let maps = this.attention;
      if (attention) {
        maps = [];
        const input = this.views.includes('attention') ? this.attentionInput() : undefined;
        for (const kind of input ? attentionKinds(kinds) : []) {
          await nextTask();
          if (!current()) return;
          maps.push(attentionPart(input!, kind, { dim, strength, base, seed }));
        }
      }
      if (!current()) return;
      this.worked = worked;
      this.offsets = offsets;
      this.attention = maps;
      this.cleared = false;
      this.working = false;
      this.chartsStale = true;
      this.requestUpdate();
      if (encodings) this.announceEncodings();
      if (attention) this.announceAttention();
    } catch (error) {
      if (!current()) return;
      this.clearWorkings();
      this.workFailed = true;
      this.reportError(error);
    }
  }

  /** The sample the attention part uses: the followed viewer's (its first positions, up to the limit), or its own. */
  private attentionInput(): ArrayLike<number> {
    const linked = this.linkedSample?.input;
    if (!linked) return generateShapes1D({ seed: this.seed, length: this.sampleLength }).input;
    const used = Array.from(
      { length: Math.min(linked.length, EXPLORER_LIMITS.sampleLength) },
      (_, i) => Number(linked[i]),
    );
    if (!used.every(Number.isFinite))
      throw new RangeError(
        `for="${String(this.for)}": the followed sample holds a value that is not a finite number`,
      );
    return used;
  }

  private announceEncodings(): void {
    this.emit<EncodingChangeDetail>('encoding-change', {
      encoding: this.encoding,
      compare: this.compare || undefined,
      length: this.length,
      dim: this.dim,
      base: this.base,
      pe: this.worked[0].pe,
    });
  }

  private announceAttention(): void {
    const attention = this.currentAttention;
    if (attention) this.emit<AttentionChangeDetail>('attention-change', attention);
  }

  // ---- Charts ----

  /** Draws the curves and the offsets chart shown, in the theme's colours now. */
  private drawCharts(): void {
    const colors = this.colors;
    const curves = this.curvesContainer;
    if (curves && this.worked.length > 0) {
      const rows = curveRows(this.worked, this.shownFeatures, this.length, this.dim);
      void this.curvesChart.draw({
        container: curves,
        spec: curvesSpec(rows, this.length, fittedWidth(curves), colors),
        colors,
        // The heatmap beside it may arrive or leave after the draw: the chart follows its panel.
        followWidth: {},
        setUp: (chart) => {
          chart.view.addSignalListener('hover', (_name, value: { position?: number[] } | null) =>
            this.hoverPosition(value?.position?.[0] ?? -1, 'curves'),
          );
        },
      });
    } else this.curvesChart.clear();
    const offsets = this.offsetsContainer;
    if (offsets && this.offsets) {
      void this.offsetsChart.draw({
        container: offsets,
        spec: offsetSpec(this.offsets.rows, fittedWidth(offsets)),
        colors,
        followWidth: {},
      });
    } else this.offsetsChart.clear();
  }

  // ---- Public API ----

  /** The encodings, their similarities and the attention maps, as plain data. */
  toJSON(): Record<string, unknown> {
    const { encoding, compare, length, dim, base, seed, measure } = this;
    const settings = { encoding, compare: compare || undefined, length, dim, base, seed, measure };
    const data = workingsAsData(settings, this.worked, this.offsets, this.attention);
    return JSON.parse(toJsonText(data)) as Record<string, unknown>;
  }

  /** A PNG of the heatmaps shown (tables, similarities, attention), side by side. */
  async toPNG(): Promise<Blob> {
    await this.updateComplete;
    const heatmaps = [...this.renderRoot.querySelectorAll<AttentionHeatmap>('attention-heatmap')];
    if (heatmaps.length === 0) throw new Error('Nothing to export: the attributes are not valid.');
    const bitmaps = await Promise.all(
      heatmaps.map(async (h) => createImageBitmap(await h.toPNG())),
    );
    const canvas = composeSideBySide(bitmaps, { gap: 16, background: this.colors.background });
    bitmaps.forEach((b) => b.close());
    return canvasToPng(canvas);
  }

  // ---- Render ----

  override render(): TemplateResult {
    const views = this.views;
    return html`
      ${this.renderControls()} ${this.renderError()}
      ${
        this.worked.length === 0
          ? nothing
          : html`
              ${views.includes('encoding') ? this.renderEncoding() : nothing}
              ${views.includes('similarity') ? this.renderSimilarity() : nothing}
              ${views.includes('rope') && this.offsets ? this.renderRope(this.offsets) : nothing}
              ${views.includes('attention') ? this.renderAttention() : nothing}
            `
      }
    `;
  }

  private renderControls(): TemplateResult {
    return html`
      <div class="toolbar controls" part="controls">
        ${encodingMenu('Encoding', textOf(this.encoding), (v) => (this.encoding = v as EncodingKind))}
        ${encodingMenu('Compare with', textOf(this.compare), (v) => (this.compare = v), true)}
        ${numberField('Length', this.length, (v) => this.resizeTable(v, this.dim), 2)}
        ${numberField('Dim', this.dim, (v) => this.resizeTable(this.length, v), 2)}
        ${numberField('Base', this.base, (v) => (this.base = v), 2)}
        <button part="button" @click=${this.exportPng}>PNG</button>
        <button part="button" @click=${this.exportJson}>JSON</button>
        ${this.renderEmbedButton()}
      </div>
    `;
  }

  private renderEncoding(): TemplateResult {
    return html`
      <section part="section" aria-labelledby="encoding-title">
        <h2 id="encoding-title">The encoding</h2>
        ${this.worked.map((w) => html`<p class="about">${ENCODING_ABOUT[w.kind]}</p>`)}
        <div class="row">
          ${this.worked.map(
            (w) => html`
              <attention-heatmap
                class="table"
                compact
                colormap="rdbu"
                label=${`${w.kind} encoding`}
                query-label="Position"
                key-label="Feature"
                theme=${this.theme}
                .matrix=${w.table}
                @attention-hover=${this.onTableHover}
              ></attention-heatmap>
            `,
          )}
          <div class="chart">
            ${featureToggles(this.dim, this.shownFeatures, (f) => this.toggleFeature(f))}
            <div class="curves" part="curves"></div>
          </div>
        </div>
      </section>
    `;
  }

  private renderSimilarity(): TemplateResult {
    return html`
      <section part="section" aria-labelledby="similarity-title">
        <h2 id="similarity-title">How alike are two positions?</h2>
        <p class="about">
          Each cell is the ${this.measure === 'cosine' ? 'cosine similarity' : 'dot product'} of two
          positions' encodings. If every diagonal is constant, similarity depends on the distance
          between positions alone, not on where they are.
        </p>
        <div class="row">
          ${this.worked.map(
            (w) => html`
              <div>
                <attention-heatmap
                  class="similarity"
                  compact
                  colormap="rdbu"
                  label=${`${w.kind}: similarity`}
                  query-label="Position"
                  key-label="Position"
                  theme=${this.theme}
                  .domain=${this.measure === 'cosine' ? COSINE_DOMAIN : undefined}
                  .matrix=${w.similarity}
                  @attention-hover=${this.onSimilarityHover}
                ></attention-heatmap>
                <p class="verdict">${similarityVerdict(w)}</p>
              </div>
            `,
          )}
        </div>
      </section>
    `;
  }

  private renderRope(offsets: RopeOffsets): TemplateResult {
    return html`
      <section part="section" aria-labelledby="rope-title">
        <h2 id="rope-title">RoPE: rotations that only see the offset</h2>
        <p class="about">
          RoPE turns feature pair i of every query and key by position × base<sup>−2i/d</sup>. A
          score q<sub>m</sub> · k<sub>n</sub> then depends on the turn between them, (m − n) ×
          base<sup>−2i/d</sup>: the same content at any absolute position scores the same for the
          same offset.
        </p>
        <div class="row">
          ${ropeDial({
            pair: this.pair,
            position: this.position ?? Math.min(10, this.length - 1),
            length: this.length,
            dim: this.dim,
            base: this.base,
            onPosition: (position) => (this.position = position),
            onPair: (pair) => (this.pair = pair),
          })}
          <div class="chart">
            <div class="offsets" part="offsets"></div>
            <p class="verdict">${ropeVerdict(offsets)}</p>
          </div>
        </div>
      </section>
    `;
  }

  private renderAttention(): TemplateResult {
    const linkedLength = this.linkedSample?.input.length ?? 0;
    const source =
      linkedLength > EXPLORER_LIMITS.sampleLength
        ? `the first ${EXPLORER_LIMITS.sampleLength} of the ${linkedLength} positions of the linked viewer's sample`
        : linkedLength > 0
          ? `the sample of the linked viewer`
          : `a 1D sample (seed ${this.seed}, length ${this.sampleLength})`;
    return html`
      <section part="section" aria-labelledby="attention-title">
        <h2 id="attention-title">What it does to attention</h2>
        <p class="about">
          Attention on ${source}, each position described by its local shape. Without an encoding,
          two positions with the same shape look the same wherever they are; with one, position
          enters the score.
        </p>
        <div class="row">
          ${this.attention.map(
            (part) => html`
              <attention-heatmap
                class="attention"
                compact
                label=${part.label}
                theme=${this.theme}
                .matrix=${part.matrix}
                @attention-hover=${this.onAttentionHover}
              ></attention-heatmap>
            `,
          )}
        </div>
      </section>
    `;
  }
}
