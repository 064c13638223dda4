import {
  attentionMask,
  patternCost,
  patternReach,
  variantPattern,
  type Matrix,
} from '@decoding-attention/core';
import type { PatternKind } from './events.js';
import type { QueriesKeys } from './sample.js';

/** A sparse pattern on the sample: its attention, what it costs and how far it lets information go. */
export interface PatternResult {
  kind: PatternKind;
  weights: Matrix;
  cells: number;
  full: number;
  share: number;
  /** Attention steps (layers) for information to get from any position to any other; Infinity for never. */
  reach: number;
}

/** The pattern's attention on the sample, its cost and its reach (a few milliseconds at 512 positions). */
export function workOutPattern(
  sample: QueriesKeys,
  kind: PatternKind,
  settings: { window: number; stride: number; globals: number[] },
): PatternResult {
  const { length } = sample;
  const mask = attentionMask(kind, length, length, settings);
  const { cells, full, share } = patternCost(mask, length);
  const [weights] = variantPattern(kind, sample.queries, sample.keys, settings).heads;
  return { kind, weights, cells, full, share, reach: patternReach(mask, length) };
}

/** The reach in words: `3 steps`, `1 step`, or `never` for a pattern that leaves positions apart. */
export function reachText(reach: number): string {
  if (!Number.isFinite(reach)) return 'never: some positions can never reach others';
  return `${reach} step${reach === 1 ? '' : 's'}`;
}
