import {
  COLORMAP_SIZE,
  DIVERGING_COLORMAPS,
  colormapTable,
  type ColormapName,
  type Matrix,
  nextTask,
} from '@decoding-attention/core';

/** How values become colours. */
export interface HeatmapStyle {
  colormap: ColormapName;
  /** `log` spreads small weights out; values at or below 0 take the lowest colour. */
  scale: 'linear' | 'log';
  /** `global`: one range for the whole matrix; `row`: each row from 0 to its own maximum. */
  normalize: 'global' | 'row';
  /** The value range of the colour map; by default the matrix's (symmetric about 0 for diverging maps). */
  domain?: readonly [number, number];
  /** The two colours of the checkerboard that marks masked cells. */
  maskColors?: readonly [readonly [number, number, number], readonly [number, number, number]];
}

export const HEATMAP_SCALES = ['linear', 'log'] as const;
export const HEATMAP_NORMALIZATIONS = ['global', 'row'] as const;

const DEFAULT_MASK_COLORS = [
  [200, 200, 200],
  [235, 235, 235],
] as const;

/** The value range the colours span, for the colour bar and for drawing. */
export function heatmapDomain(
  matrix: Matrix,
  style: HeatmapStyle,
  mask?: Uint8Array,
): [number, number] {
  if (style.domain) return [style.domain[0], style.domain[1]];
  if (style.normalize === 'row') return style.scale === 'log' ? [1e-3, 1] : [0, 1];
  let min = Infinity;
  let max = -Infinity;
  let minPositive = Infinity;
  const { data } = matrix;
  for (let i = 0; i < data.length; i++) {
    if (mask && mask[i] === 0) continue;
    const v = data[i];
    if (v < min) min = v;
    if (v > max) max = v;
    if (v > 0 && v < minPositive) minPositive = v;
  }
  if (!(min <= max)) return [0, 1];
  if (style.scale === 'log') {
    const high = max > 0 ? max : 1;
    return [Math.max(minPositive === Infinity ? high * 1e-3 : minPositive, high * 1e-6), high];
  }
  if (DIVERGING_COLORMAPS.includes(style.colormap)) {
    const extent = Math.max(Math.abs(min), Math.abs(max)) || 1;
    return [-extent, extent];
  }
  // Weights are never negative: start the scale at 0, so the darkest colour means "no attention".
  const low = min >= 0 ? 0 : min;
  return low === max ? [low, low + 1] : [low, max];
}

/** Where `value` falls in `[low, high]` on the given scale, as t in [0, 1]. */
export function scaleValue(
  value: number,
  low: number,
  high: number,
  scale: 'linear' | 'log',
): number {
  let t: number;
  if (scale === 'log') {
    t = value <= 0 ? 0 : (Math.log(value) - Math.log(low)) / (Math.log(high) - Math.log(low));
  } else {
    t = (value - low) / (high - low);
  }
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/** The colour map as packed RGBA words in the platform's byte order, for one store per pixel. */
const packedTables = new Map<ColormapName, Uint32Array>();
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

/** An opaque colour as one RGBA word of an ImageData's pixels viewed as a Uint32Array. */
export function packRgb(r: number, g: number, b: number): number {
  return LITTLE_ENDIAN
    ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0
    : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
}

function packedTable(name: ColormapName): Uint32Array {
  let packed = packedTables.get(name);
  if (!packed) {
    const table = colormapTable(name);
    packed = new Uint32Array(COLORMAP_SIZE);
    for (let i = 0; i < COLORMAP_SIZE; i++)
      packed[i] = packRgb(table[3 * i], table[3 * i + 1], table[3 * i + 2]);
    packedTables.set(name, packed);
  }
  return packed;
}

/**
 * The matrix as RGBA pixels, one per cell (`cols x rows`), through the colour map's lookup
 * table: a 1024 x 1024 matrix is a million table look-ups and one `putImageData`, not a million
 * DOM nodes. Masked cells (mask 0) are a grey checkerboard, unlike any colour of any map.
 */
export function heatmapPixels(
  matrix: Matrix,
  style: HeatmapStyle,
  mask?: Uint8Array,
  into?: Uint8ClampedArray,
): Uint8ClampedArray {
  const { rows, cols } = matrix;
  const pixels = into?.length === rows * cols * 4 ? into : new Uint8ClampedArray(rows * cols * 4);
  fillRows(pixels, matrix, style, mask, heatmapDomain(matrix, style, mask), 0, rows);
  return pixels;
}

/** Colours rows `[start, end)` of `matrix` into `pixels`, the colours spanning `domain`. */
function fillRows(
  pixels: Uint8ClampedArray,
  matrix: Matrix,
  style: HeatmapStyle,
  mask: Uint8Array | undefined,
  [globalLow, globalHigh]: readonly [number, number],
  start: number,
  end: number,
): void {
  const { rows, cols, data } = matrix;
  const words = new Uint32Array(pixels.buffer, pixels.byteOffset, rows * cols);
  const table = packedTable(style.colormap);
  const [maskA, maskB] = (style.maskColors ?? DEFAULT_MASK_COLORS).map(([r, g, b]) =>
    packRgb(r, g, b),
  );
  const last = COLORMAP_SIZE - 1;
  const log = style.scale === 'log';
  for (let r = start; r < end; r++) {
    const base = r * cols;
    let low = globalLow;
    let high = globalHigh;
    if (style.normalize === 'row' && !style.domain) {
      let rowMax = 0;
      for (let c = 0; c < cols; c++) {
        if ((!mask || mask[base + c]) && data[base + c] > rowMax) rowMax = data[base + c];
      }
      high = rowMax > 0 ? rowMax : 1;
      low = log ? high * 1e-3 : 0;
    }
    // t * last + 0.5, folded into one multiply-add per cell: index = value * gain + offset.
    if (log) {
      const logLow = Math.log(low);
      const gain = last / (Math.log(high) - logLow);
      for (let c = 0; c < cols; c++) {
        const i = base + c;
        if (mask && mask[i] === 0) {
          words[i] = (r + c) % 2 === 0 ? maskA : maskB;
          continue;
        }
        const v = data[i];
        const index = v > 0 ? (Math.log(v) - logLow) * gain + 0.5 : 0;
        words[i] = table[index <= 0 ? 0 : index >= last ? last : index | 0];
      }
    } else {
      const gain = last / (high - low || 1);
      const offset = 0.5 - low * gain;
      for (let c = 0; c < cols; c++) {
        const i = base + c;
        if (mask && mask[i] === 0) {
          words[i] = (r + c) % 2 === 0 ? maskA : maskB;
          continue;
        }
        const index = data[i] * gain + offset;
        words[i] = table[index <= 0 ? 0 : index >= last ? last : index | 0];
      }
    }
  }
}

const images = new WeakMap<HTMLCanvasElement, ImageData>();
/** The newest draw begun on each canvas: an older sliced draw on it stops at its next slice. */
const latestDraw = new WeakMap<HTMLCanvasElement, object>();

/** The canvas' reused ImageData, one pixel per cell: a fresh 4 MB buffer each draw costs more than the drawing. */
function imageFor(canvas: HTMLCanvasElement, matrix: Matrix): ImageData {
  let image = images.get(canvas);
  if (image?.width !== matrix.cols || image.height !== matrix.rows) {
    image = new ImageData(matrix.cols, matrix.rows);
    images.set(canvas, image);
  }
  return image;
}

/** Puts `image` on `canvas`, first sizing the canvas to it. */
function putImage(canvas: HTMLCanvasElement, image: ImageData): void {
  if (canvas.width !== image.width) canvas.width = image.width;
  if (canvas.height !== image.height) canvas.height = image.height;
  canvas.getContext('2d')?.putImageData(image, 0, 0);
}

/** Draws the matrix onto `canvas`, resizing it to one pixel per cell. */
export function drawHeatmap(
  canvas: HTMLCanvasElement,
  matrix: Matrix,
  style: HeatmapStyle,
  mask?: Uint8Array,
): void {
  latestDraw.set(canvas, {});
  const image = imageFor(canvas, matrix);
  heatmapPixels(matrix, style, mask, image.data);
  putImage(canvas, image);
}

/** How `drawHeatmapInSlices` shares the main thread. */
export interface SliceOptions {
  /** Resolves in a later task: between slices the page handles input and paints (default `nextTask`). */
  yieldTask?: () => Promise<void>;
  /** Milliseconds of colouring before it yields (default 8). */
  budget?: number;
  /** Checked after each yield: true stops the draw, leaving the canvas as it was (a newer draw on the same canvas stops it too). */
  cancelled?: () => boolean;
}

/**
 * Draws like `drawHeatmap`, but colours the rows a slice at a time and yields to the page
 * whenever a slice has run `budget` ms; the canvas changes once, at the end, so it never shows
 * half of one matrix and half of another. A 400 x 400 matrix coloured before the JIT had
 * warmed up took 15-80 ms in one go. Resolves true once drawn, false if cancelled or overtaken
 * by a newer draw on the canvas.
 */
export async function drawHeatmapInSlices(
  canvas: HTMLCanvasElement,
  matrix: Matrix,
  style: HeatmapStyle,
  mask?: Uint8Array,
  { yieldTask = nextTask, budget = 8, cancelled = () => false }: SliceOptions = {},
): Promise<boolean> {
  const token = {};
  latestDraw.set(canvas, token);
  const domain = heatmapDomain(matrix, style, mask);
  // Rows per check of the clock: about 4,000 cells.
  const step = Math.max(1, Math.floor(4096 / Math.max(1, matrix.cols)));
  let started = performance.now();
  for (let row = 0; row < matrix.rows; row += step) {
    // Fetched each slice: only the newest draw on a canvas gets here, so none shares its pixels.
    const { data } = imageFor(canvas, matrix);
    fillRows(data, matrix, style, mask, domain, row, Math.min(matrix.rows, row + step));
    if (row + step < matrix.rows && performance.now() - started >= budget) {
      await yieldTask();
      if (cancelled() || latestDraw.get(canvas) !== token) return false;
      started = performance.now();
    }
  }
  putImage(canvas, imageFor(canvas, matrix));
  return true;
}

/** The colour map each colour-bar canvas shows. */
const colorBars = new WeakMap<HTMLCanvasElement, ColormapName>();

/** A vertical colour bar (high at the top) for a colour map, on `canvas` (1 x `COLORMAP_SIZE`). */
export function drawColorBar(canvas: HTMLCanvasElement, colormap: ColormapName): void {
  // Already showing it: setting the size would clear the canvas and make the page composite it again.
  if (colorBars.get(canvas) === colormap && canvas.height === COLORMAP_SIZE) return;
  colorBars.set(canvas, colormap);
  const table = colormapTable(colormap);
  canvas.width = 1;
  canvas.height = COLORMAP_SIZE;
  const context = canvas.getContext('2d');
  if (!context) return;
  const image = context.createImageData(1, COLORMAP_SIZE);
  for (let i = 0; i < COLORMAP_SIZE; i++) {
    const entry = 3 * (COLORMAP_SIZE - 1 - i);
    image.data.set([table[entry], table[entry + 1], table[entry + 2], 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
}

/** Evenly spaced "nice" tick positions in [0, count - 1], about `target` of them. */
export function niceTicks(count: number, target = 6): number[] {
  if (count <= 1) return [0];
  const raw = (count - 1) / target;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(
    1,
    [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude,
  );
  const ticks: number[] = [];
  for (let t = 0; t <= count - 1; t += step) ticks.push(t);
  return ticks;
}
