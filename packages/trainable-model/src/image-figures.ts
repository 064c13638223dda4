import type { PatchImage } from '@decoding-attention/attention-heatmap';
import { generateShapes2D, type FilterMode2D, type Sample2D } from '@decoding-attention/core';
import type { ThemeColors } from '@decoding-attention/ui';
import { html, nothing, type TemplateResult } from 'lit';
import { createRef, ref, type Ref } from 'lit/directives/ref.js';
import { patchReads, type VisionLayer } from './vision-attention.js';

/** The element the image figures belong to. */
export interface ImageFiguresHost {
  requestUpdate(): void;
}

/** How dark the patches an output patch reads little of are drawn (the most-read stay clear). */
export const SHADE_ALPHA = 0.75;

/**
 * A prediction as canvas pixels: the model's [height, width, 3] floats (about [0, 1], not
 * clamped) clamped to [0, 1] and scaled to bytes, `round(255 * v)`, opaque.
 */
export function predictionPixels(prediction: Float32Array, size: number): Uint8ClampedArray {
  const pixels = new Uint8ClampedArray(size * size * 4);
  for (let i = 0, j = 0; i < size * size; i++, j += 3) {
    for (let c = 0; c < 3; c++)
      pixels[i * 4 + c] = Math.round(255 * Math.min(1, Math.max(0, prediction[j + c])));
    pixels[i * 4 + 3] = 255;
  }
  return pixels;
}

/**
 * The image task's figures of a `<trainable-model>`: the validation sample's input and target
 * and the model's live prediction side by side, each a canvas of the image's own pixels (scaled
 * up crisply). Pointing at a patch of the prediction (or arrow keys on it) picks that output
 * patch: the input patches its cross-attention reads (the last decoder layer's, heads averaged;
 * an encoder-only model's last encoder layer) stay clear over the input image while the others
 * are shaded by how little they are read, the most-read one outlined.
 */
export class ImageFigures {
  /** The validation sample shown (RGBA input and target), once the settings make one. */
  private sample: Sample2D | undefined;
  /** What the sample was generated from. */
  private sampleKey = '';
  private patchSize = 16;
  private prediction: Float32Array | undefined;
  /** The layer an output patch's reads come from, if the model has attention. */
  private reading: VisionLayer | undefined;
  /** The output patch picked, or -1. */
  private picked = -1;
  private colors: ThemeColors | undefined;
  /** What each canvas shows now, so that only a change is drawn again. */
  private drawn = this.nothingDrawn();

  private readonly input: Ref<HTMLCanvasElement> = createRef();
  private readonly target: Ref<HTMLCanvasElement> = createRef();
  private readonly predicted: Ref<HTMLCanvasElement> = createRef();
  private readonly overlay: Ref<HTMLCanvasElement> = createRef();
  private readonly outline: Ref<HTMLCanvasElement> = createRef();

  constructor(
    private readonly host: ImageFiguresHost,
    /** The reader picked an output patch (-1: none), for the attention maps to follow. */
    private readonly onPick: (patch: number) => void,
  ) {}

  /** Patches per side of the grid. */
  get side(): number {
    return this.sample ? Math.floor(this.sample.width / this.patchSize) : 0;
  }

  /** The output patch picked on the prediction, or -1. */
  get patch(): number {
    return this.picked;
  }

  /** What the picked output patch reads of each input patch (heads averaged), if it can be said. */
  get reads(): Float32Array | undefined {
    return this.reading && this.picked >= 0 ? patchReads(this.reading, this.picked) : undefined;
  }

  /** The validation sample's input, as the heatmaps draw it under the patches. */
  get inputImage(): PatchImage | undefined {
    const sample = this.sample;
    return sample ? { data: sample.input, width: sample.width, height: sample.height } : undefined;
  }

  /**
   * The validation sample shown: generated here before training starts, as the Worker makes it
   * (`seed` is the sample's own: `sampleSeed(validation seed, sample)`), and cut into patches of
   * `patchSize`. Settings the generator refuses show no images (the element names them).
   */
  setSample(settings: {
    seed: number;
    imageSize: number;
    patchSize: number;
    filter: FilterMode2D;
  }): void {
    const { seed, imageSize: size, patchSize, filter } = settings;
    const key = `${seed} ${size} ${filter}`;
    let sample = this.sample;
    if (key !== this.sampleKey) {
      this.sampleKey = key;
      try {
        sample = generateShapes2D({ seed, width: size, height: size, filter });
      } catch {
        sample = undefined;
      }
    }
    if (sample === this.sample && patchSize === this.patchSize) return;
    this.sample = sample;
    this.patchSize = patchSize;
    this.prediction = undefined;
    this.picked = -1;
    this.host.requestUpdate();
  }

  /** The model's latest prediction ([size, size, 3] floats) and the layer its patches read from. */
  show(prediction: Float32Array | undefined, reading: VisionLayer | undefined): void {
    this.prediction = prediction;
    this.reading = reading;
    this.host.requestUpdate();
  }

  /** Picks an output patch (-1: none), as pointing at it does; out-of-grid values pick none. */
  pick(patch: number, { notify = true } = {}): void {
    const next = Number.isInteger(patch) && patch >= 0 && patch < this.side ** 2 ? patch : -1;
    if (next === this.picked) return;
    this.picked = next;
    this.host.requestUpdate();
    if (notify) this.onPick(next);
  }

  /** Draws what changed on the canvases (after the host rendered them). */
  draw(colors: ThemeColors): void {
    const sample = this.sample;
    if (!sample) return;
    // Canvases made afresh (the figures were hidden and shown again) hold nothing yet.
    if (this.drawn.canvas !== this.input.value) this.drawn = this.nothingDrawn();
    this.drawn.canvas = this.input.value;
    const themeChanged = colors !== this.colors;
    this.colors = colors;
    const put = (canvas: HTMLCanvasElement | undefined, pixels: Uint8ClampedArray | undefined) => {
      const context = canvas?.getContext('2d');
      if (!canvas || !context) return;
      if (!pixels) {
        context.clearRect(0, 0, canvas.width, canvas.height);
        return;
      }
      context.putImageData(
        new ImageData(pixels as Uint8ClampedArray<ArrayBuffer>, sample.width, sample.height),
        0,
        0,
      );
    };
    if (this.drawn.input !== sample) put(this.input.value, sample.input);
    if (this.drawn.target !== sample) put(this.target.value, sample.target);
    if (this.drawn.prediction !== this.prediction)
      put(
        this.predicted.value,
        this.prediction ? predictionPixels(this.prediction, sample.width) : undefined,
      );
    this.drawn.input = this.drawn.target = sample;
    this.drawn.prediction = this.prediction;
    const reads = this.reads;
    const key = `${this.picked} ${this.patchSize} ${reads ? Array.from(reads).join(',') : ''}`;
    if (themeChanged || key !== this.drawn.overlay) {
      this.drawn.overlay = key;
      this.drawOverlay(reads);
      this.drawOutline();
    }
  }

  private nothingDrawn() {
    return {
      canvas: undefined as HTMLCanvasElement | undefined,
      input: undefined as unknown,
      target: undefined as unknown,
      prediction: undefined as unknown,
      overlay: undefined as string | undefined,
    };
  }

  /** Shades the input patches by how little the picked output patch reads them; the most-read outlined. */
  private drawOverlay(reads: Float32Array | undefined): void {
    const canvas = this.overlay.value;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    context.clearRect(0, 0, canvas.width, canvas.height);
    if (!reads) return;
    const side = this.side;
    const p = (this.patchSize * canvas.width) / (this.sample?.width ?? canvas.width);
    let most = 0;
    for (let k = 1; k < reads.length; k++) if (reads[k] > reads[most]) most = k;
    const max = reads[most] || 1;
    for (let k = 0; k < reads.length; k++) {
      context.fillStyle = `rgba(0, 0, 0, ${(SHADE_ALPHA * (1 - reads[k] / max)).toFixed(3)})`;
      context.fillRect((k % side) * p, Math.floor(k / side) * p, p, p);
    }
    this.strokePatch(context, most);
  }

  /** Outlines the picked output patch on the prediction. */
  private drawOutline(): void {
    const canvas = this.outline.value;
    const context = canvas?.getContext('2d');
    if (!canvas || !context) return;
    context.clearRect(0, 0, canvas.width, canvas.height);
    if (this.picked >= 0) this.strokePatch(context, this.picked);
  }

  /** A patch's outline in two colours (background and accent), visible on any image. */
  private strokePatch(context: CanvasRenderingContext2D, patch: number): void {
    const side = this.side;
    const p = this.patchSize;
    const scale = context.canvas.width / (this.sample?.width ?? context.canvas.width);
    const [x, y] = [(patch % side) * p * scale, Math.floor(patch / side) * p * scale];
    const width = Math.max(1, scale);
    context.lineWidth = 3 * width;
    context.strokeStyle = this.colors?.background ?? '#fff';
    context.strokeRect(x + width, y + width, p * scale - 2 * width, p * scale - 2 * width);
    context.lineWidth = width;
    context.strokeStyle = this.colors?.accent ?? '#0969da';
    context.strokeRect(x + width, y + width, p * scale - 2 * width, p * scale - 2 * width);
  }

  /** The patch under the pointer on the prediction. */
  private onPointer(event: PointerEvent): void {
    const canvas = event.currentTarget as HTMLElement;
    const box = canvas.getBoundingClientRect();
    const size = this.sample?.width ?? 0;
    const x = Math.floor(((event.clientX - box.left) / box.width) * size);
    const y = Math.floor(((event.clientY - box.top) / box.height) * size);
    if (x < 0 || y < 0 || x >= size || y >= size) return this.pick(-1);
    const side = this.side;
    this.pick(Math.floor(y / this.patchSize) * side + Math.floor(x / this.patchSize));
  }

  /** Arrow keys move the picked patch, Home / End go to the first and last, Escape lets go. */
  private onKey(event: KeyboardEvent): void {
    const side = this.side;
    const last = side * side - 1;
    const at = Math.max(0, this.picked);
    const [row, col] = [Math.floor(at / side), at % side];
    const moves: Record<string, number> = {
      ArrowLeft: row * side + Math.max(0, col - 1),
      ArrowRight: row * side + Math.min(side - 1, col + 1),
      ArrowUp: Math.max(0, row - 1) * side + col,
      ArrowDown: Math.min(side - 1, row + 1) * side + col,
      Home: 0,
      End: last,
      Escape: -1,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    this.pick(this.picked < 0 && event.key.startsWith('Arrow') ? 0 : moves[event.key]);
  }

  /** What the picked patch reads, for screen readers and the caption. */
  private describe(): string {
    const side = this.side;
    if (this.picked < 0)
      return 'Point at a patch of the prediction, or use the arrow keys, to see which input patches it reads.';
    const where = (k: number) => `patch ${k} (row ${Math.floor(k / side)}, column ${k % side})`;
    const reads = this.reads;
    if (!reads) return `Output ${where(this.picked)}.`;
    let most = 0;
    for (let k = 1; k < reads.length; k++) if (reads[k] > reads[most]) most = k;
    return `Output ${where(this.picked)} reads most from input ${where(most)}, weight ${reads[most].toFixed(2)}.`;
  }

  render(): TemplateResult | typeof nothing {
    const sample = this.sample;
    if (!sample) return nothing;
    const size = sample.width;
    const side = this.side;
    const canvas = (target: Ref<HTMLCanvasElement>, className: string) =>
      html`<canvas class=${className} width=${size} height=${size} ${ref(target)}></canvas>`;
    const scaled = (target: Ref<HTMLCanvasElement>, className: string) =>
      html`<canvas
        class=${className}
        width=${size * 4}
        height=${size * 4}
        aria-hidden="true"
        ${ref(target)}
      ></canvas>`;
    const hasAttention = !!this.reading;
    return html`
      <div class="images" part="images">
        <figure>
          <div class="image-stack">
            ${canvas(this.input, 'input-image')} ${scaled(this.overlay, 'overlay')}
          </div>
          <figcaption>Input (noisy)</figcaption>
        </figure>
        <figure>
          <div class="image-stack">${canvas(this.target, 'target-image')}</div>
          <figcaption>Target</figcaption>
        </figure>
        <figure>
          <div
            class="image-stack picker"
            tabindex="0"
            role="slider"
            aria-label="Output patch of the prediction"
            aria-valuemin="0"
            aria-valuemax=${side * side - 1}
            aria-valuenow=${Math.max(0, this.picked)}
            aria-valuetext=${this.describe()}
            @pointermove=${(event: PointerEvent) => this.onPointer(event)}
            @pointerleave=${() => this.pick(-1)}
            @keydown=${(event: KeyboardEvent) => this.onKey(event)}
            @blur=${() => this.pick(-1)}
          >
            ${canvas(this.predicted, 'prediction-image')} ${scaled(this.outline, 'overlay')}
          </div>
          <figcaption>Prediction${this.prediction ? '' : ' (after training starts)'}</figcaption>
        </figure>
      </div>
      <p class="reads note" aria-live="polite">
        ${
          hasAttention
            ? this.describe()
            : this.prediction
              ? 'This model has no attention: nothing says which input patches an output patch reads.'
              : 'Once the model trains, point at a patch of the prediction (or use the arrow keys) to see which input patches it reads.'
        }
      </p>
    `;
  }
}
