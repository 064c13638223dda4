import {
  PATCH_ENCODING_KINDS,
  generateShapes2D,
  type PatchEncodingKind,
  type PatchGrid,
  type Sample1D,
  type Sample2D,
} from '@decoding-attention/core';
import {
  DecodingElement,
  ElementLink,
  canvasToPng,
  composeSideBySide,
  downloadBlob,
  downloadJson,
  eventDetail,
  isSampleSource,
  toJsonText,
  toolbarLabelStyles,
  word,
  type ThemeColors,
} from '@decoding-attention/ui';
import { html, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import {
  barScale,
  drawBars,
  drawImage,
  drawPlanes,
  drawSimilarity,
  drawStrip,
  gridPicture,
} from './draw.js';
import type { PatchFocusDetail, TokensChangeDetail } from './events.js';
import { renderGridOverlay, renderParts, type PartsView } from './parts.js';
import { tokenizerStyles } from './patch-tokenizer.styles.js';
import {
  describePatch,
  patchAfterKey,
  placeOf,
  rowOf,
  tokensAsData,
  workOutTokens,
  type WorkedTokens,
} from './tokens.js';
import { usablePatchSizes, validateSettings } from './validation.js';
import { VERSION } from './version.js';

/** A followed element's sample, if it is a 2D one. */
function sample2D(sample: Sample1D | Sample2D | undefined): Sample2D | undefined {
  return sample && typeof sample === 'object' && 'width' in sample && sample.input
    ? sample
    : undefined;
}

/** Elements `for` can name: a viewer (before or after its tag is defined) or any sample source. */
function isFollowable(element: Element): element is HTMLElement {
  return element.localName === 'shape-dataset-viewer' || isSampleSource(element);
}

/** A setting as a form control shows it: a bad value set from script shows as none. */
function textOf(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/**
 * The journey of an image to tokens: the image cut into patches numbered in raster order, one
 * patch flattened into its R, G and B planes, its embedding (the flattened patch times a
 * projection) plus its positional encoding giving the token, and how alike the positions of
 * every other patch are to it.
 *
 * @tag patch-tokenizer
 * @summary An image cut into patches, each flattened, embedded and given its position.
 *
 * @attr {'auto' | 'light' | 'dark'} theme - `light` or `dark` forces a colour scheme; `auto` (the default) follows the reader's.
 *
 * @fires patch-focus - The patch shown changed (hover, keyboard or `patch`). `detail: { index, row, col }`.
 * @fires tokens-change - The tokens were worked out anew. `detail: { encoding, patchSize, rows, cols, dim, tokens }`.
 *
 * @csspart controls - The toolbar of choices and export buttons.
 * @csspart button - Every button.
 * @csspart image - The image with its patch grid (the keyboard-operable grid).
 * @csspart similarity - The similarity of every patch's position to the shown patch's.
 * @csspart patch - The shown patch: its planes and the flattened strip.
 * @csspart token - The embedding, the encoding and the token as bars.
 * @csspart error - The message shown for bad input.
 *
 * @cssprop [--da-patch-image-size] - Width of the image and of the similarity grid (default 256px).
 * @cssprop [--da-color-accent] - The shown patch's outline and the bars.
 */
export class PatchTokenizer extends DecodingElement {
  // ---- Static ----

  static readonly version = VERSION;
  static override styles = [...DecodingElement.styles, toolbarLabelStyles, tokenizerStyles];

  // ---- Controllers and fields ----

  private readonly link = new ElementLink<HTMLElement>(
    this,
    (target) => {
      target.addEventListener('sample-change', this.onSampleChange);
      if (isSampleSource(target)) this.linkedSample = sample2D(target.sample);
    },
    (target) => {
      target.removeEventListener('sample-change', this.onSampleChange);
      this.linkedSample = undefined;
    },
    isFollowable,
    'a <shape-dataset-viewer mode="2d">',
  );

  private worked: WorkedTokens | undefined;
  /** The grid of the last settings that were valid: a new patch size moves the patch from it. */
  private shownGrid: PatchGrid | undefined;
  /** The patch the menu's new patch size moves from (the hovered one, if any). */
  private remapFrom: number | undefined;
  /** The patch under the pointer, or -1: it is shown instead of `patch` while hovered. */
  @state() private hovered = -1;
  @state() private linkedSample: Sample2D | undefined;
  /** The own sample, kept while the seed stays. */
  private ownSample: Sample2D | undefined;

  // ---- Queries ----

  @query('canvas.image') private imageCanvas?: HTMLCanvasElement;
  @query('canvas.similarity') private similarityCanvas?: HTMLCanvasElement;
  @query('canvas.planes') private planesCanvas?: HTMLCanvasElement;
  @query('canvas.strip') private stripCanvas?: HTMLCanvasElement;
  @query('canvas.embedding') private embeddingCanvas?: HTMLCanvasElement;
  @query('canvas.encoding') private encodingCanvas?: HTMLCanvasElement;
  @query('canvas.token') private tokenCanvas?: HTMLCanvasElement;

  // ---- Properties ----

  /** Seed of the image (when not following a viewer), the projection and the learnable table (default 0). */
  @property({ type: Number }) seed = 0;
  /** Side of a square patch in pixels; must divide the image, at most 256 patches (default 16). */
  @property({ type: Number, attribute: 'patch-size' }) patchSize = 16;
  /** Features per token, 4 to 64 (default 16). */
  @property({ type: Number }) dim = 16;
  /** The positional encoding: `learnable`, `sinusoidal` (default) or `rope`. */
  @property({ reflect: true, converter: word }) encoding: PatchEncodingKind = 'sinusoidal';
  /** The patch shown when none is hovered, by its raster number (default 0); the keyboard moves it. */
  @property({ type: Number }) patch = 0;
  /** Id of a `<shape-dataset-viewer mode="2d">` whose sample is tokenized. */
  @property({ reflect: true, converter: word }) for?: string;
  /**
   * A `[patch-size² x 3, dim]` row-major projection (a trained patch embedding) used instead of
   * the seeded one; checked for size and finite values.
   */
  @property({ attribute: false }) projection?: ArrayLike<number>;
  /** The `[dim]` bias of a trained patch embedding, added after `projection` (which it needs). */
  @property({ attribute: false }) bias?: ArrayLike<number>;
  /**
   * A trained `[patches, dim]` row-major positional table (a learnable encoding after training),
   * used instead of the seeded one when `encoding` is `learnable`; checked for size and values.
   */
  @property({ attribute: false }) positionalTable?: ArrayLike<number>;
  /**
   * rope: the attention heads the token's features are split into, each turned on its own as
   * the models turn queries and keys (default 4, the models' own); `dim / heads` must be a
   * multiple of 4 under `rope`.
   */
  @property({ type: Number }) heads = 4;

  /** The tokens shown, `[patches, dim]` row-major. */
  get tokens(): Float32Array | undefined {
    return this.worked?.tokens;
  }

  /** The patch shown: the hovered one, else `patch`. */
  get shownPatch(): number {
    return this.hovered >= 0 ? this.hovered : this.patch;
  }

  /** The image tokenized: the followed viewer's sample, or one of the element's own. */
  get image(): Sample2D {
    if (this.linkedSample) return this.linkedSample;
    const seed = Number.isSafeInteger(this.seed) ? this.seed : 0;
    if (this.ownSample && this.ownSeed === seed) return this.ownSample;
    this.ownSeed = seed;
    this.ownSample = generateShapes2D({ seed });
    return this.ownSample;
  }
  private ownSeed = 0;

  // ---- Lifecycle ----

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('for')) this.link.follow(typeof this.for === 'string' ? this.for : undefined);
    const image = this.image;
    this.keepPatchInPlace(changed, image);
    try {
      this.validateTheme();
      const checked = validateSettings(this, image.width, image.height);
      const problem = this.link.problem;
      if (problem) throw new RangeError(problem);
      const target = this.link.element;
      if (isSampleSource(target) && target.sample && !sample2D(target.sample))
        throw new RangeError(
          `for="${this.for}" names a viewer showing a 1D sample; set mode="2d" on it`,
        );
      const worked = this.worked;
      const same =
        worked?.sample === image &&
        worked.grid.patchSize === checked.patchSize &&
        worked.dim === checked.dim &&
        worked.encoding === checked.encoding &&
        worked.heads === checked.heads &&
        !changed.has('seed') &&
        !changed.has('projection') &&
        !changed.has('bias') &&
        !changed.has('positionalTable');
      if (!same) {
        this.worked = workOutTokens(image, checked);
        this.emit<TokensChangeDetail>('tokens-change', {
          encoding: checked.encoding,
          patchSize: checked.patchSize,
          rows: checked.grid.rows,
          cols: checked.grid.cols,
          dim: checked.dim,
          tokens: this.worked.tokens,
        });
      }
      if (this.hovered >= checked.grid.count) this.hovered = -1;
      this.shownGrid = checked.grid;
      this.clearError();
    } catch (error) {
      this.worked = undefined;
      this.reportError(error);
    }
  }

  /**
   * `patch-size` changed (from the menu, an attribute or script): the patch shown moves to the
   * one that now holds the old one's top-left corner, so the same spot of the image stays in
   * view and a patch number past the new grid's last is never left behind. A `patch` set in the
   * same update is the author's and is kept.
   */
  private keepPatchInPlace(changed: PropertyValues<this>, image: Sample2D): void {
    const grid = this.shownGrid;
    const size = this.patchSize;
    if (!changed.has('patchSize') || changed.has('patch') || !grid) return;
    if (!Number.isInteger(size) || size < 1 || image.width % size || image.height % size) return;
    const from = this.remapFrom ?? this.patch;
    this.remapFrom = undefined;
    if (!Number.isInteger(from) || from < 0 || from >= grid.count) return;
    const { row, col } = placeOf(grid, from);
    const cols = image.width / size;
    this.patch =
      Math.floor((row * grid.patchSize) / size) * cols + Math.floor((col * grid.patchSize) / size);
  }

  protected override updated(changed: PropertyValues<this>): void {
    const worked = this.worked;
    if (!worked) return;
    this.draw(worked);
    const keys = changed as Map<PropertyKey, unknown>;
    if (keys.has('hovered') || keys.has('patch') || keys.has('patchSize')) {
      const { row, col } = placeOf(worked.grid, this.shownPatch);
      this.emit<PatchFocusDetail>('patch-focus', { index: this.shownPatch, row, col });
    }
  }

  /** The reader's colour scheme or `theme` changed: the bars are drawn again in the new colours. */
  protected override themeChanged(_colors: ThemeColors): void {
    this.requestUpdate();
  }

  // ---- Event handlers ----

  private readonly onSampleChange = (event: Event): void => {
    const detail = eventDetail<{ sample: Sample1D | Sample2D }>(event);
    this.linkedSample = sample2D(detail?.sample);
  };

  /** The patch under the pointer, from its place over the image. */
  private onPointerMove(event: PointerEvent): void {
    const worked = this.worked;
    const box = (event.currentTarget as HTMLElement).getBoundingClientRect();
    if (!worked || box.width === 0 || box.height === 0) return;
    const col = Math.floor(((event.clientX - box.left) / box.width) * worked.grid.cols);
    const row = Math.floor(((event.clientY - box.top) / box.height) * worked.grid.rows);
    if (col < 0 || row < 0 || col >= worked.grid.cols || row >= worked.grid.rows) return;
    this.hovered = row * worked.grid.cols + col;
  }

  private onPointerLeave(): void {
    this.hovered = -1;
  }

  /** Arrow keys move patch by patch, Home and End to the first and last patch. */
  private onKeyDown(event: KeyboardEvent): void {
    const worked = this.worked;
    if (!worked) return;
    const next = patchAfterKey(worked.grid, this.shownPatch, event.key);
    if (next === undefined) return;
    event.preventDefault();
    this.hovered = -1;
    this.patch = next;
  }

  /** The menu's patch size: the patch shown (hovered or not) keeps its place (`keepPatchInPlace`). */
  private setPatchSize(value: string): void {
    if (Number(value) === this.patchSize) return;
    this.remapFrom = this.shownPatch;
    this.hovered = -1;
    this.patchSize = Number(value);
  }

  private async exportPng(): Promise<void> {
    try {
      downloadBlob(await this.toPNG(), `patch-tokenizer-${this.patchSize}.png`);
    } catch (error) {
      this.reportError(error);
    }
  }

  private exportJson(): void {
    downloadJson(this.toJSON(), `patch-tokenizer-${this.patchSize}.json`);
  }

  // ---- Drawing ----

  private draw(worked: WorkedTokens): void {
    const index = this.shownPatch;
    const { grid, dim } = worked;
    const patch = rowOf(worked.patches.data, grid.size, index);
    if (this.imageCanvas) drawImage(this.imageCanvas, worked.sample);
    if (this.similarityCanvas) drawSimilarity(this.similarityCanvas, worked, index);
    if (this.planesCanvas) drawPlanes(this.planesCanvas, patch, grid.patchSize);
    if (this.stripCanvas) drawStrip(this.stripCanvas, patch, grid.patchSize);
    const embedding = rowOf(worked.embeddings.data, dim, index);
    const encoding = rowOf(worked.encodings, dim, index);
    const token = rowOf(worked.tokens, dim, index);
    const scale = barScale(embedding, encoding, token);
    const colors = this.colors;
    if (this.embeddingCanvas) drawBars(this.embeddingCanvas, embedding, scale, colors);
    if (this.encodingCanvas) drawBars(this.encodingCanvas, encoding, scale, colors);
    if (this.tokenCanvas) drawBars(this.tokenCanvas, token, scale, colors);
  }

  // ---- Public API ----

  /** The settings, the grid, the shown patch's values, embedding, encoding, token and similarities, and every token. */
  toJSON(): Record<string, unknown> {
    const data = this.worked
      ? { seed: this.seed, ...tokensAsData(this.worked, this.shownPatch) }
      : { error: this.errorMessage };
    return JSON.parse(toJsonText(data)) as Record<string, unknown>;
  }

  /** A PNG of the image with its grid, the similarity grid, the patch's planes and its token's bars. */
  async toPNG(): Promise<Blob> {
    await this.updateComplete;
    const worked = this.worked;
    if (!worked) throw new Error('Nothing to export: the attributes are not valid.');
    const picture = gridPicture(worked, this.shownPatch, this.colors);
    const similarity = document.createElement('canvas');
    drawSimilarity(similarity, worked, this.shownPatch);
    const scaled = document.createElement('canvas');
    scaled.width = picture.width;
    scaled.height = picture.height;
    const context = scaled.getContext('2d');
    if (context) {
      context.imageSmoothingEnabled = false;
      context.drawImage(similarity, 0, 0, scaled.width, scaled.height);
    }
    const parts = [picture, scaled, this.planesCanvas, this.tokenCanvas].filter(
      (canvas): canvas is HTMLCanvasElement => !!canvas,
    );
    return canvasToPng(composeSideBySide(parts, { gap: 16, background: this.colors.background }));
  }

  // ---- Render ----

  override render(): TemplateResult {
    const worked = this.worked;
    const index = this.shownPatch;
    const view: PartsView | undefined = worked && {
      worked,
      index,
      description: describePatch(worked, index),
      onPointerMove: (event) => this.onPointerMove(event),
      onPointerLeave: () => this.onPointerLeave(),
      onKeyDown: (event) => this.onKeyDown(event),
      overlay: renderGridOverlay(worked.grid, index),
    };
    return html`${this.renderControls()} ${this.renderError()} ${view ? renderParts(view) : ''}`;
  }

  private renderControls(): TemplateResult {
    const image = this.image;
    const sizes = usablePatchSizes(image.width, image.height);
    const size = textOf(this.patchSize);
    const encoding = textOf(this.encoding);
    return html`
      <div class="toolbar controls" part="controls" role="group" aria-label="Tokenizer settings">
        <label
          >Patch size
          <select @change=${(e: Event) => this.setPatchSize((e.target as HTMLSelectElement).value)}>
            ${sizes.map((p) => html`<option value=${p} ?selected=${String(p) === size}>${p}</option>`)}
          </select></label
        >
        <label
          >Encoding
          <select
            @change=${(e: Event) =>
              (this.encoding = (e.target as HTMLSelectElement).value as PatchEncodingKind)}
          >
            ${PATCH_ENCODING_KINDS.map(
              (kind) => html`<option value=${kind} ?selected=${kind === encoding}>${kind}</option>`,
            )}
          </select></label
        >
        <button part="button" @click=${this.exportPng}>PNG</button>
        <button part="button" @click=${this.exportJson}>JSON</button>
        ${this.renderEmbedButton()}
      </div>
    `;
  }
}
