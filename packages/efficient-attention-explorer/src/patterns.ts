import {
  attentionMask,
  patternCost,
  patternReach,
  reachFrom,
  variantPattern,
  type Matrix,
} from '@decoding-attention/core';
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
  canvas.width = length * CELL;
  canvas.height = last * ROW;
  const context = canvas.getContext('2d');
  if (!context) return;
  context.fillStyle = colors.background;
  context.fillRect(0, 0, canvas.width, canvas.height);
  for (let step = 1; step <= last; step++)
    for (let p = 0; p < length; p++) {
      const s = steps[p];
      if (s < 0 || s > step) continue;
      context.fillStyle = s === step ? colors.fresh : colors.reached;
      context.fillRect(p * CELL, (step - 1) * ROW, CELL, ROW - 1);
    }
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
