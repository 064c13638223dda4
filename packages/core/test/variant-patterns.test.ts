import * as tf from '@tensorflow/tfjs';
import { expect } from '@open-wc/testing';
import { attentionMask } from '../src/attention.js';
import type { Matrix } from '../src/matrix.js';
import {
  adaptiveSpanAttention,
  binaryAttention,
  linformerAttention,
  orthogonalFeatures as layerFeatures,
  performerAttention,
  randomRotations as layerRotations,
  reformerAttention,
} from '../src/models/variants/index.js';
import { SeededRandom } from '../src/random.js';
import {
  approximationError,
  bucketMask,
  hashBuckets,
  orthogonalFeatures,
  randomRotations,
  sequenceProjections,
  variantPattern,
} from '../src/variant-patterns.js';

before(async () => {
  await tf.setBackend('cpu');
});

/** A seeded [rows x cols] matrix of Gaussian entries times `scale`. */
function gaussian(rows: number, cols: number, seed: number, scale = 1): Matrix {
  const random = new SeededRandom(seed);
  return {
    data: Float32Array.from({ length: rows * cols }, () => random.gaussian() * scale),
    rows,
    cols,
  };
}

/** `m` as a [1, rows, cols] tensor, as the layers take a sequence. */
const tensor = (m: Matrix) => tf.tensor3d(m.data, [1, m.rows, m.cols]);

/** Largest |a - b| over two matrices' entries. */
function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).to.equal(b.length);
  let most = 0;
  for (let i = 0; i < a.length; i++) most = Math.max(most, Math.abs(a[i] - b[i]));
  return most;
}

/** Plain masked softmax of q k^T / sqrt(d), written out here as the reference. */
function reference(q: Matrix, k: Matrix, seen: (i: number, j: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < q.rows; i++) {
    const scores = Array.from({ length: k.rows }, (_, j) => {
      let dot = 0;
      for (let c = 0; c < q.cols; c++) dot += q.data[i * q.cols + c] * k.data[j * k.cols + c];
      return dot / Math.sqrt(q.cols);
    });
    const exps = scores.map((s, j) => (seen(i, j) ? Math.exp(s) : 0));
    const sum = exps.reduce((a, b) => a + b, 0);
    out.push(...exps.map((e) => e / sum));
  }
  return out;
}

describe('variantPattern (plain JavaScript, for figures)', () => {
  const q = gaussian(12, 4, 1);
  const k = gaussian(12, 4, 2);

  it('full attention on a 2 x 2 example: exact values', () => {
    const pattern = variantPattern(
      'full',
      { data: Float32Array.from([2, 0]), rows: 2, cols: 1 },
      { data: Float32Array.from([1, 0]), rows: 2, cols: 1 },
    );
    const e2 = Math.exp(2);
    expect(Array.from(pattern.heads[0].data)).to.deep.equal(
      [e2 / (e2 + 1), 1 / (e2 + 1), 0.5, 0.5].map(Math.fround),
    );
  });

  it('full, causal, local, sparse and global equal the masked softmax', () => {
    const options = { window: 2, stride: 4, globals: [0, 7] };
    for (const kind of ['local', 'sparse', 'global'] as const) {
      const allowed = attentionMask(kind, 12, 12, options);
      const got = variantPattern(kind, q, k, options).heads[0];
      expect(
        maxDiff(
          got.data,
          reference(q, k, (i, j) => allowed[i * 12 + j] === 1),
        ),
      ).to.be.below(1e-6);
    }
    expect(
      maxDiff(
        variantPattern('full', q, k).heads[0].data,
        reference(q, k, () => true),
      ),
    ).to.be.below(1e-6);
    expect(
      maxDiff(
        variantPattern('causal', q, k).heads[0].data,
        reference(q, k, (i, j) => j <= i),
      ),
    ).to.be.below(1e-6);
  });

  it('binary equals the signs-only layer', () => {
    const got = variantPattern('binary', q, k).heads[0];
    const scaled = tf.mul(tensor(q), 0.5) as tf.Tensor3D;
    const want = binaryAttention(scaled, tensor(k), tensor(k), false, true).weights!;
    expect(maxDiff(got.data, want.dataSync())).to.be.below(1e-6);
  });

  it('adaptive: one head per span, each the soft window clamp((R + z - |i - j|) / R, 0, 1), as the layer computes it', () => {
    const spans = [2.5, 8];
    const got = variantPattern('adaptive', q, k, { spans, ramp: 4 });
    expect(got.heads).to.have.length(2);
    expect(got.spans).to.deep.equal(spans);
    expect(got.ramp).to.equal(4);
    const qs = tf.concat([tensor(q), tensor(q)]) as tf.Tensor3D;
    const ks = tf.concat([tensor(k), tensor(k)]) as tf.Tensor3D;
    const layer = adaptiveSpanAttention(
      tf.mul(qs, 0.5) as tf.Tensor3D,
      ks,
      ks,
      tf.tensor1d([2.5 / 10, 8 / 10]),
      { span: 10, ramp: 4, causal: false, heads: 2, penalty: 0 },
      false,
      true,
    ).weights!.dataSync();
    for (const h of [0, 1]) {
      expect(maxDiff(got.heads[h].data, layer.subarray(h * 144, (h + 1) * 144))).to.be.below(1e-5);
      // No key beyond span + ramp has weight; within the span, the plain softmax ratio holds.
      for (let i = 0; i < 12; i++)
        for (let j = 0; j < 12; j++)
          if (Math.abs(i - j) >= spans[h] + 4) expect(got.heads[h].data[i * 12 + j]).to.equal(0);
    }
    // A span beyond the sequence is full attention.
    const wide = variantPattern('adaptive', q, k, { spans: [40], ramp: 4 }).heads[0];
    expect(
      maxDiff(
        wide.data,
        reference(q, k, () => true),
      ),
    ).to.be.below(1e-6);
  });

  it('reformer: the same rotations and buckets as the layer, and its pattern', () => {
    expect(Array.from(randomRotations(2, 4, 4, 3))).to.deep.equal(
      Array.from(layerRotations(2, 4, 4, 3)),
    );
    const x = gaussian(24, 4, 5);
    const got = variantPattern('reformer', x, x, { buckets: 4, hashes: 2, chunk: 6, seed: 3 });
    const layer = reformerAttention(
      tf.mul(tensor(x), 0.5) as tf.Tensor3D,
      tensor(x),
      tf.tensor3d(layerRotations(2, 4, 4, 3), [2, 4, 2]),
      { buckets: 4, hashes: 2, chunk: 6, causal: false },
      true,
    );
    expect(got.buckets!.map((round) => Array.from(round[0]))).to.deep.equal(
      layer.buckets!.map((round) => round[0]),
    );
    expect(new Set(got.buckets![0][0]).size).to.be.above(1);
    expect(maxDiff(got.heads[0].data, layer.weights!.dataSync())).to.be.below(1e-5);
  });

  it('reformer: a bucket is the argmax of [xR, -xR]', () => {
    // R = [[1], [0]]: x R is the first feature; bucket 0 where it is positive, 1 where negative.
    const x = { data: Float32Array.from([3, 1, -2, 5, 0.5, -9]), rows: 3, cols: 2 };
    expect(Array.from(hashBuckets(x, [1, 0], 2))).to.deep.equal([0, 1, 0]);
    expect(Array.from(hashBuckets(x, [1, 0], 1))).to.deep.equal([0, 0, 0]);
  });

  it('bucketMask: same bucket, within the chunk of sorted positions or the one before', () => {
    // Sorted by bucket: 1, 3 (bucket 0) | 0, 2 (bucket 1) | 4, 5 (bucket 1); chunks of 2.
    const mask = bucketMask([1, 0, 1, 0, 1, 1], 2);
    const seen = (i: number) => [0, 1, 2, 3, 4, 5].filter((j) => mask[i * 6 + j] === 1);
    expect([0, 1, 2, 3, 4, 5].map(seen)).to.deep.equal([
      [0, 2],
      [1, 3],
      [0, 2],
      [1, 3],
      [0, 2, 4, 5],
      [0, 2, 4, 5],
    ]);
    const causal = bucketMask([1, 0, 1, 0, 1, 1], 2, true);
    expect(Array.from(causal.subarray(4 * 6, 5 * 6))).to.deep.equal([1, 0, 1, 0, 1, 0]);
  });

  it('reformer with one bucket and one chunk is full shared-QK attention', () => {
    const x = gaussian(10, 4, 6);
    const unit = { ...x, data: x.data.slice() };
    for (let i = 0; i < 10; i++) {
      const row = x.data.subarray(i * 4, i * 4 + 4);
      const norm = Math.hypot(...row) + 1e-6;
      for (let c = 0; c < 4; c++) unit.data[i * 4 + c] = row[c] / norm;
    }
    const got = variantPattern('reformer', x, x, { buckets: 1, hashes: 3, chunk: 10 }).heads[0];
    expect(
      maxDiff(
        got.data,
        reference(x, unit, () => true),
      ),
    ).to.be.below(1e-6);
  });

  it('linformer: weights over k rows that sum to 1, mapped back through F, as the layer computes them', () => {
    const got = variantPattern('linformer', q, k, { projected: 5, seed: 9 });
    const projected = got.projected![0];
    expect([projected.rows, projected.cols]).to.deep.equal([12, 5]);
    for (let i = 0; i < 12; i++)
      expect(projected.data.subarray(i * 5, i * 5 + 5).reduce((a, b) => a + b, 0)).to.be.closeTo(
        1,
        1e-6,
      );
    const { e, f } = sequenceProjections(5, 12, 9);
    const layer = linformerAttention(
      tf.mul(tensor(q), 0.5) as tf.Tensor3D,
      tensor(k),
      tensor(k),
      tf.tensor2d(e.data, [5, 12]),
      tf.tensor2d(f.data, [5, 12]),
      true,
    );
    expect(maxDiff(projected.data, layer.projected!.dataSync())).to.be.below(1e-5);
    expect(maxDiff(got.heads[0].data, layer.weights!.dataSync())).to.be.below(1e-5);
    expect(() => variantPattern('linformer', q, k, { causal: true })).to.throw('cannot be causal');
  });

  it('performer: the layer features and implicit matrix, and an estimate that nears softmax as m grows', () => {
    expect(Array.from(orthogonalFeatures(10, 4, 2))).to.deep.equal(
      Array.from(layerFeatures(10, 4, 2)),
    );
    const small = gaussian(16, 4, 3, 0.5);
    const keys = gaussian(16, 4, 4, 0.5);
    const got = variantPattern('performer', small, keys, { features: 8, seed: 2 });
    const layer = performerAttention(
      tf.mul(tensor(small), 0.5) as tf.Tensor3D,
      tensor(keys),
      tensor(keys),
      tf.tensor2d(layerFeatures(8, 4, 2), [8, 4]),
      false,
      true,
    );
    expect(maxDiff(got.heads[0].data, layer.weights!.dataSync())).to.be.below(1e-5);
    expect(
      maxDiff(
        got.exact![0].data,
        reference(small, keys, () => true),
      ),
    ).to.be.below(1e-6);
    const errors = [4, 64, 1024].map((features) => {
      const p = variantPattern('performer', small, keys, { features, seed: 2 });
      return approximationError(p.heads[0], p.exact![0]).mean;
    });
    expect(errors[1]).to.be.below(errors[0]);
    expect(errors[2]).to.be.below(errors[1]);
    expect(errors[2]).to.be.below(0.01);
  });

  it('approximationError: mean and largest absolute difference', () => {
    const a = { data: Float32Array.from([0, 0.5, 1, 0]), rows: 2, cols: 2 };
    const b = { data: Float32Array.from([0.25, 0.5, 0.5, 0]), rows: 2, cols: 2 };
    expect(approximationError(a, b)).to.deep.equal({ mean: 0.1875, max: 0.5 });
  });

  it('names a bad option', () => {
    expect(() => variantPattern('lsh', q, k)).to.throw('attention');
    expect(() => variantPattern('reformer', q, q, { buckets: 3 })).to.throw(
      'buckets must be 1 or even',
    );
    expect(() => variantPattern('performer', q, k, { features: 0 })).to.throw('features');
    expect(() => variantPattern('linformer', q, k, { projected: 2.5 })).to.throw('projected');
  });
});
