import {
  COLORMAPS,
  VARIANT_DEFAULTS,
  approximationError,
  matrixToArrays,
  type AttentionVariant,
  type ColormapName,
  type MaskKind,
  type Matrix,
  type MatrixInput,
} from '@decoding-attention/core';
import {
  DecodingElement,
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
  numberList,
  styleProps,
  toJsonText,
  toolbarLabelStyles,
  wordList,
  type HeatmapStyle,
  word,
  drawVariant,
  shownMatrix,
  reformerSeen,
  renderVariant,
  rgbOf,
  spanOverlay,
  spanText,
  type VariantInternals,
  type VariantState,
} from '@decoding-attention/ui';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';
import { property, queryAll, state } from 'lit/decorators.js';
import { THUMBNAIL_SIZE, attentionHeatmapStyles } from './attention-heatmap.styles.js';
import { DrawScheduler } from './draw-scheduler.js';
import { ExternalData, type VisionDetail } from './external-data.js';
import {
  HeatmapInteraction,
  type AttentionHoverEvent,
  type AttentionSelectEvent,
  type HeatmapView,
} from './heatmap-interaction.js';
import { checkSettings } from './checks.js';
import {
  axisTitles,
  checkLayerList,
  layerNames,
  type AttentionLayer,
  type ChannelsInput,
} from './layers.js';
import { checkWork } from './limits.js';
import { buildPanels, formatWeight, thumbnailOf, type Panel } from './panels.js';
import {
  checkImage,
  gridConverter,
  layOut,
  readGrid,
  type GridInput,
  type PatchImage,
  type PatchLayout,
} from './patch-grid.js';
import { PatchView } from './patch-view.js';
import {
  checkLabels,
  dataFromProperties,
  type AttentionChangeDetail,
  type HeatmapData,
} from './sources.js';
import { valuesTable } from './values-table.js';
import {
  readVariant,
  type SampleVariant,
  type VariantDetail,
  type VariantViewName,
} from './variant-view.js';
import { VERSION } from './version.js';

/** What the heatmap computes when it follows a `<shape-dataset-viewer>`. */
export const HEATMAP_SOURCES = ['local-shape', 'groups'] as const;
export type HeatmapSource = (typeof HEATMAP_SOURCES)[number];

const TABLE_LIMIT = 32 * 32;
/** The attributes of the variant computed on a followed viewer's sample: a change computes it again. */
const VARIANT_PARAMETERS = [
  'attention',
  'span',
  'features',
  'projected',
  'buckets',
  'hashes',
  'chunk',
];
/** The properties the data and panels are worked out from, or checked with them: a change of any recomputes them. */
const DATA_PROPERTIES = new Set<PropertyKey>([
  ...['matrix', 'heads', 'scores', 'rowLabels', 'colLabels', 'arrived', 'arrivalError'],
  ...['mask', 'compare', 'window', 'stride', 'globals', 'head', 'source'],
  ...['colormap', 'scale', 'normalization', 'domain'],
  ...['theme', 'for', 'src', 'label', 'queryLabel', 'keyLabel'],
  ...['grid', 'queryGrid', 'layer', 'layers', 'channels', 'image', 'linkedImage', 'linkedVision'],
  ...['variant', 'variantView', ...VARIANT_PARAMETERS],
]);
/** How the arrow keys move through the head choices. */
const HEAD_STEPS: Record<string, number> = {
  ArrowRight: 1,
  ArrowDown: 1,
  ArrowLeft: -1,
  ArrowUp: -1,
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
 * @csspart patches - In patch-grid mode (`grid`), the selected query's weights over the image, beside each matrix.
 * @csspart variant - What is inside an efficient attention variant, below the heatmap: Reformer's buckets, adaptive spans, Linformer's projected rows, Performer's exact attention and error.
 * @csspart error - The message shown for bad input.
 *
 * @cssprop [--da-heatmap-size=420px] - Width of the heatmap (each, in comparison mode: 270px).
 * @cssprop [--da-heatmap-image-size=240px] - Width of the image beside each heatmap in patch-grid mode.
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
  // ---- Static ----

  static readonly version = VERSION;

  static override styles = [...DecodingElement.styles, toolbarLabelStyles, attentionHeatmapStyles];

  // ---- Controllers and fields ----

  /** The cursor, tooltip, pointer and keyboard, and what screen readers hear. */
  private readonly interaction = new HeatmapInteraction(this, {
    view: () => this.view,
    colors: () => this.colors,
    moved: (cell) => this.external.mark(cell),
    shown: (cell) => this.patchView.show(cell),
  });
  private readonly drawing = new DrawScheduler(
    this,
    (cancelled) => this.draw(cancelled),
    (error) => this.reportError(error),
  );
  /** The data from `src` or from the element followed (`for`). */
  private readonly external = new ExternalData(this, {
    source: () => this.source,
    variant: () => this.sampleVariant,
    changed: (data) => {
      this.arrived = data;
      this.arrivalError = undefined;
    },
    band: (band) => this.interaction.showBand(band),
    // Kept until new data arrives, so that checking the settings again does not hide it.
    failed: (error) => (this.arrivalError = error),
    image: (image) => (this.linkedImage = image),
    vision: (vision) => {
      this.linkedVision = vision;
      if (vision) this.arrivalError = undefined;
    },
  });
  /** The pictures of the query's weights over the image, in patch-grid mode. */
  private readonly patchView = new PatchView(this, this.interaction, () => this.patchState);
  /** Where the attention lies on the image, in patch-grid mode (`grid` set); else undefined. */
  private layout: PatchLayout | undefined;
  /** The image the weights are drawn over, checked against the layout. */
  private shownImage: PatchImage | undefined;
  /** The data shown, with its labels, and the panels made of it; undefined while none is valid. */
  private data: HeatmapData | undefined;
  private panels: Panel[] = [];
  /** What is inside the variant that computed the data, from `variant` or with the data. */
  private variantInfo: VariantInternals | undefined;
  /** The link's problem as last checked: a change shows or clears its message. */
  private shownProblem: string | undefined;
  /**
   * Whether `layer` was set by the author (attribute or script) rather than picked from the
   * menu: a picked layer follows a model with fewer layers to its last, an author's is named.
   */
  private layerFromAuthor = false;
  /** The layer the menu is setting, until the update that takes it. */
  private pickedLayer: number | undefined;

  // ---- Queries ----

  @queryAll('.frame') private frames!: NodeListOf<HTMLDivElement>;

  // ---- State ----

  /** The data from `src` or the element followed, used where no data property is set. */
  @state() private arrived: HeatmapData | undefined;
  /** Why the data from `src` or the element followed could not be used, if so. */
  @state() private arrivalError: unknown;
  @state() private tableOpen = false;
  /** The input image of a followed `<shape-dataset-viewer mode="2d">`. */
  @state() private linkedImage: PatchImage | undefined;
  /** The layers, grids and image a followed vision model sent in `attention-change`. */
  @state() private linkedVision: VisionDetail | undefined;

  // ---- Properties ----

  /** Attention weights of one head: rows are queries, columns keys (`number[][]` or `{ data, rows, cols }`). */
  @property({ attribute: false }) matrix?: MatrixInput;
  /** Weights of several heads, all of one shape; the heatmap shows one, or their average, and each as a small multiple. */
  @property({ attribute: false }) heads?: MatrixInput[];
  /** Raw scores (before softmax): one matrix, or a list of them, one per head; masks apply before the softmax. */
  @property({ attribute: false }) scores?: MatrixInput | MatrixInput[];
  /** URL of a JSON matrix: `[[...]]`, `{ matrix }`, `{ heads }` or `{ scores }`, with optional `rowLabels`, `colLabels`. */
  @property() src?: string;
  /** Id of an element to follow: a `<shape-dataset-viewer>` (attention computed on its sample) or any element firing `attention-change`. */
  @property({ reflect: true, converter: word }) for?: string;
  /** Following a viewer: `local-shape` (attention from the input alone) or `groups` (what a perfect model attends to). */
  @property() source: HeatmapSource = 'local-shape';
  /** `full`, `causal`, `local`, `sparse` or `global`: which keys each query may see. */
  @property({ reflect: true, converter: word }) mask: MaskKind = 'full';
  /** A second mask shown beside the first, for comparison (for instance `causal`). */
  @property({ reflect: true, converter: word }) compare?: MaskKind | '';
  /** local, sparse, global: how far a query sees around itself. */
  @property({ type: Number }) window = 8;
  /** sparse: every `stride`-th key is seen by all. */
  @property({ type: Number }) stride = 8;
  /** global: the tokens that see and are seen by all, as `"0 100 200"` (spaces or commas). */
  @property({ converter: numberList }) globals: number[] = [0];
  /** `viridis` (default), `magma`, `cividis`, `blues` (sequential); `rdbu`, `puor` (diverging). */
  @property() colormap: ColormapName = 'viridis';
  /** `linear` or `log`. */
  @property() scale: 'linear' | 'log' = 'linear';
  /** `global`: one colour range for all cells; `row`: each query row scaled to its maximum. */
  @property({ attribute: 'normalize' }) normalization: 'global' | 'row' = 'global';
  /** The head shown: `average` or a head index from 0. */
  @property() head = 'average';
  /**
   * Attention layers of a vision model, `{ kind, heads, channels?, label? }` each, `kind` one of
   * `encoder`, `decoder`, `cross`, `channel-within`, `channel-across`, `self` or core's
   * `encoder-self`, `decoder-self`; a training snapshot's layers (`{ kind, heads, length, keys,
   * data }`) are taken as they are. The heatmap shows layer `layer`, a menu picks another. Used
   * before `heads`, `matrix` and `scores`.
   */
  @property({ attribute: false }) layers?: readonly AttentionLayer[];
  /**
   * The layer of `layers` shown, from 0. A layer picked from the menu moves to the last when the
   * layers become fewer (a followed model with fewer layers); one set by the author is named in
   * the message, the menu kept to pick another.
   */
  @property({ type: Number }) layer = 0;
  /**
   * Channel-specific attention shown beside the attention, labelled: `[R, G, B]`, each a matrix
   * or one per head, of the attention's shape (a layer's own `channels` come first).
   */
  @property({ attribute: false }) channels?: ChannelsInput;
  /**
   * Patch-grid mode: the keys are image patches on a `rows x cols` grid, in raster order
   * (`"4x4"`; from script `[4, 4]` or `{ rows, cols }`). Beside each matrix, the selected
   * query's weights are drawn over the image, patch by patch.
   */
  @property({ converter: gridConverter }) grid?: GridInput;
  /**
   * The grid of the queries where it is not `grid`: decoder queries, one per output patch, of
   * cross-attention. By default the queries are on `grid` when there are as many as its patches.
   */
  @property({ attribute: 'query-grid', converter: gridConverter }) queryGrid?: GridInput;
  /**
   * The image under the patches: RGBA bytes in canvas layout, `{ data, width, height }` (an
   * `ImageData` is one), each side cut by the grid into whole pixels. A followed
   * `<shape-dataset-viewer mode="2d">` gives its sample's input image where this is unset.
   */
  @property({ attribute: false }) image?: PatchImage;
  /** A label per query (row), shown in ticks, tooltips and the table; in HTML, words separated by spaces or commas. */
  @property({ attribute: 'row-labels', converter: wordList }) rowLabels?: string[];
  /** A label per key (column); in HTML, words separated by spaces or commas. */
  @property({ attribute: 'col-labels', converter: wordList }) colLabels?: string[];
  /** Axis title of the rows; by default `Query`, or what the layer's queries are (`Decoder query` for cross-attention, `Query patch` on a grid). */
  @property({ attribute: 'query-label' }) queryLabel?: string;
  /** Axis title of the columns; by default `Key`, or what the layer's keys are (`Encoder patch` for cross-attention, `Key patch` on a grid). */
  @property({ attribute: 'key-label' }) keyLabel?: string;
  /** The heatmap's accessible name and title. */
  @property() label = 'Attention weights';
  /** The value range of the colours, `[low, high]`, two finite increasing numbers (above 0 on a log scale); by default the data's (weights from 0). */
  @property({ attribute: false }) domain?: readonly [number, number];
  /** Leaves out the toolbar and the row chart, for a heatmap that is part of a larger figure. */
  @property({ type: Boolean, reflect: true }) compact = false;
  /**
   * What is inside the efficient attention variant that computed the data (as a
   * `<trainable-model>` sends it in `attention-change`): `{ attention, options?, buckets?,
   * spans?, maxSpan?, projected?, exact? }`, checked against the heads. A followed model's own
   * comes with its attention; a sample's is computed (`attention`).
   */
  @property({ attribute: false }) variant?: VariantDetail;
  /**
   * `internals` (the default): beside the pattern, what is inside the variant (Reformer's
   * buckets per round, adaptive spans over the map, Linformer's weights over its k projected
   * rows, Performer's exact attention and error); `pattern`: the pattern alone.
   */
  @property({ attribute: 'variant-view', converter: word }) variantView: VariantViewName =
    'internals';
  /**
   * Following a `<shape-dataset-viewer>`: the attention variant computed on its sample, through
   * core, as `<trainable-model>`'s `attention` names it (`local`, `sparse`, `global`, `adaptive`,
   * `linformer`, `performer`, `reformer`, `binary`, or `full`, `causal`); queries and keys are
   * the sample's local shapes. Unset: `source` decides.
   */
  @property({ converter: word }) attention?: AttentionVariant | '';
  /** adaptive, on a sample: the largest span; four heads show spans of 1/4, 1/2, 3/4 and all of it. */
  @property({ type: Number }) span: number = VARIANT_DEFAULTS.span;
  /** performer, on a sample: the random features m. */
  @property({ type: Number }) features: number = VARIANT_DEFAULTS.features;
  /** linformer, on a sample: the rows k keys are projected to along the sequence. */
  @property({ type: Number }) projected: number = VARIANT_DEFAULTS.projected;
  /** reformer, on a sample: hash buckets, 1 or even. */
  @property({ type: Number }) buckets: number = VARIANT_DEFAULTS.buckets;
  /** reformer, on a sample: hashing rounds. */
  @property({ type: Number }) hashes: number = VARIANT_DEFAULTS.hashes;
  /** reformer, on a sample: the chunk of sorted positions a query attends within, with the chunk before. */
  @property({ type: Number }) chunk: number = VARIANT_DEFAULTS.chunk;

  // ---- Lifecycle ----

  override connectedCallback(): void {
    super.connectedCallback();
    // Leaving the page cancels a load in flight; coming back picks it up again.
    if (this.hasUpdated && this.src && !this.external.hasLoaded && !this.errorMessage)
      this.external.load(this.src);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('for')) this.external.follow(typeof this.for === 'string' ? this.for : '');
    if (changed.has('src')) this.external.load(this.src);
    // Following a viewer: the source decides what is computed from its sample.
    if (changed.has('source') && this.hasUpdated) this.external.resample();
    // ... and so do the variant and its parameters (window, stride, globals among them).
    if (
      this.hasUpdated &&
      [...VARIANT_PARAMETERS, 'window', 'stride', 'globals'].some((name) =>
        changed.has(name as keyof AttentionHeatmap),
      )
    )
      this.external.resample();
    this.keepLayerWithin(changed);
    // The link found (or lost) its element, or says why it follows none: show that.
    const linkChanged = this.external.problem !== this.shownProblem;
    this.shownProblem = this.external.problem;
    if (
      !this.hasUpdated ||
      linkChanged ||
      [...changed.keys()].some((name) => DATA_PROPERTIES.has(name))
    ) {
      this.recompute();
    }
  }

  protected override updated(): void {
    this.drawing.schedule();
  }

  /** The reader's colour scheme or `theme` changed: the canvases take the new colours. */
  protected override themeChanged(): void {
    this.drawing.schedule();
  }

  /**
   * Layers arrived with another count (a followed model became one with fewer layers, or
   * `layers` was replaced): a layer picked from the menu that is now past the last becomes the
   * last. One the author set stays, and its message names it, with the menu still drawn to pick
   * a layer that exists.
   */
  private keepLayerWithin(changed: PropertyValues<this>): void {
    if (changed.has('layer')) {
      this.layerFromAuthor = this.layer !== this.pickedLayer;
      this.pickedLayer = undefined;
    }
    const layers = this.shownLayers;
    if (this.layerFromAuthor || !Array.isArray(layers) || layers.length === 0) return;
    if (Number.isInteger(this.layer) && this.layer >= layers.length) {
      this.layer = layers.length - 1;
      this.pickedLayer = this.layer;
    }
  }

  // ---- Validation ----

  /** Checks every attribute value, named as authors write it, against `data` where it depends on it. */
  private validate(data: HeatmapData | undefined): void {
    this.validateTheme();
    checkSettings(this, data, HEATMAP_SOURCES);
    // A `for` that follows nothing says why, rather than "No attention to show yet".
    const problem = this.external.problem;
    if (problem) throw new RangeError(problem);
    if (this.arrivalError instanceof Error) throw this.arrivalError;
  }

  // ---- Event handlers ----

  private onHeadKeyDown(event: KeyboardEvent): void {
    const choices = ['average', ...(this.data?.heads.map((_, i) => String(i)) ?? [])];
    const step = HEAD_STEPS[event.key] ?? 0;
    if (!step) return;
    event.preventDefault();
    const index = choices.indexOf(this.head);
    this.head = choices[(index + step + choices.length) % choices.length];
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLButtonElement>('.heads [aria-checked="true"]')?.focus(),
    );
  }

  // ---- Data ----

  /** Works out the data and the panels from whichever input is set, or shows what is wrong. */
  private recompute(): void {
    try {
      const vision = this.linkedVision;
      const data =
        dataFromProperties(this) ??
        (vision
          ? dataFromProperties(
              { layers: vision.layers, layer: this.layer },
              'attention-change layers',
            )
          : this.arrived);
      this.validate(data);
      this.data = data && {
        ...data,
        rowLabels: checkLabels(this.rowLabels, data.heads[0].rows, 'row-labels') ?? data.rowLabels,
        colLabels: checkLabels(this.colLabels, data.heads[0].cols, 'col-labels') ?? data.colLabels,
      };
      const masks = [this.mask, ...(this.compare ? [this.compare] : [])];
      if (data) checkWork(data, masks);
      this.layOutPatches(data);
      this.variantInfo = data
        ? (readVariant(this.variant, 'variant', data.heads) ?? data.variant)
        : undefined;
      this.panels = data
        ? buildPanels(data, {
            masks,
            head: this.headShown,
            ...this.maskOptions(),
          })
        : [];
      this.markUnseen();
      this.clearError();
      if (data) this.interaction.keepWithin(data.heads[0].rows, data.heads[0].cols);
    } catch (error) {
      this.data = undefined;
      this.panels = [];
      this.variantInfo = undefined;
      this.layout = undefined;
      this.shownImage = undefined;
      this.reportError(error);
    }
  }

  /**
   * Patch-grid mode: lays the data on `grid` and `query-grid`, and checks the image (`image`,
   * or the followed viewer's) against the patches; each problem names its attribute.
   */
  private layOutPatches(data: HeatmapData | undefined): void {
    // A followed vision model's grids and image stand in for those not set here.
    const vision = this.linkedVision;
    const set = (value: unknown) => value !== undefined && value !== null;
    const grid = set(this.grid)
      ? readGrid(this.grid, 'grid')
      : readGrid(vision?.grid, 'attention-change grid');
    const queryGrid = set(this.queryGrid)
      ? readGrid(this.queryGrid, 'query-grid')
      : readGrid(vision?.queryGrid, 'attention-change queryGrid');
    if (!grid && queryGrid)
      throw new RangeError('query-grid is the grid of the queries beside grid: set grid too');
    if (!grid && this.image !== undefined && this.image !== null) {
      throw new RangeError(
        'image is drawn under the patches of grid: set grid to the patches of the attention, such as "4x4"',
      );
    }
    const [first] = data?.heads ?? [];
    this.layout = grid && first && layOut(first.rows, first.cols, grid, queryGrid, data?.layerKind);
    const id = typeof this.for === 'string' ? this.for : '';
    const [image, name] = set(this.image)
      ? [this.image, 'image']
      : set(vision?.image)
        ? [vision!.image, 'attention-change image']
        : [grid && this.linkedImage, `the image of for="${id}"`];
    this.shownImage = checkImage(image, name, this.layout);
  }

  /**
   * Reformer, with its internals shown: the cells no hashing round sees are marked as masked in
   * the panels without a mask of their own, so the matrix shows only in-bucket, in-chunk attention.
   */
  private markUnseen(): void {
    if (this.variantView !== 'internals') return;
    const seen = reformerSeen(this.variantInfo, this.headShown);
    const [first] = this.data?.heads ?? [];
    if (!seen || !first || seen.length !== first.rows * first.cols) return;
    for (const panel of this.panels)
      if (panel.mask === 'full' && !panel.channel) panel.allowed = seen;
  }

  /** The variant computed on a followed viewer's sample, when `attention` names one. */
  private get sampleVariant(): SampleVariant | undefined {
    const attention = this.attention;
    if (typeof attention !== 'string' || attention === '') return undefined;
    const { window, stride, globals, span, features, projected, buckets, hashes, chunk } = this;
    return {
      attention,
      window,
      stride,
      globals,
      span,
      features,
      projected,
      buckets,
      hashes,
      chunk,
    };
  }

  /** What the variant figures are drawn from; undefined with none to show. */
  private get variantState(): VariantState | undefined {
    const variant = this.variantInfo;
    const [panel] = this.panels;
    if (!variant || !panel || this.variantView !== 'internals') return undefined;
    const { query, key } = this.titles;
    return {
      variant,
      panel,
      head: this.headShown,
      style: this.heatmapStyle(),
      background: rgbOf(this.colors.background),
      query,
      key,
    };
  }

  /** What the pictures over the image are drawn from; undefined outside patch-grid mode. */
  private get patchState() {
    const layout = this.layout;
    if (!layout || this.panels.length === 0) return undefined;
    const style = this.heatmapStyle();
    return { layout, image: this.shownImage, panels: this.panels, style, title: this.panelTitleOf };
  }

  private readonly panelTitleOf = (panel: Panel): string => this.panelTitle(panel);

  /** The axis titles: `query-label` and `key-label`, else what the data's queries and keys are. */
  private get titles(): { query: string; key: string } {
    const auto = axisTitles(this.data?.layerKind, this.layout !== undefined);
    return { query: this.queryLabel ?? auto.query, key: this.keyLabel ?? auto.key };
  }

  private maskOptions() {
    return { window: this.window, stride: this.stride, globals: this.globals };
  }

  private get headShown(): number | 'average' {
    return this.head === 'average' ? 'average' : Number(this.head);
  }

  /** What the interaction reads: the heatmap as drawn now. */
  private get view(): HeatmapView | undefined {
    if (!this.data) return undefined;
    const [{ rows, cols }] = this.data.heads;
    const { rowLabels, colLabels } = this.data;
    const { query: queryLabel, key: keyLabel } = this.titles;
    const { panels } = this;
    return { rows, cols, panels, head: this.headShown, rowLabels, colLabels, queryLabel, keyLabel };
  }

  // ---- Drawing ----

  /** How values become colours; `withMaskColors` reads the theme for the masked-cell checkerboard. */
  private heatmapStyle(withMaskColors = false): HeatmapStyle {
    const { colormap, scale, normalization: normalize, domain } = this;
    const style: HeatmapStyle = { colormap, scale, normalize, domain };
    if (withMaskColors) style.maskColors = [rgbOf(this.colors.border), rgbOf(this.colors.surface)];
    return style;
  }

  /**
   * Draws the panels, then each head's thumbnail (pooled to its size on screen), each coloured in
   * slices that yield to the page (`drawHeatmapInSlices`); stops when a newer draw is asked for.
   * Then places the cursor.
   */
  private async draw(cancelled: () => boolean): Promise<void> {
    // Theme colours are read (a style recalculation) only when a mask needs them.
    const style = this.heatmapStyle(this.panels.some((panel) => panel.allowed));
    const frames = [...this.frames];
    const bars = this.renderRoot.querySelectorAll<HTMLCanvasElement>('.colorbar canvas');
    for (const [index, panel] of this.panels.entries()) {
      if (bars[index]) drawColorBar(bars[index], this.colormap);
      const canvas = frames[index]?.querySelector('canvas');
      if (canvas)
        await drawHeatmapInSlices(canvas, panel.shown, style, panel.allowed, { cancelled });
      if (cancelled()) return;
    }
    drawVariant(this.renderRoot, this.variantState);
    const thumbnails = this.renderRoot.querySelectorAll<HTMLCanvasElement>('.heads canvas');
    const [first] = this.panels;
    const choices = first ? [first.average, ...first.heads] : [];
    for (const [i, canvas] of thumbnails.entries()) {
      await nextTask();
      if (cancelled()) return;
      const { matrix, mask } = thumbnailOf(choices[i], first.allowed, THUMBNAIL_SIZE);
      await drawHeatmapInSlices(canvas, matrix, style, mask, { cancelled });
    }
    if (!cancelled()) this.interaction.refresh();
  }

  // ---- Public API ----

  /** The matrices shown, one per panel (under `mask`, then `compare`), for the selected head. */
  get shown(): Matrix[] {
    return this.panels.map((panel) => panel.shown);
  }

  /** The cell under the pointer or keyboard focus, if any. */
  get activeCell(): { query: number; key: number } | undefined {
    return this.interaction.activeCell;
  }

  /**
   * Shows the crosshair on a cell, as hovering it does but without firing events: for another
   * element showing the same positions (key -1 marks the whole row, query -1 clears it).
   */
  highlightCell(query: number, key: number): void {
    this.interaction.highlight(query, key);
  }

  /** What the heatmap shows, as plain data: the matrices per panel and head, labels and settings. */
  toJSON(): Record<string, unknown> {
    return JSON.parse(
      toJsonText({
        label: this.label,
        head: this.head,
        layer: this.data?.layerKind
          ? { index: this.layer, kind: this.data.layerKind, name: this.layerName }
          : undefined,
        grid: this.layout && {
          keys: this.layout.keyGrid,
          queries: this.layout.queryGrid,
          image: this.shownImage && {
            width: this.shownImage.width,
            height: this.shownImage.height,
          },
        },
        queryLabel: this.titles.query,
        keyLabel: this.titles.key,
        rowLabels: this.data?.rowLabels,
        colLabels: this.data?.colLabels,
        panels: this.panels.map((panel) => ({
          mask: panel.mask,
          channel: panel.channel,
          options: panel.mask === 'full' ? undefined : this.maskOptions(),
          shown: matrixToArrays(panel.shown),
          heads: panel.heads.length > 1 ? panel.heads.map(matrixToArrays) : undefined,
        })),
        variant: this.variantJson(),
      }),
    ) as Record<string, unknown>;
  }

  /** The variant's internals as plain data, for `toJSON`. */
  private variantJson(): Record<string, unknown> | undefined {
    const variant = this.variantInfo;
    const [panel] = this.panels;
    if (!variant || !panel) return undefined;
    const head = this.headShown;
    const exact = variant.exact && shownMatrix(variant.exact, head);
    return {
      attention: variant.attention,
      buckets: variant.buckets?.map((round) => round.map((b) => [...b])),
      chunk: variant.buckets ? variant.chunk : undefined,
      spans: variant.spans,
      maxSpan: variant.maxSpan,
      ramp: variant.spans ? variant.ramp : undefined,
      projected: variant.projected?.map(matrixToArrays),
      exact: variant.exact?.map(matrixToArrays),
      error: exact ? approximationError(panel.shown, exact) : undefined,
    };
  }

  /**
   * A PNG of the panels side by side, at least 512 pixels wide each, cells kept square and
   * crisp; in patch-grid mode each followed by its picture over the image, as large.
   */
  async toPNG(): Promise<Blob> {
    await this.updateComplete;
    const canvases = [...this.frames].flatMap((frame) => {
      const picture = frame.parentElement?.querySelector<HTMLCanvasElement>('.patches canvas');
      return [frame.querySelector('canvas')!, ...(picture ? [picture] : [])];
    });
    if (canvases.length === 0) throw new Error('Nothing to export: there is no matrix to show.');
    const background = this.colors.background;
    const enlarged = canvases.map((canvas) => enlarge(canvas, 512));
    return canvasToPng(composeSideBySide(enlarged, { gap: 16, background }));
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

  // ---- Render ----

  override render(): TemplateResult {
    const data = this.data;
    const cells = data ? data.heads[0].rows * data.heads[0].cols : 0;
    return html`
      <div class="toolbar" part="toolbar" ?hidden=${this.compact}>
        ${this.renderLayerMenu()}
        ${this.renderMenu('Colours', this.colormap, COLORMAPS, (v) => (this.colormap = v))}
        ${this.renderMenu('Scale', this.scale, HEATMAP_SCALES, (v) => (this.scale = v))}
        ${this.renderMenu(
          'Normalise',
          this.normalization,
          HEATMAP_NORMALIZATIONS,
          (v) => (this.normalization = v),
          (v) => (v === 'row' ? 'per row' : 'global'),
        )}
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
      ${data ? this.renderPanels(data) : this.errorMessage ? nothing : html`<p class="note">${this.waiting}</p>`}
      ${data ? renderVariant(this.variantState) : nothing}
      ${data && data.heads.length > 1 ? this.renderHeads(data) : nothing}
      ${
        data && this.tableOpen && cells <= TABLE_LIMIT
          ? valuesTable(this.panels[0], {
              caption: this.panelTitle(this.panels[0]),
              corner: `${this.titles.query} \\ ${this.titles.key}`,
              rowLabels: data.rowLabels,
              colLabels: data.colLabels,
            })
          : nothing
      }
      <div class="tooltip" part="tooltip" aria-hidden="true"></div>
    `;
  }

  /** What the note says while there is no attention to show. */
  private get waiting(): string {
    if (this.linkedImage && typeof this.for === 'string') {
      return `for="${this.for}" shows an image: set grid and the attention over its patches (matrix, heads or layers) to draw it there.`;
    }
    return 'No attention to show yet.';
  }

  /**
   * The layer menu, when `layers` (or the followed model's) holds more than one valid layer,
   * drawn even while `layer` names none of them, so that the reader can pick one that exists.
   */
  private renderLayerMenu(): TemplateResult | typeof nothing {
    const layers = this.shownLayers;
    if (!Array.isArray(layers) || layers.length < 2) return nothing;
    let names: string[];
    try {
      names = layerNames(checkLayerList(layers, 'layers'));
    } catch {
      return nothing;
    }
    return this.renderMenu(
      'Layer',
      String(this.layer),
      names.map((_, i) => String(i)),
      (v) => this.pickLayer(Number(v)),
      (v) => `${Number(v) + 1}: ${names[Number(v)]}`,
    );
  }

  private pickLayer(layer: number): void {
    if (layer === this.layer) return;
    this.pickedLayer = layer;
    this.layer = layer;
  }

  private renderMenu<T extends string>(
    label: string,
    value: T,
    choices: readonly T[],
    choose: (value: T) => void,
    text: (value: T) => string = (v) => v,
  ): TemplateResult {
    return html`<label>
      ${label}
      <select
        .value=${live(typeof value === 'string' ? value : '')}
        @change=${(e: Event) => choose((e.target as HTMLSelectElement).value as T)}
      >
        ${choices.map((name) => html`<option value=${name} ?selected=${name === value}>${text(name)}</option>`)}
      </select>
    </label>`;
  }

  private renderPanels(data: HeatmapData): TemplateResult {
    const [{ rows, cols }] = data.heads;
    const crisp = rows <= 512 && cols <= 512;
    const titles = this.titles;
    const query = titles.query.toLowerCase();
    const key = titles.key.toLowerCase();
    return html`
      <div class="panels">
        ${this.panels.map((panel, index) => {
          const [low, high] = heatmapDomain(panel.shown, this.heatmapStyle(), panel.allowed);
          const middle = this.scale === 'log' ? Math.sqrt(low * high) : (low + high) / 2;
          return html`
            <div class=${this.layout ? 'panel with-picture' : 'panel'} part="panel">
              <div class="panel-title">${this.panelTitle(panel)}</div>
              <div class="y-title">${titles.query}</div>
              <div class="y-ticks" aria-hidden="true">
                ${this.renderTicks(rows, data.rowLabels, 'y')}
              </div>
              <div
                class="frame"
                part="grid"
                role="grid"
                tabindex="0"
                aria-label=${`${this.panelTitle(panel)}: ${rows} ${query} rows by ${cols} ${key} columns. Arrow keys move, Enter locks.`}
                aria-rowcount=${rows}
                aria-colcount=${cols}
                style=${styleProps({ '--rows': String(rows), '--cols': String(cols) })}
                @pointermove=${(e: PointerEvent) => this.interaction.pointerMove(e, index)}
                @pointerleave=${this.interaction.pointerLeave}
                @click=${(e: PointerEvent) => this.interaction.click(e, index)}
                @keydown=${(e: KeyboardEvent) => this.interaction.keyDown(e, index)}
                @focus=${this.interaction.focus}
              >
                <canvas class=${crisp ? 'crisp' : ''} aria-hidden="true"></canvas>
                <div class="band" aria-hidden="true"></div>
                <div class="band" aria-hidden="true"></div>
                <div class="line row" aria-hidden="true"></div>
                <div class="line col" aria-hidden="true"></div>
                <div class="box" aria-hidden="true"></div>
                ${
                  this.variantView === 'internals' && !panel.channel
                    ? spanOverlay(this.variantInfo, this.headShown, rows, cols)
                    : nothing
                }
                <div role="row" class="visually-hidden" aria-rowindex="1">
                  <div role="gridcell" aria-colindex="1"></div>
                </div>
              </div>
              <div class="colorbar" part="colorbar" aria-hidden="true">
                <canvas></canvas>
                <div class="values">
                  <span>${formatWeight(high)}</span><span>${formatWeight(middle)}</span
                  ><span>${formatWeight(low)}</span>
                </div>
              </div>
              <div class="x-ticks" aria-hidden="true">
                ${this.renderTicks(cols, data.colLabels, 'x')}
              </div>
              <div class="x-title">${titles.key}</div>
              <div class="row-chart" part="row-chart" aria-hidden="true" ?hidden=${this.compact}>
                <div class="caption">Hover or focus a cell to see its query's weights</div>
                <canvas></canvas>
              </div>
              ${this.layout ? this.patchView.render(panel, index) : nothing}
            </div>
          `;
        })}
      </div>
    `;
  }

  private panelTitle(panel: Panel): string {
    const shown = this.headShown;
    const average = (this.data?.heads.length ?? 0) > 1 ? 'average of heads' : '';
    const span = shown === 'average' ? '' : spanText(this.variantInfo, shown);
    const head =
      shown === 'average' ? average : [`head ${shown + 1}`, span].filter(Boolean).join(' ');
    // Name the mask when there is one, or when two masks need telling apart.
    const mask = panel.mask !== 'full' || this.compare ? panel.mask : '';
    // Beside channel-specific maps, the attention across all channels is the full one.
    const channel = panel.channel
      ? `${panel.channel} channel`
      : this.data?.channels
        ? 'full attention'
        : '';
    const details = [this.layerName, channel, mask, head].filter(Boolean).join(', ');
    return details ? `${this.label} (${details})` : this.label;
  }

  /** The shown layer's name, when the data comes from `layers`. */
  private get layerName(): string {
    const layers = this.shownLayers;
    if (!this.data?.layerKind || !Array.isArray(layers)) return '';
    return layerNames(layers)[this.layer] ?? '';
  }

  /** The layers shown from: `layers`, else those a followed vision model sent. */
  private get shownLayers(): readonly unknown[] | undefined {
    const own = this.layers;
    return own !== undefined && own !== null ? own : this.linkedVision?.layers;
  }

  private renderTicks(count: number, labels: string[] | undefined, axis: 'x' | 'y') {
    const labelled = labels && count <= 32;
    const positions = labelled ? Array.from({ length: count }, (_, i) => i) : niceTicks(count);
    return positions.map((i) => {
      const at = `${((i + 0.5) / count) * 100}%`;
      return html`<span class="tick" style=${styleProps(axis === 'x' ? { left: at } : { top: at })}
        >${labelled ? labels[i] : i}</span
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
              aria-checked=${choice === String(this.head) ? 'true' : 'false'}
              tabindex=${choice === String(this.head) ? '0' : '-1'}
              @click=${() => (this.head = choice)}
            >
              <canvas aria-hidden="true"></canvas>
              ${choice === 'average' ? 'Average' : `Head ${Number(choice) + 1}`}
              ${
                choice !== 'average' && this.variantInfo?.spans
                  ? html`<span class="head-span"
                      >${spanText(this.variantInfo, Number(choice)).replace(/ of at most.*/, '')}</span
                    >`
                  : nothing
              }
            </button>
          `,
        )}
      </div>
    `;
  }
}

/** `canvas` scaled by a whole factor to at least `width` pixels wide, pixels kept crisp. */
function enlarge(canvas: HTMLCanvasElement, width: number): HTMLCanvasElement {
  const scale = Math.max(1, Math.ceil(width / canvas.width));
  return composeSideBySide([canvas], { scale, gap: 0 });
}

declare global {
  interface HTMLElementEventMap {
    'attention-hover': AttentionHoverEvent;
    'attention-select': AttentionSelectEvent;
    'attention-change': CustomEvent<AttentionChangeDetail>;
  }
}
