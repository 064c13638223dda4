import { baselineScores1D, generateBatch1D } from '@decoding-attention/core';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Baselines } from './charts.js';

/** The validation set the baselines are measured on. */
export interface ValidationSet {
  length: number;
  seed: number;
  size: number;
}

/**
 * What predicting zeros and copying the input score on the element's validation set (about 310
 * and 26 at length 400, more at shorter lengths where shapes crowd; docs/design/datasets.md).
 * Generating the set is long work for one task, so a change of it is measured in a task of its
 * own after the update that made it, and no render (nor a training step's update) waits for it; `measured` then hands the scores on (to the loss chart's rules).
 */
export class BaselinesController implements ReactiveController {
  private cache: { key: string; scores: Baselines } | undefined;
  private timer = 0;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly validationSet: () => ValidationSet,
    private readonly measured: (scores: Baselines) => void,
  ) {
    host.addController(this);
  }

  /** The scores on the current validation set, measured now if they have not been. */
  get scores(): Baselines {
    const key = this.key();
    if (this.cache?.key !== key) this.cache = { key, scores: this.measure() };
    return { ...this.cache.scores };
  }

  /** The scores if already measured for the current validation set (never measured here). */
  get current(): Baselines | undefined {
    return this.cache?.key === this.key() ? this.cache.scores : undefined;
  }

  /** The copy-the-input score for display: NaN until measured (so nothing counts as beating it). */
  get copy(): number {
    return this.current?.copy ?? Number.NaN;
  }

  hostUpdate(): void {
    if (this.cache?.key === this.key() || this.timer) return;
    this.timer = window.setTimeout(() => {
      this.timer = 0;
      const key = this.key();
      if (this.cache?.key === key) return;
      this.cache = { key, scores: this.measure() };
      this.host.requestUpdate();
      this.measured(this.cache.scores);
    });
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.timer = 0;
  }

  private key(): string {
    const { length, seed, size } = this.validationSet();
    return `${length} ${seed} ${size}`;
  }

  private measure(): Baselines {
    const { length, seed, size } = this.validationSet();
    try {
      return baselineScores1D(generateBatch1D(size, { seed, length }));
    } catch {
      // Bad settings: the element's message says which; no baselines meanwhile.
      return { zeros: Number.NaN, copy: Number.NaN };
    }
  }
}
