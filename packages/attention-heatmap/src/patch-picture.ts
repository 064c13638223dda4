import { COLORMAP_SIZE, colormapTable, type Matrix } from '@decoding-attention/core';
import { heatmapDomain, type HeatmapStyle } from '@decoding-attention/ui';
import type { PatchGrid, PatchImage } from './patch-grid.js';

/** How much of a patch's colour is the colour map's (the rest is the image beneath). */
export const TINT_ALPHA = 0.6;

/** The grey of a key patch the query may not see (masked). */
const MASKED_GREY = 200;

/** What one picture of a query's weights over the image is drawn from. */
export interface PatchPicture {
  /** The weight of each key patch, in the raster order of `grid`. */
  weights: ArrayLike<number>;
  /** Which key patches the query may see (1) or not (0); undefined: all. */
  allowed?: ArrayLike<number>;
  grid: PatchGrid;
  /** The image beneath; without one, the patches are drawn in the colours alone. */
  image: PatchImage | undefined;
  /** For a channel-specific map, that plane of the image (0 red, 1 green, 2 blue), in grey. */
  plane?: number;
  style: HeatmapStyle;
  /** The value range of the colours, as the matrix beside the picture has it. */
  domain: readonly [number, number];
}

/**
 * The weights of query `query` of `matrix` (its row), or, for no query (-1), what each key
 * receives on average over all queries (the column means), with the keys the row may see.
 */
export function queryWeights(
  matrix: Matrix,
  allowed: Uint8Array | undefined,
  query: number,
): { weights: Float32Array; allowed: Uint8Array | undefined } {
  const { data, rows, cols } = matrix;
  if (query >= 0 && query < rows) {
    return {
      weights: data.subarray(query * cols, (query + 1) * cols),
      allowed: allowed?.subarray(query * cols, (query + 1) * cols),
    };
  }
  const weights = new Float32Array(cols);
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < cols; c++) weights[c] += data[r * cols + c] / rows;
  return { weights, allowed: undefined };
}

/**
 * The colours' range for a picture: the matrix's (`heatmapDomain`, so the colours mean what they
 * mean in the matrix and its colour bar), or, with each row scaled to its maximum, the weights'
 * own, as that row is coloured in the matrix.
 */
export function pictureDomain(
  matrix: Matrix,
  style: HeatmapStyle,
  allowed: Uint8Array | undefined,
  weights: ArrayLike<number>,
  rowAllowed: ArrayLike<number> | undefined,
): [number, number] {
  if (style.normalize !== 'row' || style.domain) return heatmapDomain(matrix, style, allowed);
  let peak = 0;
  for (let k = 0; k < weights.length; k++)
    if ((!rowAllowed || rowAllowed[k]) && weights[k] > peak) peak = weights[k];
  const high = peak > 0 ? peak : 1;
  return [style.scale === 'log' ? high * 1e-3 : 0, high];
}

/** The colour-map entry of `value` in `[low, high]`, exactly as the matrix's cells take theirs. */
export function colorIndex(
  value: number,
  [low, high]: readonly [number, number],
  scale: 'linear' | 'log',
): number {
  const last = COLORMAP_SIZE - 1;
  let index: number;
  if (scale === 'log') {
    const gain = last / (Math.log(high) - Math.log(low));
    index = value > 0 ? (Math.log(value) - Math.log(low)) * gain + 0.5 : 0;
  } else {
    const gain = last / (high - low || 1);
    index = value * gain + (0.5 - low * gain);
  }
  return index <= 0 ? 0 : index >= last ? last : index | 0;
}

/**
 * The picture's RGBA pixels: each key patch of the grid in the colour of its weight, over the
 * image (the colour `TINT_ALPHA` of each pixel, the image the rest, rounded), or alone, one
 * pixel per patch, without an image. Masked patches are grey.
 */
export function picturePixels(picture: PatchPicture): {
  data: Uint8ClampedArray<ArrayBuffer>;
  width: number;
  height: number;
} {
  const { weights, allowed, grid, image, plane, style, domain } = picture;
  const table = colormapTable(style.colormap);
  const patches = grid.rows * grid.cols;
  const colors = new Uint8Array(patches * 3);
  for (let k = 0; k < patches; k++) {
    if (allowed && !allowed[k]) {
      colors.fill(MASKED_GREY, 3 * k, 3 * k + 3);
      continue;
    }
    const entry = 3 * colorIndex(weights[k], domain, style.scale);
    colors.set(table.subarray(entry, entry + 3), 3 * k);
  }
  const width = image?.width ?? grid.cols;
  const height = image?.height ?? grid.rows;
  const data = new Uint8ClampedArray(new ArrayBuffer(width * height * 4));
  const patchWidth = width / grid.cols;
  const patchHeight = height / grid.rows;
  const keep = 1 - TINT_ALPHA;
  for (let y = 0; y < height; y++) {
    const rowBase = Math.floor(y / patchHeight) * grid.cols;
    for (let x = 0; x < width; x++) {
      const patch = 3 * (rowBase + Math.floor(x / patchWidth));
      const p = 4 * (y * width + x);
      for (let c = 0; c < 3; c++) {
        const color = colors[patch + c];
        if (!image) data[p + c] = color;
        else {
          const under = image.data[p + (plane ?? c)];
          data[p + c] = Math.round(under * keep + color * TINT_ALPHA);
        }
      }
      data[p + 3] = 255;
    }
  }
  return { data, width, height };
}

/** Draws the picture on `canvas`, sized to its pixels (the canvas is scaled by CSS). */
export function drawPicture(canvas: HTMLCanvasElement, picture: PatchPicture): void {
  const { data, width, height } = picturePixels(picture);
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  canvas.getContext('2d')?.putImageData(new ImageData(data, width, height), 0, 0);
}
