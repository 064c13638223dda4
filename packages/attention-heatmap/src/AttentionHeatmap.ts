import {
  COLORMAPS,
  MASK_KINDS,
  attentionMask,
  averageMatrices,
  checkOneOf,
  groupAttention1D,
  localShapeAttention1D,
  maskWeights,
  matrixToArrays,
  softmaxRows,
  toMatrix,
  type ColormapName,
  type MaskKind,
  type Matrix,
  type MatrixInput,
  type Sample1D,
} from '@decoding-attention/core';
import {
  styleProps,
  DecodingElement,
  ElementLink,
  HEATMAP_NORMALIZATIONS,
  HEATMAP_SCALES,
  canvasToPng,
  composeSideBySide,
  downloadBlob,
  downloadJson,
  drawColorBar,
  drawHeatmapInSlices,
  heatmapDomain,
  nextTask,
  niceTicks,
  toJsonText,
  type HeatmapStyle,
} from '@decoding-attention/ui';
import { css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { property, query, queryAll, state } from 'lit/decorators.js';
import {
  checkLabels,
  parseHeatmapJson,
  toHeads,
  type AttentionChangeDetail,
  type HeatmapData,
} from './sources.js';
import { VERSION } from './version.js';

/** What the heatmap computes when it follows a `<shape-dataset-viewer>`. */
export const HEATMAP_SOURCES = ['local-shape', 'groups'] as const;
export type HeatmapSource = (typeof HEATMAP_SOURCES)[number];

/** A cell of the heatmap, as `attention-hover` and `attention-select` report it. */
export interface AttentionCellDetail {
  /** Query (row) index, or -1 when the pointer left or the selection was released. */
  query: number;
  /** Key (column) index, or -1. */
  key: number;
  /** The weight shown in that cell (0 where masked). */
  weight: number;
  /** The head shown: its index, or `average`. */
  head: number | 'average';
  /** The mask of the panel the cell belongs to. */
  mask: MaskKind;
}

export type AttentionHoverEvent = CustomEvent<AttentionCellDetail>;
export type AttentionSelectEvent = CustomEvent<AttentionCellDetail & { locked: boolean }>;

/** One panel: the matrices under one mask. */
interface Panel {
  mask: MaskKind;
  allowed: Uint8Array | undefined;
  heads: Matrix[];
  average: Matrix;
}

const TABLE_LIMIT = 32 * 32;
/** Reads `globals="0 10 20"` (spaces or commas). */
const integerList = {
  fromAttribute: (value: string | null): number[] =>
    (value ?? '')
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number),
  toAttribute: (value: number[]): string => value.join(' '),
};

/**
 * An attention matrix as a heatmap: heads as small multiples, masks side by side, every cell
 * reachable by pointer and keyboard, linked to the sample it was computed from.
 *
 * @tag attention-heatmap
 * @summary Attention weights drawn on canvas: heads, masks, cross-attention, linked hover.
 *
 * @attr {'auto' | 'light' | 'dark'} theme - `light` or `dark` forces a colour scheme; `auto` (the default) follows the reader's.
 *
 * @fires attention-hover - The pointer or keyboard moved to a cell. `detail: { query, key, weight, head, mask }`; query -1 when it left.
 * @fires attention-select - A cell was locked by click, Enter or Space (`locked: true`), or released (`locked: false`).
 *
 * @csspart toolbar - The controls above the heatmap.
 * @csspart button - Every button.
 * @csspart panel - One heatmap with its axes (two in comparison mode).
 * @csspart grid - The focusable heatmap itself.
 * @csspart colorbar - The colour bar.
 * @csspart row-chart - The chart of the selected query's weights.
 * @csspart heads - The small multiples, one per head, which also select the head shown.
 * @csspart tooltip - The tooltip.
 * @csspart table - The data table of small matrices.
 * @csspart error - The message shown for bad input.
 *
 * @cssprop [--da-heatmap-size=420px] - Width of the heatmap (each, in comparison mode: 270px).
 * @cssprop [--da-color-text] - Text colour.
 * @cssprop [--da-color-muted] - Axes and secondary text.
 * @cssprop [--da-color-background] - Background.
 * @cssprop [--da-color-surface] - Buttons and panels.
 * @cssprop [--da-color-border] - Borders.
 * @cssprop [--da-color-accent] - Crosshair, selection and linked shapes.
 * @cssprop [--da-color-focus] - Focus rings.
 * @cssprop [--da-color-error] - The bad-input message.
 */
export class AttentionHeatmap extends DecodingElement {
  static readonly version = VERSION;

  static override styles = [
    ...DecodingElement.styles,
    css`
      :host {
        --_size: var(--da-heatmap-size, 420px);
      }
      :host([compare]:not([compare=''])) {
        --_size: var(--da-heatmap-size, 270px);
      }
      .toolbar {
        margin-bottom: 0.5rem;
      }
      .toolbar label {
        display: inline-flex;
        gap: 0.3rem;
        align-items: center;
        color: var(--_muted);
        font-size: 0.85em;
      }
      .panels {
        display: flex;
        flex-wrap: wrap;
        gap: 1.5rem;
        align-items: flex-start;
      }
      .panel {
        display: grid;
        grid-template-columns: auto auto minmax(0, var(--_size)) auto;
        grid-template-areas:
          'title title title title'
          'ytitle yticks frame bar'
          '. . xticks .'
          '. . xtitle .'
          '. . row .';
        column-gap: 0.4rem;
        max-width: 100%;
      }
      .panel-title {
        grid-area: title;
        font-weight: 600;
        margin-bottom: 0.3rem;
      }
      .y-title {
        grid-area: ytitle;
        writing-mode: vertical-rl;
        transform: rotate(180deg);
        text-align: center;
        color: var(--_muted);
        font-size: 0.8em;
      }
      .y-ticks {
        grid-area: yticks;
        position: relative;
        min-width: 1.8rem;
      }
      .x-ticks {
        grid-area: xticks;
        position: relative;
        height: 1.1rem;
      }
      .tick {
        position: absolute;
        font-size: 0.7em;
        color: var(--_muted);
        white-space: nowrap;
        line-height: 1;
      }
      .x-ticks .tick {
        transform: translateX(-50%);
        top: 0.2rem;
      }
      .y-ticks .tick {
        right: 0.2rem;
        transform: translateY(-50%);
      }
      .x-title {
        grid-area: xtitle;
        text-align: center;
        color: var(--_muted);
        font-size: 0.8em;
      }
      .frame {
        grid-area: frame;
        position: relative;
        width: var(--_size);
        max-width: 100%;
        aspect-ratio: var(--cols) / var(--rows);
        max-height: calc(var(--_size) * 2);
        outline: 1px solid var(--_border);
        cursor: crosshair;
        touch-action: none;
      }
      .frame:focus-visible {
        outline: 2px solid var(--_focus);
        outline-offset: 2px;
      }
      .frame canvas {
        position: absolute;
        inset: 0;
        width: 100%;
        height: 100%;
      }
      .frame canvas.crisp {
        image-rendering: pixelated;
      }
      .line,
      .box,
      .band {
        position: absolute;
        pointer-events: none;
        display: none;
      }
      .line {
        background: color-mix(in srgb, var(--_accent) 35%, transparent);
      }
      .line.row {
        left: 0;
        right: 0;
        min-height: 1px;
      }
      .line.col {
        top: 0;
        bottom: 0;
        min-width: 1px;
      }
      .box {
        outline: 2px solid var(--_accent);
        box-shadow: 0 0 0 3px var(--_background);
        min-width: 3px;
        min-height: 3px;
      }
      .frame[data-locked] .box {
        outline-style: double;
        outline-width: 3px;
      }
      .band {
        background: color-mix(in srgb, var(--_accent) 18%, transparent);
        border: 1px dashed var(--_accent);
      }
      .colorbar {
        grid-area: bar;
        position: relative;
        min-width: 3rem;
        align-self: stretch;
        font-size: 0.7em;
        color: var(--_muted);
      }
      .colorbar canvas {
        /* Out of the flow: the bar takes the frame's height, never sets it. */
        position: absolute;
        left: 0;
        top: 0;
        width: 0.7rem;
        height: 100%;
        border: 1px solid var(--_border);
      }
      .colorbar .values {
        position: absolute;
        left: 0.95rem;
        top: 0;
        bottom: 0;
        display: flex;
        flex-direction: column;
        justify-content: space-between;
        font-variant-numeric: tabular-nums;
      }
      .row-chart {
        grid-area: row;
        margin-top: 0.4rem;
      }
      .row-chart canvas {
        display: block;
        width: 100%;
        height: 56px;
      }
      .row-chart .caption {
        font-size: 0.75em;
        color: var(--_muted);
      }
      .tooltip {
        position: fixed;
        z-index: 10;
        pointer-events: none;
        background: var(--_surface);
        color: var(--_text);
        border: 1px solid var(--_border);
        border-radius: var(--_radius);
        padding: 0.2rem 0.45rem;
        font-size: 0.8em;
        font-variant-numeric: tabular-nums;
        white-space: nowrap;
        display: none;
      }
      .heads {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem;
        margin-top: 0.75rem;
      }
      .heads button {
        display: grid;
        gap: 0.2rem;
        padding: 0.3rem;
        justify-items: center;
        font-size: 0.75em;
      }
      .heads button[aria-checked='true'] {
        border-color: var(--_accent);
        box-shadow: inset 0 0 0 1px var(--_accent);
      }
      .heads canvas {
        width: 72px;
        height: 72px;
        object-fit: fill;
      }
      table {
        border-collapse: collapse;
        font-size: 0.75em;
        font-variant-numeric: tabular-nums;
        margin-top: 0.75rem;
        overflow-x: auto;
        display: block;
      }
      th,
      td {
        border: 1px solid var(--_border);
        padding: 0.1rem 0.3rem;
        text-align: right;
      }
      td.masked {
        color: var(--_muted);
      }
    `,
  ];

  @query('.tooltip') private tooltip?: HTMLDivElement;
  @queryAll('.frame') private frames!: NodeListOf<HTMLDivElement>;

  @state() private loaded: HeatmapData | undefined;
  @state() private linked: HeatmapData | undefined;
  @state() private tableOpen = false;

  /** Attention weights of one head: rows are queries, columns keys (`number[][]` or `{ data, rows, cols }`). */
  @property({ attribute: false }) matrix?: MatrixInput;
  /** Weights of several heads, all of one shape; the heatmap shows one, or their average, and each as a small multiple. */
  @property({ attribute: false }) heads?: MatrixInput[];
  /** Raw scores (before softmax), one matrix or one per head: masks then apply before the softmax. */
  @property({ attribute: false }) scores?: MatrixInput | MatrixInput[];
  /** URL of a JSON matrix: `[[...]]`, `{ matrix }`, `{ heads }` or `{ scores }`, with optional `rowLabels`, `colLabels`. */
  @property() src?: string;
  /** Id of an element to follow: a `<shape-dataset-viewer>` (attention computed on its sample) or any element firing `attention-change`. */
  @property({ reflect: true }) for?: string;
  /** Following a viewer: `local-shape` (attention from the input alone) or `groups` (what a perfect model attends to). */
  @property() source: HeatmapSource = 'local-shape';
  /** `full`, `causal`, `local`, `sparse` or `global`: which keys each query may see. */
  @property({ reflect: true }) mask: MaskKind = 'full';
  /** A second mask shown beside the first, for comparison (for instance `causal`). */
  @property({ reflect: true }) compare?: MaskKind | '';
  /** local, sparse, global: how far a query sees around itself. */
  @property({ type: Number }) window = 8;
  /** sparse: every `stride`-th key is seen by all. */
  @property({ type: Number }) stride = 8;
  /** global: the tokens that see and are seen by all, as `"0 100 200"`. */
  @property({ converter: integerList }) globals: number[] = [0];
  /** `viridis` (default), `magma`, `cividis`, `blues` (sequential); `rdbu`, `puor` (diverging). */
  @property() colormap: ColormapName = 'viridis';
  /** `linear` or `log`. */
  @property() scale: 'linear' | 'log' = 'linear';
  /** `global`: one colour range for all cells; `row`: each query row scaled to its maximum. */
  @property({ attribute: 'normalize' }) normalization: 'global' | 'row' = 'global';
  /** The head shown: `average` or a head index from 0. */
  @property() head = 'average';
  /** A label per query (row), shown in ticks, tooltips and the table. */
  @property({ attribute: false }) rowLabels?: string[];
  /** A label per key (column). */
  @property({ attribute: false }) colLabels?: string[];
  /** Axis title of the rows. */
  @property({ attribute: 'query-label' }) queryLabel = 'Query';
  /** Axis title of the columns. */
  @property({ attribute: 'key-label' }) keyLabel = 'Key';
  /** The heatmap's accessible name and title. */
  @property() label = 'Attention weights';
  /** The value range of the colours, `[low, high]`; by default the data's (weights from 0). */
  @property({ attribute: false }) domain?: readonly [number, number];
  /** Leaves out the toolbar and the row chart, for a heatmap that is part of a larger figure. */
  @property({ type: Boolean, reflect: true }) compact = false;

  private data: HeatmapData | undefined;
  private panels: Panel[] = [];
  private cell: { query: number; key: number } | undefined;
  private locked = false;
  private band: { start: number; end: number } | undefined;
  private fetchController: AbortController | undefined;
  private readonly link = new ElementLink<HTMLElement>(
    this,
    (target) => this.attachTo(target),
    (target) => this.detachFrom(target),
  );

  /** The matrices shown, one per panel (under `mask`, then `compare`), for the selected head. */
  get shown(): Matrix[] {
    return this.panels.map((panel) => this.selectedOf(panel));
  }

  /** The cell under the pointer or keyboard focus, if any. */
  get activeCell(): { query: number; key: number } | undefined {
    return this.cell ? { ...this.cell } : undefined;
  }

  /**
   * Shows the crosshair on a cell, as hovering it does but without firing events: for another
   * element showing the same positions (key -1 marks the whole row, query -1 clears it).
   */
  highlightCell(query: number, key: number): void {
    if (this.locked || !this.data) return;
    const [{ rows, cols }] = this.data.heads;
    this.cell =
      query >= 0 && query < rows
        ? { query, key: key < 0 ? -1 : clamp(key, 0, cols - 1) }
        : undefined;
    this.showCell();
    // The pointer is on the other element: its tooltip is the one to read.
    this.hideTooltip();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Leaving the page cancels a load in flight; coming back picks it up again.
    if (this.hasUpdated && this.src && !this.loaded && !this.errorMessage) void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.fetchController?.abort();
    this.hideTooltip();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('for')) this.link.follow(this.for);
    if (changed.has('src')) void this.load();
    // Following a viewer: the source decides what is computed from its sample.
    if (changed.has('source') && this.hasUpdated) {
      const sample = this.followedSample();
      if (sample) this.followSample(sample);
    }
    const inputs = [
      'matrix',
      'heads',
      'scores',
      'rowLabels',
      'colLabels',
      'loaded',
      'linked',
    ] as const;
    const options = [
      'mask',
      'compare',
      'window',
      'stride',
      'globals',
      'head',
      'colormap',
      'scale',
      'normalization',
      'domain',
    ] as const;
    if (
      !this.hasUpdated ||
      inputs.some((name) => changed.has(name as keyof AttentionHeatmap)) ||
      options.some((name) => changed.has(name))
    ) {
      this.recompute();
    }
  }

  protected override updated(): void {
    // Drawing waits for the next task: the DOM update and the canvas work then never add up to
    // one long task (a new 400 x 400 matrix arriving mid-training stays two short ones).
    const generation = ++this.drawGeneration;
    this.pendingDraw = nextTask().then(async () => {
      await this.draw(generation);
      if (generation === this.drawGeneration) this.showCell();
    });
  }

  /** Resolves once the `src` JSON, if any, is loaded and drawn. */
  protected override async getUpdateComplete(): Promise<boolean> {
    let result = await super.getUpdateComplete();
    if (this.pendingLoad) {
      await this.pendingLoad;
      result = await super.getUpdateComplete();
    }
    // A draw overtaken by a newer one stops early: wait for the newest.
    let drawn: Promise<void> | undefined;
    while (drawn !== this.pendingDraw) {
      drawn = this.pendingDraw;
      await drawn;
    }
    return result;
  }

  private pendingLoad: Promise<void> | undefined;
  private pendingDraw: Promise<void> | undefined;
  /** Counts draws, so that one overtaken by a newer draw stops. */
  private drawGeneration = 0;

  private async load(): Promise<void> {
    this.fetchController?.abort();
    this.loaded = undefined;
    if (!this.src) return;
    const controller = new AbortController();
    this.fetchController = controller;
    const source = this.src;
    this.pendingLoad = (async () => {
      try {
        const response = await fetch(source, { signal: controller.signal });
        if (!response.ok)
          throw new Error(`could not load src "${source}": HTTP ${response.status}`);
        const parsed = parseHeatmapJson(await response.json());
        if (!controller.signal.aborted) this.loaded = parsed;
      } catch (error) {
        if (controller.signal.aborted) return;
        this.reportError(
          error instanceof SyntaxError ? new Error(`src "${source}" is not valid JSON`) : error,
        );
      }
    })();
    const pending = this.pendingLoad;
    await pending;
    // A newer load may have started meanwhile: it owns pendingLoad now.
    if (this.pendingLoad === pending) this.pendingLoad = undefined;
  }

  /** Works out the data and the panels from whichever input is set, or shows what is wrong. */
  private recompute(): void {
    try {
      this.data = this.currentData();
      this.panels = this.data ? this.buildPanels(this.data) : [];
      const head = this.head;
      if (
        head !== 'average' &&
        !(
          Number.isInteger(Number(head)) &&
          Number(head) >= 0 &&
          Number(head) < (this.data?.heads.length ?? 1)
        )
      ) {
        throw new RangeError(
          `head must be "average" or a whole number from 0 to ${(this.data?.heads.length ?? 1) - 1}, got "${head}"`,
        );
      }
      this.clearError();
      if (
        this.cell &&
        this.data &&
        (this.cell.query >= this.data.heads[0].rows || this.cell.key >= this.data.heads[0].cols)
      ) {
        this.cell = undefined;
        this.locked = false;
      }
    } catch (error) {
      this.data = undefined;
      this.panels = [];
      this.reportError(error);
    }
  }

  private currentData(): HeatmapData | undefined {
    let data: HeatmapData | undefined;
    if (this.heads !== undefined) data = { heads: toHeads(this.heads, 'heads'), kind: 'weights' };
    else if (this.matrix !== undefined)
      data = { heads: [toMatrix(this.matrix, 'matrix')], kind: 'weights' };
    else if (this.scores !== undefined) {
      const list = isMatrixList(this.scores) ? this.scores : [this.scores];
      data = { heads: toHeads(list, 'scores'), kind: 'scores' };
    } else data = this.loaded ?? this.linked;
    if (!data) return undefined;
    const [{ rows, cols }] = data.heads;
    return {
      ...data,
      rowLabels: checkLabels(this.rowLabels, rows, 'rowLabels') ?? data.rowLabels,
      colLabels: checkLabels(this.colLabels, cols, 'colLabels') ?? data.colLabels,
    };
  }

  private buildPanels(data: HeatmapData): Panel[] {
    checkOneOf('colormap', this.colormap, COLORMAPS);
    checkOneOf('scale', this.scale, HEATMAP_SCALES);
    checkOneOf('normalize', this.normalization, HEATMAP_NORMALIZATIONS);
    checkOneOf('source', this.source, HEATMAP_SOURCES);
    const kinds = [this.mask, ...(this.compare ? [this.compare] : [])];
    const [{ rows, cols }] = data.heads;
    return kinds.map((kind) => {
      if (!MASK_KINDS.includes(kind)) {
        throw new RangeError(
          `${kind === this.mask ? 'mask' : 'compare'} must be one of ${MASK_KINDS.join(', ')}, got "${kind}"`,
        );
      }
      const allowed =
        kind === 'full' ? undefined : attentionMask(kind, rows, cols, this.maskOptions());
      const heads = data.heads.map((m) =>
        data.kind === 'scores' ? softmaxRows(m, allowed) : allowed ? maskWeights(m, allowed) : m,
      );
      return {
        mask: kind,
        allowed,
        heads,
        average: heads.length === 1 ? heads[0] : averageMatrices(heads),
      };
    });
  }

  private maskOptions() {
    return { window: this.window, stride: this.stride, globals: this.globals };
  }

  private selectedOf(panel: Panel): Matrix {
    return this.head === 'average' ? panel.average : panel.heads[Number(this.head)];
  }

  /** How values become colours; `withMaskColors` reads the theme for the masked-cell checkerboard. */
  private heatmapStyle(withMaskColors = false): HeatmapStyle {
    const style: HeatmapStyle = {
      colormap: this.colormap,
      scale: this.scale,
      normalize: this.normalization,
      domain: this.domain,
    };
    if (withMaskColors) {
      const colors = this.colors;
      style.maskColors = [parseRgb(colors.border), parseRgb(colors.surface)];
    }
    return style;
  }

  // ---- Linking to another element ----

  private attachTo(target: HTMLElement): void {
    target.addEventListener('sample-change', this.onSampleChange);
    target.addEventListener('shape-highlight', this.onShapeHighlight);
    target.addEventListener('attention-change', this.onAttentionChange);
    // An element that computes attention says what it shows now; a viewer, which sample.
    if ('currentAttention' in target) {
      const attention = (target as HTMLElement & { currentAttention?: AttentionChangeDetail })
        .currentAttention;
      if (attention) this.takeAttention(attention);
      return;
    }
    const sample = this.followedSample();
    if (sample) this.followSample(sample);
  }

  /** The sample of the followed `<shape-dataset-viewer>`, if it is one. */
  private followedSample(): Sample1D | undefined {
    const target = this.link.element;
    if (!target || 'currentAttention' in target) return undefined;
    return (target as HTMLElement & { sample?: Sample1D }).sample;
  }

  private detachFrom(target: HTMLElement): void {
    target.removeEventListener('sample-change', this.onSampleChange);
    target.removeEventListener('shape-highlight', this.onShapeHighlight);
    target.removeEventListener('attention-change', this.onAttentionChange);
    (target as HTMLElement & { markPositions?: (p: number[]) => void }).markPositions?.([]);
    this.linked = undefined;
    this.band = undefined;
  }

  private readonly onSampleChange = (event: Event): void => {
    this.followSample((event as CustomEvent<{ sample: Sample1D }>).detail.sample);
  };

  private readonly onShapeHighlight = (event: Event): void => {
    const shape = (event as CustomEvent<{ shape?: { start?: number; width?: number } }>).detail
      .shape;
    this.band =
      shape?.start !== undefined && shape.width !== undefined
        ? { start: shape.start, end: shape.start + shape.width }
        : undefined;
    this.showBand();
  };

  private readonly onAttentionChange = (event: Event): void => {
    this.takeAttention((event as CustomEvent<AttentionChangeDetail>).detail);
  };

  private takeAttention(detail: AttentionChangeDetail): void {
    try {
      const heads = toHeads(detail.heads, 'attention-change heads');
      this.linked = {
        heads,
        kind: detail.kind ?? 'weights',
        rowLabels: checkLabels(detail.rowLabels, heads[0].rows, 'rowLabels'),
        colLabels: checkLabels(detail.colLabels, heads[0].cols, 'colLabels'),
      };
    } catch (error) {
      this.reportError(error);
    }
  }

  private followSample(sample: Sample1D): void {
    if (!sample || !('input' in sample) || 'width' in sample) {
      this.reportError(
        new RangeError(
          `for="${this.for}" shows a 2D sample; the heatmap computes attention for 1D samples`,
        ),
      );
      return;
    }
    const heads =
      this.source === 'groups'
        ? [groupAttention1D(sample)]
        : [localShapeAttention1D(sample.input).average];
    this.linked = { heads, kind: 'weights' };
  }

  // ---- Drawing ----

  /**
   * Draws the panels, then each head's thumbnail, each coloured in slices that yield to the page
   * (`drawHeatmapInSlices`): four heads of 400 x 400 drawn at once held the page for 80 ms, and
   * one 400 x 400 drawn before the JIT warmed up for as long. Stops if a newer draw
   * (`generation`) has begun.
   */
  private async draw(generation: number): Promise<void> {
    if (this.panels.length === 0) return;
    // Theme colours are read (a style recalculation) only when a mask needs them.
    const style = this.heatmapStyle(this.panels.some((panel) => panel.allowed));
    const cancelled = () => generation !== this.drawGeneration;
    const frames = [...this.frames];
    const bars = this.renderRoot.querySelectorAll<HTMLCanvasElement>('.colorbar canvas');
    for (const [index, panel] of this.panels.entries()) {
      const bar = bars[index];
      if (bar) drawColorBar(bar, this.colormap);
      const canvas = frames[index]?.querySelector('canvas');
      if (canvas)
        await drawHeatmapInSlices(canvas, this.selectedOf(panel), style, panel.allowed, {
          cancelled,
        });
      if (cancelled()) return;
    }
    const thumbnails = this.renderRoot.querySelectorAll<HTMLCanvasElement>('.heads canvas');
    const first = this.panels[0];
    const choices = [first.average, ...first.heads];
    for (const [i, canvas] of thumbnails.entries()) {
      await nextTask();
      if (cancelled()) return;
      await drawHeatmapInSlices(canvas, choices[i], style, first.allowed, { cancelled });
    }
    this.showBand();
  }

  /** Places the crosshair, box, tooltip and row chart for the active cell: no re-render, just styles. */
  private showCell(pointer?: { x: number; y: number }): void {
    const [{ rows, cols }] = this.data?.heads ?? [{ rows: 0, cols: 0 }];
    const frames = [...this.frames];
    // A fresh id for the active cell each move: screen readers announce a changed
    // aria-activedescendant, not new text in the element it already points at.
    this.cellTick++;
    frames.forEach((frame, index) => {
      const [rowLine, colLine, box] = [
        ...frame.querySelectorAll<HTMLElement>('.line.row, .line.col, .box'),
      ];
      const visible = this.cell !== undefined;
      // key -1: the whole query row, from a linked element, without a key.
      const wholeRow = visible && this.cell!.key < 0;
      rowLine.style.display = visible ? 'block' : 'none';
      for (const element of [colLine, box])
        element.style.display = visible && !wholeRow ? 'block' : 'none';
      frame.toggleAttribute('data-locked', this.locked);
      if (!this.cell) {
        frame.removeAttribute('aria-activedescendant');
        return;
      }
      const { query, key } = this.cell;
      const top = `${(query / rows) * 100}%`;
      const left = `${(key / cols) * 100}%`;
      const height = `${100 / rows}%`;
      const width = `${100 / cols}%`;
      Object.assign(rowLine.style, { top, height });
      Object.assign(colLine.style, { left, width });
      Object.assign(box.style, { top, left, width, height });
      const cell = frame.querySelector<HTMLElement>('[role="gridcell"]');
      const panel = this.panels[index];
      if (cell && panel && !wholeRow) {
        cell.id = `cell-${index}-${this.cellTick % 2}`;
        cell.parentElement!.setAttribute('aria-rowindex', String(query + 1));
        cell.setAttribute('aria-colindex', String(key + 1));
        cell.textContent = this.describeCell(panel, query, key);
        frame.setAttribute('aria-activedescendant', cell.id);
      }
      this.drawRowChart(index);
    });
    this.showTooltip(pointer);
  }

  private cellTick = 0;
  /** The panel the pointer or keyboard is on, where the tooltip goes. */
  private activePanel = 0;

  private showBand(): void {
    const cols = this.data?.heads[0].cols ?? 0;
    const rows = this.data?.heads[0].rows ?? 0;
    for (const frame of this.frames) {
      const [bandCols, bandRows] = [...frame.querySelectorAll<HTMLElement>('.band')];
      if (!this.band || !cols) {
        bandCols.style.display = 'none';
        bandRows.style.display = 'none';
        continue;
      }
      const { start, end } = this.band;
      Object.assign(bandCols.style, {
        display: 'block',
        top: '0',
        bottom: '0',
        left: `${(start / cols) * 100}%`,
        width: `${((end - start) / cols) * 100}%`,
      });
      Object.assign(bandRows.style, {
        display: 'block',
        left: '0',
        right: '0',
        top: `${(start / rows) * 100}%`,
        height: `${((end - start) / rows) * 100}%`,
      });
    }
  }

  private drawRowChart(index: number): void {
    const canvas = this.renderRoot.querySelectorAll<HTMLCanvasElement>('.row-chart canvas')[index];
    const caption = this.renderRoot.querySelectorAll<HTMLElement>('.row-chart .caption')[index];
    const panel = this.panels[index];
    if (!canvas || !panel || !this.cell) return;
    const matrix = this.selectedOf(panel);
    const { query, key } = this.cell;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
    const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
    if (canvas.width !== width) canvas.width = width;
    if (canvas.height !== height) canvas.height = height;
    const context = canvas.getContext('2d');
    if (!context) return;
    // Theme colours are cached: hover must not force a style recalculation.
    const colors = this.colors;
    const row = matrix.data.subarray(query * matrix.cols, (query + 1) * matrix.cols);
    let max = 0;
    for (const v of row) max = Math.max(max, Math.abs(v));
    max ||= 1;
    context.clearRect(0, 0, width, height);
    context.fillStyle = colors.muted;
    const step = width / matrix.cols;
    for (let k = 0; k < matrix.cols; k++) {
      const h = (Math.abs(row[k]) / max) * (height - 2);
      context.fillRect(k * step, height - h, Math.max(1, step - (step > 3 ? 1 : 0)), h);
    }
    if (key >= 0) {
      context.fillStyle = colors.accent;
      const h = (Math.abs(row[key]) / max) * (height - 2);
      context.fillRect(key * step, height - Math.max(h, 2), Math.max(2, step), Math.max(h, 2));
    }
    caption.textContent = `${this.name('query', query)} attends to (peak ${formatWeight(max)})`;
  }

  private showTooltip(pointer?: { x: number; y: number }): void {
    const tooltip = this.tooltip;
    if (!tooltip) return;
    if (!this.cell || this.cell.key < 0 || this.panels.length === 0) {
      this.hideTooltip();
      return;
    }
    const { query, key } = this.cell;
    tooltip.textContent = this.panels
      .map(
        (panel) =>
          `${this.panels.length > 1 ? `${panel.mask}: ` : ''}${formatWeight(this.weightAt(panel, query, key))}`,
      )
      .join(' · ');
    tooltip.prepend(`${this.name('query', query)} → ${this.name('key', key)}: `);
    let x = pointer?.x;
    let y = pointer?.y;
    if (x === undefined || y === undefined) {
      const frame = this.frames[this.activePanel] ?? this.frames[0];
      const rect = frame.getBoundingClientRect();
      const [{ rows, cols }] = this.data!.heads;
      x = rect.left + ((key + 1) / cols) * rect.width;
      y = rect.top + (query / rows) * rect.height;
    }
    tooltip.style.display = 'block';
    tooltip.style.left = `${x + 12}px`;
    tooltip.style.top = `${y + 12}px`;
  }

  private hideTooltip(): void {
    if (this.tooltip) this.tooltip.style.display = 'none';
  }

  private weightAt(panel: Panel, query: number, key: number): number {
    const matrix = this.selectedOf(panel);
    return matrix.data[query * matrix.cols + key];
  }

  private name(axis: 'query' | 'key', index: number): string {
    const labels = axis === 'query' ? this.data?.rowLabels : this.data?.colLabels;
    const title = axis === 'query' ? this.queryLabel : this.keyLabel;
    return labels ? `${title} ${index} (${labels[index]})` : `${title} ${index}`;
  }

  private describeCell(panel: Panel, query: number, key: number): string {
    const masked = panel.allowed && panel.allowed[query * this.data!.heads[0].cols + key] === 0;
    return `${this.name('query', query)}, ${this.name('key', key)}: ${masked ? 'masked' : `weight ${formatWeight(this.weightAt(panel, query, key))}`}`;
  }

  // ---- Pointer and keyboard ----

  private cellAt(event: PointerEvent): { query: number; key: number } | undefined {
    const [{ rows, cols }] = this.data?.heads ?? [{ rows: 0, cols: 0 }];
    const rect = (event.currentTarget as HTMLElement).getBoundingClientRect();
    const key = Math.floor(((event.clientX - rect.left) / rect.width) * cols);
    const query = Math.floor(((event.clientY - rect.top) / rect.height) * rows);
    return query >= 0 && query < rows && key >= 0 && key < cols ? { query, key } : undefined;
  }

  private onPointerMove(event: PointerEvent, panelIndex: number): void {
    if (this.locked) return;
    const cell = this.cellAt(event);
    if (!cell) return;
    const pointer = { x: event.clientX, y: event.clientY };
    if (this.cell && cell.query === this.cell.query && cell.key === this.cell.key) {
      // Still on the same cell: only the tooltip follows the pointer.
      this.showTooltip(pointer);
      return;
    }
    this.cell = cell;
    this.activePanel = panelIndex;
    this.showCell(pointer);
    this.announce('attention-hover', panelIndex);
  }

  private onPointerLeave(): void {
    if (this.locked) return;
    this.cell = undefined;
    this.showCell();
    this.announce('attention-hover', 0);
  }

  private onClick(event: PointerEvent, panelIndex: number): void {
    const cell = this.cellAt(event);
    if (!cell) return;
    const sameCell =
      this.locked && this.cell && cell.query === this.cell.query && cell.key === this.cell.key;
    this.cell = cell;
    this.setLocked(!sameCell, panelIndex, { x: event.clientX, y: event.clientY });
  }

  private setLocked(locked: boolean, panelIndex: number, pointer?: { x: number; y: number }): void {
    this.locked = locked;
    this.showCell(pointer);
    this.announce('attention-select', panelIndex);
  }

  private onKeyDown(event: KeyboardEvent, panelIndex: number): void {
    if (!this.data) return;
    const [{ rows, cols }] = this.data.heads;
    const { query, key: rawKey } = this.cell ?? { query: 0, key: 0 };
    const key = Math.max(0, rawKey);
    const page = Math.max(1, Math.round(rows / 10));
    const moves: Record<string, [number, number]> = {
      ArrowUp: [query - 1, key],
      ArrowDown: [query + 1, key],
      ArrowLeft: [query, key - 1],
      ArrowRight: [query, key + 1],
      PageUp: [query - page, key],
      PageDown: [query + page, key],
      Home: event.ctrlKey ? [0, 0] : [query, 0],
      End: event.ctrlKey ? [rows - 1, cols - 1] : [query, cols - 1],
    };
    this.activePanel = panelIndex;
    if (event.key in moves) {
      const [q, k] = moves[event.key];
      this.cell = { query: clamp(q, 0, rows - 1), key: clamp(k, 0, cols - 1) };
      this.showCell();
      this.announce(this.locked ? 'attention-select' : 'attention-hover', panelIndex);
    } else if (event.key === 'Enter' || event.key === ' ') {
      this.cell = { query, key };
      this.setLocked(!this.locked, panelIndex);
    } else if (event.key === 'Escape') {
      this.cell = undefined;
      this.setLocked(false, panelIndex);
    } else {
      return;
    }
    event.preventDefault();
  }

  private onFocus(): void {
    if ((!this.cell || this.cell.key < 0) && this.data) {
      this.cell = { query: this.cell?.query ?? 0, key: 0 };
      this.showCell();
    }
  }

  private announce(type: 'attention-hover' | 'attention-select', panelIndex: number): void {
    const panel = this.panels[panelIndex] ?? this.panels[0];
    const cell = this.cell;
    const detail: AttentionCellDetail & { locked?: boolean } = {
      query: cell?.query ?? -1,
      key: cell?.key ?? -1,
      weight: cell && panel ? this.weightAt(panel, cell.query, cell.key) : 0,
      head: this.head === 'average' ? 'average' : Number(this.head),
      mask: panel?.mask ?? this.mask,
    };
    if (type === 'attention-select') detail.locked = this.locked;
    this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
    const viewer = this.link.element as
      (HTMLElement & { markPositions?: (p: number[]) => void }) | undefined;
    viewer?.markPositions?.(cell ? [cell.query, cell.key] : []);
  }

  private selectHead(head: string): void {
    this.head = head;
  }

  private onHeadKeyDown(event: KeyboardEvent): void {
    const choices = ['average', ...(this.data?.heads.map((_, i) => String(i)) ?? [])];
    const index = choices.indexOf(this.head);
    const step =
      event.key === 'ArrowRight' || event.key === 'ArrowDown'
        ? 1
        : event.key === 'ArrowLeft' || event.key === 'ArrowUp'
          ? -1
          : 0;
    if (!step) return;
    event.preventDefault();
    this.head = choices[(index + step + choices.length) % choices.length];
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLButtonElement>('.heads [aria-checked="true"]')?.focus(),
    );
  }

  // ---- Export ----

  /** What the heatmap shows, as plain data: the matrices per panel and head, labels and settings. */
  toJSON(): Record<string, unknown> {
    return JSON.parse(
      toJsonText({
        label: this.label,
        head: this.head,
        rowLabels: this.data?.rowLabels,
        colLabels: this.data?.colLabels,
        panels: this.panels.map((panel) => ({
          mask: panel.mask,
          options: panel.mask === 'full' ? undefined : this.maskOptions(),
          shown: matrixToArrays(this.selectedOf(panel)),
          heads: panel.heads.length > 1 ? panel.heads.map(matrixToArrays) : undefined,
        })),
      }),
    ) as Record<string, unknown>;
  }

  /** A PNG of the panels side by side, at least 512 pixels wide each, cells kept square and crisp. */
  async toPNG(): Promise<Blob> {
    await this.updateComplete;
    const canvases = [...this.frames].map((frame) => frame.querySelector('canvas')!);
    if (canvases.length === 0) throw new Error('Nothing to export: there is no matrix to show.');
    const scale = Math.max(1, Math.ceil(512 / Math.max(...canvases.map((c) => c.width))));
    return canvasToPng(
      composeSideBySide(canvases, {
        scale,
        gap: 16,
        background: this.colors.background,
      }),
    );
  }

  private async exportPng(): Promise<void> {
    try {
      downloadBlob(await this.toPNG(), 'attention.png');
    } catch (error) {
      this.reportError(error);
    }
  }

  private exportJson(): void {
    downloadJson(this.toJSON(), 'attention.json');
  }

  // ---- Rendering ----

  override render(): TemplateResult {
    const data = this.data;
    const cells = data ? data.heads[0].rows * data.heads[0].cols : 0;
    return html`
      <div class="toolbar" part="toolbar" ?hidden=${this.compact}>
        <label>
          Colours
          <select
            .value=${live(this.colormap)}
            @change=${(e: Event) => (this.colormap = (e.target as HTMLSelectElement).value as ColormapName)}
          >
            ${COLORMAPS.map((name) => html`<option value=${name} ?selected=${name === this.colormap}>${name}</option>`)}
          </select>
        </label>
        <label>
          Scale
          <select
            .value=${live(this.scale)}
            @change=${(e: Event) => (this.scale = (e.target as HTMLSelectElement).value as 'linear' | 'log')}
          >
            ${HEATMAP_SCALES.map((name) => html`<option value=${name} ?selected=${name === this.scale}>${name}</option>`)}
          </select>
        </label>
        <label>
          Normalise
          <select
            .value=${live(this.normalization)}
            @change=${(e: Event) => (this.normalization = (e.target as HTMLSelectElement).value as 'global' | 'row')}
          >
            ${HEATMAP_NORMALIZATIONS.map((name) => html`<option value=${name} ?selected=${name === this.normalization}>${name === 'row' ? 'per row' : 'global'}</option>`)}
          </select>
        </label>
        <button
          part="button"
          aria-pressed=${this.tableOpen ? 'true' : 'false'}
          ?disabled=${!data || cells > TABLE_LIMIT}
          title=${cells > TABLE_LIMIT ? 'Tables are offered up to 32 x 32 cells' : 'Show the values as a table'}
          @click=${() => (this.tableOpen = !this.tableOpen)}
        >
          Table
        </button>
        <button part="button" ?disabled=${!data} @click=${this.exportPng}>PNG</button>
        <button part="button" ?disabled=${!data} @click=${this.exportJson}>JSON</button>
        ${this.renderEmbedButton()}
      </div>
      ${this.renderError()}
      ${data ? this.renderPanels(data) : this.errorMessage ? nothing : html`<p class="note">No attention to show yet.</p>`}
      ${data && data.heads.length > 1 ? this.renderHeads(data) : nothing}
      ${data && this.tableOpen && cells <= TABLE_LIMIT ? this.renderTable(data) : nothing}
      <div class="tooltip" part="tooltip" aria-hidden="true"></div>
    `;
  }

  private renderPanels(data: HeatmapData): TemplateResult {
    const [{ rows, cols }] = data.heads;
    const crisp = rows <= 512 && cols <= 512;
    return html`
      <div class="panels">
        ${this.panels.map((panel, index) => {
          const [low, high] = heatmapDomain(
            this.selectedOf(panel),
            this.heatmapStyle(),
            panel.allowed,
          );
          return html`
            <div class="panel" part="panel">
              <div class="panel-title">${this.panelTitle(panel)}</div>
              <div class="y-title">${this.queryLabel}</div>
              <div class="y-ticks" aria-hidden="true">
                ${this.renderTicks(rows, data.rowLabels, 'y')}
              </div>
              <div
                class="frame"
                part="grid"
                role="grid"
                tabindex="0"
                aria-label=${`${this.panelTitle(panel)}: ${rows} ${this.queryLabel.toLowerCase()} rows by ${cols} ${this.keyLabel.toLowerCase()} columns. Arrow keys move, Enter locks.`}
                aria-rowcount=${rows}
                aria-colcount=${cols}
                style=${styleProps({ '--rows': String(rows), '--cols': String(cols) })}
                @pointermove=${(e: PointerEvent) => this.onPointerMove(e, index)}
                @pointerleave=${this.onPointerLeave}
                @click=${(e: PointerEvent) => this.onClick(e, index)}
                @keydown=${(e: KeyboardEvent) => this.onKeyDown(e, index)}
                @focus=${this.onFocus}
              >
                <canvas class=${crisp ? 'crisp' : ''} aria-hidden="true"></canvas>
                <div class="band" aria-hidden="true"></div>
                <div class="band" aria-hidden="true"></div>
                <div class="line row" aria-hidden="true"></div>
                <div class="line col" aria-hidden="true"></div>
                <div class="box" aria-hidden="true"></div>
                <div role="row" class="visually-hidden" aria-rowindex="1">
                  <div role="gridcell" aria-colindex="1"></div>
                </div>
              </div>
              <div class="colorbar" part="colorbar" aria-hidden="true">
                <canvas></canvas>
                <div class="values">
                  <span>${formatWeight(high)}</span
                  ><span
                    >${formatWeight(this.scale === 'log' ? Math.sqrt(low * high) : (low + high) / 2)}</span
                  ><span>${formatWeight(low)}</span>
                </div>
              </div>
              <div class="x-ticks" aria-hidden="true">
                ${this.renderTicks(cols, data.colLabels, 'x')}
              </div>
              <div class="x-title">${this.keyLabel}</div>
              <div class="row-chart" part="row-chart" aria-hidden="true" ?hidden=${this.compact}>
                <div class="caption">Hover or focus a cell to see its query's weights</div>
                <canvas></canvas>
              </div>
            </div>
          `;
        })}
      </div>
    `;
  }

  private panelTitle(panel: Panel): string {
    const head =
      this.head === 'average'
        ? this.data && this.data.heads.length > 1
          ? 'average of heads'
          : ''
        : `head ${Number(this.head) + 1}`;
    // Name the mask when there is one, or when two panels need telling apart.
    const mask = panel.mask !== 'full' || this.panels.length > 1 ? panel.mask : '';
    const details = [mask, head].filter(Boolean).join(', ');
    return details ? `${this.label} (${details})` : this.label;
  }

  private renderTicks(
    count: number,
    labels: string[] | undefined,
    axis: 'x' | 'y',
  ): TemplateResult[] {
    const positions =
      labels && count <= 32 ? Array.from({ length: count }, (_, i) => i) : niceTicks(count);
    return positions.map((i) => {
      const at = `${((i + 0.5) / count) * 100}%`;
      return html`<span class="tick" style=${styleProps(axis === 'x' ? { left: at } : { top: at })}
        >${labels && count <= 32 ? labels[i] : i}</span
      >`;
    });
  }

  private renderHeads(data: HeatmapData): TemplateResult {
    const choices = ['average', ...data.heads.map((_, i) => String(i))];
    return html`
      <div
        class="heads"
        part="heads"
        role="radiogroup"
        aria-label="Head shown"
        @keydown=${this.onHeadKeyDown}
      >
        ${choices.map(
          (choice) => html`
            <button
              part="button"
              role="radio"
              aria-checked=${choice === this.head ? 'true' : 'false'}
              tabindex=${choice === this.head ? '0' : '-1'}
              @click=${() => this.selectHead(choice)}
            >
              <canvas aria-hidden="true"></canvas>
              ${choice === 'average' ? 'Average' : `Head ${Number(choice) + 1}`}
            </button>
          `,
        )}
      </div>
    `;
  }

  private renderTable(data: HeatmapData): TemplateResult {
    const panel = this.panels[0];
    const matrix = this.selectedOf(panel);
    const label = (axis: 'query' | 'key', i: number) =>
      (axis === 'query' ? data.rowLabels : data.colLabels)?.[i] ?? String(i);
    return html`
      <table part="table">
        <caption class="visually-hidden">
          ${this.panelTitle(panel)}
        </caption>
        <thead>
          <tr>
            <th scope="col">${this.queryLabel} \\ ${this.keyLabel}</th>
            ${Array.from({ length: matrix.cols }, (_, k) => html`<th scope="col">${label('key', k)}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${Array.from(
            { length: matrix.rows },
            (_, q) => html`
              <tr>
                <th scope="row">${label('query', q)}</th>
                ${Array.from({ length: matrix.cols }, (_, k) => {
                  const masked = panel.allowed?.[q * matrix.cols + k] === 0;
                  return html`<td class=${masked ? 'masked' : ''}>
                    ${masked ? '–' : formatWeight(matrix.data[q * matrix.cols + k])}
                  </td>`;
                })}
              </tr>
            `,
          )}
        </tbody>
      </table>
    `;
  }
}

function isMatrixList(value: MatrixInput | MatrixInput[]): value is MatrixInput[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    Array.isArray(value[0]) &&
    Array.isArray((value[0] as unknown[])[0])
  );
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}

function formatWeight(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 0.01 && magnitude < 1000 ? value.toFixed(3) : value.toExponential(2);
}

function parseRgb(color: string): [number, number, number] {
  const [r = 200, g = 200, b = 200] = (color.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  return [r, g, b];
}

declare global {
  interface HTMLElementEventMap {
    'attention-hover': AttentionHoverEvent;
    'attention-select': AttentionSelectEvent;
    'attention-change': CustomEvent<AttentionChangeDetail>;
  }
}
