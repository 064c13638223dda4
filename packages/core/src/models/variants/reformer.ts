import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../../random.js';
import type { VariantResult } from './banded.js';
import { HIDDEN, gatherRows, withoutGradient } from './ops.js';

/** `rounds` random rotations [d, buckets / 2] (Gaussian), one per hashing round, as [rounds, d, b/2]. */
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

export interface ReformerOptions {
  buckets: number;
  hashes: number;
  chunk: number;
  causal: boolean;
}

export interface ReformerResult extends VariantResult {
  /** Each round's bucket of every position, [hashes][n][L]; with the weights only. */
  buckets?: number[][][];
}

/** The sorting of one round: which rows each chunk reads, and what each query may see. */
interface RoundLayout {
  /** Each sorted query slot's row of the flattened [n * L] input, [n * chunks * c] (padding: any row). */
  queries: Int32Array;
  /** Each chunk's key rows, its own chunk then the chunk before, [n * chunks * keys]. */
  keys: Int32Array;
  /** Each position's sorted slot, as a row of the [n * chunks * c] sorted output, [n * L]. */
  unsort: Int32Array;
  /** The additive mask [n * chunks, c, keys]: 0 seen, HIDDEN not. */
  mask: Float32Array;
  /** Each position's bucket, [n][L], and the positions in sorted order, [n][L]. */
  bucket: number[][];
  order: number[][];
}

/**
 * Sorts one round on the host: positions by bucket, then position (a counting sort over the
 * buckets, O(L)), cut into chunks of `c`; builds the gather indices and the mask of which sorted
 * keys each sorted query may see (its bucket; not later, when causal; nothing past the end).
 * `projected` [n * L, hashes * b/2] are the keys times every round's rotation.
 */
function sortRound(
  projected: Float32Array | Int32Array | Uint8Array,
  round: number,
  n: number,
  length: number,
  options: ReformerOptions & { c: number; chunks: number },
): RoundLayout {
  const { buckets, hashes, causal, c, chunks } = options;
  const half = Math.max(1, buckets / 2);
  const padded = chunks * c;
  const width = chunks === 1 ? c : 2 * c;
  const queries = new Int32Array(n * padded);
  const keys = new Int32Array(n * chunks * width);
  const unsort = new Int32Array(n * length);
  const mask = new Float32Array(n * chunks * c * width);
  const bucketOf: number[][] = [];
  const orderOf: number[][] = [];
  const bucket = new Int32Array(length);
  const order = new Int32Array(length);
  const counts = new Int32Array(buckets + 1);
  for (let s = 0; s < n; s++) {
    // argmax of [x R, -x R], the first on a tie.
    counts.fill(0);
    for (let p = 0; p < length; p++) {
      let best = 0;
      if (buckets > 1) {
        const row = ((s * length + p) * hashes + round) * half;
        let top = -Infinity;
        for (let b = 0; b < buckets; b++) {
          const value = b < half ? projected[row + b] : -projected[row + b - half];
          if (value > top) {
            top = value;
            best = b;
          }
        }
      }
      bucket[p] = best;
      counts[best + 1]++;
    }
    for (let b = 0; b < buckets; b++) counts[b + 1] += counts[b];
    for (let p = 0; p < length; p++) order[counts[bucket[p]]++] = p;
    bucketOf.push(Array.from(bucket));
    orderOf.push(Array.from(order));
    for (let slot = 0; slot < padded; slot++)
      queries[s * padded + slot] = s * length + (slot < length ? order[slot] : 0);
    for (let slot = 0; slot < length; slot++) unsort[s * length + order[slot]] = s * padded + slot;
    for (let i = 0; i < chunks; i++) {
      const before = (i - 1 + chunks) % chunks;
      for (let b = 0; b < width; b++) {
        const slot = (b < c ? i : before) * c + (b % c);
        keys[(s * chunks + i) * width + b] = s * length + (slot < length ? order[slot] : 0);
      }
      for (let a = 0; a < c; a++) {
        const qSlot = i * c + a;
        const row = ((s * chunks + i) * c + a) * width;
        if (qSlot >= length) continue; // a padding query: its output is never read
        const qPosition = order[qSlot];
        const qBucket = bucket[qPosition];
        for (let b = 0; b < width; b++) {
          const slot = (b < c ? i : before) * c + (b % c);
          const kPosition = slot < length ? order[slot] : -1;
          const seen =
            kPosition >= 0 && bucket[kPosition] === qBucket && (!causal || kPosition <= qPosition);
          if (!seen) mask[row + b] = HIDDEN;
        }
      }
    }
  }
  return { queries, keys, unsort, mask, bucket: bucketOf, order: orderOf };
}

/**
 * softmax(q k^T + mask) v over each chunk's keys, with each query's log-sum-exp, for q [B, c, d],
 * k, v [B, K, d] and an additive mask [B, c, K]: one op with its own gradient, returned flat as
 * the values [B * c * d] then the log-sum-exps [B * c]. The softmax is tfjs's kernel (on wasm
 * several times faster than exp on its own); the log-sum-exp is read off it, max(s) - log(max w),
 * and its gradient, the weights, folded into the softmax's: dS = w (dW - sum(w dW) + dLse).
 * `look` is given the weights, for display.
 */
function chunkAttention(
  q: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  mask: tf.Tensor3D,
  look?: (weights: tf.Tensor3D) => void,
): tf.Tensor1D {
  const [batch, c, d] = q.shape;
  const op = tf.customGrad((...args: unknown[]) => {
    const [query, key, value, save] = args as [
      tf.Tensor3D,
      tf.Tensor3D,
      tf.Tensor3D,
      tf.GradSaveFunc,
    ];
    const scores = tf.add(tf.matMul(query, key, false, true), mask);
    const weights = tf.softmax(scores, -1) as tf.Tensor3D;
    look?.(weights);
    const lse = tf.sub(tf.max(scores, -1), tf.log(tf.max(weights, -1)));
    save([query, key, value, weights]);
    return {
      value: tf.concat([tf.reshape(tf.matMul(weights, value), [-1]), tf.reshape(lse, [-1])]),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        tf.tidy(() => {
          const [qs, ks, vs, w] = saved as tf.Tensor3D[];
          const flat = dy as tf.Tensor1D;
          const dOut = tf.reshape(tf.slice(flat, 0, batch * c * d), [batch, c, d]) as tf.Tensor3D;
          const dLse = tf.reshape(tf.slice(flat, batch * c * d, batch * c), [batch, c, 1]);
          const dW = tf.matMul(dOut, vs, false, true);
          const dS = tf.mul(w, tf.add(dW, tf.sub(dLse, tf.sum(tf.mul(dW, w), -1, true))));
          return [
            tf.matMul(dS, ks),
            tf.matMul(dS as tf.Tensor3D, qs, true, false),
            tf.matMul(w, dOut, true, false),
          ];
        }),
    };
  }) as (q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D) => tf.Tensor1D;
  return op(q, k, v);
}

/**
 * LSH attention (Kitaev et al. 2020): keys are the queries' own directions (shared QK), hashed
 * into buckets by random rotations; positions are sorted by bucket (then position), cut into
 * chunks, and each chunk attends within itself and the chunk before (the last one, for the
 * first), to keys of its own bucket only. `hashes` rounds, each with its rotation, are combined
 * by their log-sum-exps, so a query's weights are normalised over every key any round found.
 * O(hashes L chunk d) plus the sort. `scaled` are the queries times 1 / sqrt(d); `rotations`
 * [hashes, d, b/2].
 *
 * The sort is done on the host (the buckets read back once for all rounds); each round is then
 * one gather of its sorted queries, one of its chunks' keys and values (the chunk before
 * included), one chunked softmax attention (chunkAttention), and gathers back to positions.
 */
export function reformerAttention(
  scaled: tf.Tensor3D,
  v: tf.Tensor3D,
  rotations: tf.Tensor3D,
  options: ReformerOptions,
  withWeights: boolean,
): ReformerResult {
  const [n, length, d] = scaled.shape;
  const { buckets, hashes } = options;
  const c = Math.min(options.chunk, length);
  const chunks = Math.ceil(length / c);
  const width = chunks === 1 ? c : 2 * c;
  const raw = tf.mul(scaled, Math.sqrt(d));
  const norm = tf.sqrt(tf.sum(tf.square(raw), -1, true));
  const keys = tf.div(raw, tf.add(norm, 1e-6)) as tf.Tensor3D;
  const half = rotations.shape[2];
  // Every round's projections at once, read back for the sort (no gradient flows through it).
  const projected =
    buckets === 1
      ? new Float32Array(0)
      : tf.tidy(() =>
          tf.matMul(
            tf.reshape(keys, [n * length, d]) as tf.Tensor2D,
            tf.reshape(tf.transpose(rotations, [1, 0, 2]), [d, hashes * half]) as tf.Tensor2D,
          ),
        );
  const projections = projected instanceof tf.Tensor ? projected.dataSync() : projected;
  if (projected instanceof tf.Tensor) projected.dispose();
  const flatQ = tf.reshape(scaled, [n * length, d]) as tf.Tensor2D;
  const flatK = tf.reshape(keys, [n * length, d]) as tf.Tensor2D;
  const flatV = tf.reshape(v, [n * length, d]) as tf.Tensor2D;

  const outs: tf.Tensor[] = [];
  const sums: tf.Tensor[] = [];
  const layouts: RoundLayout[] = [];
  const shown: (Float32Array | Int32Array | Uint8Array)[] = [];
  for (let r = 0; r < hashes; r++) {
    const round = sortRound(projections, r, n, length, { ...options, c, chunks });
    layouts.push(round);
    const sq = tf.reshape(gatherRows(flatQ, tf.tensor1d(round.queries, 'int32')), [
      n * chunks,
      c,
      d,
    ]) as tf.Tensor3D;
    const keyRows = tf.tensor1d(round.keys, 'int32');
    const sk = tf.reshape(gatherRows(flatK, keyRows), [n * chunks, width, d]) as tf.Tensor3D;
    const sv = tf.reshape(gatherRows(flatV, keyRows), [n * chunks, width, d]) as tf.Tensor3D;
    const mask = tf.tensor3d(round.mask, [n * chunks, c, width]);
    const both = chunkAttention(sq, sk, sv, mask, (w) => shown.push(w.dataSync()));
    // Back to positions: each position's values [n * L, d] and log-sum-exp [n * L, 1].
    const unsort = tf.tensor1d(round.unsort, 'int32');
    const rows = n * chunks * c;
    outs.push(gatherRows(tf.reshape(tf.slice(both, 0, rows * d), [rows, d]), unsort));
    sums.push(gatherRows(tf.reshape(tf.slice(both, rows * d, rows), [rows, 1]), unsort));
  }
  // Each round weighted by the softmax of the rounds' log-sum-exps (its share of the mass).
  let out = outs[0];
  let shares = [tf.onesLike(sums[0])];
  if (hashes > 1) {
    const top = withoutGradient(sums[0], () => sums.reduce((a, b) => tf.maximum(a, b)));
    const scales = sums.map((lse) => tf.exp(tf.sub(lse, top)));
    const total = scales.reduce((a, b) => tf.add(a, b));
    shares = scales.map((scale) => tf.div(scale, total));
    out = tf.mul(outs[0], shares[0]);
    for (let r = 1; r < hashes; r++) out = tf.add(out, tf.mul(outs[r], shares[r]));
  }
  out = tf.reshape(out, [n, length, d]);
  if (!withWeights) return { out: out as tf.Tensor3D };

  // The weight of key k for query q: sum over rounds of exp(top_r) e_r(q, k) / sum_r exp(top_r) Z_r.
  const factors = shares.map((share) => share.dataSync());
  const dense = new Float32Array(n * length * length);
  shown.forEach((e, r) => {
    const { order } = layouts[r];
    for (let s = 0; s < n; s++)
      for (let i = 0; i < chunks; i++) {
        const before = (i - 1 + chunks) % chunks;
        for (let a = 0; a < c; a++) {
          const qi = i * c + a;
          if (qi >= length) continue;
          const query = order[s][qi];
          const row = s * length + query;
          const factor = factors[r][row];
          for (let b = 0; b < width; b++) {
            const ki = (b < c ? i : before) * c + (b % c);
            if (ki >= length) continue;
            const w = e[((s * chunks + i) * c + a) * width + b];
            dense[row * length + order[s][ki]] += factor * w;
          }
        }
      }
  });
  return {
    out: out as tf.Tensor3D,
    weights: tf.tensor3d(dense, [n, length, length]),
    buckets: layouts.map((round) => round.bucket),
  };
}
