import {
  attentionError,
  exactAttention,
  linformerPattern,
  lowRankError,
  nextTask,
  sequenceProjections,
  singularValuesInSteps,
  type Matrix,
} from '@decoding-attention/core';
import { PROJECTED_STEPS } from './limits.js';
import type { QueriesKeys } from './sample.js';
import { bySlices, type StillCurrent } from './slices.js';

/** The seed of the projections E and F. */
export const PROJECTION_SEED = 1;

/** One point of Linformer's error curve. */
export interface LinformerPoint {
  projected: number;
  relative: number;
  mean: number;
}

/** The projections E and F for k rows over `length` positions (seeded, as the layer draws them). */
export function projections(projected: number, length: number): { e: Matrix; f: Matrix } {
  return sequenceProjections(projected, length, PROJECTION_SEED);
}

/** The k the slider moves along on a sample of `length` positions (none above the length). */
export function projectedSteps(length: number, projected: number): number[] {
  const steps: number[] = PROJECTED_STEPS.filter((k) => k <= length);
  if (!steps.includes(projected)) steps.push(projected);
  return steps.sort((a, b) => a - b);
}

/**
 * Linformer on one sample: the exact attention's singular values (worked out in slices),
 * the best rank-k error for every k, and Linformer's own error at the slider's steps with its
 * attention over positions (`P F`), kept for the slider.
 */
export class LinformerLab {
  readonly exact: Matrix;
  singular: Float64Array | undefined;
  readonly points: LinformerPoint[] = [];
  private readonly matrices = new Map<number, Matrix>();

  constructor(private readonly sample: QueriesKeys) {
    this.exact = exactAttention(sample.queries, sample.keys);
  }

  matrix(projected: number): Matrix | undefined {
    return this.matrices.get(projected);
  }

  point(projected: number): LinformerPoint | undefined {
    return this.points.find((p) => p.projected === projected);
  }

  /** The best rank-k relative error for k from 1 to the length (Eckart-Young). */
  lowRank(): { rank: number; relative: number }[] {
    const singular = this.singular;
    if (!singular) return [];
    return Array.from({ length: singular.length }, (_, i) => ({
      rank: i + 1,
      relative: lowRankError(singular, i + 1),
    }));
  }

  /** Works out `projected` first, then the singular values, then the other steps. */
  async prepare(projected: number, current: StillCurrent, shown: () => void): Promise<void> {
    const { length } = this.sample;
    if (!(await this.work(projected, current))) return;
    shown();
    if (!this.singular) {
      const steps = singularValuesInSteps(this.exact);
      let next = steps.next();
      while (!next.done) {
        await nextTask();
        if (!current()) return;
        next = steps.next();
      }
      this.singular = next.value;
      shown();
    }
    for (const k of projectedSteps(length, projected)) {
      if (!(await this.work(k, current))) return;
      shown();
    }
  }

  private async work(projected: number, current: StillCurrent): Promise<boolean> {
    if (this.matrices.has(projected)) return true;
    const { queries, keys } = this.sample;
    const matrix = await bySlices(
      queries,
      keys.rows,
      (slice) => linformerPattern(slice, keys, projected, PROJECTION_SEED).weights,
      current,
      keys.rows * projected,
    );
    if (!matrix) return false;
    this.matrices.set(projected, matrix);
    const { relative, mean } = attentionError(matrix, this.exact);
    this.points.push({ projected, relative, mean });
    return true;
  }
}
