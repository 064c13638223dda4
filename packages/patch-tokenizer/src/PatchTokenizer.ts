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
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
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
import type { PatchFocusDetail, TokensChangeDetail, WeightsChangeDetail } from './events.js';
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
import {
  MODEL_EXPECTED,
  TOKENIZER_WEIGHTS,
  WEIGHTS_EVERY_MS,
  isModelElement,
  isWeightsSource,
  modelWeightsOf,
  type ModelWeights,
} from './model-weights.js';
import { usablePatchSizes, validateSettings, type TokenizerSettings } from './validation.js';
import { VERSION } from './version.js';

/** A followed element's sample, if it is a 2D one. */
function sample2D(sample: Sample1D | Sample2D | undefined): Sample2D | undefined {
  return sample && typeof sample === 'object' && 'width' in sample && sample.input
    ? sample
    : undefined;
}

/**
 * Elements `for` can name: a viewer (before or after its tag is defined) or any sample source,
 * and a model whose weights are shown.
 */
function isFollowable(element: Element): element is HTMLElement {
  return (
    element.localName === 'shape-dataset-viewer' ||
    isSampleSource(element) ||
    isModelElement(element)
  );
}

/** What `for` names, in the messages. */
const FOLLOWED = `a <shape-dataset-viewer mode="2d"> or a ${MODEL_EXPECTED}`;

/** The named fields of an object. */
function pick<T extends object, K extends keyof T>(object: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.map((key) => [key, object[key]])) as Pick<T, K>;
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
 * @fires weights-change - New weights arrived from the model named in `for`. `detail: { model, patchSize, dim }`.
 *
 * @csspart controls - The toolbar of choices and export buttons.
 * @csspart button - Every button.
 * @csspart image - The image with its patch grid (the keyboard-operable grid).
 * @csspart similarity - The similarity of every patch's position to the shown patch's.
 * @csspart patch - The shown patch: its planes and the flattened strip.
 * @csspart token - The embedding, the encoding and the token as bars.
 * @csspart error - The message shown for bad input.
 * @csspart source - Where the projection comes from: a followed model's weights, or a wait for them.
 *
 * @cssprop [--da-patch-image-size] - Width of the image and of the similarity grid (default 256px).
 * @cssprop [--da-color-accent] - The shown patch's outline and the bars.
 */
export class PatchTokenizer extends DecodingElement {
  // ---- Static ----

  static readonly version = VERSION;
  static override styles = [...DecodingElement.styles, toolbarLabelStyles, tokenizerStyles];

  // ---- Controllers and fields ----

  /** `for` names up to two elements, as `<output for>` does: a viewer and a model, in any order. */
  private readonly links = [0, 1].map(
    () =>
      new ElementLink<HTMLElement>(
        this,
        (target) => this.attach(target),
        (target) => this.detach(target),
        isFollowable,
        FOLLOWED,
      ),
  );
  /** The ids `for` named, as followed. */
  private ids: string[] = [];
  /** The model followed, if any. */
  private modelTarget: HTMLElement | undefined;
  /** The patch embedding of the followed model's last weights, checked. */
  @state() private modelWeights: ModelWeights | undefined;
  /** Why the followed model's weights cannot be shown, if so. */
  @state() private modelProblem: string | undefined;
  /** The followed model has no weights yet (it has not trained). */
  @state() private waiting = false;
  /** Bumped when the model followed changes: a fetch for the one before is then dropped. */
  private fetchGeneration = 0;
  private fetching = false;
  private fetchAgain = false;
  private lastFetch = -Infinity;

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
  /**
   * Ids, space-separated, as `<output for>` takes them: a `<shape-dataset-viewer mode="2d">`,
   * whose sample is tokenized, and a `<trainable-model task="shapes-2d">` (`vit` or `vit-encdec`),
   * whose trained patch embedding (and learnable positional table) makes the tokens, at its
   * patch size, width and encoding; either or both, in any order.
   */
  @property({ reflect: true, converter: word }) for?: string;
  /**
   * A `[patch-size² x 3, dim]` row-major projection (a trained patch embedding) used instead of
   * the seeded one; checked for size and finite values. A model followed through `for` comes first.
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

  /**
   * The image tokenized: the followed viewer's sample, or one of the element's own (at the
   * followed model's image size, if it has weights).
   */
  get image(): Sample2D {
    if (this.linkedSample) return this.linkedSample;
    const seed = Number.isSafeInteger(this.seed) ? this.seed : 0;
    const size = this.modelWeights?.imageSize;
    const key = `${seed} ${size ?? ''}`;
    if (this.ownSample && this.ownKey === key) return this.ownSample;
    this.ownKey = key;
    this.ownSample = generateShapes2D(size ? { seed, width: size, height: size } : { seed });
    return this.ownSample;
  }
  private ownKey = '';

  /**
   * The trained weights shown, from the model named in `for`: its id, image and patch size,
   * width (`dim`), heads, encoding, `projection`, `bias` and, for a learnable encoding,
   * `positionalTable`; undefined while no model is followed or it has no weights yet.
   */
  get followedWeights(): Readonly<ModelWeights> | undefined {
    return this.modelWeights;
  }

  /** The settings the tokens are worked out with: the element's, or a followed model's. */
  private get settings(): TokenizerSettings {
    const w = this.modelWeights;
    if (!w) return this;
    return {
      ...pick(this, ['seed', 'patch', 'for', 'encoding', 'dim', 'heads', 'patchSize']),
      patchSize: w.patchSize,
      dim: w.dim,
      heads: w.heads,
      encoding: w.encoding ?? this.encoding,
      projection: w.projection,
      bias: w.bias,
      positionalTable: w.positionalTable,
    };
  }

  // ---- Lifecycle ----

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('for')) this.followIds();
    const image = this.image;
    const keys = changed as Map<PropertyKey, unknown>;
    this.keepPatchInPlace(changed, image);
    try {
      this.validateTheme();
      const checked = this.checkSettings(image);
      this.checkLinks();
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
        !changed.has('positionalTable') &&
        !keys.has('modelWeights');
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

  /** The settings checked against the image; a followed model's are named as its. */
  private checkSettings(image: Sample2D): ReturnType<typeof validateSettings> {
    const w = this.modelWeights;
    if (w && (image.width !== w.imageSize || image.height !== w.imageSize))
      throw new RangeError(
        `the model named in for="${this.for}" trains on ${w.imageSize} x ${w.imageSize} images but the viewer's is ${image.width} x ${image.height}; set width="${w.imageSize}" height="${w.imageSize}" on the viewer or image-size="${image.width}" on the model`,
      );
    try {
      return validateSettings(this.settings, image.width, image.height);
    } catch (error) {
      if (!w || error instanceof RangeError === false) throw error;
      throw new RangeError(
        `following the weights of for="${this.modelId()}" (patch-size ${w.patchSize}, width ${w.dim}): ${(error as Error).message}`,
        { cause: error },
      );
    }
  }

  /** Throws what is wrong with what `for` names, if anything. */
  private checkLinks(): void {
    if (this.ids.length > 2)
      throw new RangeError(
        `for="${this.for}" names ${this.ids.length} ids; it takes at most two: ${FOLLOWED}`,
      );
    for (const link of this.links) if (link.problem) throw new RangeError(link.problem);
    const targets = this.links.flatMap((link) => (link.element ? [link.element] : []));
    const models = targets.filter(isModelElement);
    if (targets.length === 2 && models.length !== 1)
      throw new RangeError(
        `for="${this.for}" names two ${models.length ? 'models' : 'viewers'}; name one <shape-dataset-viewer mode="2d"> and one ${MODEL_EXPECTED}`,
      );
    const viewer = this.viewer;
    if (isSampleSource(viewer) && viewer.sample && !sample2D(viewer.sample))
      throw new RangeError(
        `for="${viewer.id}" names a viewer showing a 1D sample; set mode="2d" on it`,
      );
    if (this.modelProblem) throw new RangeError(this.modelProblem);
  }

  /** The viewer followed (an element `for` names that is not a model), if any. */
  private get viewer(): HTMLElement | undefined {
    return this.links
      .map((link) => link.element)
      .find((target) => !!target && !isModelElement(target));
  }

  /** The id of the followed model, for messages. */
  private modelId(): string {
    return this.modelTarget?.id ?? '';
  }

  /** Follows the ids `for` names now, space-separated. */
  private followIds(): void {
    this.ids = typeof this.for === 'string' ? this.for.split(/\s+/).filter(Boolean) : [];
    this.links.forEach((link, i) => link.follow(this.ids[i]));
  }

  private attach(target: HTMLElement): void {
    if (isModelElement(target)) {
      this.modelTarget = target;
      this.fetchGeneration++;
      this.fetching = false;
      this.fetchAgain = false;
      this.modelProblem = this.settingsProblem(target);
      target.addEventListener('training-progress', this.onTrainingProgress);
      target.addEventListener('training-done', this.onTrainingDone);
      this.fetchWeights();
      return;
    }
    target.addEventListener('sample-change', this.onSampleChange);
    if (isSampleSource(target)) this.linkedSample = sample2D(target.sample);
  }

  private detach(target: HTMLElement): void {
    // The other link still follows it (`for` named it twice, or the ids swapped places).
    if (this.links.filter((link) => link.element === target).length > 1) return;
    target.removeEventListener('training-progress', this.onTrainingProgress);
    target.removeEventListener('training-done', this.onTrainingDone);
    target.removeEventListener('sample-change', this.onSampleChange);
    if (target === this.modelTarget) {
      this.modelTarget = undefined;
      this.fetchGeneration++;
      this.fetching = false;
      this.modelWeights = undefined;
      this.modelProblem = undefined;
      this.waiting = false;
      return;
    }
    if (!isModelElement(target)) {
      const viewer = this.links
        .map((link) => link.element)
        .find((other) => !!other && other !== target && !isModelElement(other));
      this.linkedSample = isSampleSource(viewer) ? sample2D(viewer.sample) : undefined;
    }
  }

  /**
   * A model set to train on something the tokenizer cannot show (series, or a model with no
   * patch embedding), told before it trains; its weights file says it again after.
   */
  private settingsProblem(target: HTMLElement): string | undefined {
    const { task, model } = target as HTMLElement & { task?: unknown; model?: unknown };
    const named = `for="${target.id}"`;
    if (typeof task === 'string' && task !== 'shapes-2d')
      return `${named} names a model set to train on series (task ${task}), which has no image patches; set task="shapes-2d" and model="vit" or "vit-encdec" on it`;
    if (
      typeof task === 'string' &&
      typeof model === 'string' &&
      !['vit', 'vit-encdec'].includes(model)
    )
      return `${named} names a ${model} model, which has no patch embedding the tokenizer shows; set model="vit" or "vit-encdec" on it`;
    return undefined;
  }

  /**
   * Asks the followed model for its weights (one request at a time; one asked for meanwhile is
   * made after it). A model that has not trained rejects: the tokenizer waits for it.
   */
  private fetchWeights(): void {
    const target = this.modelTarget;
    if (!target || !isWeightsSource(target)) return;
    if (this.fetching) {
      this.fetchAgain = true;
      return;
    }
    this.fetching = true;
    this.lastFetch = performance.now();
    const generation = this.fetchGeneration;
    const current = () => generation === this.fetchGeneration;
    Promise.resolve()
      .then(() => target.exportWeights({ names: TOKENIZER_WEIGHTS }))
      .then(
        (file) => {
          if (!current()) return;
          this.waiting = false;
          try {
            this.modelWeights = modelWeightsOf(file, target.id);
            this.modelProblem = undefined;
            const { model, patchSize, dim } = this.modelWeights;
            this.emit<WeightsChangeDetail>('weights-change', { model, patchSize, dim });
          } catch (error) {
            this.modelWeights = undefined;
            this.modelProblem = (error as Error).message;
          }
        },
        () => {
          if (!current()) return;
          // Nothing trained yet: the seeded projection stays until weights arrive.
          this.waiting = !this.modelWeights;
          this.modelProblem = this.modelWeights ? undefined : this.settingsProblem(target);
        },
      )
      .finally(() => {
        if (!current()) return;
        this.fetching = false;
        if (this.fetchAgain) {
          this.fetchAgain = false;
          this.fetchWeights();
        }
      });
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

  /** While the model trains: its weights, every WEIGHTS_EVERY_MS at most. */
  private readonly onTrainingProgress = (): void => {
    if (performance.now() - this.lastFetch >= WEIGHTS_EVERY_MS) this.fetchWeights();
  };

  /** Training over: its final weights. */
  private readonly onTrainingDone = (): void => {
    this.fetchWeights();
  };

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
    const w = this.modelWeights;
    const weights = w && { weightsFrom: { for: this.modelId(), model: w.model } };
    const data = this.worked
      ? { seed: this.seed, ...weights, ...tokensAsData(this.worked, this.shownPatch) }
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
    return html`${this.renderControls()} ${this.renderError()} ${this.renderSource()}
    ${view ? renderParts(view) : ''}`;
  }

  /** Where the projection comes from, when a model is followed. */
  private renderSource(): TemplateResult | typeof nothing {
    const w = this.modelWeights;
    const id = this.modelId();
    if (w && !this.errorMessage)
      return html`<p class="note source" part="source">
        The trained patch embedding of ${w.model} (<code>id="${id}"</code>): patch size
        ${w.patchSize}, ${w.dim} features${w.positionalTable ? ', its learned positions' : ''}. It
        follows the model as it trains.
      </p>`;
    if (this.waiting && this.modelTarget && !this.errorMessage)
      return html`<p class="note source" part="source">
        Waiting for the model <code>id="${id}"</code> to train: the seeded projection is shown until
        its weights arrive.
      </p>`;
    return nothing;
  }

  private renderControls(): TemplateResult {
    const image = this.image;
    const sizes = usablePatchSizes(image.width, image.height);
    const w = this.modelWeights;
    const size = textOf(w ? w.patchSize : this.patchSize);
    const encoding = textOf(w?.encoding ?? this.encoding);
    return html`
      <div class="toolbar controls" part="controls" role="group" aria-label="Tokenizer settings">
        <label
          >Patch size
          <select
            ?disabled=${!!w}
            @change=${(e: Event) => this.setPatchSize((e.target as HTMLSelectElement).value)}
          >
            ${sizes.map((p) => html`<option value=${p} ?selected=${String(p) === size}>${p}</option>`)}
          </select></label
        >
        <label
          >Encoding
          <select
            ?disabled=${!!w?.encoding}
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
