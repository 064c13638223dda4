import type { Matrix } from './matrix.js';
import { SeededRandom } from './random.js';
import { checkInteger } from './validation.js';
import { exactAttention, linformerPattern, orthogonalFeatures } from './variant-patterns.js';

/**
 * The measures `<efficient-attention-explorer>` shows, in plain JavaScript (no tfjs, no DOM):
 * how far each approximation of attention is from the exact matrix (Performer's random features,
 * Linformer's projections), why a low rank suffices (singular values), what share of the true
 * attention mass Reformer's buckets keep, and what a sparse pattern costs and how far it lets
 * information travel. Scores are `q . k / sqrt(d)` throughout, as in variant-patterns.ts.
 */

/** How Performer's random features are drawn: independent Gaussian rows, or orthogonal blocks. */
export type FeatureDraw = 'iid' | 'orthogonal';
/** Performer's feature map: positive (`exp`, FAVOR+) or trigonometric (`sin`/`cos`, random Fourier). */
export type FeatureKernel = 'positive' | 'trig';

/** `features` i.i.d. Gaussian rows of `size` entries, [features x size], from `seed`. */
export function gaussianFeatures(features: number, size: number, seed: number): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from({ length: features * size }, () => random.gaussian());
}

/** `features` random feature rows [features x size]: i.i.d. Gaussian or orthogonal (`orthogonalFeatures`). */
export function randomFeatures(
  features: number,
  size: number,
  draw: FeatureDraw,
  seed: number,
): Float32Array {
  checkInteger('features', features, 1);
  return draw === 'orthogonal'
    ? orthogonalFeatures(features, size, seed)
    : gaussianFeatures(features, size, seed);
}

/** The options of `performerApproximation`. */
export interface PerformerOptions {
  /** The random features m. */
  features: number;
  /** `iid` or `orthogonal` (default). */
  draw?: FeatureDraw;
  /** `positive` (default) or `trig`. */
  kernel?: FeatureKernel;
  /** The seed of the features (default 1). */
  seed?: number;
}

/**
 * Performer's estimate of softmax attention (non-causal), rows normalised by their sums.
 * With `q' = q / d^(1/4)`, `k' = k / d^(1/4)` and features w:
 * - `positive`: `phi(x) = exp(w x - |x|^2 / 2) / sqrt(m)`, always positive (FAVOR+);
 * - `trig`: `phi(x) = exp(|x|^2 / 2) [cos(w x), sin(w x)] / sqrt(m)`, unbiased too, but its
 *   estimates can be negative, and so can a row's sum (a row summing to 0 is all zeros).
 * Factors common to a whole row, or to every key, cancel in the normalisation and are left out.
 */
export function performerApproximation(q: Matrix, k: Matrix, options: PerformerOptions): Matrix {
  return performerApproximator(k, options)(q);
}

/**
 * `performerApproximation` with the keys' side worked out once (the features drawn, every key
 * mapped through them): the function it returns gives the rows of any queries, the same bits as
 * `performerApproximation` of those queries. For work done a slice of queries at a time.
 */
export function performerApproximator(k: Matrix, options: PerformerOptions): (q: Matrix) => Matrix {
  const { features, draw = 'orthogonal', kernel = 'positive', seed = 1 } = options;
  const d = k.cols;
  const w = randomFeatures(features, d, draw, seed);
  const root = Math.sqrt(Math.sqrt(d));
  /** `w x'` for every row of x, [rows x features], and each row's `|x'|^2 / 2`. */
  const project = (x: Matrix) => {
    const out = new Float64Array(x.rows * features);
    const half = new Float64Array(x.rows);
    for (let i = 0; i < x.rows; i++) {
      for (let c = 0; c < d; c++) half[i] += (x.data[i * d + c] / root) ** 2 / 2;
      for (let f = 0; f < features; f++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += w[f * d + c] * x.data[i * d + c];
        out[i * features + f] = dot / root;
      }
    }
    return { out, half };
  };
  const pk = project(k);
  const width = kernel === 'trig' ? 2 * features : features;
  const fk = new Float64Array(k.rows * width);
  if (kernel === 'trig') {
    // exp(|q|^2 / 2) is common to a query's row; exp(|k|^2 / 2) is kept, shifted by its largest.
    let top = -Infinity;
    for (let j = 0; j < k.rows; j++) top = Math.max(top, pk.half[j]);
    for (let j = 0; j < k.rows; j++) {
      const scale = Math.exp(pk.half[j] - top);
      for (let f = 0; f < features; f++) {
        const b = pk.out[j * features + f];
        fk[j * width + f] = scale * Math.cos(b);
        fk[j * width + features + f] = scale * Math.sin(b);
      }
    }
  } else {
    // exp(-|q|^2 / 2) is common to a query's row; shifts per query row and one for all keys cancel.
    let top = -Infinity;
    for (let j = 0; j < k.rows; j++)
      for (let f = 0; f < features; f++) top = Math.max(top, pk.out[j * features + f] - pk.half[j]);
    for (let j = 0; j < k.rows; j++)
      for (let f = 0; f < features; f++)
        fk[j * width + f] = Math.exp(pk.out[j * features + f] - pk.half[j] - top);
  }
  return (q) => {
    if (q.cols !== d) throw new RangeError(`keys have ${d} features; the queries have ${q.cols}`);
    const pq = project(q);
    const fq = new Float64Array(q.rows * width);
    for (let i = 0; i < q.rows; i++) {
      if (kernel === 'trig') {
        for (let f = 0; f < features; f++) {
          const a = pq.out[i * features + f];
          fq[i * width + f] = Math.cos(a);
          fq[i * width + features + f] = Math.sin(a);
        }
      } else {
        let top = -Infinity;
        for (let f = 0; f < features; f++) top = Math.max(top, pq.out[i * features + f]);
        for (let f = 0; f < features; f++)
          fq[i * width + f] = Math.exp(pq.out[i * features + f] - top);
      }
    }
    const data = new Float32Array(q.rows * k.rows);
    const row = new Float64Array(k.rows);
    for (let i = 0; i < q.rows; i++) {
      let sum = 0;
      for (let j = 0; j < k.rows; j++) {
        let dot = 0;
        for (let f = 0; f < width; f++) dot += fq[i * width + f] * fk[j * width + f];
        row[j] = dot;
        sum += dot;
      }
      for (let j = 0; j < k.rows; j++) data[i * k.rows + j] = sum !== 0 ? row[j] / sum : 0;
    }
    return { data, rows: q.rows, cols: k.rows };
  };
}

/** How far an approximate attention matrix is from the exact one. */
export interface AttentionError {
  /** Mean absolute difference over the cells. */
  mean: number;
  /** Largest absolute difference. */
  max: number;
  /** `|A - exact|_F / |exact|_F`, the relative Frobenius error. */
  relative: number;
}

/** The error of `approximate` against `exact` (same shape): mean, largest, relative Frobenius. */
export function attentionError(approximate: Matrix, exact: Matrix): AttentionError {
  if (approximate.rows !== exact.rows || approximate.cols !== exact.cols)
    throw new RangeError(
      `the approximation is ${approximate.rows} x ${approximate.cols}; the exact matrix is ${exact.rows} x ${exact.cols}`,
    );
  let sum = 0;
  let max = 0;
  let squares = 0;
  let norm = 0;
  for (let i = 0; i < exact.data.length; i++) {
    const e = approximate.data[i] - exact.data[i];
    sum += Math.abs(e);
    max = Math.max(max, Math.abs(e));
    squares += e * e;
    norm += exact.data[i] * exact.data[i];
  }
  return {
    mean: sum / exact.data.length,
    max,
    relative: norm > 0 ? Math.sqrt(squares / norm) : Math.sqrt(squares),
  };
}

/**
 * Performer's error against exact attention for each count of features, averaged over `seeds`
 * draws (seeds 1 to `seeds`): the points of the error-against-m curve.
 */
export function performerErrorCurve(
  q: Matrix,
  k: Matrix,
  featureCounts: readonly number[],
  options: { draw?: FeatureDraw; kernel?: FeatureKernel; seeds?: number; exact?: Matrix } = {},
): { features: number; mean: number; relative: number }[] {
  const { draw, kernel, seeds = 1 } = options;
  checkInteger('seeds', seeds, 1);
  const exact = options.exact ?? exactAttention(q, k);
  return featureCounts.map((features) => {
    let mean = 0;
    let relative = 0;
    for (let seed = 1; seed <= seeds; seed++) {
      const error = attentionError(
        performerApproximation(q, k, { features, draw, kernel, seed }),
        exact,
      );
      mean += error.mean / seeds;
      relative += error.relative / seeds;
    }
    return { features, mean, relative };
  });
}

/**
 * Linformer's attention over positions with given projections E and F, each [k x L] (a trained
 * model's, say): `softmax(q (E K)^T / sqrt d) F`, [L x L]; as `linformerPattern` with its drawn ones.
 */
export function linformerApproximation(q: Matrix, k: Matrix, e: Matrix, f: Matrix): Matrix {
  return linformerApproximator(k, e, f)(q);
}

/**
 * `linformerApproximation` with the keys projected once (E K): the function it returns gives the
 * rows of any queries, the same bits as `linformerApproximation` of those queries.
 */
export function linformerApproximator(k: Matrix, e: Matrix, f: Matrix): (q: Matrix) => Matrix {
  if (e.cols !== k.rows || f.cols !== k.rows || e.rows !== f.rows)
    throw new RangeError(
      `E and F must both be k x ${k.rows} (k rows over the ${k.rows} positions), got ${e.rows} x ${e.cols} and ${f.rows} x ${f.cols}`,
    );
  const d = k.cols;
  const rows = e.rows;
  // E K: the keys projected along the sequence to k rows.
  const projectedKeys = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++)
    for (let j = 0; j < k.rows; j++) {
      const w = e.data[r * k.rows + j];
      for (let c = 0; c < d; c++) projectedKeys[r * d + c] += w * k.data[j * d + c];
    }
  const scale = 1 / Math.sqrt(d);
  return (q) => {
    if (q.cols !== d) throw new RangeError(`keys have ${d} features; the queries have ${q.cols}`);
    const out = new Float32Array(q.rows * k.rows);
    const p = new Float64Array(rows);
    for (let i = 0; i < q.rows; i++) {
      let top = -Infinity;
      for (let r = 0; r < rows; r++) {
        let dot = 0;
        for (let c = 0; c < d; c++) dot += q.data[i * d + c] * projectedKeys[r * d + c];
        p[r] = dot * scale;
        top = Math.max(top, p[r]);
      }
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += p[r] = Math.exp(p[r] - top);
      for (let j = 0; j < k.rows; j++) {
        let w = 0;
        for (let r = 0; r < rows; r++) w += (p[r] / sum) * f.data[r * k.rows + j];
        out[i * k.rows + j] = w;
      }
    }
    return { data: out, rows: q.rows, cols: k.rows };
  };
}

/**
 * Linformer's attention over positions (`P F`, its weights over the k projected rows mapped back
 * through F; see `linformerPattern`) against exact attention; E and F drawn from `seed`, or
 * given (`projections`, each [k x L], when `projected` is their k).
 */
export function linformerError(
  q: Matrix,
  k: Matrix,
  projected: number,
  options: { seed?: number; exact?: Matrix; projections?: { e: Matrix; f: Matrix } } = {},
): AttentionError {
  checkInteger('projected', projected, 1);
  const { projections } = options;
  const weights = projections
    ? linformerApproximation(q, k, projections.e, projections.f)
    : linformerPattern(q, k, projected, options.seed ?? 1).weights;
  return attentionError(weights, options.exact ?? exactAttention(q, k));
}

/**
 * The relative error of the best rank-`rank` approximation of a matrix with these singular
 * values (Eckart-Young): `sqrt(sum of sigma_i^2 for i >= rank) / sqrt(sum of all sigma_i^2)`.
 */
export function lowRankError(singular: ArrayLike<number>, rank: number): number {
  checkInteger('rank', rank, 0);
  let rest = 0;
  let total = 0;
  for (let i = 0; i < singular.length; i++) {
    const s2 = singular[i] * singular[i];
    total += s2;
    if (i >= rank) rest += s2;
  }
  return total > 0 ? Math.sqrt(rest / total) : 0;
}

/** Multiply-adds between the yields of the stepwise computations: a few milliseconds of work. */
const STEP_WORK = 2_000_000;

/**
 * The eigenvalues of a symmetric `n x n` matrix (row-major, overwritten), in descending order:
 * Householder reduction to tridiagonal form, then the QL algorithm with implicit shifts. Yields
 * every few milliseconds of work, so a page can run it in slices (`runSteps` runs it whole).
 */
export function* symmetricEigenvaluesInSteps(
  a: Float64Array,
  n: number,
): Generator<void, Float64Array> {
  if (a.length !== n * n)
    throw new RangeError(`a ${n} x ${n} matrix holds ${n * n} values, got ${a.length}`);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  let work = 0;
  // Householder: row i is reduced against rows 0..i-1 (values only).
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1;
    let h = 0;
    if (l > 0) {
      let scale = 0;
      for (let k = 0; k <= l; k++) scale += Math.abs(a[i * n + k]);
      if (scale === 0) e[i] = a[i * n + l];
      else {
        for (let k = 0; k <= l; k++) {
          a[i * n + k] /= scale;
          h += a[i * n + k] * a[i * n + k];
        }
        let f = a[i * n + l];
        let g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        e[i] = scale * g;
        h -= f * g;
        a[i * n + l] = f - g;
        f = 0;
        for (let j = 0; j <= l; j++) {
          g = 0;
          for (let k = 0; k <= j; k++) g += a[j * n + k] * a[i * n + k];
          for (let k = j + 1; k <= l; k++) g += a[k * n + j] * a[i * n + k];
          e[j] = g / h;
          f += e[j] * a[i * n + j];
        }
        const hh = f / (h + h);
        for (let j = 0; j <= l; j++) {
          f = a[i * n + j];
          g = e[j] - hh * f;
          e[j] = g;
          for (let k = 0; k <= j; k++) a[j * n + k] -= f * e[k] + g * a[i * n + k];
        }
      }
    } else e[i] = a[i * n + l];
    d[i] = h;
    work += 2 * i * i;
    if (work > STEP_WORK) {
      work = 0;
      yield;
    }
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i];
  // QL with implicit shifts on the tridiagonal (d, e).
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  if (n > 0) e[n - 1] = 0;
  // An off-diagonal this small beside the whole matrix counts as zero: between eigenvalues that
  // are themselves (nearly) zero, a test relative to them alone may never pass.
  let norm = 0;
  for (let i = 0; i < n; i++) norm = Math.max(norm, Math.abs(d[i]) + Math.abs(e[i]));
  const tiny = Number.EPSILON * norm;
  for (let l = 0; l < n; l++) {
    let iterations = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd || Math.abs(e[m]) <= tiny) break;
      }
      if (m !== l) {
        if (iterations++ === 60) throw new Error('the eigenvalues did not converge');
        let g = (d[l + 1] - d[l]) / (2 * e[l]);
        let r = Math.hypot(g, 1);
        g = d[m] - d[l] + e[l] / (g + (g >= 0 ? r : -r));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        for (i = m - 1; i >= l; i--) {
          const f = s * e[i];
          const b = c * e[i];
          r = Math.hypot(f, g);
          e[i + 1] = r;
          if (r === 0) {
            d[i + 1] -= p;
            e[m] = 0;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          p = s * r;
          d[i + 1] = g + p;
          g = c * r - b;
        }
        if (r === 0 && i >= l) continue;
        d[l] -= p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
  return d.sort().reverse();
}

/**
 * The singular values of `matrix` [rows x cols], descending: the square roots of the eigenvalues
 * of `A^T A` (small negative round-off read as 0). Yields every few milliseconds of work.
 */
export function* singularValuesInSteps(matrix: Matrix): Generator<void, Float64Array> {
  const { data, rows, cols } = matrix;
  const gram = new Float64Array(cols * cols);
  let work = 0;
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += data[r * cols + i] * data[r * cols + j];
      gram[i * cols + j] = sum;
      gram[j * cols + i] = sum;
    }
    work += (i + 1) * rows;
    if (work > STEP_WORK) {
      work = 0;
      yield;
    }
  }
  const values = yield* symmetricEigenvaluesInSteps(gram, cols);
  return values.map((v) => Math.sqrt(Math.max(0, v)));
}

/** Runs a stepwise computation (`singularValuesInSteps`, ...) to its end, in one go. */
export function runSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** The singular values of `matrix`, descending (see `singularValuesInSteps`). */
export function singularValues(matrix: Matrix): Float64Array {
  return runSteps(singularValuesInSteps(matrix));
}

/**
 * Reformer's sort and chunking in one round: the positions sorted by bucket (then position),
 * and the chunk of `chunk` sorted positions each position falls in.
 */
export function bucketOrder(
  bucket: ArrayLike<number>,
  chunk: number,
): { order: Int32Array; chunkOf: Int32Array; chunks: number } {
  checkInteger('chunk', chunk, 1);
  const length = bucket.length;
  const c = Math.max(1, Math.min(chunk, length));
  const order = Int32Array.from({ length }, (_, i) => i).sort(
    (a, b) => bucket[a] - bucket[b] || a - b,
  );
  const chunkOf = new Int32Array(length);
  order.forEach((position, s) => (chunkOf[position] = Math.floor(s / c)));
  return { order, chunkOf, chunks: Math.ceil(length / c) };
}

/**
 * The share of exact attention's mass that Reformer's rounds keep: the weights of `exact`
 * [L x L] on the cells some round sees (`masks`, each [L x L], 1 seen), over all its weight;
 * and the same for each round alone.
 */
export function bucketMassShare(
  exact: Matrix,
  masks: readonly ArrayLike<number>[],
): { share: number; rounds: number[] } {
  const cells = exact.rows * exact.cols;
  for (const mask of masks)
    if (mask.length !== cells)
      throw new RangeError(`a round's mask holds ${mask.length} cells; the attention has ${cells}`);
  let total = 0;
  let kept = 0;
  const rounds = masks.map(() => 0);
  for (let i = 0; i < cells; i++) {
    const w = exact.data[i];
    total += w;
    let seen = false;
    for (let r = 0; r < masks.length; r++)
      if (masks[r][i]) {
        seen = true;
        rounds[r] += w;
      }
    if (seen) kept += w;
  }
  return {
    share: total > 0 ? kept / total : 0,
    rounds: rounds.map((r) => (total > 0 ? r / total : 0)),
  };
}

/** Each row of `x` divided by its length (plus 1e-6), as Reformer's shared keys are. */
export function unitRows(x: Matrix): Matrix {
  const { rows, cols } = x;
  const data = new Float32Array(x.data.length);
  for (let i = 0; i < rows; i++) {
    let norm = 0;
    for (let c = 0; c < cols; c++) norm += x.data[i * cols + c] ** 2;
    norm = Math.sqrt(norm) + 1e-6;
    for (let c = 0; c < cols; c++) data[i * cols + c] = x.data[i * cols + c] / norm;
  }
  return { data, rows, cols };
}

/** What an attention pattern costs: the cells computed, out of the `L^2` of full attention. */
export function patternCost(
  mask: ArrayLike<number>,
  length: number,
): {
  cells: number;
  full: number;
  share: number;
} {
  if (mask.length !== length * length)
    throw new RangeError(
      `the mask holds ${mask.length} cells; ${length} x ${length} is ${length * length}`,
    );
  let cells = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) cells++;
  const full = length * length;
  return { cells, full, share: cells / full };
}

/**
 * The reach of an attention pattern: how many attention steps (layers) information needs to get
 * from any position to any other, when query i reads key j in one step where `mask[i * L + j]`
 * is set. The largest shortest path over all pairs; Infinity when some position can never reach
 * another. A breadth-first search from every position over bit sets, `L^3 / 32` word operations.
 */
export function patternReach(mask: ArrayLike<number>, length: number): number {
  if (mask.length !== length * length)
    throw new RangeError(
      `the mask holds ${mask.length} cells; ${length} x ${length} is ${length * length}`,
    );
  const words = Math.ceil(length / 32);
  // reads[j]: the queries that read key j in one step.
  const reads = new Uint32Array(length * words);
  for (let i = 0; i < length; i++)
    for (let j = 0; j < length; j++)
      if (mask[i * length + j]) reads[j * words + (i >>> 5)] |= 1 << (i & 31);
  let reach = 0;
  const seen = new Uint32Array(words);
  const next = new Uint32Array(words);
  let frontier: number[];
  for (let source = 0; source < length; source++) {
    seen.fill(0);
    seen[source >>> 5] |= 1 << (source & 31);
    let count = 1;
    let steps = 0;
    frontier = [source];
    while (count < length && frontier.length > 0) {
      next.fill(0);
      for (const j of frontier)
        for (let w = 0; w < words; w++) next[w] |= reads[j * words + w] & ~seen[w];
      frontier = [];
      for (let w = 0; w < words; w++) {
        let bits = next[w];
        seen[w] |= bits;
        while (bits) {
          const low = bits & -bits;
          frontier.push(w * 32 + (31 - Math.clz32(low)));
          bits ^= low;
          count++;
        }
      }
      if (frontier.length > 0) steps++;
    }
    if (count < length) return Infinity;
    reach = Math.max(reach, steps);
  }
  return reach;
}

/**
 * How many attention steps information from `source` needs to reach each position, when query
 * i reads key j in one step where `mask[i * L + j]` is set: 0 at the source, -1 where it never
 * arrives. A breadth-first search from the source.
 */
export function reachFrom(mask: ArrayLike<number>, length: number, source: number): Int32Array {
  if (mask.length !== length * length)
    throw new RangeError(
      `the mask holds ${mask.length} cells; ${length} x ${length} is ${length * length}`,
    );
  checkInteger('source', source, 0, length - 1);
  const steps = new Int32Array(length).fill(-1);
  steps[source] = 0;
  let frontier = [source];
  for (let step = 1; frontier.length > 0; step++) {
    const next: number[] = [];
    for (let i = 0; i < length; i++) {
      if (steps[i] >= 0) continue;
      for (const j of frontier)
        if (mask[i * length + j]) {
          steps[i] = step;
          next.push(i);
          break;
        }
    }
    frontier = next;
  }
  return steps;
}

/**
 * Reformer's shared-QK scores, as `reformerPattern` computes them: the keys are the queries'
 * directions (`unitRows`), the scores `q . k / sqrt(d)`, [L x L].
 */
export function reformerScores(q: Matrix): { keys: Matrix; scores: Float64Array } {
  const keys = unitRows(q);
  const { rows, cols: d } = q;
  const scores = new Float64Array(rows * rows);
  const scale = 1 / Math.sqrt(d);
  for (let i = 0; i < rows; i++)
    for (let j = 0; j < rows; j++) {
      let dot = 0;
      for (let c = 0; c < d; c++) dot += q.data[i * d + c] * keys.data[j * d + c];
      scores[i * rows + j] = dot * scale;
    }
  return { keys, scores };
}

/** One Reformer round: each query's softmax over the keys `mask` lets it see, and its log-sum-exp. */
export interface ReformerRound {
  weights: Float64Array;
  lse: Float64Array;
}

/** One round of `reformerPattern` on its scores [L x L] and the round's mask (`bucketMask`). */
export function reformerRound(
  scores: Float64Array,
  length: number,
  mask: ArrayLike<number>,
): ReformerRound {
  const weights = new Float64Array(length * length);
  const lse = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    let top = -Infinity;
    for (let j = 0; j < length; j++)
      if (mask[i * length + j] === 1) top = Math.max(top, scores[i * length + j]);
    let sum = 0;
    for (let j = 0; j < length; j++)
      if (mask[i * length + j] === 1) sum += Math.exp(scores[i * length + j] - top);
    lse[i] = top + Math.log(sum);
    for (let j = 0; j < length; j++)
      if (mask[i * length + j] === 1)
        weights[i * length + j] = Math.exp(scores[i * length + j] - lse[i]);
  }
  return { weights, lse };
}

/**
 * Reformer's rounds combined as `reformerPattern` combines them: each round's weights by the
 * share of its log-sum-exp, per query. The first h rounds of a seed give the h-round pattern.
 */
export function combineRounds(rounds: readonly ReformerRound[], length: number): Matrix {
  const data = new Float32Array(length * length);
  const row = new Float64Array(length);
  const shares = new Float64Array(rounds.length);
  for (let i = 0; i < length; i++) {
    let top = -Infinity;
    for (const round of rounds) top = Math.max(top, round.lse[i]);
    let total = 0;
    for (let r = 0; r < rounds.length; r++) total += shares[r] = Math.exp(rounds[r].lse[i] - top);
    // Round by round into one row: the same sums, in the same order, as cell by cell.
    row.fill(0);
    for (let r = 0; r < rounds.length; r++) {
      const share = shares[r] / total;
      const weights = rounds[r].weights;
      for (let j = 0; j < length; j++) row[j] += share * weights[i * length + j];
    }
    for (let j = 0; j < length; j++) data[i * length + j] = row[j];
  }
  return { data, rows: length, cols: length };
}
