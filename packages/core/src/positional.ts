import { SeededRandom } from './random.js';
import type { Matrix } from './matrix.js';
import { checkInteger, checkNumber, checkOneOf } from './validation.js';

/**
 * The positional encodings of the series (docs/design/models.md). `sinusoidal-inverted`, labelled
 * "inverted frequencies", is a sign slip: 10000^(+2i/d) in place of 10000^(-2i/d), kept because
 * seeing why it fails teaches something.
 * `rope` is not added to the input: its "encoding" is the table of the rotations it applies.
 */
export const ENCODING_KINDS = [
  'linear',
  'learnable',
  'sinusoidal',
  'sinusoidal-inverted',
  'rope',
] as const;
export type EncodingKind = (typeof ENCODING_KINDS)[number];

export interface EncodingOptions {
  /** sinusoidal, sinusoidal-inverted, rope: the base of the frequencies (default 10000). */
  base?: number;
  /** learnable: the seed of the N(0, 0.02) initialisation (default 0). */
  seed?: number;
  /** learnable: a trained table to use instead, `length x dim` row-major. */
  table?: ArrayLike<number>;
}

/** The angular frequency of feature pair `i` (features 2i and 2i+1) in dimension `dim`. */
export function pairFrequency(i: number, dim: number, base = 10000, inverted = false): number {
  return base ** (((inverted ? 2 : -2) * i) / dim);
}

/**
 * Checks a trained table for a `length x dim` learnable encoding: an array or typed array of
 * `length * dim` numbers, each finite and inside float32's range (a larger value would become
 * Infinity in the Float32Array it is copied into). Throws a RangeError naming `table`.
 */
export function checkEncodingTable(table: unknown, length: number, dim: number): ArrayLike<number> {
  const isList =
    Array.isArray(table) ||
    (ArrayBuffer.isView(table) && !(table instanceof DataView) && !isBigIntArray(table));
  if (!isList) {
    const kind = table === null ? 'null' : typeof table;
    throw new RangeError(`table must be an array or typed array of numbers, got ${kind}`);
  }
  const values = table as ArrayLike<unknown>;
  if (values.length !== length * dim) {
    throw new RangeError(
      `table holds ${values.length} values; ${length} x ${dim} needs ${length * dim}`,
    );
  }
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(Math.fround(value))) {
      throw new RangeError(
        `table[${i}] must be a finite number inside float32's range, got ${String(value)}`,
      );
    }
  }
  return values as ArrayLike<number>;
}

function isBigIntArray(view: ArrayBufferView): boolean {
  return view instanceof BigInt64Array || view instanceof BigUint64Array;
}

/**
 * A `length x dim` positional encoding, row-major (`pe[p * dim + d]`):
 * - `linear`: p / (length - 1), the same in every feature;
 * - `learnable`: a table drawn from N(0, 0.02) by `seed`, or the trained `table` handed in;
 * - `sinusoidal`: PE[p, 2i] = sin(p / base^(2i/dim)), PE[p, 2i+1] = cos(the same angle);
 * - `sinusoidal-inverted`: the same with base^(+2i/dim): most channels alias;
 * - `rope`: cos and sin of the angle p * base^(-2i/dim) by which RoPE turns pair i at position p.
 */
export function positionalEncoding(
  kind: EncodingKind,
  length: number,
  dim: number,
  options: EncodingOptions = {},
): Float32Array {
  checkOneOf('encoding', kind, ENCODING_KINDS);
  checkInteger('length', length, 1, 1 << 16);
  checkInteger('dim', dim, 1, 4096);
  const { base = 10000, seed = 0, table } = options;
  checkNumber('base', base, 1.000001);
  const pe = new Float32Array(length * dim);
  switch (kind) {
    case 'linear':
      for (let p = 0; p < length; p++)
        pe.fill(length === 1 ? 0 : p / (length - 1), p * dim, (p + 1) * dim);
      break;
    case 'learnable':
      if (table) {
        pe.set(checkEncodingTable(table, length, dim));
      } else {
        const random = new SeededRandom(
          checkInteger('seed', seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
        );
        for (let i = 0; i < pe.length; i++) pe[i] = 0.02 * random.gaussian();
      }
      break;
    default: {
      const inverted = kind === 'sinusoidal-inverted';
      for (let p = 0; p < length; p++) {
        for (let d = 0; d < dim; d++) {
          const angle = p * pairFrequency(Math.floor(d / 2), dim, base, inverted);
          pe[p * dim + d] =
            d % 2 === 0
              ? kind === 'rope'
                ? Math.cos(angle)
                : Math.sin(angle)
              : kind === 'rope'
                ? Math.sin(angle)
                : Math.cos(angle);
        }
      }
    }
  }
  return pe;
}

/**
 * Rotary position embedding: rotates each feature pair (2i, 2i+1) of row p of a row-major
 * `length x dim` array by the angle p * base^(-2i/dim) (an odd last feature stays as it is).
 * Applied to queries and keys, q_m . k_n then depends on m - n only.
 */
export function applyRope(
  x: ArrayLike<number>,
  length: number,
  dim: number,
  base = 10000,
  positions?: ArrayLike<number>,
): Float32Array {
  checkInteger('length', length, 1);
  checkInteger('dim', dim, 1);
  if (x.length !== length * dim)
    throw new RangeError(`x holds ${x.length} values; ${length} x ${dim} needs ${length * dim}`);
  const out = Float32Array.from(x);
  for (let p = 0; p < length; p++) {
    const position = positions ? positions[p] : p;
    for (let i = 0; 2 * i + 1 < dim; i++) {
      const angle = position * pairFrequency(i, dim, base);
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      const a = out[p * dim + 2 * i];
      const b = out[p * dim + 2 * i + 1];
      out[p * dim + 2 * i] = a * cos - b * sin;
      out[p * dim + 2 * i + 1] = a * sin + b * cos;
    }
  }
  return out;
}

/**
 * A 2D encoding for a `rows x cols` patch grid, in raster order: the first half of the features
 * encode the patch's row, the second half its column, each a 1D encoding of dim / 2 features.
 */
export function positionalEncoding2D(
  kind: EncodingKind,
  rows: number,
  cols: number,
  dim: number,
  options: EncodingOptions = {},
): Float32Array {
  checkInteger('dim', dim, 2);
  if (dim % 2 !== 0) throw new RangeError(`dim must be even for a 2D encoding, got ${dim}`);
  const half = dim / 2;
  const byRow = positionalEncoding(kind, rows, half, { ...options, seed: options.seed ?? 0 });
  const byCol = positionalEncoding(kind, cols, half, { ...options, seed: (options.seed ?? 0) + 1 });
  const pe = new Float32Array(rows * cols * dim);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const token = r * cols + c;
      pe.set(byRow.subarray(r * half, (r + 1) * half), token * dim);
      pe.set(byCol.subarray(c * half, (c + 1) * half), token * dim + half);
    }
  }
  return pe;
}

/** RoPE on a patch grid: the first half of the features turn with the row, the second with the column. */
export function applyRope2D(
  x: ArrayLike<number>,
  rows: number,
  cols: number,
  dim: number,
  base = 10000,
): Float32Array {
  if (dim % 2 !== 0 || (dim / 2) % 2 !== 0)
    throw new RangeError(`dim must be a multiple of 4 for 2D RoPE, got ${dim}`);
  const tokens = rows * cols;
  if (x.length !== tokens * dim)
    throw new RangeError(`x holds ${x.length} values; ${tokens} x ${dim} needs ${tokens * dim}`);
  const half = dim / 2;
  const first = new Float32Array(tokens * half);
  const second = new Float32Array(tokens * half);
  for (let t = 0; t < tokens; t++) {
    first.set(Array.prototype.slice.call(x, t * dim, t * dim + half) as number[], t * half);
    second.set(Array.prototype.slice.call(x, t * dim + half, (t + 1) * dim) as number[], t * half);
  }
  const rowOf = Array.from({ length: tokens }, (_, t) => Math.floor(t / cols));
  const colOf = Array.from({ length: tokens }, (_, t) => t % cols);
  const turnedFirst = applyRope(first, tokens, half, base, rowOf);
  const turnedSecond = applyRope(second, tokens, half, base, colOf);
  const out = new Float32Array(tokens * dim);
  for (let t = 0; t < tokens; t++) {
    out.set(turnedFirst.subarray(t * half, (t + 1) * half), t * dim);
    out.set(turnedSecond.subarray(t * half, (t + 1) * half), t * dim + half);
  }
  return out;
}

/**
 * How alike every pair of positions is under an encoding: `dot` (PE_m . PE_n) or `cosine`
 * (the same, divided by both norms; 0 where a norm is 0).
 */
export function positionSimilarity(
  pe: Float32Array,
  length: number,
  dim: number,
  measure: 'dot' | 'cosine' = 'cosine',
): Matrix {
  checkOneOf('measure', measure, ['dot', 'cosine'] as const);
  if (pe.length !== length * dim)
    throw new RangeError(
      `encoding holds ${pe.length} values; ${length} x ${dim} needs ${length * dim}`,
    );
  const norms = new Float64Array(length);
  for (let p = 0; p < length; p++) {
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += pe[p * dim + d] ** 2;
    norms[p] = Math.sqrt(sum);
  }
  const data = new Float32Array(length * length);
  for (let m = 0; m < length; m++) {
    for (let n = m; n < length; n++) {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += pe[m * dim + d] * pe[n * dim + d];
      const value =
        measure === 'dot' ? dot : norms[m] && norms[n] ? dot / (norms[m] * norms[n]) : 0;
      data[m * length + n] = value;
      data[n * length + m] = value;
    }
  }
  return { data, rows: length, cols: length };
}

/**
 * Whether a square similarity matrix depends on the distance m - n alone: the largest spread
 * (max - min) of its values along any diagonal. 0 (to rounding) for sinusoidal encodings and
 * RoPE; large for linear and learnable ones.
 */
export function distanceSpread(similarity: Matrix): number {
  const { rows, cols, data } = similarity;
  let spread = 0;
  for (let offset = -(rows - 1); offset < cols; offset++) {
    let min = Infinity;
    let max = -Infinity;
    for (let m = Math.max(0, -offset); m < rows && m + offset < cols; m++) {
      const v = data[m * cols + m + offset];
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (max - min > spread) spread = max - min;
  }
  return spread;
}

/**
 * Scores q_m . k_n under RoPE for the same content at shifted absolute positions: row a of the
 * result holds, for each offset o in [-maxOffset, maxOffset], the score of query position
 * `starts[a]` against key position `starts[a] - o`. With RoPE every row is the same curve.
 */
export function ropeScoresByOffset(
  query: ArrayLike<number>,
  key: ArrayLike<number>,
  starts: readonly number[],
  maxOffset: number,
  base = 10000,
): Matrix {
  const dim = query.length;
  if (key.length !== dim)
    throw new RangeError(`query has ${dim} features but key has ${key.length}`);
  const cols = 2 * maxOffset + 1;
  const data = new Float32Array(starts.length * cols);
  starts.forEach((m, a) => {
    const q = applyRope(query, 1, dim, base, [m]);
    for (let o = -maxOffset; o <= maxOffset; o++) {
      const k = applyRope(key, 1, dim, base, [m - o]);
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += q[d] * k[d];
      data[a * cols + o + maxOffset] = dot;
    }
  });
  return { data, rows: starts.length, cols };
}
