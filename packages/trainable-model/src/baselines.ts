import { generateBatch1D, generateBatch2D, type FilterMode2D } from '@decoding-attention/core';
import { baselineScores2D, type TaskId } from '@decoding-attention/core/train';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Baselines } from './charts.js';

/** The validation set the baselines are measured on. */
export interface ValidationSet {
  task: TaskId;
  /** shapes-1d: samples per series. */
  length: number;
  /** shapes-2d: side of the images, and which shapes the target keeps. */
  imageSize: number;
  filter: FilterMode2D;
  seed: number;
  size: number;
}

/** The baselines' names per task, each NaN (nothing beats it) until measured. */
function unmeasured(task: TaskId): Baselines {
  return task === 'shapes-2d'
    ? { black: Number.NaN, copy: Number.NaN, channelMean: Number.NaN }
    : { zeros: Number.NaN, copy: Number.NaN };
}

/** Values generated per slice of the measurement: a few ms of work for one task. */
const SLICE_VALUES = 100_000;

/**
 * What predictions that need no training score on the element's validation set: on series,
 * predicting zeros and copying the input (about 310 and 26 at length 400, more at shorter
 * lengths where shapes crowd; docs/design/datasets.md); on images, predicting black, copying the
 * noisy input and the per-channel mean colour, as MSE x 1,000 (core's `baselineScores2D`, the
 * trainer's own figures).
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
    if (set.task === 'shapes-2d' && this.cache?.key !== keyOf(set)) return unmeasured(set.task);
    const key = keyOf(set);
    if (this.cache?.key !== key) this.cache = { key, scores: measure(set) };
    return { ...this.cache.scores };
  }

  /** The scores if already measured for the current validation set (never measured here). */
  get current(): Baselines | undefined {
    const set = this.validationSet();
    return set && this.cache?.key === keyOf(set) ? this.cache.scores : undefined;
  }

  /**
   * The score a model must beat to have learned something: copying the input on series,
   * predicting black on images (docs/design/training.md). NaN until measured (so nothing counts
   * as beating it).
   */
  get line(): number {
    const current = this.current;
    return current?.black ?? current?.copy ?? Number.NaN;
  }

  /**
   * What the trainer measured on the same validation set (sent with `ready`): taken as they are,
   * and any measurement of that set still under way is dropped.
   */
  reported(scores: Baselines): void {
    const set = this.validationSet();
    if (!set) return;
    const key = keyOf(set);
    if (this.measuring === key) this.measuring = undefined;
    this.cache = { key, scores: { ...scores } };
    this.host.requestUpdate();
    this.measured(scores);
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

function keyOf({ task, length, imageSize, filter, seed, size }: ValidationSet): string {
  return task === 'shapes-2d'
    ? `${task} ${imageSize} ${filter} ${seed} ${size}`
    : `${task} ${length} ${seed} ${size}`;
}

/** The scores on a validation set, measured slice by slice (yielding after each when `sliced`). */
function measure(set: ValidationSet, sliced: true): Generator<void, Baselines>;
function measure(set: ValidationSet): Baselines;
function measure(set: ValidationSet, sliced = false) {
  const { length, seed, size } = set;
  function* slices(): Generator<void, Baselines> {
    if (set.task === 'shapes-2d') return yield* imageSlices(set);
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

/**
 * The image baselines, sample by sample (a few of them a slice): the set is gathered exactly as
 * the trainer generates it (sample k of the validation seed, scaled to [0, 1]) and scored by
 * core's `baselineScores2D`, so the figures are the trainer's to the last bit.
 */
function* imageSlices({
  imageSize,
  filter,
  seed,
  size,
}: ValidationSet): Generator<void, Baselines> {
  try {
    const values = imageSize * imageSize * 3;
    const inputs = new Float32Array(size * values);
    const targets = new Float32Array(size * values);
    const chunk = Math.max(1, Math.floor(SLICE_VALUES / values));
    for (let first = 0; first < size; first += chunk) {
      const count = Math.min(chunk, size - first);
      const batch = generateBatch2D(count, {
        seed,
        firstIndex: first,
        width: imageSize,
        height: imageSize,
        filter,
      });
      inputs.set(batch.inputs, first * values);
      targets.set(batch.targets, first * values);
      if (first + chunk < size) yield;
    }
    return { ...baselineScores2D({ inputs, targets }) };
  } catch {
    return unmeasured('shapes-2d');
  }
}
