import {
  attentionError,
  exactAttention,
  linformerApproximator,
  linformerPatternOf,
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

/** The projections drawn so far, by k and length: drawn once, so their heatmaps are not drawn again. */
const drawnProjections = new Map<string, { e: Matrix; f: Matrix }>();

/** The projections E and F for k rows over `length` positions (seeded, as the layer draws them). */
export function projections(projected: number, length: number): { e: Matrix; f: Matrix } {
  const key = `${projected} ${length}`;
  let drawn = drawnProjections.get(key);
  if (!drawn) {
    drawn = sequenceProjections(projected, length, PROJECTION_SEED);
    // The slider's steps at a length or two: a handful of pairs at most.
    if (drawnProjections.size >= 32) drawnProjections.clear();
    drawnProjections.set(key, drawn);
  }
  return drawn;
}

/** A trained model's projections E and F, each [k x L]. */
export interface LearnedProjections {
  e: Matrix;
  f: Matrix;
}

/** A list of rows as a matrix, or undefined unless rectangular, non-empty and finite. */
function rowsMatrix(value: unknown): Matrix | undefined {
  if (!Array.isArray(value) || value.length === 0 || !Array.isArray(value[0])) return undefined;
  const rows = value.length;
  const cols = (value[0] as unknown[]).length;
  if (cols === 0) return undefined;
  const data = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    const row = value[r] as unknown;
    if (!Array.isArray(row) || row.length !== cols) return undefined;
    for (let c = 0; c < cols; c++) {
      const v = row[c] as unknown;
      if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
      data[r * cols + c] = v;
    }
  }
  return { data, rows, cols };
}

/**
 * The learned E and F of a Linformer model's `attention-change` detail (`variant.projections`,
 * each [k][position]), or undefined when the detail carries none (or none well formed).
 */
export function readProjections(detail: unknown): LearnedProjections | undefined {
  const variant = (detail as { variant?: { attention?: unknown; projections?: unknown } } | null)
    ?.variant;
  if (variant?.attention !== 'linformer') return undefined;
  const projections = variant.projections as { e?: unknown; f?: unknown } | undefined;
  const e = rowsMatrix(projections?.e);
  const f = rowsMatrix(projections?.f);
  if (!e || !f || e.rows !== f.rows || e.cols !== f.cols) return undefined;
  return { e, f };
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
  /** `lowRank()`, worked out once for the singular values it was worked out from. */
  private bestErrors:
    { singular: Float64Array; errors: { rank: number; relative: number }[] } | undefined;

  /** With `learned`, E and F are a trained model's (its k alone); else drawn for every k. */
  constructor(
    private readonly sample: QueriesKeys,
    readonly learned?: LearnedProjections,
  ) {
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
    if (this.bestErrors?.singular !== singular)
      this.bestErrors = {
        singular,
        errors: Array.from({ length: singular.length }, (_, i) => ({
          rank: i + 1,
          relative: lowRankError(singular, i + 1),
        })),
      };
    return this.bestErrors.errors;
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
    for (const k of this.learned ? [] : projectedSteps(length, projected)) {
      if (!(await this.work(k, current))) return;
      shown();
    }
  }

  private async work(projected: number, current: StillCurrent): Promise<boolean> {
    if (this.matrices.has(projected)) return true;
    const { queries, keys } = this.sample;
    const learned = this.learned;
    const matrix = await bySlices(
      queries,
      keys.rows,
      () => {
        if (learned) return linformerApproximator(keys, learned.e, learned.f);
        const pattern = linformerPatternOf(keys, projected, PROJECTION_SEED);
        return (slice) => pattern(slice).weights;
      },
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
