import { BUCKET_COLORS, packRgb, rgbOf } from '@decoding-attention/ui';
import type { ReformerStep } from './events.js';
import type { ReformerRounds } from './reformer.js';

/** The rounds and background each strip canvas was last drawn with, so an unchanged one is not drawn again. */
export const stripsDrawn = new WeakMap<
  HTMLCanvasElement,
  { rounds: ReformerRounds; background: string }
>();

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
  const width = length * CELL;
  const height = rounds.hashes * ROUND;
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  if (width === 0) return;
  // Pixels written a row at a time and put once: thousands of fillRect calls would be replayed
  // when the page composites, a frame late.
  const image = new ImageData(width, height);
  const words = new Uint32Array(image.data.buffer);
  const back = packRgb(...rgbOf(background));
  const colors = BUCKET_COLORS.map((c) => packRgb(...c));
  const row = new Uint32Array(width);
  rounds.buckets.forEach((bucket, r) => {
    const { order, chunkOf } = rounds.orders[r];
    for (let s = 0; s < length; s++) {
      const position = step === 'hash' ? s : order[s];
      row.fill(colors[bucket[position] % colors.length], s * CELL, (s + 1) * CELL);
    }
    // A gap of background, 2 pixels across the round's whole height, between two chunks.
    const gaps: number[] = [];
    if (step === 'chunk')
      for (let s = 1; s < length; s++)
        if (chunkOf[order[s]] !== chunkOf[order[s - 1]]) gaps.push(s * CELL - 1);
    for (let y = 0; y < ROUND; y++) {
      const start = (r * ROUND + y) * width;
      // The strip fills rows 1 to ROUND - 3 of its band; the rest is background.
      if (y >= 1 && y < ROUND - 2) words.set(row, start);
      else words.fill(back, start, start + width);
      for (const x of gaps) words.fill(back, start + x, start + Math.min(width, x + 2));
    }
  });
  canvas.getContext('2d')?.putImageData(image, 0, 0);
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
