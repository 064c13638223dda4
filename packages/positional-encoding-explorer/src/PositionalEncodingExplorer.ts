import '@decoding-attention/attention-heatmap/attention-heatmap.js';
import type {
  AttentionCellDetail,
  AttentionChangeDetail,
  AttentionHeatmap,
} from '@decoding-attention/attention-heatmap';
import {
  ENCODING_KINDS,
  checkInteger,
  checkNumber,
  checkOneOf,
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
import { chartWidth, curveRows, curvesSpec, offsetSpec } from './charts.js';
import {
  ENCODING_ABOUT,
  attentionParts,
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
import { ropeDial } from './rope-dial.js';
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
  return sample && !('width' in sample) ? sample : undefined;
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
  );

  private worked: WorkedEncoding[] = [];
  private attention: AttentionPart[] = [];
  private offsets: RopeOffsets | undefined;
  /** Set when the charts must be drawn afresh whatever changed (first render, error, reconnect, theme). */
  private chartsStale = true;

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
    if (changed.has('for')) this.link.follow(this.for);
    const keys = [...changed.keys()] as string[];
    // After an error nothing was worked out: work everything out again.
    const all = !this.hasUpdated || Boolean(this.errorMessage);
    const encodings = all || keys.some((key) => ENCODING_INPUTS.includes(key));
    const attention = all || keys.some((key) => ATTENTION_INPUTS.includes(key));
    try {
      this.validate();
      if (encodings) this.workOutEncodings();
      if (attention) this.workOutAttention();
      this.clearError();
    } catch (error) {
      // Nothing is shown but the message: the parts and their charts go until the input is fixed.
      this.worked = [];
      this.attention = [];
      this.offsets = undefined;
      this.curvesChart.clear();
      this.offsetsChart.clear();
      this.chartsStale = true;
      this.reportError(error);
      return;
    }
    if (encodings) this.announceEncodings();
    if (attention) this.announceAttention();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (this.errorMessage) return;
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
    checkOneOf('encoding', this.encoding, ENCODING_KINDS);
    if (this.compare) checkOneOf('compare', this.compare, ENCODING_KINDS);
    checkInteger('length', this.length, 2, 2048);
    checkInteger('dim', this.dim, 2, 512);
    checkNumber('base', this.base, 1.000001);
    checkInteger('seed', this.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
    checkNumber('strength', this.strength, 0);
    checkInteger('sample-length', this.sampleLength, 40, 2048);
    checkOneOf('measure', this.measure, ['cosine', 'dot'] as const);
    for (const part of this.views) checkOneOf('view', part, EXPLORER_VIEWS);
    for (const feature of this.features ?? []) checkInteger('features', feature, 0, this.dim - 1);
    checkInteger('pair', this.pair, 0, Math.floor(this.dim / 2) - 1);
    if (this.position !== undefined) checkInteger('position', this.position, 0, this.length - 1);
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

  private workOutEncodings(): void {
    const { length, dim, base, seed, measure, table } = this;
    this.worked = this.kinds.map((kind) =>
      workOutEncoding(kind, { length, dim, base, seed, measure, table }),
    );
    this.offsets = this.kinds.includes('rope')
      ? ropeOffsets({ length, dim, base, seed })
      : undefined;
  }

  private workOutAttention(): void {
    if (!this.views.includes('attention')) {
      this.attention = [];
      return;
    }
    const input =
      this.linkedSample?.input ??
      generateShapes1D({ seed: this.seed, length: this.sampleLength }).input;
    const { dim, strength, base, seed } = this;
    this.attention = attentionParts(input, this.kinds, { dim, strength, base, seed });
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
        spec: curvesSpec(rows, this.length, chartWidth(curves), colors),
        colors,
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
        spec: offsetSpec(this.offsets.rows, chartWidth(offsets)),
        colors,
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
        ${encodingMenu('Encoding', this.encoding, (v) => (this.encoding = v as EncodingKind))}
        ${encodingMenu('Compare with', this.compare ?? '', (v) => (this.compare = v), true)}
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
        <h3 id="encoding-title">The encoding</h3>
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
        <h3 id="similarity-title">How alike are two positions?</h3>
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
        <h3 id="rope-title">RoPE: rotations that only see the offset</h3>
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
    const source = this.linkedSample
      ? `the sample of the linked viewer`
      : `a 1D sample (seed ${this.seed}, length ${this.sampleLength})`;
    return html`
      <section part="section" aria-labelledby="attention-title">
        <h3 id="attention-title">What it does to attention</h3>
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
