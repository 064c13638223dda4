import { shownValue } from '@decoding-attention/core';
import type { ComplexAttributeConverter } from 'lit';
import { HEATMAP_LIMITS, describe } from './limits.js';

/**
 * Image patches as tokens: a `rows x cols` grid over the image, tokens in raster order (token
 * `t` is the patch in row `floor(t / cols)`, column `t % cols`), as docs/design/models.md cuts
 * images for the vision models.
 */
export interface PatchGrid {
  rows: number;
  cols: number;
}

/** An RGBA image in canvas layout (an `ImageData` is one): `width x height x 4` bytes. */
export interface PatchImage {
  data: Uint8ClampedArray | Uint8Array;
  width: number;
  height: number;
}

/** What a grid is set to: `[rows, cols]` or `{ rows, cols }` from script, text from HTML. */
export type GridInput = readonly [number, number] | PatchGrid;

/**
 * The converter of `grid` and `query-grid`: `"4x4"`, `"4 x 4"`, `"4×4"`, `"4 4"` or `"4,4"` read
 * as `[4, 4]`; other text is kept as written, for the check to quote; a removed attribute reads
 * as `undefined`. Written back as `4x4`. Never throws.
 */
export const gridConverter: ComplexAttributeConverter<unknown> = {
  fromAttribute(value) {
    if (value === null) return undefined;
    const match = /^\s*([^\sx×,]+)\s*(?:[x×,]|\s)\s*([^\sx×,]+)\s*$/i.exec(value);
    return match ? [Number(match[1]), Number(match[2])] : value;
  },
  toAttribute(value) {
    if (value === null || value === undefined) return value;
    const grid = gridOf(value);
    if (grid) return `${grid.rows}x${grid.cols}`;
    return typeof value === 'string' ? value : shownValue(value);
  },
};

/** `[rows, cols]` or `{ rows, cols }` as a grid, unchecked; undefined for anything else. */
function gridOf(value: unknown): PatchGrid | undefined {
  if (Array.isArray(value) && value.length === 2) {
    const [rows, cols] = value as unknown[];
    return { rows: rows as number, cols: cols as number };
  }
  if (typeof value === 'object' && value !== null && 'rows' in value && 'cols' in value) {
    const { rows, cols } = value as { rows: unknown; cols: unknown };
    return { rows: rows as number, cols: cols as number };
  }
  return undefined;
}

/** A grid as messages and labels write it: `4x4`. */
export function gridText(grid: PatchGrid): string {
  return `${grid.rows}x${grid.cols}`;
}

/**
 * Reads `grid` or `query-grid` (named `name`): undefined or null for none; otherwise two whole
 * numbers from 1 whose product, the number of patches, is at most the heatmap's side (1024).
 */
export function readGrid(value: unknown, name: string): PatchGrid | undefined {
  if (value === undefined || value === null) return undefined;
  const grid = gridOf(value);
  const shown = typeof value === 'string' ? `"${shownValue(value)}"` : describe(value);
  if (
    !grid ||
    !Number.isInteger(grid.rows) ||
    !Number.isInteger(grid.cols) ||
    grid.rows < 1 ||
    grid.cols < 1
  ) {
    const got = grid ? `${shownValue(grid.rows)} x ${shownValue(grid.cols)}` : shown;
    throw new RangeError(
      `${name} must be rows x cols, two whole numbers from 1 (such as "4x4"), got ${got}`,
    );
  }
  const { side } = HEATMAP_LIMITS;
  if (grid.rows * grid.cols > side) {
    throw new RangeError(
      `${name}="${gridText(grid)}" has ${grid.rows * grid.cols} patches; the heatmap takes at most ${side}`,
    );
  }
  return { rows: grid.rows, cols: grid.cols };
}

/** A grid that `count` patches fit, for messages: square if it can be, else one row. */
export function suggestedGrid(count: number): string {
  const side = Math.round(Math.sqrt(count));
  return side * side === count ? `${side}x${side}` : `1x${count}`;
}

/**
 * The attention layer kinds of the vision models (docs/design/models.md): encoder and decoder
 * self-attention, cross-attention, channel-specific attention over colour-plane tokens (all R
 * planes first, then G, then B) within each channel or across them, and `self`, the
 * self-attention of the 1D models.
 */
export const LAYER_KINDS = [
  'encoder',
  'decoder',
  'cross',
  'channel-within',
  'channel-across',
  'self',
] as const;
export type LayerKind = (typeof LAYER_KINDS)[number];

/**
 * Core's names for the same kinds (`AttentionSnapshot.kind`, `attentionKinds`), accepted as
 * they are so that a training snapshot's layers can be shown without renaming.
 */
export const LAYER_KIND_ALIASES = {
  'encoder-self': 'encoder',
  'decoder-self': 'decoder',
} as const satisfies Record<string, LayerKind>;
export type LayerKindInput = LayerKind | keyof typeof LAYER_KIND_ALIASES;

/** Every kind a layer may name: the heatmap's own, then core's. */
export const LAYER_KIND_NAMES: readonly LayerKindInput[] = [
  ...LAYER_KINDS,
  ...(Object.keys(LAYER_KIND_ALIASES) as (keyof typeof LAYER_KIND_ALIASES)[]),
];

/** A checked kind as the heatmap names it: core's `encoder-self` is `encoder`. */
export function canonicalKind(kind: LayerKindInput): LayerKind {
  return (LAYER_KIND_ALIASES as Record<string, LayerKind>)[kind] ?? (kind as LayerKind);
}

/** Where the queries and keys of the attention shown lie on the image, if they do. */
export interface PatchLayout {
  /** The grid the keys (columns) are on: the patches each query's weights are drawn over. */
  keyGrid: PatchGrid;
  /** The attribute that gave `keyGrid`, for messages. */
  keyGridName: 'grid' | 'query-grid';
  /** The grid the queries (rows) are on, if any: then the image picks and outlines the query. */
  queryGrid: PatchGrid | undefined;
}

/**
 * Lays the attention (`rows` queries by `cols` keys) on the grids. Keys lie on `grid`, except
 * for decoder self-attention, whose keys are the decoder's queries; queries lie on `query-grid`
 * when set (decoder queries: an encoder layer's are always the image's patches), else on `grid`
 * when there are as many as it has patches (self-attention over the image), else on none
 * (cross-attention from decoder queries that are not patches). A grid that
 * does not match the matrix is named, with one that would. Channel-specific layers, whose
 * tokens are colour planes (three per patch), lie on no grid: undefined.
 */
export function layOut(
  rows: number,
  cols: number,
  grid: PatchGrid,
  queryGrid: PatchGrid | undefined,
  kind: LayerKind | undefined,
): PatchLayout | undefined {
  // Colour-plane tokens are three per patch: they are not drawn over the image's patches.
  if (kind === 'channel-within' || kind === 'channel-across') return undefined;
  const patches = (g: PatchGrid) => g.rows * g.cols;
  if (kind !== 'encoder' && queryGrid && patches(queryGrid) !== rows) {
    throw new RangeError(
      `query-grid="${gridText(queryGrid)}" has ${patches(queryGrid)} patches, but the attention has ${rows} queries (rows); use a grid of ${rows} patches, such as "${suggestedGrid(rows)}"`,
    );
  }
  if (kind === 'encoder') {
    // Encoder self-attention: queries and keys are the image's patches.
    if (patches(grid) !== rows || patches(grid) !== cols) {
      throw new RangeError(
        `grid="${gridText(grid)}" has ${patches(grid)} patches, but this encoder self-attention is ${rows} x ${cols}; use a grid of ${cols} patches, such as "${suggestedGrid(cols)}"`,
      );
    }
    return { keyGrid: grid, keyGridName: 'grid', queryGrid: grid };
  }
  const queries = queryGrid ?? (patches(grid) === rows ? grid : undefined);
  if (kind === 'decoder') {
    if (!queries) {
      throw new RangeError(
        `grid="${gridText(grid)}" has ${patches(grid)} patches, but this decoder self-attention has ${rows} queries; set query-grid to the decoder's grid, such as "${suggestedGrid(rows)}"`,
      );
    }
    // Its keys are the decoder's queries, on the same grid.
    return { keyGrid: queries, keyGridName: queryGrid ? 'query-grid' : 'grid', queryGrid: queries };
  }
  if (patches(grid) !== cols) {
    throw new RangeError(
      `grid="${gridText(grid)}" has ${patches(grid)} patches, but the attention has ${cols} keys (columns); use a grid of ${cols} patches, such as "${suggestedGrid(cols)}"`,
    );
  }
  return { keyGrid: grid, keyGridName: 'grid', queryGrid: queries };
}

/**
 * Checks an image set from script (`image`), or the sample of a followed viewer (`from`, such
 * as `for="sample"`), against the grid its patches are drawn on: RGBA bytes of the size it
 * claims, within the limit, each side divided by the grid into whole pixels.
 */
export function checkImage(
  value: unknown,
  name: string,
  layout: PatchLayout | undefined,
): PatchImage | undefined {
  if (value === undefined || value === null) return undefined;
  const image = value as Partial<PatchImage>;
  const { width, height, data } = typeof value === 'object' ? image : ({} as Partial<PatchImage>);
  if (
    typeof value !== 'object' ||
    !(data instanceof Uint8ClampedArray || data instanceof Uint8Array) ||
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width! < 1 ||
    height! < 1
  ) {
    throw new RangeError(
      `${name} must be { data: Uint8ClampedArray, width, height } (RGBA, as an ImageData), got ${describe(value)}`,
    );
  }
  const pixels = width! * height!;
  if (pixels > HEATMAP_LIMITS.imagePixels) {
    throw new RangeError(
      `${name} is ${width} x ${height} = ${pixels} pixels; the heatmap draws at most ${HEATMAP_LIMITS.imagePixels}`,
    );
  }
  if (data.length !== pixels * 4) {
    throw new RangeError(
      `${name} data holds ${data.length} values; ${width} x ${height} pixels of RGBA take ${pixels * 4}`,
    );
  }
  if (layout) {
    const { keyGrid: grid, keyGridName } = layout;
    if (width! % grid.cols !== 0 || height! % grid.rows !== 0) {
      throw new RangeError(
        `${name} is ${width} x ${height} pixels, which ${keyGridName}="${gridText(grid)}" does not cut into whole patches: its width must divide by ${grid.cols} and its height by ${grid.rows}`,
      );
    }
  }
  return { data, width: width!, height: height! };
}

/** The patch of `grid` at a point given as fractions `[0, 1)` of the image's width and height. */
export function patchAt(grid: PatchGrid, x: number, y: number): number | undefined {
  const col = Math.floor(x * grid.cols);
  const row = Math.floor(y * grid.rows);
  if (row < 0 || row >= grid.rows || col < 0 || col >= grid.cols) return undefined;
  return row * grid.cols + col;
}

/** Where patch `index` of `grid` lies, as percentages of the image: for CSS. */
export function patchBox(
  grid: PatchGrid,
  index: number,
): { left: string; top: string; width: string; height: string } {
  const row = Math.floor(index / grid.cols);
  const col = index % grid.cols;
  return {
    left: `${(col / grid.cols) * 100}%`,
    top: `${(row / grid.rows) * 100}%`,
    width: `${100 / grid.cols}%`,
    height: `${100 / grid.rows}%`,
  };
}

/**
 * The patch a key moves to from patch `index` of `grid`: arrows one patch, Home / End the row's
 * ends (with Ctrl, the first and last patch), Page Up / Page Down the column's ends; undefined
 * for any other key.
 */
export function movePatch(
  grid: PatchGrid,
  index: number,
  key: string,
  ctrl = false,
): number | undefined {
  const row = Math.floor(index / grid.cols);
  const col = index % grid.cols;
  const at = (r: number, c: number) =>
    Math.min(grid.rows - 1, Math.max(0, r)) * grid.cols + Math.min(grid.cols - 1, Math.max(0, c));
  const moves: Record<string, () => number> = {
    ArrowUp: () => at(row - 1, col),
    ArrowDown: () => at(row + 1, col),
    ArrowLeft: () => at(row, col - 1),
    ArrowRight: () => at(row, col + 1),
    Home: () => (ctrl ? 0 : at(row, 0)),
    End: () => (ctrl ? grid.rows * grid.cols - 1 : at(row, grid.cols - 1)),
    PageUp: () => at(0, col),
    PageDown: () => at(grid.rows - 1, col),
  };
  return moves[key]?.();
}
