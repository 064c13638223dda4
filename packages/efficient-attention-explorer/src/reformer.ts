import {
  bucketMask,
  bucketMassShare,
  bucketOrder,
  combineRounds,
  exactAttention,
  hashBuckets,
  nextTask,
  randomRotations,
  reformerRound,
  reformerScores,
  unitRows,
  type Matrix,
  type ReformerRound,
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
  /** Cells the rounds let queries see, added up over the rounds. */
  cells: number;
}

/** What the Reformer figures show: a count's rounds, and the heatmap's variant for them. */
export interface ReformerFigure {
  rounds: ReformerRounds;
  /** The matrix's internals (`<attention-heatmap>`'s `variant`): each round's buckets, one head. */
  variant: { attention: 'reformer'; options: { chunk: number }; buckets: Int32Array[][] };
}

/** The figure of `rounds`, cut into chunks of `chunk`. */
export function reformerFigure(rounds: ReformerRounds, chunk: number): ReformerFigure {
  return {
    rounds,
    variant: { attention: 'reformer', options: { chunk }, buckets: rounds.buckets.map((b) => [b]) },
  };
}

/** One round, worked out once and shared by every count of rounds that includes it. */
interface Round {
  bucket: Int32Array;
  mask: Uint8Array;
  order: ReturnType<typeof bucketOrder>;
  softmax: ReformerRound;
  cells: number;
}

/**
 * Reformer on one sample with one bucket count and chunk (core's `reformerPattern`, a round at
 * a time): each of the `EFFICIENT_EXPLORER_LIMITS.hashes` rounds is worked out once, in a task
 * of its own, and a count of rounds combines the first ones (the rounds of a count are the first
 * rounds of a larger one, drawn from one seed); every count is kept, so that the rounds slider
 * shows a worked-out result at once. Keys are the queries' directions (shared QK), so the exact
 * attention to compare with is on them too.
 */
export class ReformerLab {
  readonly exact: Matrix;
  private readonly results = new Map<number, ReformerRounds>();
  private readonly done: Round[] = [];
  private scores: { keys: Matrix; scores: Float64Array } | undefined;

  /** `previous`, a lab on the same sample, lends its exact attention and scores (they depend on the sample alone). */
  constructor(
    private readonly sample: QueriesKeys,
    readonly buckets: number,
    readonly chunk: number,
    previous?: ReformerLab,
  ) {
    const same = previous?.sample === sample ? previous : undefined;
    this.exact = same?.exact ?? exactAttention(sample.queries, unitRows(sample.queries));
    this.scores = same?.scores;
  }

  rounds(hashes: number): ReformerRounds | undefined {
    return this.results.get(hashes);
  }

  /** Works out the rounds up to `hashes` and shows them, then the other rounds and counts. */
  async prepare(hashes: number, current: StillCurrent, shown: () => void): Promise<void> {
    const most = EFFICIENT_EXPLORER_LIMITS.hashes;
    const counts = [hashes];
    for (let h = 1; h <= most; h++) if (h !== hashes) counts.push(h);
    for (const h of counts) {
      while (this.done.length < h) {
        await nextTask();
        if (!current()) return;
        this.done.push(this.round(this.done.length));
      }
      if (this.results.has(h)) continue;
      await nextTask();
      if (!current()) return;
      this.results.set(h, this.combine(h));
      if (h === hashes) shown();
    }
  }

  private round(r: number): Round {
    const { queries, length } = this.sample;
    const { buckets, chunk } = this;
    this.scores ??= reformerScores(queries);
    const { keys, scores } = this.scores;
    const size = queries.cols * Math.max(1, buckets / 2);
    // The rotations of round r are the same whatever the count drawn (one seed, in sequence).
    const rotations = randomRotations(r + 1, queries.cols, buckets, ROTATION_SEED);
    const bucket = hashBuckets(keys, rotations.subarray(r * size, (r + 1) * size), buckets);
    const mask = bucketMask(bucket, chunk);
    let cells = 0;
    for (let i = 0; i < length * length; i++) cells += mask[i];
    return {
      bucket,
      mask,
      order: bucketOrder(bucket, chunk),
      softmax: reformerRound(scores, length, mask),
      cells,
    };
  }

  private combine(hashes: number): ReformerRounds {
    const rounds = this.done.slice(0, hashes);
    const { share, rounds: roundShares } = bucketMassShare(
      this.exact,
      rounds.map((r) => r.mask),
    );
    return {
      hashes,
      weights: combineRounds(
        rounds.map((r) => r.softmax),
        this.sample.length,
      ),
      buckets: rounds.map((r) => r.bucket),
      orders: rounds.map((r) => r.order),
      share,
      roundShares,
      cells: rounds.reduce((sum, r) => sum + r.cells, 0),
    };
  }
}
