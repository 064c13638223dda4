import type { PatchGrid, Sample2D } from '@decoding-attention/core';
import { heatmapPixels, type HeatmapStyle, type ThemeColors } from '@decoding-attention/ui';
import { TOKENIZER_LIMITS } from './limits.js';
import { placeOf, rowOf, type WorkedTokens } from './tokens.js';

/** Cosine similarity spans [-1, 1]: a diverging map, readable with colour blindness. */
export const SIMILARITY_STYLE: HeatmapStyle = {
  colormap: 'rdbu',
  scale: 'linear',
  normalize: 'global',
  domain: [-1, 1],
};

function sized(canvas: HTMLCanvasElement, width: number, height: number) {
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  return canvas.getContext('2d');
}

/** The image's pixels, one canvas pixel each (CSS scales it up, crisp). */
export function drawImage(canvas: HTMLCanvasElement, sample: Sample2D): void {
  sized(canvas, sample.width, sample.height)?.putImageData(
    new ImageData(new Uint8ClampedArray(sample.input), sample.width, sample.height),
    0,
    0,
  );
}

/** How alike each patch's position is to patch `index`'s: one canvas pixel per patch. */
export function drawSimilarity(canvas: HTMLCanvasElement, worked: WorkedTokens, index: number) {
  const { grid } = worked;
  const row = { data: rowOf(worked.similarity.data, grid.count, index), ...gridShape(grid) };
  const pixels = heatmapPixels(row, SIMILARITY_STYLE);
  sized(canvas, grid.cols, grid.rows)?.putImageData(
    new ImageData(new Uint8ClampedArray(pixels), grid.cols, grid.rows),
    0,
    0,
  );
}

function gridShape(grid: PatchGrid): { rows: number; cols: number } {
  return { rows: grid.rows, cols: grid.cols };
}

/** Channel c of a value in [0, 1] as RGBA: the value in its own channel, the others 0. */
function tint(out: Uint8ClampedArray, at: number, channel: number, value: number): void {
  out[at] = channel === 0 ? 255 * value : 0;
  out[at + 1] = channel === 1 ? 255 * value : 0;
  out[at + 2] = channel === 2 ? 255 * value : 0;
  out[at + 3] = 255;
}

/** One patch's three planes side by side (R, G, B), each `p x p`, in its channel's colour. */
export function drawPlanes(canvas: HTMLCanvasElement, patch: Float32Array, patchSize: number) {
  const p = patchSize;
  const image = new ImageData(3 * p, p);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < p; y++) {
      for (let x = 0; x < p; x++) {
        tint(image.data, (y * 3 * p + c * p + x) * 4, c, patch[c * p * p + y * p + x]);
      }
    }
  }
  sized(canvas, 3 * p, p)?.putImageData(image, 0, 0);
}

/** How many values of a flattened patch the strip draws: all, or one in `step`. */
export function stripStep(size: number): number {
  return Math.ceil(size / TOKENIZER_LIMITS.stripValues);
}

/** The flattened patch as one row of pixels, value k at column k (one in `stripStep` when long). */
export function drawStrip(canvas: HTMLCanvasElement, patch: Float32Array, patchSize: number) {
  const plane = patchSize * patchSize;
  const step = stripStep(patch.length);
  const width = Math.ceil(patch.length / step);
  const image = new ImageData(width, 1);
  for (let k = 0; k < width; k++) {
    const value = k * step;
    tint(image.data, k * 4, Math.floor(value / plane), patch[value]);
  }
  sized(canvas, width, 1)?.putImageData(image, 0, 0);
}

/** The largest magnitude among several vectors, so their bars share one scale. */
export function barScale(...vectors: Float32Array[]): number {
  let most = 0;
  for (const vector of vectors) for (const v of vector) most = Math.max(most, Math.abs(v));
  return most || 1;
}

/** A vector as bars up and down from a zero line; its sign is the bar's direction, not a colour. */
export function drawBars(
  canvas: HTMLCanvasElement,
  values: Float32Array,
  scale: number,
  colors: ThemeColors,
): void {
  const barWidth = 10;
  const gap = 2;
  const height = 64;
  const context = sized(canvas, values.length * (barWidth + gap) + gap, height);
  if (!context) return;
  context.fillStyle = colors.background;
  context.fillRect(0, 0, canvas.width, height);
  const middle = height / 2;
  context.fillStyle = colors.accent;
  values.forEach((v, i) => {
    const h = (v / scale) * (middle - 2);
    context.fillRect(
      gap + i * (barWidth + gap),
      h >= 0 ? middle - h : middle,
      barWidth,
      Math.abs(h),
    );
  });
  context.fillStyle = colors.muted;
  context.fillRect(0, middle, canvas.width, 1);
}

/**
 * The image with its patch grid and raster numbers, for the PNG export: `scale` canvas pixels
 * per image pixel, the shown patch outlined.
 */
export function gridPicture(
  worked: WorkedTokens,
  shown: number,
  colors: ThemeColors,
  scale = 4,
): HTMLCanvasElement {
  const { sample, grid } = worked;
  const source = document.createElement('canvas');
  drawImage(source, sample);
  const canvas = document.createElement('canvas');
  const context = sized(canvas, sample.width * scale, sample.height * scale);
  if (!context) return canvas;
  context.imageSmoothingEnabled = false;
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
  const side = grid.patchSize * scale;
  context.strokeStyle = 'rgba(255, 255, 255, 0.8)';
  context.lineWidth = 1;
  for (let c = 1; c < grid.cols; c++) context.strokeRect(c * side, 0, 0, canvas.height);
  for (let r = 1; r < grid.rows; r++) context.strokeRect(0, r * side, canvas.width, 0);
  if (showNumbers(grid, scale)) {
    context.font = `${Math.max(9, Math.min(24, side / 3))}px system-ui, sans-serif`;
    context.textBaseline = 'top';
    for (let t = 0; t < grid.count; t++) {
      const { row, col } = placeOf(grid, t);
      context.fillStyle = 'rgba(0, 0, 0, 0.7)';
      context.fillRect(
        col * side + 1,
        row * side + 1,
        context.measureText(String(t)).width + 4,
        14,
      );
      context.fillStyle = '#ffffff';
      context.fillText(String(t), col * side + 3, row * side + 2);
    }
  }
  const { row, col } = placeOf(grid, shown);
  context.strokeStyle = colors.accent;
  context.lineWidth = 3;
  context.strokeRect(col * side + 1.5, row * side + 1.5, side - 3, side - 3);
  return canvas;
}

/** Whether patches drawn `pixelsPerImagePixel` times their size leave room for their numbers. */
export function showNumbers(grid: PatchGrid, pixelsPerImagePixel: number): boolean {
  return grid.patchSize * pixelsPerImagePixel >= 24;
}
