import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../../random.js';
import type { VariantResult } from './banded.js';
import { HIDDEN, gatherPositions, padRows, withoutGradient } from './ops.js';

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

/**
 * The bucket of each key [n, L, d] for one round's rotation [d, b/2]: argmax of [x R, -x R]
 * (random rotations, Andoni et al. 2015), 0 for a single bucket.
 */
function hash(keys: tf.Tensor3D, rotation: tf.Tensor2D, buckets: number): tf.Tensor2D {
  const [n, length, d] = keys.shape;
  if (buckets === 1) return tf.zeros([n, length], 'int32');
  const turned = tf.reshape(tf.matMul(tf.reshape(keys, [n * length, d]) as tf.Tensor2D, rotation), [
    n,
    length,
    buckets / 2,
  ]);
  return tf.argMax(tf.concat([turned, tf.neg(turned)], -1), -1) as tf.Tensor2D;
}

/**
 * LSH attention (Kitaev et al. 2020): keys are the queries' own directions (shared QK), hashed
 * into buckets by random rotations; positions are sorted by bucket (then position), cut into
 * chunks, and each chunk attends within itself and the chunk before (the last one, for the
 * first), to keys of its own bucket only. `hashes` rounds, each with its rotation, are combined
 * by their log-sum-exps, so a query's weights are normalised over every key any round found.
 * O(hashes L chunk d) plus the sort. `scaled` are the queries times 1 / sqrt(d); `rotations`
 * [hashes, d, b/2].
 */
export function reformerAttention(
  scaled: tf.Tensor3D,
  v: tf.Tensor3D,
  rotations: tf.Tensor3D,
  options: ReformerOptions,
  withWeights: boolean,
): ReformerResult {
  const [n, length, d] = scaled.shape;
  const { buckets, hashes, causal } = options;
  const c = Math.min(options.chunk, length);
  const chunks = Math.ceil(length / c);
  const padded = chunks * c;
  const raw = tf.mul(scaled, Math.sqrt(d));
  const keys = tf.div(raw, tf.add(tf.norm(raw, 'euclidean', -1, true), 1e-6)) as tf.Tensor3D;
  const offsets = tf.range(0, n * length, length, 'int32').reshape([n, 1]);
  const positions = tf.tile(tf.range(0, length, 1, 'int32').reshape([1, length]), [n, 1]);

  const outs: tf.Tensor3D[] = [];
  const sums: tf.Tensor3D[] = [];
  const shown: {
    weights: Float32Array | Int32Array | Uint8Array;
    order: number[][];
    buckets: number[][];
  }[] = [];
  for (let r = 0; r < hashes; r++) {
    const rotation = tf.reshape(tf.slice(rotations, [r, 0, 0], [1, d, rotations.shape[2]]), [
      d,
      rotations.shape[2],
    ]) as tf.Tensor2D;
    // Bucket, order (sorted by bucket, then position) and its inverse: no gradient.
    const sorting = withoutGradient(keys, (x) => {
      const bucket = hash(x as tf.Tensor3D, rotation, buckets);
      const key = tf.add(tf.mul(bucket, length), positions);
      const order = tf.topk(tf.neg(tf.cast(key, 'float32')), length).indices;
      const inverse = tf.topk(tf.neg(tf.cast(order, 'float32')), length).indices;
      return tf.stack([bucket, order, inverse]);
    });
    // Slices, not unstack: unstack's gradient would stack float and integer zeros.
    const [bucket, order, inverse] = [0, 1, 2].map(
      (i) => tf.reshape(tf.slice(sorting, [i, 0, 0], [1, n, length]), [n, length]) as tf.Tensor2D,
    );
    // Padding rows at the end: bucket -1 and position `length`, seen by nothing.
    const pad = (x: tf.Tensor3D, value: number) =>
      tf.pad(
        x,
        [
          [0, 0],
          [0, padded - length],
          [0, 0],
        ],
        value,
      ) as tf.Tensor3D;
    const cut = (x: tf.Tensor3D) => tf.reshape(x, [n * chunks, c, x.shape[2]]) as tf.Tensor3D;
    /** Each chunk's keys: itself, then the chunk before it (wrapping round). */
    const withBefore = (x: tf.Tensor3D) => {
      if (chunks === 1) return cut(x);
      const width = x.shape[2];
      const blocks = tf.reshape(x, [n, chunks, c, width]);
      const previous = tf.concat(
        [
          tf.slice(blocks, [0, chunks - 1, 0, 0], [n, 1, c, width]),
          tf.slice(blocks, [0, 0, 0, 0], [n, chunks - 1, c, width]),
        ],
        1,
      );
      return tf.reshape(tf.concat([blocks, previous], 2), [
        n * chunks,
        2 * c,
        width,
      ]) as tf.Tensor3D;
    };
    const sq = cut(padRows(gatherPositions(scaled, order), 0, padded - length));
    const sk = withBefore(padRows(gatherPositions(keys, order), 0, padded - length));
    const sv = withBefore(padRows(gatherPositions(v, order), 0, padded - length));
    // Which sorted keys each sorted query may see (its bucket; not later, when causal), as an
    // additive mask: computed from the sort alone, so no gradient flows through it.
    const hide = withoutGradient(sorting, () => {
      const sortedOf = (x: tf.Tensor2D) =>
        // A flat gather: tfjs-wasm's gather with batch dimensions mixes up the rows.
        tf.reshape(
          tf.cast(tf.gather(tf.reshape(x, [n * length]), tf.add(order, offsets)), 'float32'),
          [n, length, 1],
        ) as tf.Tensor3D;
      const sortedBucket = sortedOf(bucket);
      const sortedPosition = sortedOf(positions as tf.Tensor2D);
      const qBucket = cut(pad(sortedBucket, -1));
      const kBucket = withBefore(pad(sortedBucket, -2));
      const qPosition = cut(pad(sortedPosition, length));
      const kPosition = withBefore(pad(sortedPosition, length + 1));
      // Buckets and positions are whole numbers: a key is hidden where |bucket difference|
      // (plus, when causal, how far it lies after the query) reaches 1. (Float arithmetic:
      // tfjs-wasm's broadcasting Equal is a hundred times slower.)
      let apart = tf.abs(tf.sub(qBucket, tf.transpose(kBucket, [0, 2, 1])));
      if (causal)
        apart = tf.add(apart, tf.relu(tf.sub(tf.transpose(kPosition, [0, 2, 1]), qPosition)));
      return tf.mul(tf.minimum(apart, 1), HIDDEN);
    });
    const scores = tf.add(tf.matMul(sq, sk, false, true), hide);
    // log sum exp [n * chunks, c, 1], its shift without gradient (it cancels; the gradient of
    // a max is a broadcasting Equal, slow on wasm).
    const top = withoutGradient(scores, (x) => tf.max(x, -1, true));
    const lse = tf.add(top, tf.log(tf.sum(tf.exp(tf.sub(scores, top)), -1, true)));
    const weights = tf.exp(tf.sub(scores, lse));
    const unsort = (x: tf.Tensor3D) =>
      gatherPositions(
        tf.slice(
          tf.reshape(x, [n, padded, x.shape[2]]),
          [0, 0, 0],
          [n, length, x.shape[2]],
        ) as tf.Tensor3D,
        inverse,
      );
    outs.push(unsort(tf.matMul(weights, sv) as tf.Tensor3D));
    sums.push(unsort(lse as tf.Tensor3D));
    if (withWeights) {
      const positionsOf = (x: tf.Tensor) =>
        (tf.reshape(x, [n, -1]).arraySync() as number[][]).map((row) => row.map(Math.round));
      shown.push({
        weights: weights.dataSync(),
        order: positionsOf(order),
        buckets: positionsOf(bucket),
      });
    }
  }
  // Rounds weighted by how much of the softmax's mass each found: softmax over their lse.
  const share = tf.softmax(tf.concat(sums, 2), -1); // [n, L, hashes]
  let out = tf.zeros([n, length, d]) as tf.Tensor3D;
  for (let r = 0; r < hashes; r++)
    out = tf.add(out, tf.mul(outs[r], tf.slice(share, [0, 0, r], [n, length, 1])));
  if (!withWeights) return { out };

  const shares = share.dataSync();
  const dense = new Float32Array(n * length * length);
  const keysPerChunk = chunks === 1 ? c : 2 * c;
  shown.forEach(({ weights, order }, r) => {
    for (let s = 0; s < n; s++)
      for (let i = 0; i < chunks; i++)
        for (let a = 0; a < c; a++) {
          const qi = i * c + a;
          if (qi >= length) continue;
          const query = order[s][qi];
          const factor = shares[(s * length + query) * hashes + r];
          for (let b = 0; b < keysPerChunk; b++) {
            const chunkOf = b < c ? i : (i - 1 + chunks) % chunks;
            const ki = chunkOf * c + (b % c);
            if (ki >= length) continue;
            const w = weights[((s * chunks + i) * c + a) * keysPerChunk + b];
            dense[(s * length + query) * length + order[s][ki]] += factor * w;
          }
        }
  });
  return {
    out,
    weights: tf.tensor3d(dense, [n, length, length]),
    buckets: shown.map((round) => round.buckets),
  };
}
