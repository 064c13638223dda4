import { generateBatch1D } from '@decoding-attention/core';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Baselines } from './charts.js';

/** The validation set the baselines are measured on. */
export interface ValidationSet {
  length: number;
  seed: number;
  size: number;
}

/** Values generated per slice of the measurement: a few ms of work for one task. */
const SLICE_VALUES = 100_000;

/**
 * What predicting zeros and copying the input score on the element's validation set (about 310
 * and 26 at length 400, more at shorter lengths where shapes crowd; docs/design/datasets.md).
 * Generating the set is long work (up to 4 million values), so a change of it is measured in
 * slices of about 100,000 values, a task each, after the update that made it; no render (nor a
 * training step's update) waits for it. `measured` then hands the scores on (to the loss
 * chart's rules).
 */
export class BaselinesController implements ReactiveController {
  private cache: { key: string; scores: Baselines } | undefined;
  /** The validation set being measured in slices, if any. */
  private measuring: string | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    /** The validation set, or undefined while the host's settings are bad (nothing to measure). */
    private readonly validationSet: () => ValidationSet | undefined,
    private readonly measured: (scores: Baselines) => void,
  ) {
    host.addController(this);
  }

  /** The scores on the current validation set, measured now (in one go) if they have not been. */
  get scores(): Baselines {
    const set = this.validationSet();
    if (!set) return { zeros: Number.NaN, copy: Number.NaN };
    const key = keyOf(set);
    if (this.cache?.key !== key) this.cache = { key, scores: measure(set) };
    return { ...this.cache.scores };
  }

  /** The scores if already measured for the current validation set (never measured here). */
  get current(): Baselines | undefined {
    const set = this.validationSet();
    return set && this.cache?.key === keyOf(set) ? this.cache.scores : undefined;
  }

  /** The copy-the-input score for display: NaN until measured (so nothing counts as beating it). */
  get copy(): number {
    return this.current?.copy ?? Number.NaN;
  }

  hostUpdate(): void {
    const set = this.validationSet();
    if (!set) return;
    const key = keyOf(set);
    if (this.cache?.key === key || this.measuring === key) return;
    this.measuring = key;
    void this.measureInSlices(set, key);
  }

  hostDisconnected(): void {
    this.measuring = undefined;
  }

  private async measureInSlices(set: ValidationSet, key: string): Promise<void> {
    const slices = measure(set, true);
    let next = slices.next();
    while (!next.done) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      // A newer validation set, or the element left the page: this measurement is not wanted.
      if (this.measuring !== key) return;
      next = slices.next();
    }
    this.measuring = undefined;
    this.cache = { key, scores: next.value };
    this.host.requestUpdate();
    this.measured(next.value);
  }
}

function keyOf({ length, seed, size }: ValidationSet): string {
  return `${length} ${seed} ${size}`;
}

/** The scores on a validation set, measured slice by slice (yielding after each when `sliced`). */
function measure(set: ValidationSet, sliced: true): Generator<void, Baselines>;
function measure(set: ValidationSet): Baselines;
function measure({ length, seed, size }: ValidationSet, sliced = false) {
  function* slices(): Generator<void, Baselines> {
    try {
      const chunk = Math.max(1, Math.floor(SLICE_VALUES / length));
      let zeros = 0;
      let copy = 0;
      for (let first = 0; first < size; first += chunk) {
        const count = Math.min(chunk, size - first);
        const { inputs, targets } = generateBatch1D(count, { seed, length, firstIndex: first });
        // Summed value by value in order, as one batch of the whole set would be.
        for (let i = 0; i < targets.length; i++) {
          zeros += targets[i] ** 2;
          copy += (inputs[i] - targets[i]) ** 2;
        }
        if (first + chunk < size) yield;
      }
      return { zeros: zeros / (size * length), copy: copy / (size * length) };
    } catch {
      // Bad settings: the element's message says which; no baselines meanwhile.
      return { zeros: Number.NaN, copy: Number.NaN };
    }
  }
  if (sliced) return slices();
  const run = slices();
  let next = run.next();
  while (!next.done) next = run.next();
  return next.value;
}
