import { expect } from '@open-wc/testing';
import {
  SeededRandom,
  applyRope,
  applyRope2D,
  checkEncodingTable,
  distanceSpread,
  encodedAttention1D,
  generateShapes1D,
  positionSimilarity,
  positionalEncoding,
  positionalEncoding2D,
  ropeScoresByOffset,
} from '../src/index.js';

const at = (pe: Float32Array, dim: number, p: number, d: number) => pe[p * dim + d];
const randomVector = (seed: number, n: number) => {
  const random = new SeededRandom(seed);
  return Float32Array.from({ length: n }, () => random.gaussian());
};

describe('positionalEncoding: sinusoidal', () => {
  const dim = 8;
  const pe = positionalEncoding('sinusoidal', 50, dim);

  it('is sin(p / 10000^(2i/d)) and cos of the same at known points', () => {
    for (let d = 0; d < dim; d++) expect(at(pe, dim, 0, d)).to.equal(d % 2 === 0 ? 0 : 1);
    expect(at(pe, dim, 1, 0)).to.be.closeTo(Math.sin(1), 1e-7);
    expect(at(pe, dim, 1, 1)).to.be.closeTo(Math.cos(1), 1e-7);
    // Pair i = 1: frequency 10000^(-2/8) = 0.1.
    expect(at(pe, dim, 10, 2)).to.be.closeTo(Math.sin(1), 1e-6);
    expect(at(pe, dim, 10, 3)).to.be.closeTo(Math.cos(1), 1e-6);
    // Pair i = 3: frequency 10000^(-6/8) = 0.001.
    expect(at(pe, dim, 49, 6)).to.be.closeTo(Math.sin(0.049), 1e-7);
    expect(positionalEncoding('sinusoidal', 3, 4, { base: 100 })[1 * 4 + 2]).to.be.closeTo(
      Math.sin(0.1),
      1e-7,
    );
  });

  it('gives every position unit norm per pair, so similarity depends on distance alone', () => {
    const similarity = positionSimilarity(pe, 50, dim, 'dot');
    expect(similarity.data[0]).to.be.closeTo(dim / 2, 1e-6);
    expect(distanceSpread(similarity)).to.be.below(1e-5);
  });

  it('the inverted variant uses 10000^(+2i/d): high pairs alias', () => {
    const inverted = positionalEncoding('sinusoidal-inverted', 50, dim);
    expect(at(inverted, dim, 1, 0)).to.be.closeTo(Math.sin(1), 1e-7);
    // Pair 1 turns 10 radians a step instead of 0.1.
    expect(at(inverted, dim, 1, 2)).to.be.closeTo(Math.sin(10), 1e-6);
    expect(at(inverted, dim, 3, 6)).to.be.closeTo(Math.sin(3000), 1e-3);
  });
});

describe('positionalEncoding: linear and learnable', () => {
  it('linear runs from 0 to 1, the same in every feature', () => {
    const pe = positionalEncoding('linear', 5, 3);
    expect(Array.from(pe)).to.deep.equal([
      0, 0, 0, 0.25, 0.25, 0.25, 0.5, 0.5, 0.5, 0.75, 0.75, 0.75, 1, 1, 1,
    ]);
    expect(distanceSpread(positionSimilarity(pe, 5, 3, 'dot'))).to.be.above(0.5);
  });

  it('learnable is N(0, 0.02), the same for the same seed', () => {
    const a = positionalEncoding('learnable', 100, 64, { seed: 4 });
    expect(a).to.deep.equal(positionalEncoding('learnable', 100, 64, { seed: 4 }));
    expect(a).not.to.deep.equal(positionalEncoding('learnable', 100, 64, { seed: 5 }));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
    expect(mean).to.be.closeTo(0, 0.002);
    expect(std).to.be.closeTo(0.02, 0.001);
  });

  it('takes a trained table, checked for size', () => {
    expect(
      Array.from(positionalEncoding('learnable', 2, 2, { table: [1, 2, 3, 4] })),
    ).to.deep.equal([1, 2, 3, 4]);
    expect(() => positionalEncoding('learnable', 2, 2, { table: [1] })).to.throw(
      RangeError,
      /holds 1 values; 2 x 2 needs 4/,
    );
  });

  it('rejects a table that is not a list of finite float32 numbers, naming table', () => {
    const bad: [unknown, RegExp][] = [
      ['abcd', /table must be an array or typed array of numbers, got string/],
      [{ length: 4 }, /got object/],
      [new DataView(new ArrayBuffer(16)), /got object/],
      [new BigInt64Array(4), /got object/],
      [[1, 2, 3, NaN], /table\[3\] must be a finite number inside float32's range, got NaN/],
      [[Infinity, 1, 2, 3], /table\[0\] .* got Infinity/],
      [[1, 1e39, 2, 3], /table\[1\] .* got 1e\+39/],
      [[1, 2, -3.5e38, 3], /table\[2\] .* got -3\.5e\+38/],
      [[1, 2, '3', 4], /table\[2\] .* got 3/],
      [
        [
          [1, 2],
          [3, 4],
        ],
        /holds 2 values; 2 x 2 needs 4/,
      ],
    ];
    for (const [table, message] of bad) {
      expect(() =>
        positionalEncoding('learnable', 2, 2, { table: table as ArrayLike<number> }),
      ).to.throw(RangeError, message);
    }
    // The largest float32 stays finite; a Float64Array of ordinary values is fine.
    expect(checkEncodingTable([3.4028234663852886e38, 0, -1, 1], 2, 2)).to.have.length(4);
    expect(
      Array.from(positionalEncoding('learnable', 2, 2, { table: new Float64Array([1, 2, 3, 4]) })),
    ).to.deep.equal([1, 2, 3, 4]);
  });

  it('rejects unknown kinds and sizes', () => {
    // @ts-expect-error an unknown kind, as an attribute could give
    expect(() => positionalEncoding('random', 4, 4)).to.throw(
      RangeError,
      /encoding must be one of/,
    );
    expect(() => positionalEncoding('linear', 0, 4)).to.throw(RangeError, /length/);
    expect(() => positionalEncoding('sinusoidal', 4, 4, { base: 1 })).to.throw(RangeError, /base/);
  });
});

describe('RoPE', () => {
  it('rotates each pair by p * base^(-2i/d)', () => {
    const x = Float32Array.of(1, 0, 1, 0, 1, 0, 1, 0);
    const turned = applyRope(x, 2, 4);
    expect(Array.from(turned.subarray(0, 4))).to.deep.equal([1, 0, 1, 0]);
    expect(turned[4]).to.be.closeTo(Math.cos(1), 1e-7);
    expect(turned[5]).to.be.closeTo(Math.sin(1), 1e-7);
    expect(turned[6]).to.be.closeTo(Math.cos(0.01), 1e-7);
    expect(turned[7]).to.be.closeTo(Math.sin(0.01), 1e-7);
  });

  it('keeps norms: a rotation', () => {
    const x = randomVector(1, 30 * 16);
    const turned = applyRope(x, 30, 16);
    for (let p = 0; p < 30; p++) {
      const norm = (v: Float32Array) => Math.hypot(...v.subarray(p * 16, (p + 1) * 16));
      expect(norm(turned)).to.be.closeTo(norm(x), 1e-5);
    }
  });

  it('makes q_m . k_n depend on m - n only (to 1e-5)', () => {
    const q = randomVector(2, 64);
    const k = randomVector(3, 64);
    const scores = ropeScoresByOffset(q, k, [0, 37, 200, 1000], 40);
    for (let o = 0; o < scores.cols; o++) {
      for (let a = 1; a < scores.rows; a++) {
        const first = scores.data[o];
        expect(scores.data[a * scores.cols + o]).to.be.closeTo(
          first,
          1e-5 * Math.max(1, Math.abs(first)),
        );
      }
    }
    // And it does depend on the offset.
    expect(Math.abs(scores.data[0] - scores.data[40])).to.be.above(0.1);
  });

  it('gives a position similarity that depends on distance alone', () => {
    const table = positionalEncoding('rope', 64, 16);
    expect(distanceSpread(positionSimilarity(table, 64, 16, 'cosine'))).to.be.below(1e-5);
  });
});

describe('2D encodings for a patch grid', () => {
  it('encodes the row in the first half and the column in the second', () => {
    const pe = positionalEncoding2D('sinusoidal', 4, 5, 8);
    const row = positionalEncoding('sinusoidal', 4, 4);
    const col = positionalEncoding('sinusoidal', 5, 4);
    // Patch (2, 3) is token 13.
    expect(Array.from(pe.subarray(13 * 8, 13 * 8 + 4))).to.deep.equal(
      Array.from(row.subarray(8, 12)),
    );
    expect(Array.from(pe.subarray(13 * 8 + 4, 14 * 8))).to.deep.equal(
      Array.from(col.subarray(12, 16)),
    );
    expect(() => positionalEncoding2D('linear', 2, 2, 5)).to.throw(RangeError, /even/);
  });

  it('2D RoPE: scores depend on the row and column offsets only', () => {
    const rows = 6;
    const cols = 6;
    const dim = 16;
    const q = randomVector(4, dim);
    const k = randomVector(5, dim);
    const tokens = rows * cols;
    const repeat = (v: Float32Array) =>
      Float32Array.from({ length: tokens * dim }, (_, i) => v[i % dim]);
    const turnedQ = applyRope2D(repeat(q), rows, cols, dim);
    const turnedK = applyRope2D(repeat(k), rows, cols, dim);
    const score = (a: number, b: number) => {
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += turnedQ[a * dim + d] * turnedK[b * dim + d];
      return dot;
    };
    const token = (r: number, c: number) => r * cols + c;
    // Offset (1, 2) from two different places.
    expect(score(token(1, 2), token(0, 0))).to.be.closeTo(score(token(4, 3), token(3, 1)), 1e-5);
    expect(score(token(1, 2), token(0, 0))).not.to.be.closeTo(
      score(token(2, 1), token(0, 0)),
      1e-3,
    );
  });
});

describe('encodedAttention1D', () => {
  const { input } = generateShapes1D({ seed: 7, length: 120 });

  it('without an encoding, attention ignores order: equal content, equal weights', () => {
    // Two background positions far apart have the same (zero) features, so the same row.
    const weights = encodedAttention1D(new Float32Array(40), { encoding: 'none' });
    expect(weights.data[5 * 40 + 30]).to.be.closeTo(1 / 40, 1e-7);
  });

  it('a sinusoidal encoding pulls attention towards nearby positions', () => {
    const plain = encodedAttention1D(input, { encoding: 'none' });
    const encoded = encodedAttention1D(input, { encoding: 'sinusoidal', strength: 1 });
    const nearMass = (m: { data: Float32Array }) => {
      let sum = 0;
      for (let q = 0; q < 120; q++)
        for (let k = Math.max(0, q - 3); k <= Math.min(119, q + 3); k++) sum += m.data[q * 120 + k];
      return sum / 120;
    };
    expect(nearMass(encoded)).to.be.above(nearMass(plain) + 0.05);
  });

  it('rows sum to 1 for every encoding', () => {
    for (const encoding of [
      'none',
      'linear',
      'learnable',
      'sinusoidal',
      'sinusoidal-inverted',
      'rope',
    ] as const) {
      const weights = encodedAttention1D(input, { encoding });
      for (const q of [0, 60, 119]) {
        const sum = weights.data.subarray(q * 120, (q + 1) * 120).reduce((a, b) => a + b, 0);
        expect(sum, encoding).to.be.closeTo(1, 1e-5);
      }
    }
    expect(() => encodedAttention1D(input, { encoding: 'none', dim: 4 })).to.throw(
      RangeError,
      /dim must be a whole number >= 9/,
    );
  });
});
