import {
  attentionMask,
  patternCost,
  patternReach,
  reachFrom,
  variantPattern,
  type Matrix,
} from '@decoding-attention/core';
import { packRgb, rgbOf } from '@decoding-attention/ui';
import type { PatternKind } from './events.js';
import type { QueriesKeys } from './sample.js';

/** A sparse pattern on the sample: its attention, what it costs and how far it lets information go. */
export interface PatternResult {
  kind: PatternKind;
  /** The settings it was worked out for. */
  settings: { window: number; stride: number; globals: number[] };
  weights: Matrix;
  /** Which keys each query reads, [L x L]. */
  mask: Uint8Array;
  cells: number;
  full: number;
  share: number;
  /** Attention steps (layers) for information to get from any position to any other; Infinity for never. */
  reach: number;
}

/** The pattern's attention on the sample, its cost and its reach (about 15 ms at 400 positions). */
export function workOutPattern(
  sample: QueriesKeys,
  kind: PatternKind,
  settings: { window: number; stride: number; globals: number[] },
): PatternResult {
  const { length } = sample;
  const mask = attentionMask(kind, length, length, settings);
  const { cells, full, share } = patternCost(mask, length);
  const [weights] = variantPattern(kind, sample.queries, sample.keys, settings).heads;
  return {
    kind,
    settings: { ...settings, globals: [...settings.globals] },
    weights,
    mask,
    cells,
    full,
    share,
    reach: patternReach(mask, length),
  };
}

/** The reach in words: `3 steps`, `1 step`, or `never` for a pattern that leaves positions apart. */
export function reachText(reach: number): string {
  if (!Number.isFinite(reach)) return 'never: some positions can never reach others';
  return `${reach} step${reach === 1 ? '' : 's'}`;
}

/** Rows the spread figure draws at most (one per step). */
const MOST_STEP_ROWS = 64;
/** Pixels per position across, and per step down. */
const CELL = 2;
const ROW = 4;

/** The steps from `source` to each position of the pattern (-1 for never). */
export function spreadFrom(result: PatternResult, source: number): Int32Array {
  return reachFrom(result.mask, result.weights.rows, source);
}

/** The pattern and the source and colours (as one key) each spread canvas was last drawn with. */
export const spreadDrawn = new WeakMap<
  HTMLCanvasElement,
  { pattern: PatternResult; key: string }
>();

/**
 * How information from one position spreads: one row per attention step, top to bottom, each
 * position filled once reached (in `newColor` at the step it is reached, `reachedColor` after).
 */
export function drawSpread(
  canvas: HTMLCanvasElement,
  steps: Int32Array,
  colors: { background: string; reached: string; fresh: string },
): void {
  const length = steps.length;
  const last = Math.min(MOST_STEP_ROWS, Math.max(1, ...steps));
  const width = length * CELL;
  const height = last * ROW;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  if (width === 0) return;
  // Pixels put once: a fillRect per cell would be replayed when the page composites, a frame late.
  const image = new ImageData(width, height);
  const words = new Uint32Array(image.data.buffer);
  const [back, reached, fresh] = [colors.background, colors.reached, colors.fresh].map((c) =>
    packRgb(...rgbOf(c)),
  );
  const row = new Uint32Array(width);
  for (let step = 1; step <= last; step++) {
    for (let p = 0; p < length; p++) {
      const s = steps[p];
      const color = s < 0 || s > step ? back : s === step ? fresh : reached;
      row.fill(color, p * CELL, (p + 1) * CELL);
    }
    // ROW - 1 rows of cells, then a row of background between two steps.
    const top = (step - 1) * ROW * width;
    for (let y = 0; y < ROW - 1; y++) words.set(row, top + y * width);
    words.fill(back, top + (ROW - 1) * width, top + ROW * width);
  }
  canvas.getContext('2d')?.putImageData(image, 0, 0);
}

/** The spread in words: how many steps reach everything from the source, or how many never hear from it. */
export function spreadText(steps: Int32Array, source: number): string {
  const never = steps.filter((s) => s < 0).length;
  const most = Math.max(...steps);
  if (never === steps.length - 1)
    return `From position ${source}: no other position ever hears from it.`;
  if (never > 0)
    return `From position ${source}: ${steps.length - never} of ${steps.length} positions reached, within ${most} step${most === 1 ? '' : 's'}; ${never} never hear from it.`;
  return `From position ${source}: every position reached within ${most} step${most === 1 ? '' : 's'}${most > MOST_STEP_ROWS ? ` (the first ${MOST_STEP_ROWS} drawn)` : ''}.`;
}
