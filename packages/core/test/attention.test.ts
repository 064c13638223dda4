import { expect } from '@open-wc/testing';
import {
  ATTENTION_VARIANTS,
  attentionMask,
  attentionWeights,
  averageMatrices,
  poolMatrix,
  colormapColor,
  colormapTable,
  dotProductScores,
  generateShapes1D,
  groupAttention1D,
  intersectMasks,
  localShapeAttention1D,
  maskWeights,
  matrixToArrays,
  resolveAttentionOptions,
  softmaxRows,
  splitHeads,
  toMatrix,
  type Matrix,
} from '../src/index.js';

const rows = (m: Matrix) => matrixToArrays(m);
const close = (actual: number[][], expected: number[][], tolerance = 1e-6) => {
  expect(actual.length).to.equal(expected.length);
  actual.forEach((row, r) =>
    row.forEach((v, c) => expect(v, `[${r}][${c}]`).to.be.closeTo(expected[r][c], tolerance)),
  );
};
const maskRows = (mask: Uint8Array, cols: number) =>
  Array.from({ length: mask.length / cols }, (_, r) =>
    Array.from(mask.subarray(r * cols, (r + 1) * cols)),
  );

describe('scaled dot-product attention', () => {
  it('scores Q K^T / sqrt(d)', () => {
    const q = toMatrix([
      [1, 0, 2, 0],
      [0, 1, 0, 1],
    ]);
    const k = toMatrix([
      [1, 1, 1, 1],
      [2, 0, 0, 0],
      [0, 0, 0, 3],
    ]);
    // d = 4, so scores are dot products halved.
    close(rows(dotProductScores(q, k)), [
      [1.5, 1, 0],
      [1, 0, 1.5],
    ]);
  });

  it('softmax over keys: exact weights, rows summing to 1', () => {
    const scores = toMatrix([
      [0, Math.log(3)],
      [Math.log(2), Math.log(2)],
      [1, 2],
    ]);
    const weights = rows(softmaxRows(scores));
    close(weights, [
      [0.25, 0.75],
      [0.5, 0.5],
      [1 / (1 + Math.E), Math.E / (1 + Math.E)],
    ]);
  });

  it('gives masked keys weight 0 and a fully masked row all zeros', () => {
    const scores = toMatrix([
      [0, Math.log(3), 5],
      [1, 2, 3],
    ]);
    const mask = Uint8Array.from([1, 1, 0, 0, 0, 0]);
    close(rows(softmaxRows(scores, mask)), [
      [0.25, 0.75, 0],
      [0, 0, 0],
    ]);
  });

  it('masking softmax weights afterwards equals masking the scores before', () => {
    const scores = toMatrix(
      Array.from({ length: 6 }, (_, r) => Array.from({ length: 6 }, (_, c) => Math.sin(r * 7 + c))),
    );
    const mask = attentionMask('causal', 6, 6);
    close(rows(maskWeights(softmaxRows(scores), mask)), rows(softmaxRows(scores, mask)));
  });

  it('splits features into heads and attends per head; the average is their mean', () => {
    const x = toMatrix([
      [1, 0, 0, 1],
      [0, 1, 1, 0],
      [1, 1, 0, 0],
    ]);
    const [h0, h1] = splitHeads(x, 2);
    expect(rows(h0)).to.deep.equal([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    expect(rows(h1)).to.deep.equal([
      [0, 1],
      [1, 0],
      [0, 0],
    ]);
    const { heads, average } = attentionWeights(x, x, { heads: 2 });
    close(rows(heads[0]), rows(softmaxRows(dotProductScores(h0, h0))));
    close(rows(heads[1]), rows(softmaxRows(dotProductScores(h1, h1))));
    close(rows(average), rows(averageMatrices(heads)));
    expect(() => splitHeads(x, 3)).to.throw(RangeError, /dividing 4/);
  });

  it('averages matrices as a float32 running sum would, and refuses mismatched shapes', () => {
    const f = Math.fround;
    const a = toMatrix([[0.1, 1e7, 3]]);
    const b = toMatrix([[0.2, 1, -1]]);
    const c = toMatrix([[0.3, -1e7, 0.5]]);
    const mean = averageMatrices([a, b, c]);
    // Each cell: ((a + b) + c) rounded to float32 after each add, then / 3 rounded.
    const expected = [0, 1, 2].map((i) => f(f(f(f(a.data[i]) + b.data[i]) + c.data[i]) / 3));
    expect([...mean.data]).to.deep.equal(expected);
    // 1e7 + 1 is exact in float32; the sum of the middle column is 1, its mean 1/3.
    expect(mean.data[1]).to.equal(f(1 / 3));
    expect([mean.rows, mean.cols]).to.deep.equal([1, 3]);
    expect(averageMatrices([a]).data).to.deep.equal(a.data);
    expect(() => averageMatrices([a, toMatrix([[1, 2]])])).to.throw(RangeError, /1 x 3/);
  });

  it('pools a matrix by blocks, averaging the cells its mask allows', () => {
    const m = toMatrix([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
      [11, 12, 13, 14, 15],
    ]);
    const plain = poolMatrix(m, [2, 2]);
    expect([plain.matrix.rows, plain.matrix.cols]).to.deep.equal([2, 3]);
    // Blocks at the right and bottom edges are smaller: (5 + 10) / 2 and 15 alone.
    expect([...plain.matrix.data]).to.deep.equal([4, 6, 7.5, 11.5, 13.5, 15]);
    expect(plain.mask).to.equal(undefined);
    // Causal: row r sees keys 0..r. A block with no allowed cell is 0 and masked.
    const causal = Uint8Array.from({ length: 15 }, (_, i) => (i % 5 <= Math.floor(i / 5) ? 1 : 0));
    const masked = poolMatrix(m, [2, 2], causal);
    expect([...masked.matrix.data]).to.deep.equal([Math.fround(14 / 3), 0, 0, 11.5, 13, 0]);
    expect([...masked.mask!]).to.deep.equal([1, 0, 0, 1, 1, 0]);
    // Rows and columns by different factors: 3 x 5 by [3, 1] is the column means.
    expect([...poolMatrix(m, [3, 1]).matrix.data]).to.deep.equal([6, 7, 8, 9, 10]);
    expect(poolMatrix(m, [1, 1]).matrix).to.equal(m);
    expect(() => poolMatrix(m, [0, 2])).to.throw(RangeError, /whole numbers >= 1, got 0/);
  });

  it('handles cross-attention: 3 queries over 5 keys', () => {
    const queries = toMatrix([
      [1, 0],
      [0, 1],
      [1, 1],
    ]);
    const keys = toMatrix([
      [1, 0],
      [0, 1],
      [1, 1],
      [0, 0],
      [2, 2],
    ]);
    const { average } = attentionWeights(queries, keys);
    expect([average.rows, average.cols]).to.deep.equal([3, 5]);
    for (const row of rows(average)) expect(row.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-6);
  });
});

describe('attentionMask', () => {
  it('causal is lower-triangular', () => {
    expect(maskRows(attentionMask('causal', 4, 4), 4)).to.deep.equal([
      [1, 0, 0, 0],
      [1, 1, 0, 0],
      [1, 1, 1, 0],
      [1, 1, 1, 1],
    ]);
  });

  it('local sees keys within the window', () => {
    expect(maskRows(attentionMask('local', 5, 5, { window: 1 }), 5)).to.deep.equal([
      [1, 1, 0, 0, 0],
      [1, 1, 1, 0, 0],
      [0, 1, 1, 1, 0],
      [0, 0, 1, 1, 1],
      [0, 0, 0, 1, 1],
    ]);
  });

  it('sparse adds every stride-th key to the window', () => {
    expect(maskRows(attentionMask('sparse', 6, 6, { window: 0, stride: 3 }), 6)).to.deep.equal([
      [1, 0, 0, 1, 0, 0],
      [1, 1, 0, 1, 0, 0],
      [1, 0, 1, 1, 0, 0],
      [1, 0, 0, 1, 0, 0],
      [1, 0, 0, 1, 1, 0],
      [1, 0, 0, 1, 0, 1],
    ]);
  });

  it('global tokens see and are seen by all; the rest are local', () => {
    expect(maskRows(attentionMask('global', 5, 5, { window: 0, globals: [2] }), 5)).to.deep.equal([
      [1, 0, 1, 0, 0],
      [0, 1, 1, 0, 0],
      [1, 1, 1, 1, 1],
      [0, 0, 1, 1, 0],
      [0, 0, 1, 0, 1],
    ]);
  });

  it('full allows everything, for any shape; masks intersect', () => {
    expect([...attentionMask('full', 2, 3)]).to.deep.equal([1, 1, 1, 1, 1, 1]);
    const both = intersectMasks(
      attentionMask('causal', 3, 3),
      attentionMask('local', 3, 3, { window: 1 }),
    );
    expect(maskRows(both, 3)).to.deep.equal([
      [1, 0, 0],
      [1, 1, 0],
      [0, 1, 1],
    ]);
  });

  it('rejects unknown kinds and bad sizes', () => {
    // @ts-expect-error an unknown kind, as an attribute could give
    expect(() => attentionMask('diagonal', 2, 2)).to.throw(RangeError, /mask must be one of/);
    expect(() => attentionMask('local', 2, 2, { window: -1 })).to.throw(RangeError, /window/);
    expect(() => attentionMask('sparse', 2, 2, { stride: 0 })).to.throw(RangeError, /stride/);
  });
});

describe('attention on a 1D sample, before any training', () => {
  const sample = generateShapes1D({ seed: 21 });
  const typeAt = (i: number) =>
    sample.shapes.find((s) => i >= s.start && i < s.start + s.width)?.type ?? 'background';

  it('localShapeAttention1D: a flat top attends to the other flat tops of its sign, far away', () => {
    const { average } = localShapeAttention1D(sample.input);
    const rectangles = sample.shapes.filter((s) => s.type === 'pos_rectangle');
    expect(rectangles.length).to.be.at.least(2);
    const [first, second] = rectangles;
    const query = first.start + Math.floor(first.width / 2);
    const row = average.data.subarray(query * 400, (query + 1) * 400);
    let onSecond = 0;
    let onSameType = 0;
    for (let k = 0; k < 400; k++) {
      if (k >= second.start && k < second.start + second.width) onSecond += row[k];
      if (typeAt(k) === 'pos_rectangle') onSameType += row[k];
    }
    const share = rectangles.reduce((sum, s) => sum + s.width, 0) / 400;
    expect(onSameType).to.be.above(5 * share);
    expect(onSecond).to.be.above(0.2);
  });

  it('localShapeAttention1D ignores amplitude: twice the input gives the same weights', () => {
    const doubled = sample.input.map((v) => 2 * v);
    const a = localShapeAttention1D(sample.input).average.data;
    const b = localShapeAttention1D(doubled).average.data;
    for (let i = 0; i < a.length; i += 97) expect(b[i]).to.be.closeTo(a[i], 1e-6);
  });

  it('groupAttention1D: each position attends evenly to its group, background to background', () => {
    const weights = groupAttention1D(sample);
    for (const q of [0, sample.shapes[0].start, sample.shapes[2].start + 3]) {
      const group = typeAt(q);
      const members = Array.from({ length: 400 }, (_, k) => k).filter((k) => typeAt(k) === group);
      for (let k = 0; k < 400; k++) {
        expect(weights.data[q * 400 + k]).to.be.closeTo(
          typeAt(k) === group ? 1 / members.length : 0,
          1e-7,
        );
      }
    }
  });

  it('causal masks keep rows summing to 1 over the keys they allow', () => {
    const mask = attentionMask('causal', 400, 400);
    const { average } = localShapeAttention1D(sample.input, { mask });
    for (const q of [0, 100, 399]) {
      const row = average.data.subarray(q * 400, (q + 1) * 400);
      expect(row.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-5);
      expect(row.subarray(q + 1).every((v) => v === 0)).to.equal(true);
    }
  });
});

describe('toMatrix', () => {
  it('reads nested arrays and flat data', () => {
    expect(toMatrix([[1, 2, 3]])).to.deep.equal({
      data: Float32Array.of(1, 2, 3),
      rows: 1,
      cols: 3,
    });
    expect(toMatrix({ data: [1, 2, 3, 4], rows: 2, cols: 2 }).data).to.deep.equal(
      Float32Array.of(1, 2, 3, 4),
    );
  });

  it('says what is wrong with bad data', () => {
    expect(() => toMatrix([[1, 2], [3]])).to.throw(RangeError, /row 1 has 1 values; row 0 has 2/);
    expect(() => toMatrix([[1, Number.NaN]])).to.throw(RangeError, /\[0\]\[1\] is NaN/);
    expect(() => toMatrix([])).to.throw(RangeError, /no rows/);
    expect(() => toMatrix({ data: [1, 2, 3], rows: 2, cols: 2 })).to.throw(
      RangeError,
      /holds 3 values; 2 x 2 needs 4/,
    );
    expect(() => toMatrix({ data: [1], rows: -1, cols: 1 })).to.throw(
      RangeError,
      /whole numbers >= 1/,
    );
  });
});

describe('colour maps', () => {
  it('run from their first stop to their last', () => {
    expect(colormapColor('viridis', 0)).to.equal('#440154');
    expect(colormapColor('viridis', 1)).to.equal('#fde725');
    expect(colormapColor('rdbu', 0.5)).to.equal('#f7f7f7');
    expect(colormapTable('magma').length).to.equal(257 * 3);
  });

  it('viridis gets brighter all the way (perceptually ordered)', () => {
    const table = colormapTable('viridis');
    let previous = -1;
    for (let i = 0; i < 257; i += 16) {
      const luminance =
        0.2126 * table[3 * i] + 0.7152 * table[3 * i + 1] + 0.0722 * table[3 * i + 2];
      expect(luminance).to.be.above(previous);
      previous = luminance;
    }
  });
});

describe('attention variants from the root entry (no tfjs)', () => {
  it('names the variants and checks their options as an element would, before any model is built', () => {
    expect(ATTENTION_VARIANTS).to.deep.equal([
      'full',
      'causal',
      'local',
      'sparse',
      'global',
      'adaptive',
      'linformer',
      'performer',
      'reformer',
      'binary',
    ]);
    const { attention, variant } = resolveAttentionOptions('mha', {
      attention: 'local',
      window: 8,
    });
    expect([attention, variant.window, variant.causal]).to.deep.equal(['local', 8, false]);
    expect(() => resolveAttentionOptions('transformer', { attention: 'flash' as never })).to.throw(
      'attention must be one of full, causal, local, sparse, global, adaptive, linformer, performer, reformer, binary, got "flash"',
    );
    expect(() =>
      resolveAttentionOptions('transformer', { attention: 'local', window: 0 }),
    ).to.throw('window must be a whole number >= 1, got 0');
    expect(() =>
      resolveAttentionOptions('transformer', { attention: 'linformer', mask: 'causal' }),
    ).to.throw(
      'attention "linformer" cannot be causal: it projects every position, later ones included, into its rows',
    );
  });
});
