import {
  bucketMask,
  bucketMassShare,
  bucketOrder,
  exactAttention,
  nextTask,
  reformerPattern,
  unitRows,
  type Matrix,
} from '@decoding-attention/core';
import { EFFICIENT_EXPLORER_LIMITS } from './limits.js';
import type { QueriesKeys } from './sample.js';
import type { StillCurrent } from './slices.js';

/** The seed of the random rotations. */
export const ROTATION_SEED = 1;

/** Reformer with a number of hashing rounds, as the explorer shows it. */
export interface ReformerRounds {
  hashes: number;
  /** The combined attention of the rounds. */
  weights: Matrix;
  /** Each round's bucket of every position. */
  buckets: Int32Array[];
  /** Each round's sort: positions by bucket, and the chunk each falls in. */
  orders: { order: Int32Array; chunkOf: Int32Array; chunks: number }[];
  /** The share of exact attention's mass the rounds keep together, and each round alone. */
  share: number;
  roundShares: number[];
  /** Cells the rounds compute, added up over the rounds. */
  cells: number;
}

/**
 * Reformer on one sample with one bucket count and chunk: every count of rounds from 1 to
 * `EFFICIENT_EXPLORER_LIMITS.hashes` (the rounds of a count are the first rounds of a larger one, drawn
 * from one seed), kept, so that the rounds slider shows a computed result at once. Keys are the
 * queries' directions (shared QK), so the exact attention to compare with is on them too.
 */
export class ReformerLab {
  readonly exact: Matrix;
  private readonly results = new Map<number, ReformerRounds>();
  private readonly masks: Uint8Array[] = [];

  constructor(
    private readonly sample: QueriesKeys,
    readonly buckets: number,
    readonly chunk: number,
  ) {
    this.exact = exactAttention(sample.queries, unitRows(sample.queries));
  }

  rounds(hashes: number): ReformerRounds | undefined {
    return this.results.get(hashes);
  }

  /** Works out `hashes` rounds first, then every other count, a count per task. */
  async prepare(hashes: number, current: StillCurrent, shown: () => void): Promise<void> {
    const counts = [hashes];
    for (let h = 1; h <= EFFICIENT_EXPLORER_LIMITS.hashes; h++) if (h !== hashes) counts.push(h);
    for (const h of counts) {
      if (this.results.has(h)) continue;
      await nextTask();
      if (!current()) return;
      this.results.set(h, this.work(h));
      if (h === hashes) shown();
    }
  }

  private work(hashes: number): ReformerRounds {
    const { queries, length } = this.sample;
    const { buckets, chunk } = this;
    const pattern = reformerPattern(queries, { buckets, hashes, chunk, seed: ROTATION_SEED });
    pattern.buckets.forEach((bucket, r) => (this.masks[r] ??= bucketMask(bucket, chunk)));
    const masks = this.masks.slice(0, hashes);
    const { share, rounds } = bucketMassShare(this.exact, masks);
    let cells = 0;
    for (const mask of masks) for (let i = 0; i < length * length; i++) cells += mask[i];
    return {
      hashes,
      weights: pattern.weights,
      buckets: pattern.buckets,
      orders: pattern.buckets.map((bucket) => bucketOrder(bucket, chunk)),
      share,
      roundShares: rounds,
      cells,
    };
  }
}
