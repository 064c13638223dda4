import '@decoding-attention/attention-heatmap/attention-heatmap.js';
import type { AttentionCellDetail, AttentionHeatmap } from '@decoding-attention/attention-heatmap';
import {
  ENCODING_KINDS,
  SeededRandom,
  checkInteger,
  checkNumber,
  checkOneOf,
  distanceSpread,
  encodedAttention1D,
  generateShapes1D,
  matrixToArrays,
  pairFrequency,
  positionSimilarity,
  positionalEncoding,
  ropeScoresByOffset,
  type EncodingKind,
  type Matrix,
  type Sample1D,
} from '@decoding-attention/core';
import {
  DecodingElement,
  ElementLink,
  attributeNamesFor,
  canvasToPng,
  composeSideBySide,
  downloadBlob,
  downloadJson,
  embedChart,
  readThemeColors,
  toJsonText,
  type Chart,
} from '@decoding-attention/ui';
import { css, html, nothing, svg, type PropertyValues, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { property, query, state } from 'lit/decorators.js';
import { curvesSpec, offsetSpec, type CurveRow, type OffsetRow } from './charts.js';
import { VERSION } from './version.js';

/** The parts of the explorer, shown in this order; `view` picks some. */
export const EXPLORER_VIEWS = ['encoding', 'similarity', 'rope', 'attention'] as const;
export type ExplorerView = (typeof EXPLORER_VIEWS)[number];

/** What `position-hover` carries. */
export interface PositionHoverDetail {
  /** The position hovered in any part of the explorer, or -1. */
  position: number;
}

/** What `encoding-change` carries: the encodings shown, as numbers. */
export interface EncodingChangeDetail {
  encoding: EncodingKind;
  compare: EncodingKind | undefined;
  length: number;
  dim: number;
  base: number;
  /** The first encoding, `length x dim` row-major. */
  pe: Float32Array;
}

/** One encoding worked out: its table, how alike its positions are, and whether that depends on distance alone. */
interface Worked {
  kind: EncodingKind;
  pe: Float32Array;
  /** The same table as a matrix; one object, so the heatmap showing it is not redrawn needlessly. */
  table: Matrix;
  similarity: Matrix;
  spread: number;
}

const COSINE_DOMAIN = [-1, 1] as const;

/** Which properties each part is worked out from. */
const ENCODING_INPUTS = [
  'encoding',
  'compare',
  'length',
  'dim',
  'base',
  'seed',
  'measure',
  'table',
];
const ATTENTION_INPUTS = [
  'encoding',
  'compare',
  'dim',
  'base',
  'seed',
  'strength',
  'sampleLength',
  'linkedSample',
  'view',
];
const CHART_INPUTS = [
  'encoding',
  'compare',
  'length',
  'dim',
  'base',
  'seed',
  'features',
  'table',
  'view',
  'theme',
  'measure',
];

const ABOUT: Record<EncodingKind, string> = {
  linear:
    'Linear: position / (length − 1) in every feature. One number that grows: nearby positions look alike, but so do any two late positions, and the values depend on the length.',
  learnable:
    'Learnable: a table of numbers, one row per position, started at random (N(0, 0.02)) and learned with the model. Untrained, it is noise: nothing about order is in it yet.',
  sinusoidal:
    'Sinusoidal: pairs of sin and cos at frequencies from 1 down to 1/10000. Fast pairs tell neighbours apart, slow pairs tell regions apart, and every position gets a distinct, bounded code.',
  'sinusoidal-inverted':
    "Inverted frequencies (the draft's slip): 10000^(+2i/d) in place of 10000^(−2i/d). Most pairs turn thousands of radians per step, so they alias into noise: watch the curves and the similarity.",
  rope: 'RoPE: nothing is added. Each pair of query and key features is turned by an angle proportional to its position; shown here are the cos and sin of those angles.',
};

const DEFAULTS = { length: 64, dim: 32, base: 10000, sampleLength: 160 };

/** Reads lists written as `"0 1 8"` (spaces or commas). */
const numberList = {
  fromAttribute: (value: string | null) =>
    (value ?? '')
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number),
  toAttribute: (value: number[]) => value.join(' '),
};
const wordList = {
  fromAttribute: (value: string | null) => (value ?? '').split(/[\s,]+/).filter(Boolean),
  toAttribute: (value: string[]) => value.join(' '),
};

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
 * @csspart dial - The RoPE rotation dial.
 * @csspart error - The message shown for bad input.
 *
 * @cssprop [--da-heatmap-size] - Width of each heatmap.
 * @cssprop [--da-color-accent] - The hovered position and the dial's vector.
 */
export class PositionalEncodingExplorer extends DecodingElement {
  static readonly version = VERSION;

  static override styles = [
    ...DecodingElement.styles,
    css`
      :host {
        --da-heatmap-size: 260px;
      }
      .controls {
        margin-bottom: 0.75rem;
      }
      .controls label {
        display: inline-flex;
        gap: 0.3rem;
        align-items: center;
        color: var(--_muted);
        font-size: 0.85em;
      }
      .controls input[type='number'] {
        width: 5.5rem;
      }
      section {
        border-top: 1px solid var(--_border);
        padding-top: 0.75rem;
        margin-top: 0.75rem;
      }
      h3 {
        margin: 0 0 0.25rem;
        font-size: 1em;
      }
      .about {
        color: var(--_muted);
        margin: 0 0 0.5rem;
        max-width: 70ch;
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 1rem;
        align-items: flex-start;
      }
      .row > * {
        flex: 0 1 auto;
        min-width: 0;
      }
      attention-heatmap {
        border: none;
        padding: 0;
      }
      .chart {
        flex: 1 1 320px;
        min-width: 280px;
      }
      .features {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem;
        margin: 0.25rem 0;
        font-size: 0.8em;
      }
      .features button {
        min-height: 1.6rem;
        padding: 0 0.4rem;
      }
      .features button[aria-pressed='true'] {
        border-color: var(--_accent);
        box-shadow: inset 0 0 0 1px var(--_accent);
      }
      .verdict {
        font-weight: 600;
      }
      .dial {
        display: grid;
        gap: 0.4rem;
        justify-items: start;
      }
      .dial svg {
        width: 180px;
        height: 180px;
      }
      .dial .circle {
        fill: none;
        stroke: var(--_border);
      }
      .dial .axis {
        stroke: var(--_border);
      }
      .dial .trail {
        fill: var(--_muted);
      }
      .dial .vector {
        stroke: var(--_accent);
        stroke-width: 3;
        stroke-linecap: round;
      }
      .dial .tip {
        fill: var(--_accent);
      }
      .note {
        color: var(--_muted);
        font-size: 0.85em;
      }
      output {
        font-variant-numeric: tabular-nums;
      }
    `,
  ];

  @query('.curves') private curvesContainer?: HTMLDivElement;
  @query('.offsets') private offsetsContainer?: HTMLDivElement;

  @state() private linkedSample: Sample1D | undefined;

  /** `linear`, `learnable`, `sinusoidal`, `sinusoidal-inverted` or `rope`. */
  @property({ reflect: true }) encoding: EncodingKind = 'sinusoidal';
  /** A second encoding shown beside the first. */
  @property({ reflect: true }) compare?: EncodingKind | '';
  /** Positions in the table (default 64). */
  @property({ type: Number }) length = DEFAULTS.length;
  /** Features per position (default 32). */
  @property({ type: Number }) dim = DEFAULTS.dim;
  /** Base of the sinusoidal and RoPE frequencies (default 10000). */
  @property({ type: Number }) base = DEFAULTS.base;
  /** Seed of the learnable table, and of the sample when not following a viewer. */
  @property({ type: Number }) seed = 0;
  /** The features drawn as curves, as `"0 1 8 9"`; by default a fast, a middle and a slow pair. */
  @property({ converter: numberList }) features?: number[];
  /** How position similarity is measured: `cosine` (default) or `dot`. */
  @property() measure: 'cosine' | 'dot' = 'cosine';
  /** The parts shown, as `"encoding similarity rope attention"` (the RoPE part needs `rope` chosen). */
  @property({ converter: wordList }) view: string[] = [...EXPLORER_VIEWS];
  /** Id of a `<shape-dataset-viewer>` whose sample the attention part uses. */
  @property({ reflect: true }) for?: string;
  /** How strongly an additive encoding is mixed into the features, in the attention part (default 0.3). */
  @property({ type: Number }) strength = 0.3;
  /** Length of the sample the attention part uses when not following a viewer (default 160). */
  @property({ type: Number, attribute: 'sample-length' }) sampleLength = DEFAULTS.sampleLength;
  /** The RoPE pair shown on the dial. */
  @property({ type: Number }) pair = 0;
  /** The position shown on the dial (default 10, or the last position of a shorter table). */
  @property({ type: Number }) position?: number;
  /** A trained table for `learnable`, `length x dim` row-major (from a trained model). */
  @property({ attribute: false }) table?: ArrayLike<number>;

  private worked: Worked[] = [];
  private attention: { label: string; matrix: Matrix }[] = [];
  private offsets: { rows: OffsetRow[]; spread: number } | undefined;
  private curves: Chart | undefined;
  private offsetChart: Chart | undefined;
  private chartWork: Promise<void> = Promise.resolve();
  private chartGeneration = 0;
  private readonly link = new ElementLink<HTMLElement>(
    this,
    (target) => {
      target.addEventListener('sample-change', this.onSampleChange);
      const sample = (target as HTMLElement & { sample?: Sample1D }).sample;
      if (sample && !('width' in sample)) this.linkedSample = sample;
    },
    (target) => {
      target.removeEventListener('sample-change', this.onSampleChange);
      (target as HTMLElement & { markPositions?: (p: number[]) => void }).markPositions?.([]);
      this.linkedSample = undefined;
    },
  );

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

  override connectedCallback(): void {
    super.connectedCallback();
    // Back on the page after a move: the charts were let go on leaving, so draw them again.
    if (this.hasUpdated) {
      this.chartsStale = true;
      this.requestUpdate();
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.disposeCharts();
  }

  /** Set when the charts must be drawn afresh whatever changed (first render, error, reconnect). */
  private chartsStale = true;

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('for')) this.link.follow(this.for);
    const keys = [...changed.keys()] as string[];
    const hadError = Boolean(this.errorMessage);
    const all = !this.hasUpdated || hadError;
    if (hadError) this.chartsStale = true;
    this.recompute({
      encodings: all || keys.some((key) => ENCODING_INPUTS.includes(key)),
      attention: all || keys.some((key) => ATTENTION_INPUTS.includes(key)),
    });
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (
      !this.errorMessage &&
      (this.chartsStale ||
        ([...changed.keys()] as string[]).some((key) => CHART_INPUTS.includes(key)))
    ) {
      this.chartsStale = false;
      this.chartWork = this.chartWork
        .then(() => this.drawCharts())
        .catch((error: unknown) => {
          console.warn(`<${this.localName}>: a chart could not be drawn.`, error);
        });
    }
  }

  /** Resolves once the charts, loaded lazily, are drawn too. */
  protected override async getUpdateComplete(): Promise<boolean> {
    const result = await super.getUpdateComplete();
    await this.chartWork;
    return result;
  }

  private readonly onSampleChange = (event: Event): void => {
    const sample = (event as CustomEvent<{ sample: Sample1D }>).detail.sample;
    if (sample && !('width' in sample)) this.linkedSample = sample;
  };

  private kinds(): EncodingKind[] {
    return this.compare ? [this.encoding, this.compare] : [this.encoding];
  }

  private recompute(parts: { encodings: boolean; attention: boolean }): void {
    try {
      checkOneOf('encoding', this.encoding, ENCODING_KINDS);
      if (this.compare) checkOneOf('compare', this.compare, ENCODING_KINDS);
      checkInteger('length', this.length, 2, 2048);
      checkInteger('dim', this.dim, 2, 512);
      checkNumber('base', this.base, 1.000001);
      checkInteger('seed', this.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
      checkNumber('strength', this.strength, 0);
      checkInteger('sample-length', this.sampleLength, 40, 2048);
      checkOneOf('measure', this.measure, ['cosine', 'dot'] as const);
      for (const part of this.view) checkOneOf('view', part, EXPLORER_VIEWS);
      for (const feature of this.features ?? []) checkInteger('features', feature, 0, this.dim - 1);
      checkInteger('pair', this.pair, 0, Math.floor(this.dim / 2) - 1);
      if (this.position !== undefined) checkInteger('position', this.position, 0, this.length - 1);
      if (parts.encodings) this.workOutEncodings();
      if (parts.attention)
        this.attention = this.view.includes('attention') ? this.attentionParts() : [];
      this.clearError();
      if (parts.encodings) this.announceEncodings();
      if (parts.attention) this.announceAttention();
    } catch (error) {
      this.worked = [];
      this.attention = [];
      this.offsets = undefined;
      this.reportError(error, attributeNamesFor(['sampleLength']));
    }
  }

  private workOutEncodings(): void {
    const options = { base: this.base, seed: this.seed };
    this.worked = this.kinds().map((kind) => {
      const pe = positionalEncoding(
        kind,
        this.length,
        this.dim,
        kind === 'learnable' ? { ...options, table: this.table } : options,
      );
      const similarity = positionSimilarity(pe, this.length, this.dim, this.measure);
      return {
        kind,
        pe,
        table: { data: pe, rows: this.length, cols: this.dim },
        similarity,
        spread: distanceSpread(similarity),
      };
    });
    this.offsets = this.kinds().includes('rope') ? this.ropeOffsets() : undefined;
  }

  private announceEncodings(): void {
    this.dispatchEvent(
      new CustomEvent<EncodingChangeDetail>('encoding-change', {
        detail: {
          encoding: this.encoding,
          compare: this.compare || undefined,
          length: this.length,
          dim: this.dim,
          base: this.base,
          pe: this.worked[0].pe,
        },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private announceAttention(): void {
    const withEncoding = this.attention[1];
    if (!withEncoding) return;
    this.dispatchEvent(
      new CustomEvent('attention-change', {
        detail: { heads: [withEncoding.matrix] },
        bubbles: true,
        composed: true,
      }),
    );
  }

  /** Scores of one random query and key under RoPE, against the offset, from three starting positions. */
  private ropeOffsets(): { rows: OffsetRow[]; spread: number } {
    const random = new SeededRandom(this.seed + 101);
    const q = Float32Array.from({ length: this.dim }, () => random.gaussian());
    const k = Float32Array.from({ length: this.dim }, () => random.gaussian());
    const starts = [0, Math.round(this.length / 3), Math.round((2 * this.length) / 3)];
    const maxOffset = Math.min(32, this.length - 1);
    const scores = ropeScoresByOffset(q, k, starts, maxOffset, this.base);
    const rows: OffsetRow[] = [];
    let spread = 0;
    for (let o = 0; o < scores.cols; o++) {
      let low = Infinity;
      let high = -Infinity;
      starts.forEach((start, a) => {
        const score = scores.data[a * scores.cols + o];
        rows.push({ offset: o - maxOffset, score, start: String(start) });
        low = Math.min(low, score);
        high = Math.max(high, score);
      });
      spread = Math.max(spread, high - low);
    }
    return { rows, spread };
  }

  private attentionParts(): { label: string; matrix: Matrix }[] {
    const input =
      this.linkedSample?.input ??
      generateShapes1D({ seed: this.seed, length: this.sampleLength }).input;
    const dim = Math.max(16, this.dim);
    const base = { dim, strength: this.strength, base: this.base, seed: this.seed };
    const parts = [
      { label: 'No encoding', matrix: encodedAttention1D(input, { ...base, encoding: 'none' }) },
    ];
    for (const kind of this.kinds()) {
      // A trained table only fits the encoding's own length and width, not the sample's.
      parts.push({
        label: `With ${kind}`,
        matrix: encodedAttention1D(input, { ...base, encoding: kind }),
      });
    }
    return parts;
  }

  private defaultFeatures(): number[] {
    const last = this.dim - 1;
    return [
      ...new Set([
        0,
        1,
        2 * Math.floor(this.dim / 8),
        2 * Math.floor(this.dim / 4) + 1,
        last - 1,
        last,
      ]),
    ]
      .filter((d) => d >= 0 && d <= last)
      .sort((a, b) => a - b);
  }

  private shownFeatures(): number[] {
    return this.features ?? this.defaultFeatures();
  }

  private toggleFeature(feature: number): void {
    const shown = this.shownFeatures();
    this.features = shown.includes(feature)
      ? shown.filter((f) => f !== feature)
      : [...shown, feature].sort((a, b) => a - b);
  }

  // ---- Charts ----

  private disposeCharts(): void {
    this.chartGeneration++;
    this.curves?.finalize();
    this.offsetChart?.finalize();
    this.curves = undefined;
    this.offsetChart = undefined;
  }

  private async drawCharts(): Promise<void> {
    this.disposeCharts();
    const generation = this.chartGeneration;
    const colors = readThemeColors(this.renderRoot as ShadowRoot);
    const width = (container?: HTMLElement) =>
      Math.max(260, Math.floor(container?.clientWidth ?? 400) - 10);
    if (this.curvesContainer && this.worked.length > 0) {
      const rows: CurveRow[] = [];
      for (const { kind, pe } of this.worked) {
        for (const feature of this.shownFeatures()) {
          for (let p = 0; p < this.length; p++) {
            rows.push({
              position: p,
              value: pe[p * this.dim + feature],
              feature: `f${feature}`,
              encoding: kind,
            });
          }
        }
      }
      const chart = await embedChart(
        this.curvesContainer,
        curvesSpec(rows, this.length, width(this.curvesContainer), colors),
        { colors },
      );
      if (generation !== this.chartGeneration || !this.isConnected) {
        chart.finalize();
        return;
      }
      this.curves = chart;
      chart.view.addSignalListener('hover', (_name, value: { position?: number[] } | null) => {
        this.hoverPosition(value?.position?.[0] ?? -1, 'curves');
      });
    }
    if (this.offsetsContainer && this.offsets) {
      const chart = await embedChart(
        this.offsetsContainer,
        offsetSpec(this.offsets.rows, width(this.offsetsContainer)),
        { colors },
      );
      if (generation !== this.chartGeneration || !this.isConnected) {
        chart.finalize();
        return;
      }
      this.offsetChart = chart;
    }
  }

  // ---- Linked hover ----

  /** Shows `position` everywhere it appears: the curves' rule, the tables' rows, the similarity's diagonal. */
  private hoverPosition(position: number, from: 'curves' | 'table' | 'similarity'): void {
    if (this.curves) void this.curves.view.signal('position', position).runAsync();
    for (const heatmap of this.renderRoot.querySelectorAll<AttentionHeatmap>(
      'attention-heatmap.table',
    )) {
      if (from !== 'table') heatmap.highlightCell(position, heatmap.activeCell?.key ?? 0);
    }
    for (const heatmap of this.renderRoot.querySelectorAll<AttentionHeatmap>(
      'attention-heatmap.similarity',
    )) {
      if (from !== 'similarity') heatmap.highlightCell(position, position);
    }
    this.dispatchEvent(
      new CustomEvent<PositionHoverDetail>('position-hover', {
        detail: { position },
        bubbles: true,
        composed: true,
      }),
    );
  }

  private onTableHover(event: CustomEvent<AttentionCellDetail>): void {
    const origin = event.target as AttentionHeatmap;
    for (const heatmap of this.renderRoot.querySelectorAll<AttentionHeatmap>(
      'attention-heatmap.table',
    )) {
      if (heatmap !== origin) heatmap.highlightCell(event.detail.query, event.detail.key);
    }
    this.hoverPosition(event.detail.query, 'table');
  }

  private onSimilarityHover(event: CustomEvent<AttentionCellDetail>): void {
    const origin = event.target as AttentionHeatmap;
    for (const heatmap of this.renderRoot.querySelectorAll<AttentionHeatmap>(
      'attention-heatmap.similarity',
    )) {
      if (heatmap !== origin) heatmap.highlightCell(event.detail.query, event.detail.key);
    }
    this.hoverPosition(event.detail.query, 'similarity');
  }

  private onAttentionHover(event: CustomEvent<AttentionCellDetail>): void {
    const origin = event.target as AttentionHeatmap;
    const { query: q, key: k } = event.detail;
    for (const heatmap of this.renderRoot.querySelectorAll<AttentionHeatmap>(
      'attention-heatmap.attention',
    )) {
      if (heatmap !== origin) heatmap.highlightCell(q, k);
    }
    const viewer = this.link.element as
      (HTMLElement & { markPositions?: (p: number[]) => void }) | undefined;
    viewer?.markPositions?.(q >= 0 ? [q, k] : []);
  }

  // ---- Export ----

  /** The encodings, their similarities and the attention maps, as plain data. */
  toJSON(): Record<string, unknown> {
    return JSON.parse(
      toJsonText({
        encoding: this.encoding,
        compare: this.compare || undefined,
        length: this.length,
        dim: this.dim,
        base: this.base,
        seed: this.seed,
        measure: this.measure,
        encodings: this.worked.map((w) => ({
          kind: w.kind,
          table: matrixToArrays({ data: w.pe, rows: this.length, cols: this.dim }),
          similarity: matrixToArrays(w.similarity),
          distanceSpread: w.spread,
        })),
        ropeOffsetSpread: this.offsets?.spread,
        attention: this.attention.map((a) => ({
          label: a.label,
          weights: matrixToArrays(a.matrix),
        })),
      }),
    ) as Record<string, unknown>;
  }

  /** A PNG of the heatmaps shown (tables, similarities, attention), side by side. */
  async toPNG(): Promise<Blob> {
    await this.updateComplete;
    const heatmaps = [...this.renderRoot.querySelectorAll<AttentionHeatmap>('attention-heatmap')];
    if (heatmaps.length === 0) throw new Error('Nothing to export: the attributes are not valid.');
    const bitmaps = await Promise.all(
      heatmaps.map(async (h) => createImageBitmap(await h.toPNG())),
    );
    const canvas = composeSideBySide(bitmaps, {
      gap: 16,
      background: readThemeColors(this.renderRoot as ShadowRoot).background,
    });
    bitmaps.forEach((b) => b.close());
    return canvasToPng(canvas);
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

  // ---- Rendering ----

  override render(): TemplateResult {
    return html`
      ${this.renderControls()} ${this.renderError()}
      ${
        this.worked.length === 0
          ? nothing
          : html`
              ${this.view.includes('encoding') ? this.renderEncoding() : nothing}
              ${this.view.includes('similarity') ? this.renderSimilarity() : nothing}
              ${this.view.includes('rope') && this.offsets ? this.renderRope() : nothing}
              ${this.view.includes('attention') ? this.renderAttention() : nothing}
            `
      }
    `;
  }

  private renderControls(): TemplateResult {
    const choose = (current: string, onChange: (value: string) => void, allowNone = false) => html`
      <select
        .value=${live(current)}
        @change=${(e: Event) => onChange((e.target as HTMLSelectElement).value)}
      >
        ${allowNone ? html`<option value="" ?selected=${!current}>none</option>` : nothing}
        ${ENCODING_KINDS.map((kind) => html`<option value=${kind} ?selected=${kind === current}>${kind}</option>`)}
      </select>
    `;
    const number = (label: string, value: number, set: (v: number) => void, min: number) => html`
      <label>
        ${label}
        <input
          type="number"
          min=${min}
          .value=${String(value)}
          @change=${(e: Event) => {
            const v = (e.target as HTMLInputElement).valueAsNumber;
            if (Number.isFinite(v)) set(v);
          }}
        />
      </label>
    `;
    return html`
      <div class="toolbar controls" part="controls">
        <label>Encoding ${choose(this.encoding, (v) => (this.encoding = v as EncodingKind))}</label>
        <label
          >Compare with
          ${choose(this.compare ?? '', (v) => (this.compare = v as EncodingKind | ''), true)}</label
        >
        ${number('Length', this.length, (v) => this.resizeTable(v, this.dim), 2)}
        ${number('Dim', this.dim, (v) => this.resizeTable(this.length, v), 2)}
        ${number('Base', this.base, (v) => (this.base = v), 2)}
        <button part="button" @click=${this.exportPng}>PNG</button>
        <button part="button" @click=${this.exportJson}>JSON</button>
        ${this.renderEmbedButton()}
      </div>
    `;
  }

  private renderEncoding(): TemplateResult {
    const shown = this.shownFeatures();
    return html`
      <section part="section" aria-labelledby="encoding-title">
        <h3 id="encoding-title">The encoding</h3>
        ${this.worked.map((w) => html`<p class="about">${ABOUT[w.kind]}</p>`)}
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
            <div class="features" role="group" aria-label="Features drawn as curves">
              ${Array.from(
                { length: this.dim },
                (_, f) => html`
                  <button
                    part="button"
                    aria-pressed=${shown.includes(f) ? 'true' : 'false'}
                    @click=${() => this.toggleFeature(f)}
                  >
                    f${f}
                  </button>
                `,
              )}
            </div>
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
                <p class="verdict">
                  ${
                    w.spread < 1e-4
                      ? `${w.kind}: distance alone counts (largest spread along a diagonal ${w.spread.toExponential(1)}).`
                      : `${w.kind}: not distance alone (values along a diagonal spread by ${w.spread.toFixed(2)}).`
                  }
                </p>
              </div>
            `,
          )}
        </div>
      </section>
    `;
  }

  /** The dial's position: the attribute's, or 10 (within the table). */
  private dialPosition(): number {
    return this.position ?? Math.min(10, this.length - 1);
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

  private renderRope(): TemplateResult {
    const position = this.dialPosition();
    const frequency = pairFrequency(this.pair, this.dim, this.base);
    const angle = position * frequency;
    const trail = Array.from(
      { length: Math.min(position, 48) },
      (_, i) => (position - 1 - i) * frequency,
    );
    const point = (a: number, r = 70) => [90 + r * Math.cos(a), 90 - r * Math.sin(a)];
    const [x, y] = point(angle);
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
          <div class="dial" part="dial">
            <svg
              viewBox="0 0 180 180"
              role="img"
              aria-label=${`Pair ${this.pair} at position ${position}: turned ${angle.toFixed(2)} radians`}
            >
              <circle class="circle" cx="90" cy="90" r="70"></circle>
              <line class="axis" x1="10" y1="90" x2="170" y2="90"></line>
              <line class="axis" x1="90" y1="10" x2="90" y2="170"></line>
              ${trail.map((a, i) => {
                const [tx, ty] = point(a);
                return svg`<circle class="trail" cx=${tx} cy=${ty} r="2.5" opacity=${1 - i / 50}></circle>`;
              })}
              <line class="vector" x1="90" y1="90" x2=${x} y2=${y}></line>
              <circle class="tip" cx=${x} cy=${y} r="5"></circle>
            </svg>
            <label>
              Position
              <input
                type="range"
                min="0"
                max=${this.length - 1}
                .value=${String(position)}
                @input=${(e: Event) => (this.position = (e.target as HTMLInputElement).valueAsNumber)}
              />
              <output>${position}</output>
            </label>
            <label>
              Pair
              <select
                .value=${live(String(this.pair))}
                @change=${(e: Event) => (this.pair = Number((e.target as HTMLSelectElement).value))}
              >
                ${Array.from(
                  { length: Math.floor(this.dim / 2) },
                  (_, i) =>
                    html`<option value=${i} ?selected=${i === this.pair}>
                      ${i} (features ${2 * i}, ${2 * i + 1})
                    </option>`,
                )}
              </select>
            </label>
            <p class="note">
              Pair ${this.pair} turns <output>${frequency.toPrecision(3)}</output> rad per position;
              at position ${position}: <output>${angle.toFixed(2)}</output> rad
              (${(((angle / (2 * Math.PI)) % 1) * 360).toFixed(0)}° on the dial).
            </p>
          </div>
          <div class="chart">
            <div class="offsets" part="curves"></div>
            <p class="verdict">
              The curves from m =
              ${[0, Math.round(this.length / 3), Math.round((2 * this.length) / 3)].join(', ')} lie
              on one another: they differ by at most ${this.offsets!.spread.toExponential(1)}.
            </p>
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

declare global {
  interface HTMLElementEventMap {
    'position-hover': CustomEvent<PositionHoverDetail>;
    'encoding-change': CustomEvent<EncodingChangeDetail>;
  }
}
