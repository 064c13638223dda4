import { attentionMask } from './attention.js';
import type { Matrix } from './matrix.js';
import { ATTENTION_VARIANTS, type AttentionVariant } from './models/variants/options.js';
import { SeededRandom } from './random.js';
import { checkInteger, checkOneOf } from './validation.js';

/**
 * The efficient attention variants' patterns in plain JavaScript (no tfjs, no DOM), computed on
 * one small set of queries and keys, as figures show them: what each variant's own computation
 * attends to, with what is inside it (Reformer's buckets, adaptive spans, Linformer's projected
 * rows, Performer's exact attention to compare with). They follow the layers' maths
 * (docs/design/models.md, "Attention variants") with seeded random draws, so a seed gives the
 * same figure everywhere. Scores are `q . k / sqrt(d)` throughout.
 */

/** The parameters of `variantPattern`; each is read only by the variants named in its comment. */
export interface VariantPatternOptions {
  /** local, sparse, global: keys within this distance of the query are seen (default 8). */
  window?: number;
  /** sparse: every `stride`-th key is seen by all (default 8). */
  stride?: number;
  /** global: the positions that see and are seen by all (default [0]). */
  globals?: readonly number[];
  /** adaptive: each head's span in tokens (default [16]); one pattern per head. */
  spans?: readonly number[];
  /** adaptive: the soft window's ramp, in tokens (default 16). */
  ramp?: number;
  /** linformer: the rows k keys are projected to along the sequence (default 32). */
  projected?: number;
  /** performer: the random features m (default 64). */
  features?: number;
  /** reformer: hash buckets, 1 or even (default 8). */
  buckets?: number;
  /** reformer: hashing rounds (default 2). */
  hashes?: number;
  /** reformer: the chunk of sorted positions a query attends within, with the chunk before (default 32). */
  chunk?: number;
  /** A query sees no later key (not for linformer). */
  causal?: boolean;
  /** The seed of the random rotations, features and projections (default 1). */
  seed?: number;
}

/** A variant's pattern on the queries and keys, with its internals. */
export interface VariantPattern {
  attention: AttentionVariant;
  /** The pattern the variant uses, [query][key] per head (one head; adaptive: one per span). */
  heads: Matrix[];
  /** reformer: each round's bucket of every position, [round][head][position]. */
  buckets?: Int32Array[][];
  /** adaptive: each head's span in tokens, and the ramp of its soft edge. */
  spans?: number[];
  ramp?: number;
  /** linformer: each head's weights over the k projected rows, [position x k]. */
  projected?: Matrix[];
  /** performer: exact softmax attention on the same queries and keys, per head. */
  exact?: Matrix[];
}

/** Scores `q . k / sqrt(d)`, [rows of q x rows of k], in 64-bit floats. */
function scoreMatrix(q: Matrix, k: Matrix): Float64Array {
  const d = q.cols;
  const out = new Float64Array(q.rows * k.rows);
  const scale = 1 / Math.sqrt(d);
  for (let i = 0; i < q.rows; i++)
    for (let j = 0; j < k.rows; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += q.data[i * d + c] * k.data[j * d + c];
      out[i * k.rows + j] = dot * scale;
    }
  return out;
}

/**
 * Each row of `scores` [rows x cols] turned into weights `m exp(s) / sum(m exp(s))` over the
 * keys with a multiplier `m(i, j) > 0` (all, without one), as 32-bit floats.
 */
function softmaxWith(
  scores: ArrayLike<number>,
  rows: number,
  cols: number,
  multiplier?: (i: number, j: number) => number,
): Matrix {
  const data = new Float32Array(rows * cols);
  const row = new Float64Array(cols);
  for (let i = 0; i < rows; i++) {
    let top = -Infinity;
    for (let j = 0; j < cols; j++) {
      const m = multiplier ? multiplier(i, j) : 1;
      if (m > 0) top = Math.max(top, scores[i * cols + j]);
    }
    let sum = 0;
    for (let j = 0; j < cols; j++) {
      const m = multiplier ? multiplier(i, j) : 1;
      row[j] = m > 0 ? m * Math.exp(scores[i * cols + j] - top) : 0;
      sum += row[j];
    }
    for (let j = 0; j < cols; j++) data[i * cols + j] = sum > 0 ? row[j] / sum : 0;
  }
  return { data, rows, cols };
}

/** Exact softmax attention of `q` over `k` (causal: no later key). */
export function exactAttention(q: Matrix, k: Matrix, causal = false): Matrix {
  return softmaxWith(
    scoreMatrix(q, k),
    q.rows,
    k.rows,
    causal ? (i, j) => (j <= i ? 1 : 0) : undefined,
  );
}

/**
 * Adaptive span (Sukhbaatar et al. 2019): a key at distance x from the query is weighted by the
 * soft mask `m(x) = clamp((ramp + span - x) / ramp, 0, 1)`: whole up to `span` tokens away,
 * fading to nothing at `span + ramp`.
 */
export function adaptiveSpanPattern(
  q: Matrix,
  k: Matrix,
  span: number,
  ramp: number,
  causal = false,
): Matrix {
  return softmaxWith(scoreMatrix(q, k), q.rows, k.rows, (i, j) =>
    causal && j > i ? 0 : Math.min(1, Math.max(0, (ramp + span - Math.abs(i - j)) / ramp)),
  );
}

/**
 * `rounds` random rotations, each [d x buckets / 2] Gaussian, one round after another, as the
 * Reformer layer draws them from a seed.
 */
export function randomRotations(
  rounds: number,
  size: number,
  buckets: number,
  seed: number,
): Float32Array {
  const random = new SeededRandom(seed);
  const half = Math.max(1, buckets / 2);
  return Float32Array.from({ length: rounds * size * half }, () => random.gaussian());
}

/**
 * The bucket of each row of `x` [L x d] under one rotation R [d x b/2]: the argmax of
 * `[x R, -x R]` (the first, on a tie); 0 for a single bucket.
 */
export function hashBuckets(x: Matrix, rotation: ArrayLike<number>, buckets: number): Int32Array {
  const out = new Int32Array(x.rows);
  if (buckets === 1) return out;
  const half = buckets / 2;
  const d = x.cols;
  for (let i = 0; i < x.rows; i++) {
    let best = -Infinity;
    for (let b = 0; b < buckets; b++) {
      const column = b % half;
      let dot = 0;
      for (let c = 0; c < d; c++) dot += x.data[i * d + c] * rotation[c * half + column];
      const value = b < half ? dot : -dot;
      if (value > best) {
        best = value;
        out[i] = b;
      }
    }
  }
  return out;
}

/**
 * Which keys each query sees in one Reformer round, [L x L], 1 seen and 0 not: positions are
 * sorted by `bucket` (then position) and cut into chunks of `chunk`; a query sees the keys of its
 * own bucket in its chunk and the chunk before (the last, for the first), none later when causal.
 */
export function bucketMask(bucket: ArrayLike<number>, chunk: number, causal = false): Uint8Array {
  const length = bucket.length;
  const c = Math.max(1, Math.min(chunk, length));
  const chunks = Math.ceil(length / c);
  const order = Array.from({ length }, (_, i) => i).sort((a, b) => bucket[a] - bucket[b] || a - b);
  const chunkOf = new Int32Array(length);
  order.forEach((position, s) => (chunkOf[position] = Math.floor(s / c)));
  const out = new Uint8Array(length * length);
  for (let i = 0; i < length; i++)
    for (let j = 0; j < length; j++) {
      if (bucket[i] !== bucket[j] || (causal && j > i)) continue;
      const q = chunkOf[i];
      const k = chunkOf[j];
      if (k === q || (chunks > 1 && k === (q - 1 + chunks) % chunks)) out[i * length + j] = 1;
    }
  return out;
}

/**
 * LSH attention (Kitaev et al. 2020) with shared queries and keys: the keys are the queries'
 * directions, hashed into buckets by random rotations, one per round; positions are sorted by
 * bucket (then position) and cut into chunks of `chunk`, and a query attends to the keys of its
 * own bucket in its chunk and the chunk before (the last, for the first). The rounds' softmaxes
 * are combined by their log-sum-exps. Returns the combined pattern and each round's buckets.
 */
export function reformerPattern(
  q: Matrix,
  options: { buckets: number; hashes: number; chunk: number; causal?: boolean; seed?: number },
): { weights: Matrix; buckets: Int32Array[] } {
  const { buckets, hashes, causal = false, seed = 1 } = options;
  const length = q.rows;
  const d = q.cols;
  const keys: Matrix = { data: new Float32Array(q.data.length), rows: length, cols: d };
  for (let i = 0; i < length; i++) {
    let norm = 0;
    for (let c = 0; c < d; c++) norm += q.data[i * d + c] ** 2;
    norm = Math.sqrt(norm) + 1e-6;
    for (let c = 0; c < d; c++) keys.data[i * d + c] = q.data[i * d + c] / norm;
  }
  const scores = scoreMatrix(q, keys);
  const rotations = randomRotations(hashes, d, buckets, seed);
  const size = d * Math.max(1, buckets / 2);
  const c = Math.min(options.chunk, length);
  const rounds: { weights: Float64Array; lse: Float64Array }[] = [];
  const bucketsOf: Int32Array[] = [];
  for (let r = 0; r < hashes; r++) {
    const bucket = hashBuckets(keys, rotations.subarray(r * size, (r + 1) * size), buckets);
    bucketsOf.push(bucket);
    const allowed = bucketMask(bucket, c, causal);
    const seen = (i: number, j: number) => allowed[i * length + j] === 1;
    const weights = new Float64Array(length * length);
    const lse = new Float64Array(length);
    for (let i = 0; i < length; i++) {
      let top = -Infinity;
      for (let j = 0; j < length; j++) if (seen(i, j)) top = Math.max(top, scores[i * length + j]);
      let sum = 0;
      for (let j = 0; j < length; j++)
        if (seen(i, j)) sum += Math.exp(scores[i * length + j] - top);
      lse[i] = top + Math.log(sum);
      for (let j = 0; j < length; j++)
        if (seen(i, j)) weights[i * length + j] = Math.exp(scores[i * length + j] - lse[i]);
    }
    rounds.push({ weights, lse });
  }
  const data = new Float32Array(length * length);
  for (let i = 0; i < length; i++) {
    const top = Math.max(...rounds.map((round) => round.lse[i]));
    const shares = rounds.map((round) => Math.exp(round.lse[i] - top));
    const total = shares.reduce((a, b) => a + b, 0);
    for (let j = 0; j < length; j++) {
      let w = 0;
      rounds.forEach((round, r) => (w += (shares[r] / total) * round.weights[i * length + j]));
      data[i * length + j] = w;
    }
  }
  return { weights: { data, rows: length, cols: length }, buckets: bucketsOf };
}

/**
 * A seeded Gaussian projection along the sequence, [k x length], entries N(0, 1 / k) (the
 * Johnson-Lindenstrauss projection Linformer's analysis uses); E, then F, from one seed.
 */
export function sequenceProjections(
  rows: number,
  length: number,
  seed: number,
): { e: Matrix; f: Matrix } {
  const random = new SeededRandom(seed);
  const scale = 1 / Math.sqrt(rows);
  const draw = () => ({
    data: Float32Array.from({ length: rows * length }, () => random.gaussian() * scale),
    rows,
    cols: length,
  });
  const e = draw();
  return { e, f: draw() };
}

/** `a` [n x m] times `b` [m x p]. */
function multiply(a: Matrix, b: Matrix): Matrix {
  const out = new Float32Array(a.rows * b.cols);
  for (let i = 0; i < a.rows; i++)
    for (let j = 0; j < b.cols; j++) {
      let sum = 0;
      for (let t = 0; t < a.cols; t++) sum += a.data[i * a.cols + t] * b.data[t * b.cols + j];
      out[i * b.cols + j] = sum;
    }
  return { data: out, rows: a.rows, cols: b.cols };
}

/**
 * Linformer (Wang et al. 2020): keys projected along the sequence to k rows by E [k x L],
 * `softmax(q (E K)^T / sqrt d)` [L x k] (the weights over the k rows), and, for the [L x L]
 * figure, those weights mapped back to positions through F (`P F`).
 */
export function linformerPattern(
  q: Matrix,
  k: Matrix,
  projected: number,
  seed = 1,
): { weights: Matrix; projected: Matrix } {
  return linformerPatternOf(k, projected, seed)(q);
}

/**
 * `linformerPattern` with E and F drawn and the keys projected once: the function it returns
 * gives the rows of any queries, the same bits as `linformerPattern` of those queries.
 */
export function linformerPatternOf(
  k: Matrix,
  projected: number,
  seed = 1,
): (q: Matrix) => { weights: Matrix; projected: Matrix } {
  const { e, f } = sequenceProjections(projected, k.rows, seed);
  const rows = multiply(e, k);
  return (q) => {
    const weights = softmaxWith(scoreMatrix(q, rows), q.rows, projected);
    return { weights: multiply(weights, f), projected: weights };
  };
}

/**
 * `features` positive orthogonal random features for `size`-wide heads (FAVOR+), [features x
 * size]: blocks of `size` orthonormal rows (Gram-Schmidt on Gaussian rows), each row scaled by
 * the length of an independent Gaussian vector; the Performer layer draws them so.
 */
export function orthogonalFeatures(features: number, size: number, seed: number): Float32Array {
  const random = new SeededRandom(seed);
  const out = new Float32Array(features * size);
  for (let start = 0; start < features; start += size) {
    const rows: Float64Array[] = [];
    while (rows.length < size) {
      const row = Float64Array.from({ length: size }, () => random.gaussian());
      for (const done of rows) {
        let dot = 0;
        for (let i = 0; i < size; i++) dot += row[i] * done[i];
        for (let i = 0; i < size; i++) row[i] -= dot * done[i];
      }
      const norm = Math.hypot(...row);
      if (norm < 1e-6) continue;
      rows.push(row.map((x) => x / norm));
    }
    for (let r = 0; r < size && start + r < features; r++) {
      let length = 0;
      for (let i = 0; i < size; i++) length += random.gaussian() ** 2;
      length = Math.sqrt(length);
      for (let i = 0; i < size; i++) out[(start + r) * size + i] = rows[r][i] * length;
    }
  }
  return out;
}

/**
 * Performer (FAVOR+, Choromanski et al. 2021): `exp(q . k / sqrt d)` estimated by
 * `phi(q') . phi(k')`, `phi(x) = exp(w x - |x|^2 / 2) / sqrt(m)` over m positive orthogonal
 * random features w, `q' = q / d^(1/4)`, `k' = k / d^(1/4)`; rows normalised to sum to 1. Returns
 * the approximate pattern and the exact softmax attention beside it.
 */
export function performerPattern(
  q: Matrix,
  k: Matrix,
  features: number,
  causal = false,
  seed = 1,
): { weights: Matrix; exact: Matrix } {
  const d = q.cols;
  const w = orthogonalFeatures(features, d, seed);
  const root = Math.sqrt(Math.sqrt(d));
  const phi = (x: Matrix, perRow: boolean) => {
    const out = new Float64Array(x.rows * features);
    for (let i = 0; i < x.rows; i++) {
      let half = 0;
      for (let c = 0; c < d; c++) half += (x.data[i * d + c] / root) ** 2 / 2;
      for (let f = 0; f < features; f++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += (w[f * d + c] * x.data[i * d + c]) / root;
        out[i * features + f] = dot - half;
      }
    }
    // A shift per query row (or one for all keys) keeps exp in range; it cancels.
    let shift = -Infinity;
    for (let i = 0; i < x.rows; i++) {
      if (perRow) shift = -Infinity;
      for (let f = 0; f < features; f++) shift = Math.max(shift, out[i * features + f]);
      if (perRow)
        for (let f = 0; f < features; f++)
          out[i * features + f] = Math.exp(out[i * features + f] - shift);
    }
    if (!perRow) for (let i = 0; i < out.length; i++) out[i] = Math.exp(out[i] - shift);
    return out;
  };
  const pq = phi(q, true);
  const pk = phi(k, false);
  const data = new Float32Array(q.rows * k.rows);
  for (let i = 0; i < q.rows; i++) {
    const row = new Float64Array(k.rows);
    let sum = 0;
    for (let j = 0; j < k.rows; j++) {
      if (causal && j > i) continue;
      let dot = 0;
      for (let f = 0; f < features; f++) dot += pq[i * features + f] * pk[j * features + f];
      row[j] = dot;
      sum += dot;
    }
    for (let j = 0; j < k.rows; j++) data[i * k.rows + j] = sum > 0 ? row[j] / sum : 0;
  }
  return { weights: { data, rows: q.rows, cols: k.rows }, exact: exactAttention(q, k, causal) };
}

/** Queries or keys replaced by their signs: +1 at 0 and above, -1 below. */
function signs(x: Matrix): Matrix {
  return { ...x, data: x.data.map((v) => (v >= 0 ? 1 : -1)) };
}

/** Mean and largest absolute difference between two matrices of one shape. */
export function approximationError(a: Matrix, b: Matrix): { mean: number; max: number } {
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.data.length; i++) {
    const e = Math.abs(a.data[i] - b.data[i]);
    sum += e;
    max = Math.max(max, e);
  }
  return { mean: sum / a.data.length, max };
}

/**
 * The pattern of attention `attention` on `queries` [L x d] over `keys` [L x d] (self-attention:
 * one sequence), with its internals. `full`, `causal`, `local`, `sparse`, `global` and `binary`
 * are exact (the last on the signs of q and k); adaptive gives one head per span; linformer,
 * performer and reformer draw their random matrices from `seed`. Checks its options, naming them.
 */
export function variantPattern(
  attention: string,
  queries: Matrix,
  keys: Matrix,
  options: VariantPatternOptions = {},
): VariantPattern {
  checkOneOf('attention', attention, ATTENTION_VARIANTS);
  const variant = attention as AttentionVariant;
  const length = queries.rows;
  if (keys.rows !== length || keys.cols !== queries.cols)
    throw new RangeError(
      `keys are ${keys.rows} x ${keys.cols}; the queries are ${length} x ${queries.cols}`,
    );
  const causal = options.causal ?? false;
  const seed = options.seed ?? 1;
  switch (variant) {
    case 'full':
    case 'causal':
      return {
        attention: variant,
        heads: [exactAttention(queries, keys, variant === 'causal' || causal)],
      };
    case 'local':
    case 'sparse':
    case 'global': {
      const window = options.window ?? 8;
      const stride = options.stride ?? 8;
      checkInteger('window', window, 0);
      checkInteger('stride', stride, 1);
      const globals = [...(options.globals ?? [0])];
      const allowed = attentionMask(variant, length, length, { window, stride, globals });
      const weights = softmaxWith(scoreMatrix(queries, keys), length, length, (i, j) =>
        allowed[i * length + j] && !(causal && j > i) ? 1 : 0,
      );
      return { attention: variant, heads: [weights] };
    }
    case 'binary':
      return { attention: variant, heads: [exactAttention(signs(queries), signs(keys), causal)] };
    case 'adaptive': {
      const spans = [...(options.spans ?? [16])];
      const ramp = options.ramp ?? 16;
      checkInteger('ramp', ramp, 1);
      if (spans.length === 0 || spans.some((s) => !(Number.isFinite(s) && s >= 0)))
        throw new RangeError(`spans must be one or more numbers from 0, got ${spans.join(', ')}`);
      return {
        attention: variant,
        heads: spans.map((span) => adaptiveSpanPattern(queries, keys, span, ramp, causal)),
        spans,
        ramp,
      };
    }
    case 'linformer': {
      const projected = options.projected ?? 32;
      checkInteger('projected', projected, 1);
      if (causal)
        throw new RangeError(
          'attention "linformer" cannot be causal: it projects every position, later ones included, into its rows',
        );
      const result = linformerPattern(queries, keys, projected, seed);
      return { attention: variant, heads: [result.weights], projected: [result.projected] };
    }
    case 'performer': {
      const features = options.features ?? 64;
      checkInteger('features', features, 1);
      const result = performerPattern(queries, keys, features, causal, seed);
      return { attention: variant, heads: [result.weights], exact: [result.exact] };
    }
    case 'reformer': {
      const buckets = options.buckets ?? 8;
      const hashes = options.hashes ?? 2;
      const chunk = options.chunk ?? 32;
      checkInteger('buckets', buckets, 1);
      if (buckets > 1 && buckets % 2 !== 0)
        throw new RangeError(`buckets must be 1 or even (hashing by [xR, -xR]), got ${buckets}`);
      checkInteger('hashes', hashes, 1);
      checkInteger('chunk', chunk, 1);
      const result = reformerPattern(queries, { buckets, hashes, chunk, causal, seed });
      return {
        attention: variant,
        heads: [result.weights],
        buckets: result.buckets.map((round) => [round]),
      };
    }
  }
}
