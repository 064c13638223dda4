import { BUCKET_COLORS } from '@decoding-attention/ui';
import type { ReformerStep } from './events.js';
import type { ReformerRounds } from './reformer.js';

/** Pixels per position along a strip, and per round across it. */
const CELL = 3;
const ROUND = 14;

/**
 * One strip per round, drawn for a Reformer step: `hash` each position in its bucket's colour in
 * sequence order; `sort` the positions sorted by bucket; `chunk` the sorted order cut into its
 * chunks, a gap of background between two.
 */
export function drawStrips(
  canvas: HTMLCanvasElement,
  rounds: ReformerRounds,
  step: Exclude<ReformerStep, 'attend'>,
  background: string,
): void {
  const length = rounds.buckets[0]?.length ?? 0;
  canvas.width = length * CELL;
  canvas.height = rounds.hashes * ROUND;
  const context = canvas.getContext('2d');
  if (!context) return;
  context.fillStyle = background;
  context.fillRect(0, 0, canvas.width, canvas.height);
  rounds.buckets.forEach((bucket, r) => {
    const { order, chunkOf } = rounds.orders[r];
    for (let s = 0; s < length; s++) {
      const position = step === 'hash' ? s : order[s];
      const [red, green, blue] = BUCKET_COLORS[bucket[position] % BUCKET_COLORS.length];
      context.fillStyle = `rgb(${red}, ${green}, ${blue})`;
      context.fillRect(s * CELL, r * ROUND + 1, CELL, ROUND - 3);
    }
    if (step === 'chunk') {
      context.fillStyle = background;
      for (let s = 1; s < length; s++)
        if (chunkOf[order[s]] !== chunkOf[order[s - 1]])
          context.fillRect(s * CELL - 1, r * ROUND, 2, ROUND);
    }
  });
}

/** What a step's strips show, in words, for screen readers and the caption. */
export function stripsText(rounds: ReformerRounds, step: Exclude<ReformerStep, 'attend'>): string {
  return rounds.buckets
    .map((bucket, r) => {
      const sizes = new Map<number, number>();
      bucket.forEach((b) => sizes.set(b, (sizes.get(b) ?? 0) + 1));
      const list = [...sizes.entries()]
        .sort(([a], [b]) => a - b)
        .map(([b, n]) => `bucket ${b + 1}: ${n}`)
        .join(', ');
      const chunks = step === 'chunk' ? `, cut into ${rounds.orders[r].chunks} chunks` : '';
      const how = step === 'hash' ? 'in sequence order' : 'sorted by bucket';
      return `Round ${r + 1}, ${how}${chunks}: ${list}`;
    })
    .join('. ');
}

/** What each step does, for the paragraph above its figure. */
export const STEP_ABOUT: Record<ReformerStep, string> = {
  hash: 'Hash: each position is put in a bucket by a random rotation of its direction (the argmax of [xR, −xR]), so positions pointing the same way tend to share a bucket. One strip per round, positions left to right, coloured by bucket.',
  sort: 'Sort: the positions are sorted by bucket (then by position), so each bucket becomes one run of the sequence.',
  chunk:
    'Chunk: the sorted sequence is cut into chunks of equal length; a query attends to the keys of its own bucket within its chunk and the chunk before.',
  attend:
    'Attend: each round gives each query the softmax over the keys it sees; the rounds are combined by their log-sum-exps. Cells no round sees are masked.',
};
