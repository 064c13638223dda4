import {
  SeededRandom,
  distanceSpread,
  encodedAttention1D,
  matrixToArrays,
  positionSimilarity,
  positionalEncoding,
  ropeScoresByOffset,
  type EncodingKind,
  type Matrix,
} from '@decoding-attention/core';
import type { OffsetRow } from './charts.js';

/**
 * What the explorer works out from its settings, with no DOM: each encoding's table and how
 * alike it makes two positions, RoPE's relative property, attention with and without an
 * encoding, and the verdicts said about them. The encodings themselves are defined in
 * docs/design/models.md (Positional encodings).
 */

/** What an encoding is worked out from. */
export interface EncodingSettings {
  length: number;
  dim: number;
  base: number;
  seed: number;
  measure: 'cosine' | 'dot';
  /** A trained table for `learnable`, `length x dim` row-major. */
  table?: ArrayLike<number>;
}

/** One encoding worked out: its table, how alike its positions are, and whether that depends on distance alone. */
export interface WorkedEncoding {
  kind: EncodingKind;
  pe: Float32Array;
  /** The same table as a matrix; one object, so the heatmap showing it is not redrawn needlessly. */
  table: Matrix;
  similarity: Matrix;
  /** The largest spread of the similarity along a diagonal (0: distance alone counts). */
  spread: number;
}

/** One encoding, its similarity of every pair of positions, and that similarity's spread along the diagonals. */
export function workOutEncoding(kind: EncodingKind, settings: EncodingSettings): WorkedEncoding {
  const { length, dim, base, seed, measure, table } = settings;
  const pe = positionalEncoding(
    kind,
    length,
    dim,
    kind === 'learnable' ? { base, seed, table } : { base, seed },
  );
  const similarity = positionSimilarity(pe, length, dim, measure);
  const spread = distanceSpread(similarity);
  // A trained table's values may be finite yet their products not: no verdict from Infinity.
  if (!Number.isFinite(spread) || !similarity.data.every(Number.isFinite))
    throw new RangeError(
      `${kind === 'learnable' ? 'table' : 'base'} gives similarities outside float32's range; use smaller values`,
    );
  return {
    kind,
    pe,
    table: { data: pe, rows: length, cols: dim },
    similarity,
    spread,
  };
}

/** Largest spread under which similarity counts as depending on distance alone (rounding). */
const DISTANCE_ALONE = 1e-4;

/** Whether an encoding's similarity depends on the distance between positions alone, in words. */
export function similarityVerdict({ kind, spread }: WorkedEncoding): string {
  return spread < DISTANCE_ALONE
    ? `${kind}: distance alone counts (largest spread along a diagonal ${spread.toExponential(1)}).`
    : `${kind}: not distance alone (values along a diagonal spread by ${spread.toFixed(2)}).`;
}

/** RoPE's relative property: one query and key scored against their offset, from several starts. */
export interface RopeOffsets {
  /** The absolute positions m the query starts at. */
  starts: number[];
  rows: OffsetRow[];
  /** The largest difference between the starts' scores at one offset (0: the offset alone counts). */
  spread: number;
}

/** Scores of one seeded random query and key under RoPE, against the offset, from three starting positions. */
export function ropeOffsets({
  length,
  dim,
  base,
  seed,
}: Pick<EncodingSettings, 'length' | 'dim' | 'base' | 'seed'>): RopeOffsets {
  const random = new SeededRandom(seed + 101);
  const q = Float32Array.from({ length: dim }, () => random.gaussian());
  const k = Float32Array.from({ length: dim }, () => random.gaussian());
  const starts = [0, Math.round(length / 3), Math.round((2 * length) / 3)];
  const maxOffset = Math.min(32, length - 1);
  const scores = ropeScoresByOffset(q, k, starts, maxOffset, base);
  const rows: OffsetRow[] = [];
  let spread = 0;
  for (let o = 0; o < scores.cols; o++) {
    let low = Infinity;
    let high = -Infinity;
    starts.forEach((start, a) => {
      const score = scores.data[a * scores.cols + o];
      rows.push({ offset: o - maxOffset, score, start: String(start) });
      low = Math.min(low, score);
      high = Math.max(high, score);
    });
    spread = Math.max(spread, high - low);
  }
  return { starts, rows, spread };
}

/** That the offset curves lie on one another, in words. */
export function ropeVerdict({ starts, spread }: RopeOffsets): string {
  return `The curves from m = ${starts.join(', ')} lie on one another: they differ by at most ${spread.toExponential(1)}.`;
}

/** One attention map of the attention part. */
export interface AttentionPart {
  label: string;
  matrix: Matrix;
}

/** What an attention map is worked out from, besides the sample. */
export interface AttentionSettings {
  dim: number;
  strength: number;
  base: number;
  seed: number;
}

/**
 * The attention maps of the attention part, in order: without an encoding, then with each of
 * `kinds`. Each map is one piece of work, for the explorer to run in a task of its own.
 */
export function attentionKinds(kinds: readonly EncodingKind[]): (EncodingKind | 'none')[] {
  return ['none', ...kinds];
}

/** Attention on a 1D `input`, each position described by its local shape, with `kind` (or none). */
export function attentionPart(
  input: ArrayLike<number>,
  kind: EncodingKind | 'none',
  { dim, strength, base, seed }: AttentionSettings,
): AttentionPart {
  // At least 16 features (encodedAttention1D's default), so the local-shape features fit beside a small dim.
  // A trained table only fits the encoding's own length and width, not the sample's: not used here.
  const options = { dim: Math.max(16, dim), strength, base, seed, encoding: kind };
  return {
    label: kind === 'none' ? 'No encoding' : `With ${kind}`,
    matrix: encodedAttention1D(input, options),
  };
}

/** Everything the explorer worked out, with the settings it came from, as plain arrays. */
export function workingsAsData(
  settings: Omit<EncodingSettings, 'table'> & { encoding: EncodingKind; compare?: EncodingKind },
  worked: readonly WorkedEncoding[],
  offsets: RopeOffsets | undefined,
  attention: readonly AttentionPart[],
): Record<string, unknown> {
  return {
    ...settings,
    encodings: worked.map((w) => ({
      kind: w.kind,
      table: matrixToArrays(w.table),
      similarity: matrixToArrays(w.similarity),
      distanceSpread: w.spread,
    })),
    ropeOffsetSpread: offsets?.spread,
    attention: attention.map((a) => ({ label: a.label, weights: matrixToArrays(a.matrix) })),
  };
}

/** The features drawn as curves by default: a fast, a middle and a slow pair. */
export function defaultFeatures(dim: number): number[] {
  const last = dim - 1;
  return [...new Set([0, 1, 2 * Math.floor(dim / 8), 2 * Math.floor(dim / 4) + 1, last - 1, last])]
    .filter((d) => d >= 0 && d <= last)
    .sort((a, b) => a - b);
}

/** What each encoding is, as the explorer says it above the table. */
export const ENCODING_ABOUT: Record<EncodingKind, string> = {
  linear:
    'Linear: position / (length − 1) in every feature. One number that grows: nearby positions look alike, but so do any two late positions, and the values depend on the length.',
  learnable:
    'Learnable: a table of numbers, one row per position, started at random (N(0, 0.02)) and learned with the model. Untrained, it is noise: nothing about order is in it yet.',
  sinusoidal:
    'Sinusoidal: pairs of sin and cos at frequencies from 1 down to 1/10000. Fast pairs tell neighbours apart, slow pairs tell regions apart, and every position gets a distinct, bounded code.',
  'sinusoidal-inverted':
    'Inverted frequencies (a common slip): 10000^(+2i/d) in place of 10000^(−2i/d). Most pairs turn thousands of radians per step, so they alias into noise: watch the curves and the similarity.',
  rope: 'RoPE: nothing is added. Each pair of query and key features is turned by an angle proportional to its position; shown here are the cos and sin of those angles.',
};
