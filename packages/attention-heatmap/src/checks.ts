import {
  ATTENTION_VARIANTS,
  COLORMAPS,
  MASK_KINDS,
  checkInteger,
  checkOneOf,
  shownValue,
} from '@decoding-attention/core';
import { HEATMAP_NORMALIZATIONS, HEATMAP_SCALES } from '@decoding-attention/ui';
import { FLOAT32_MAX, HEATMAP_LIMITS, describe } from './limits.js';
import { checkLabels, type HeatmapData } from './sources.js';
import { VARIANT_VIEWS } from './variant-view.js';

/** The most random features a sample's Performer draws (each is a pass over the sample). */
export const MOST_FEATURES = 1024;
/** The most hashing rounds a sample's Reformer combines. */
export const MOST_HASHES = 16;

/** What the heatmap takes besides its data, as set by attribute or from script. */
export interface HeatmapSettings {
  for?: unknown;
  source: unknown;
  mask: unknown;
  compare?: unknown;
  window: unknown;
  stride: unknown;
  globals: unknown;
  colormap: unknown;
  scale: unknown;
  normalization: unknown;
  head: unknown;
  rowLabels?: unknown;
  colLabels?: unknown;
  queryLabel?: unknown;
  keyLabel?: unknown;
  label: unknown;
  domain?: unknown;
  layer: unknown;
  variantView: unknown;
  attention?: unknown;
  span: unknown;
  features: unknown;
  projected: unknown;
  buckets: unknown;
  hashes: unknown;
  chunk: unknown;
}

/**
 * Checks every setting, named as authors write it (`normalize`, `row-labels`), whatever it was
 * set to from script; those that depend on the data (`head`, `globals`, the labels) against
 * `data` when there is some. Throws a RangeError naming the first bad one.
 */
export function checkSettings(
  settings: HeatmapSettings,
  data: HeatmapData | undefined,
  sources: readonly string[],
): void {
  const { side } = HEATMAP_LIMITS;
  if (settings.for !== undefined && typeof settings.for !== 'string')
    throw new RangeError(`for must be the id of an element, got ${describe(settings.for)}`);
  checkOneOf('mask', settings.mask as string, MASK_KINDS);
  if (settings.compare) checkOneOf('compare', settings.compare as string, MASK_KINDS);
  checkInteger('window', settings.window as number, 0, side);
  checkInteger('stride', settings.stride as number, 1, side);
  checkGlobals(settings.globals, data);
  checkOneOf('colormap', settings.colormap as string, COLORMAPS);
  checkOneOf('scale', settings.scale as string, HEATMAP_SCALES);
  checkOneOf('normalize', settings.normalization as string, HEATMAP_NORMALIZATIONS);
  checkOneOf('source', settings.source as string, sources);
  checkHead(settings.head, data?.heads.length ?? 1);
  // Against the layers, when there are some, as they are read.
  checkInteger('layer', settings.layer as number, 0, HEATMAP_LIMITS.layers - 1);
  for (const [name, value, optional] of [
    ['query-label', settings.queryLabel, true],
    ['key-label', settings.keyLabel, true],
    ['label', settings.label, false],
  ] as const) {
    if (optional && (value === undefined || value === null)) continue;
    if (typeof value !== 'string')
      throw new RangeError(`${name} must be text, got ${describe(value)}`);
  }
  for (const [name, value] of [
    ['row-labels', settings.rowLabels],
    ['col-labels', settings.colLabels],
  ] as const) {
    if (value !== undefined && value !== null && !Array.isArray(value))
      throw new RangeError(`${name} must be a list of labels, got ${describe(value)}`);
  }
  if (data) {
    checkLabels(settings.rowLabels as unknown[] | undefined, data.heads[0].rows, 'row-labels');
    checkLabels(settings.colLabels as unknown[] | undefined, data.heads[0].cols, 'col-labels');
  }
  checkDomain(settings.domain, settings.scale);
  checkVariantSettings(settings);
}

/**
 * The variant attributes: `variant-view`, and `attention` with its parameters, as
 * `<trainable-model>` takes them (`buckets` 1 or even, hashing by [xR, -xR]).
 */
function checkVariantSettings(settings: HeatmapSettings): void {
  const { side } = HEATMAP_LIMITS;
  checkOneOf('variant-view', settings.variantView as string, VARIANT_VIEWS);
  if (settings.attention !== undefined && settings.attention !== null && settings.attention !== '')
    checkOneOf('attention', settings.attention as string, ATTENTION_VARIANTS);
  checkInteger('span', settings.span as number, 1, side);
  checkInteger('features', settings.features as number, 1, MOST_FEATURES);
  checkInteger('projected', settings.projected as number, 1, side);
  checkInteger('buckets', settings.buckets as number, 1, side);
  const buckets = settings.buckets as number;
  if (buckets > 1 && buckets % 2 !== 0)
    throw new RangeError(`buckets must be 1 or even (hashing by [xR, -xR]), got ${buckets}`);
  checkInteger('hashes', settings.hashes as number, 1, MOST_HASHES);
  checkInteger('chunk', settings.chunk as number, 1, side);
}

/**
 * `globals`: a list of token positions, each within the matrix (below its larger side), or
 * within the largest matrix while there is no data.
 */
function checkGlobals(globals: unknown, data: HeatmapData | undefined): void {
  const { side } = HEATMAP_LIMITS;
  if (!Array.isArray(globals))
    throw new RangeError(`globals must be a list of whole numbers, got ${describe(globals)}`);
  if (globals.length > side)
    throw new RangeError(`globals holds ${globals.length} tokens; at most ${side}`);
  const tokens = data ? Math.max(data.heads[0].rows, data.heads[0].cols) : side;
  for (const token of globals as unknown[]) {
    if (!Number.isInteger(token) || (token as number) < 0 || (token as number) >= tokens) {
      throw new RangeError(
        `globals must be whole numbers from 0 to ${tokens - 1}, got ${shownValue(token)}`,
      );
    }
  }
}

/** `head`: `average` or the index of a head of the data. */
function checkHead(head: unknown, heads: number): void {
  if (head === 'average') return;
  const index =
    typeof head === 'number' ? head : typeof head === 'string' && head.trim() ? Number(head) : NaN;
  if (!(Number.isInteger(index) && index >= 0 && index < heads)) {
    throw new RangeError(
      `head must be "average" or a whole number from 0 to ${heads - 1}, got "${shownValue(head)}"`,
    );
  }
}

/**
 * `domain`: undefined (the data's range) or two finite increasing numbers within the 32-bit
 * float range, above 0 on a log scale.
 */
export function checkDomain(domain: unknown, scale: unknown): void {
  if (domain === undefined || domain === null) return;
  if (!Array.isArray(domain) || domain.length !== 2)
    throw new RangeError(`domain must be two numbers [low, high], got ${describe(domain)}`);
  const [low, high] = domain as unknown[];
  const shown = `[${shownValue(low)}, ${shownValue(high)}]`;
  for (const value of [low, high]) {
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > FLOAT32_MAX)
      throw new RangeError(
        `domain must be two finite numbers within the 32-bit float range, got ${shown}`,
      );
  }
  if (!((low as number) < (high as number)))
    throw new RangeError(`domain must be increasing (low below high), got ${shown}`);
  if (scale === 'log' && (low as number) <= 0)
    throw new RangeError(`domain must be above 0 on a log scale, got ${shown}`);
}
