import {
  attentionError,
  exactAttention,
  performerApproximator,
  type FeatureDraw,
  type FeatureKernel,
  type Matrix,
} from '@decoding-attention/core';
import { FEATURE_STEPS } from './limits.js';
import type { QueriesKeys } from './sample.js';
import { bySlices, type StillCurrent } from './slices.js';

export const FEATURE_DRAWS = ['orthogonal', 'iid'] as const;
export const FEATURE_KERNELS = ['positive', 'trig'] as const;

/** The seed of the random features (the same figure everywhere, as the heatmap's `SAMPLE_SEED`). */
export const FEATURE_SEED = 1;

/** One point of the error curve: Performer's error at m features, for one draw and kernel. */
export interface PerformerPoint {
  features: number;
  draw: FeatureDraw;
  kernel: FeatureKernel;
  /** Relative Frobenius error against exact attention. */
  relative: number;
  /** Mean absolute error per cell. */
  mean: number;
}

/**
 * Performer on one sample: the exact attention, the error curve of every draw and kernel at the
 * slider's steps, and the estimates of the draw and kernel shown (kept, so that moving the
 * slider shows a computed matrix at once).
 */
export class PerformerLab {
  readonly exact: Matrix;
  /** The colour range both matrices are drawn in: 0 to the exact attention's largest weight. */
  readonly domain: readonly [number, number];
  readonly points: PerformerPoint[] = [];
  private readonly estimates = new Map<number, Matrix>();
  private focus = '';

  constructor(private readonly sample: QueriesKeys) {
    this.exact = exactAttention(sample.queries, sample.keys);
    let top = 0;
    for (const v of this.exact.data) top = Math.max(top, v);
    this.domain = [0, top > 0 ? top : 1];
  }

  /** The estimate at m features for `draw` and `kernel`, if worked out. */
  estimate(draw: FeatureDraw, kernel: FeatureKernel, features: number): Matrix | undefined {
    return this.focus === `${draw} ${kernel}` ? this.estimates.get(features) : undefined;
  }

  point(draw: FeatureDraw, kernel: FeatureKernel, features: number): PerformerPoint | undefined {
    return this.points.find(
      (p) => p.draw === draw && p.kernel === kernel && p.features === features,
    );
  }

  /** Whether every point of the curve is worked out. */
  get complete(): boolean {
    return (
      this.points.length >= FEATURE_STEPS.length * FEATURE_DRAWS.length * FEATURE_KERNELS.length
    );
  }

  /**
   * Works out the estimate shown (`features` first, then the slider's other steps, all kept),
   * then the curves of the other draws and kernels, a slice at a time. `shown` is called each
   * time something the reader sees is ready.
   */
  async prepare(
    draw: FeatureDraw,
    kernel: FeatureKernel,
    features: number,
    current: StillCurrent,
    shown: () => void,
  ): Promise<void> {
    if (this.focus !== `${draw} ${kernel}`) {
      this.focus = `${draw} ${kernel}`;
      this.estimates.clear();
    }
    const order = [features, ...FEATURE_STEPS.filter((m) => m !== features)];
    for (const m of order) {
      if (!this.estimates.has(m)) {
        const matrix = await this.work(draw, kernel, m, current);
        if (!matrix) return;
        this.estimates.set(m, matrix);
      }
      if (m === features) shown();
    }
    shown();
    for (const d of FEATURE_DRAWS)
      for (const k of FEATURE_KERNELS)
        for (const m of FEATURE_STEPS)
          if (!this.point(d, k, m)) {
            if (!(await this.work(d, k, m, current))) return;
            shown();
          }
  }

  /** One estimate, by slices of rows, its point added to the curve. */
  private async work(
    draw: FeatureDraw,
    kernel: FeatureKernel,
    features: number,
    current: StillCurrent,
  ): Promise<Matrix | undefined> {
    const { queries, keys } = this.sample;
    const options = { features, draw, kernel, seed: FEATURE_SEED };
    const matrix = await bySlices(
      queries,
      keys.rows,
      () => performerApproximator(keys, options),
      current,
      keys.rows * features * (kernel === 'trig' ? 2 : 1),
    );
    if (!matrix) return undefined;
    if (!this.point(draw, kernel, features)) {
      const { relative, mean } = attentionError(matrix, this.exact);
      this.points.push({ features, draw, kernel, relative, mean });
    }
    return matrix;
  }
}
