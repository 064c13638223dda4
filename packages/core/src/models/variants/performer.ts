import * as tf from '@tensorflow/tfjs';
import { SeededRandom } from '../../random.js';
import type { VariantResult } from './banded.js';
import { padRows, withoutGradient } from './ops.js';

/**
 * `features` positive orthogonal random features for `size`-wide heads (FAVOR+, Choromanski et
 * al. 2021), as a [features, size] matrix: blocks of `size` orthonormal rows (Gram-Schmidt on a
 * Gaussian matrix), each row then scaled by the length of an independent Gaussian vector, so each
 * row is distributed as a Gaussian row but the rows of a block are exactly orthogonal.
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

/** The chunk of positions the causal form handles as a small masked product. */
const CAUSAL_CHUNK = 32;

/**
 * phi(x) = exp(w x - |x|^2 / 2) / sqrt(m) of x [n, L, d] against the features w [m, d],
 * shifted by `shift` (a maximum over `axes` of w x, which cancels in the normalised attention).
 */
function positiveFeatures(x: tf.Tensor3D, w: tf.Tensor2D, perQuery: boolean): tf.Tensor3D {
  const [n, length, d] = x.shape;
  const m = w.shape[0];
  const projected = tf.reshape(
    tf.matMul(tf.reshape(x, [n * length, d]) as tf.Tensor2D, w, false, true),
    [n, length, m],
  );
  const half = tf.mul(tf.sum(tf.square(x), -1, true), 0.5);
  const shift = withoutGradient(projected, (p) =>
    perQuery ? tf.max(p, -1, true) : tf.max(p, [1, 2], true),
  );
  return tf.mul(tf.exp(tf.sub(tf.sub(projected, half), shift)), 1 / Math.sqrt(m)) as tf.Tensor3D;
}

/**
 * FAVOR+ attention: softmax(q k^T) v estimated as D^-1 phi(q) (phi(k)^T v), with
 * D = diag(phi(q) phi(k)^T 1): O(L m d) time and memory, never an [L, L] matrix. Causal: the
 * sums over keys become prefix sums, chunk by chunk (a masked [c, c] product inside each chunk,
 * the running sums of earlier chunks across them). `scaled` are the queries times 1 / sqrt(d), as
 * every variant takes them; `features` [m, d] the random features.
 */
export function performerAttention(
  scaled: tf.Tensor3D,
  k: tf.Tensor3D,
  v: tf.Tensor3D,
  features: tf.Tensor2D,
  causal: boolean,
  withWeights: boolean,
): VariantResult {
  const [n, length, d] = scaled.shape;
  const m = features.shape[0];
  // exp(q k / sqrt d) = exp(q' k') with q' = q / d^(1/4), k' = k / d^(1/4).
  const root = Math.sqrt(Math.sqrt(d));
  const phiQ = positiveFeatures(tf.mul(scaled, root) as tf.Tensor3D, features, true);
  const phiK = positiveFeatures(tf.div(k, root) as tf.Tensor3D, features, false);
  let out: tf.Tensor3D;
  if (!causal) {
    const kv = tf.matMul(phiK, v, true, false); // [n, m, d]
    const kSum = tf.reshape(tf.sum(phiK, 1), [n, m, 1]) as tf.Tensor3D;
    out = tf.div(tf.matMul(phiQ, kv), tf.add(tf.matMul(phiQ, kSum), 1e-12));
  } else {
    const c = Math.min(CAUSAL_CHUNK, length);
    const chunks = Math.ceil(length / c);
    const cut = (x: tf.Tensor3D) => {
      const width = x.shape[2];
      return tf.reshape(padRows(x, 0, chunks * c - length), [n * chunks, c, width]) as tf.Tensor3D;
    };
    const q3 = cut(phiQ);
    const k3 = cut(phiK);
    const v3 = cut(v);
    // Sums of the chunks before each chunk: exclusive prefix sums over chunks.
    // (Along the last axis: tfjs's cumsum gradient gets the shape wrong along another.)
    const before = (x: tf.Tensor, width: number) =>
      tf.reshape(
        tf.transpose(
          tf.cumsum(tf.transpose(tf.reshape(x, [n, chunks, width]), [0, 2, 1]), 2, true),
          [0, 2, 1],
        ),
        [n * chunks, -1],
      );
    const kvBefore = tf.reshape(before(tf.matMul(k3, v3, true, false), m * d), [
      n * chunks,
      m,
      d,
    ]) as tf.Tensor3D;
    const kBefore = tf.reshape(before(tf.sum(k3, 1), m), [n * chunks, m, 1]) as tf.Tensor3D;
    const lower = tf.linalg.bandPart(tf.ones([c, c]), -1, 0);
    const within = tf.mul(tf.matMul(q3, k3, false, true), lower) as tf.Tensor3D;
    const numerator = tf.add(tf.matMul(q3, kvBefore), tf.matMul(within, v3));
    const denominator = tf.add(tf.add(tf.matMul(q3, kBefore), tf.sum(within, -1, true)), 1e-12);
    out = tf.slice(
      tf.reshape(tf.div(numerator, denominator), [n, chunks * c, d]),
      [0, 0, 0],
      [n, length, d],
    ) as tf.Tensor3D;
  }
  if (!withWeights) return { out };
  // The implicit attention matrix: phi(q) phi(k)^T, normalised by its row sums.
  let implicit = tf.matMul(phiQ, phiK, false, true);
  if (causal) implicit = tf.mul(implicit, tf.linalg.bandPart(tf.ones([length, length]), -1, 0));
  const weights = tf.div(implicit, tf.sum(implicit, -1, true)) as tf.Tensor3D;
  return { out, weights };
}
