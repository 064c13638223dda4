import { expect } from '@open-wc/testing';
import { attentionMask } from '../src/attention.js';
import { localShapeFeatures1D } from '../src/attention1d.js';
import { generateShapes1D } from '../src/shapes1d.js';
import {
  attentionError,
  bucketMassShare,
  bucketOrder,
  combineRounds,
  linformerApproximation,
  linformerApproximator,
  linformerError,
  lowRankError,
  patternCost,
  patternReach,
  performerApproximation,
  performerApproximator,
  performerErrorCurve,
  randomFeatures,
  reachFrom,
  reformerRound,
  reformerScores,
  singularValues,
  singularValuesInSteps,
} from '../src/efficient-attention.js';
import type { Matrix } from '../src/matrix.js';
import { SeededRandom } from '../src/random.js';
import {
  bucketMask,
  exactAttention,
  hashBuckets,
  linformerPattern,
  linformerPatternOf,
  performerPattern,
  randomRotations,
  reformerPattern,
  sequenceProjections,
} from '../src/variant-patterns.js';

const matrix = (rows: readonly (readonly number[])[]): Matrix => ({
  data: Float32Array.from(rows.flat()),
  rows: rows.length,
  cols: rows[0].length,
});

function gaussian(rows: number, cols: number, seed: number, scale = 1): Matrix {
  const random = new SeededRandom(seed);
  return {
    data: Float32Array.from({ length: rows * cols }, () => random.gaussian() * scale),
    rows,
    cols,
  };
}

const close = (actual: ArrayLike<number>, expected: readonly number[], tolerance = 1e-6) => {
  expect(actual.length).to.equal(expected.length);
  expected.forEach((value, i) => expect(actual[i]).to.be.closeTo(value, tolerance));
};

describe('Performer random features', () => {
  it('positive features of one dimension: weights exp(w k - k^2 / 2), normalised', () => {
    const w = new SeededRandom(1).gaussian();
    const approx = performerApproximation(matrix([[1]]), matrix([[0], [1]]), {
      features: 1,
      draw: 'iid',
      kernel: 'positive',
      seed: 1,
    });
    const second = Math.exp(w - 0.5);
    close(approx.data, [1 / (1 + second), second / (1 + second)]);
  });

  it('trigonometric features of one dimension: exp(k^2 / 2) cos(w (q - k)), normalised, negative where the cosine is', () => {
    const w = new SeededRandom(1).gaussian();
    const approx = performerApproximation(matrix([[1]]), matrix([[0], [1]]), {
      features: 1,
      draw: 'iid',
      kernel: 'trig',
      seed: 1,
    });
    const first = Math.cos(w);
    const second = Math.exp(0.5);
    close(approx.data, [first / (first + second), second / (first + second)]);
  });

  it('matches the explicit feature maps, without the shifts that keep exp in range', () => {
    const q = gaussian(5, 4, 3, 0.8);
    const k = gaussian(5, 4, 4, 0.8);
    const m = 6;
    for (const draw of ['iid', 'orthogonal'] as const) {
      const w = randomFeatures(m, 4, draw, 2);
      const root = Math.sqrt(2); // d^(1/4) for d = 4
      const project = (x: Matrix, i: number) =>
        Array.from({ length: m }, (_, f) => {
          let dot = 0;
          for (let c = 0; c < 4; c++) dot += (w[f * 4 + c] * x.data[i * 4 + c]) / root;
          return dot;
        });
      const half = (x: Matrix, i: number) => {
        let s = 0;
        for (let c = 0; c < 4; c++) s += (x.data[i * 4 + c] / root) ** 2 / 2;
        return s;
      };
      for (const kernel of ['positive', 'trig'] as const) {
        const expected: number[] = [];
        for (let i = 0; i < 5; i++) {
          const row = Array.from({ length: 5 }, (_, j) => {
            const a = project(q, i);
            const b = project(k, j);
            let sum = 0;
            for (let f = 0; f < m; f++)
              sum +=
                kernel === 'positive'
                  ? Math.exp(a[f] - half(q, i)) * Math.exp(b[f] - half(k, j))
                  : Math.exp(half(q, i) + half(k, j)) * Math.cos(a[f] - b[f]);
            return sum / m;
          });
          const total = row.reduce((s, v) => s + v, 0);
          expected.push(...row.map((v) => v / total));
        }
        const approx = performerApproximation(q, k, { features: m, draw, kernel, seed: 2 });
        close(approx.data, expected, 1e-5);
      }
    }
  });

  it('orthogonal positive features are the Performer layer pattern of core', () => {
    const q = gaussian(12, 8, 5, 0.5);
    const k = gaussian(12, 8, 6, 0.5);
    const approx = performerApproximation(q, k, { features: 16, seed: 3 });
    close(approx.data, [...performerPattern(q, k, 16, false, 3).weights.data], 1e-6);
  });

  it('draws i.i.d. rows from the seed, orthogonal rows orthogonal within a block', () => {
    const random = new SeededRandom(9);
    close(
      randomFeatures(2, 3, 'iid', 9),
      Array.from({ length: 6 }, () => random.gaussian()),
      1e-6,
    );
    const w = randomFeatures(4, 4, 'orthogonal', 9);
    for (let a = 0; a < 4; a++)
      for (let b = a + 1; b < 4; b++) {
        let dot = 0;
        for (let c = 0; c < 4; c++) dot += w[a * 4 + c] * w[b * 4 + c];
        expect(dot).to.be.closeTo(0, 1e-5);
      }
  });

  it('the error curve falls with more features, and averages its seeds', () => {
    const q = gaussian(32, 8, 11, 0.6);
    const k = gaussian(32, 8, 12, 0.6);
    const exact = exactAttention(q, k);
    const curve = performerErrorCurve(q, k, [2, 256], { seeds: 3, exact });
    expect(curve.map((p) => p.features)).to.deep.equal([2, 256]);
    expect(curve[1].relative).to.be.below(curve[0].relative / 3);
    const one = (seed: number) =>
      attentionError(performerApproximation(q, k, { features: 2, seed }), exact);
    const mean = (one(1).relative + one(2).relative + one(3).relative) / 3;
    expect(curve[0].relative).to.be.closeTo(mean, 1e-12);
  });
});

describe('attention error', () => {
  it('mean, largest and relative Frobenius error', () => {
    const error = attentionError(matrix([[0.5, 0.5]]), matrix([[1, 0]]));
    expect(error.mean).to.equal(0.5);
    expect(error.max).to.equal(0.5);
    expect(error.relative).to.be.closeTo(Math.SQRT1_2, 1e-12);
  });

  it('names both shapes when they differ', () => {
    expect(() => attentionError(matrix([[1, 0]]), matrix([[1], [0]]))).to.throw(
      'the approximation is 1 x 2; the exact matrix is 2 x 1',
    );
  });
});

describe('singular values', () => {
  it('of a 2 x 2 matrix: 3 sqrt 5 and sqrt 5', () => {
    close(
      singularValues(
        matrix([
          [3, 0],
          [4, 5],
        ]),
      ),
      [3 * Math.sqrt(5), Math.sqrt(5)],
      1e-9,
    );
  });

  it('of a diagonal matrix: the absolute diagonal, descending', () => {
    close(
      singularValues(
        matrix([
          [1, 0, 0],
          [0, -2, 0],
          [0, 0, 3],
        ]),
      ),
      [3, 2, 1],
      1e-12,
    );
  });

  it('of an outer product u v^T: |u| |v| and zeros', () => {
    close(
      singularValues(
        matrix([
          [2, 1],
          [4, 2],
          [4, 2],
        ]),
      ),
      [3 * Math.sqrt(5), 0],
      1e-6,
    );
  });

  it('of a 400 x 400 attention matrix: their squares sum to its squared Frobenius norm, in slices', () => {
    const q = gaussian(400, 9, 21);
    const a = exactAttention(q, gaussian(400, 9, 22));
    const steps = singularValuesInSteps(a);
    let yields = 0;
    let next = steps.next();
    while (!next.done) {
      yields++;
      next = steps.next();
    }
    const values = next.value;
    expect(yields).to.be.above(10);
    expect(values.length).to.equal(400);
    for (let i = 1; i < 400; i++) expect(values[i]).to.be.at.most(values[i - 1]);
    let norm = 0;
    for (const v of a.data) norm += v * v;
    expect(values.reduce((s, v) => s + v * v, 0)).to.be.closeTo(norm, norm * 1e-9);
    // A row-stochastic matrix has 1 as an eigenvalue, so its largest singular value is at least 1.
    expect(values[0]).to.be.at.least(1 - 1e-9);
  });

  it('of a peaked attention matrix, most of its singular values (near) zero: converges', () => {
    // Local-shape attention on a 1D sample: many rows alike, so A^T A has many eigenvalues at 0.
    const keys = localShapeFeatures1D(generateShapes1D({ seed: 0, length: 400 }).input);
    const queries = { ...keys, data: keys.data.map((v) => v * 6) };
    const a = exactAttention(queries, keys);
    const values = singularValues(a);
    let norm = 0;
    for (const v of a.data) norm += v * v;
    expect(values.reduce((s, v) => s + v * v, 0)).to.be.closeTo(norm, norm * 1e-9);
    expect(values[399]).to.be.below(1e-6);
  });

  it('best rank-k error from the singular values (Eckart-Young)', () => {
    expect(lowRankError([4, 3], 1)).to.be.closeTo(0.6, 1e-12);
    expect(lowRankError([4, 3], 0)).to.equal(1);
    expect(lowRankError([4, 3], 2)).to.equal(0);
  });
});

describe('Linformer error', () => {
  it('one position: |sum_r P_r F_r - 1|, with k = 1 |F - 1|', () => {
    const { f } = sequenceProjections(1, 1, 4);
    const error = linformerError(matrix([[0.3, -0.2]]), matrix([[1, 2]]), 1, { seed: 4 });
    expect(error.mean).to.be.closeTo(Math.abs(f.data[0] - 1), 1e-6);
    expect(error.relative).to.be.closeTo(Math.abs(f.data[0] - 1), 1e-6);
  });
});

describe('Linformer with given projections', () => {
  it("with the layer's drawn E and F, the layer's pattern", () => {
    const q = gaussian(20, 6, 31, 0.7);
    const k = gaussian(20, 6, 32, 0.7);
    const { e, f } = sequenceProjections(5, 20, 3);
    close(
      linformerApproximation(q, k, e, f).data,
      [...linformerPattern(q, k, 5, 3).weights.data],
      1e-6,
    );
  });

  it('one projected row: P is 1, so each row is F', () => {
    const e = matrix([[0.5, -1, 2]]);
    const f = matrix([[0.25, 0.5, 0.25]]);
    const out = linformerApproximation(gaussian(3, 2, 1), gaussian(3, 2, 2), e, f);
    close(out.data, [0.25, 0.5, 0.25, 0.25, 0.5, 0.25, 0.25, 0.5, 0.25]);
  });

  it('names the shapes E and F must have', () => {
    expect(() =>
      linformerApproximation(
        gaussian(3, 2, 1),
        gaussian(3, 2, 2),
        matrix([[1, 2]]),
        matrix([[1, 2]]),
      ),
    ).to.throw('E and F must both be k x 3 (k rows over the 3 positions), got 1 x 2 and 1 x 2');
  });
});

describe('Reformer buckets', () => {
  it('sorts positions by bucket, then position, into chunks', () => {
    const { order, chunkOf, chunks } = bucketOrder([1, 0, 1, 0, 2], 2);
    expect([...order]).to.deep.equal([1, 3, 0, 2, 4]);
    expect([...chunkOf]).to.deep.equal([1, 0, 1, 0, 2]);
    expect(chunks).to.equal(3);
  });

  it("rounds one at a time, combined, are core's Reformer pattern of that many rounds", () => {
    const q = gaussian(40, 6, 41, 1.5);
    const { keys, scores } = reformerScores(q);
    const size = 6 * 2;
    const rotations = randomRotations(3, 6, 4, 1);
    const rounds = [0, 1, 2].map((r) =>
      reformerRound(
        scores,
        40,
        bucketMask(hashBuckets(keys, rotations.subarray(r * size, (r + 1) * size), 4), 8),
      ),
    );
    for (const hashes of [1, 2, 3]) {
      const expected = reformerPattern(q, { buckets: 4, hashes, chunk: 8, seed: 1 }).weights;
      expect([...combineRounds(rounds.slice(0, hashes), 40).data]).to.deep.equal([
        ...expected.data,
      ]);
    }
  });

  it('the share of exact attention mass the rounds keep, together and each', () => {
    const exact = matrix([
      [0.5, 0.5],
      [0.25, 0.75],
    ]);
    const { share, rounds } = bucketMassShare(exact, [
      [1, 0, 0, 1],
      [1, 1, 0, 0],
    ]);
    expect(share).to.equal(0.875);
    expect(rounds).to.deep.equal([0.625, 0.5]);
  });
});

describe('the keys worked out once, the queries a slice at a time', () => {
  const q = gaussian(10, 8, 3);
  const k = gaussian(10, 8, 4);
  const slices = (whole: (rows: Matrix) => Matrix) => {
    const rowsOf = (start: number, end: number) => ({
      data: q.data.subarray(start * 8, end * 8),
      rows: end - start,
      cols: 8,
    });
    return [...whole(rowsOf(0, 3)).data, ...whole(rowsOf(3, 7)).data, ...whole(rowsOf(7, 10)).data];
  };

  it('Performer: the same bits as the whole, for each draw and kernel', () => {
    for (const draw of ['orthogonal', 'iid'] as const)
      for (const kernel of ['positive', 'trig'] as const) {
        const options = { features: 16, draw, kernel, seed: 5 };
        const approximate = performerApproximator(k, options);
        expect(slices(approximate)).to.deep.equal([...performerApproximation(q, k, options).data]);
      }
    expect(() => performerApproximator(k, { features: 4 })(gaussian(2, 6, 1))).to.throw(
      RangeError,
      'keys have 8 features; the queries have 6',
    );
  });

  it('Linformer, drawn or given projections: the same bits as the whole', () => {
    const pattern = linformerPatternOf(k, 4, 2);
    expect(slices((rows) => pattern(rows).weights)).to.deep.equal([
      ...linformerPattern(q, k, 4, 2).weights.data,
    ]);
    const { e, f } = sequenceProjections(3, 10, 9);
    expect(slices(linformerApproximator(k, e, f))).to.deep.equal([
      ...linformerApproximation(q, k, e, f).data,
    ]);
  });
});

describe('pattern cost and reach', () => {
  it('cost: the cells computed out of L^2', () => {
    expect(patternCost(attentionMask('local', 4, 4, { window: 1 }), 4)).to.deep.equal({
      cells: 10,
      full: 16,
      share: 0.625,
    });
  });

  it('reach: full 1, local ceil((L - 1) / window), a window of 0 never', () => {
    expect(patternReach(attentionMask('full', 5, 5), 5)).to.equal(1);
    expect(patternReach(attentionMask('local', 10, 10, { window: 3 }), 10)).to.equal(3);
    expect(patternReach(attentionMask('local', 10, 10, { window: 4 }), 10)).to.equal(3);
    expect(patternReach(attentionMask('local', 400, 400, { window: 8 }), 400)).to.equal(50);
    expect(patternReach(attentionMask('local', 10, 10, { window: 0 }), 10)).to.equal(Infinity);
    expect(patternReach([1], 1)).to.equal(0);
  });

  it('reach from one position: steps to each, -1 where it never arrives', () => {
    expect([...reachFrom(attentionMask('local', 8, 8, { window: 2 }), 8, 0)]).to.deep.equal([
      0, 1, 1, 2, 2, 3, 3, 4,
    ]);
    expect([
      ...reachFrom(attentionMask('global', 6, 6, { window: 1, globals: [5] }), 6, 0),
    ]).to.deep.equal([0, 1, 2, 2, 2, 1]);
    expect([...reachFrom(attentionMask('local', 4, 4, { window: 0 }), 4, 1)]).to.deep.equal([
      -1, 0, -1, -1,
    ]);
  });

  it('reach: a global token makes it 2; strided columns take the walk to the nearest column', () => {
    expect(patternReach(attentionMask('global', 10, 10, { window: 1, globals: [0] }), 10)).to.equal(
      2,
    );
    // From position 15, seven local steps to column 8, which every query reads: 8.
    expect(patternReach(attentionMask('sparse', 16, 16, { window: 1, stride: 8 }), 16)).to.equal(8);
  });
});
