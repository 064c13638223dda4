import { expect } from '@open-wc/testing';
import {
  applyPatchRope,
  applyRope2D,
  checkBias,
  checkProjection,
  embedPatches,
  generateBatch2D,
  generateShapes2D,
  patchGrid,
  patchPositionSimilarity,
  patchPositionalEncoding,
  patchProjection,
  patchSizesFor,
  patchTokens,
  patchify,
  positionalEncoding,
  sampleSeed,
  unpatchify,
} from '../src/index.js';

/** A 4 x 4 RGB image whose pixel (x, y) is R = 10y + x, G = 100 + 10y + x, B = 200 + 10y + x. */
function numberedImage(): Float32Array {
  const image = new Float32Array(4 * 4 * 3);
  for (let y = 0; y < 4; y++) {
    for (let x = 0; x < 4; x++) {
      const i = (y * 4 + x) * 3;
      image[i] = 10 * y + x;
      image[i + 1] = 100 + 10 * y + x;
      image[i + 2] = 200 + 10 * y + x;
    }
  }
  return image;
}

/** Row t of a matrix as a plain array. */
const row = (data: Float32Array, cols: number, t: number) =>
  Array.from(data.subarray(t * cols, (t + 1) * cols));

describe('patchify', () => {
  it('cuts a 4 x 4 image into 2 x 2 patches in raster order, each R plane, G plane, B plane', () => {
    const patches = patchify(numberedImage(), 4, 4, 2);
    expect([patches.rows, patches.cols]).to.deep.equal([4, 12]);
    expect(row(patches.data, 12, 0)).to.deep.equal([
      0, 1, 10, 11, 100, 101, 110, 111, 200, 201, 210, 211,
    ]);
    expect(row(patches.data, 12, 1)).to.deep.equal([
      2, 3, 12, 13, 102, 103, 112, 113, 202, 203, 212, 213,
    ]);
    expect(row(patches.data, 12, 2)).to.deep.equal([
      20, 21, 30, 31, 120, 121, 130, 131, 220, 221, 230, 231,
    ]);
    expect(row(patches.data, 12, 3)).to.deep.equal([
      22, 23, 32, 33, 122, 123, 132, 133, 222, 223, 232, 233,
    ]);
  });

  it('reads RGBA bytes as bytes / 255 and ignores alpha', () => {
    const rgb = numberedImage();
    const rgba = new Uint8ClampedArray(4 * 4 * 4);
    for (let i = 0; i < 16; i++) {
      rgba.set([rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2], i], i * 4);
    }
    const patches = patchify(rgba, 4, 4, 2);
    expect(row(patches.data, 12, 3)).to.deep.equal(
      [22, 23, 32, 33, 122, 123, 132, 133, 222, 223, 232, 233].map((v) => Math.fround(v / 255)),
    );
  });

  it('one patch of the whole image, and 1 x 1 patches in raster order', () => {
    const whole = patchify(numberedImage(), 4, 4, 4);
    expect([whole.rows, whole.cols]).to.deep.equal([1, 48]);
    expect(Array.from(whole.data.subarray(0, 16))).to.deep.equal([
      0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23, 30, 31, 32, 33,
    ]);
    const pixels = patchify(numberedImage(), 4, 4, 1);
    expect([pixels.rows, pixels.cols]).to.deep.equal([16, 3]);
    expect(row(pixels.data, 3, 6)).to.deep.equal([12, 112, 212]);
  });

  it('handles a wide image: 6 x 2 in 2 x 2 patches is one row of three', () => {
    const image = Float32Array.from({ length: 6 * 2 * 3 }, (_, i) => i);
    const patches = patchify(image, 6, 2, 2);
    expect(patchGrid(6, 2, 2)).to.deep.equal({
      rows: 1,
      cols: 3,
      count: 3,
      size: 12,
      patchSize: 2,
    });
    // Patch 2's R plane: pixels (4, 0), (5, 0), (4, 1), (5, 1).
    expect(Array.from(patches.data.subarray(24, 28))).to.deep.equal([12, 15, 30, 33]);
  });

  it('gives a viewer sample and the batch generator the same patches', () => {
    // Sample 0 of a batch with seed 7 is the sample of sampleSeed(7, 0).
    const sample = generateShapes2D({ seed: sampleSeed(7, 0) });
    const batch = generateBatch2D(1, { seed: 7 });
    const fromBytes = patchify(sample.input, 128, 128, 16);
    expect([fromBytes.rows, fromBytes.cols]).to.deep.equal([64, 768]);
    expect(fromBytes.data).to.deep.equal(patchify(batch.inputs, 128, 128, 16).data);
    // Patch 9 (row 1, column 1) starts with the red of pixel (16, 16).
    expect(fromBytes.data[9 * 768]).to.equal(Math.fround(sample.input[(16 * 128 + 16) * 4] / 255));
  });

  it('names patch-size and the sizes that would work when it does not divide the image', () => {
    expect(() => patchify(numberedImage(), 4, 4, 3)).to.throw(
      RangeError,
      'patch-size 3 does not divide the 4 x 4 image; sizes that would: 1, 2, 4',
    );
    expect(() => patchGrid(128, 128, 5)).to.throw(
      RangeError,
      'patch-size 5 does not divide the 128 x 128 image; sizes that would: 1, 2, 4, 8, 16, 32, 64, 128',
    );
    expect(() => patchGrid(128, 96, 64)).to.throw(
      RangeError,
      'sizes that would: 1, 2, 4, 8, 16, 32',
    );
    expect(() => patchGrid(4, 4, 0)).to.throw(
      RangeError,
      'patch-size must be a whole number >= 1, got 0',
    );
    expect(() => patchGrid(4, 4, 2.5)).to.throw(RangeError, 'patch-size must be a whole number');
    expect(() => patchGrid(4, 4, NaN)).to.throw(RangeError, 'got NaN');
    expect(patchSizesFor(12, 18)).to.deep.equal([1, 2, 3, 6]);
  });

  it('names image when its length fits neither RGB nor RGBA', () => {
    expect(() => patchify(new Float32Array(10), 4, 4, 2)).to.throw(
      RangeError,
      'image holds 10 values; a 4 x 4 image needs 48 (RGB) or 64 (RGBA)',
    );
  });
});

describe('unpatchify', () => {
  it('puts 2 x 2 patches back where they came from', () => {
    const image = numberedImage();
    expect(unpatchify(patchify(image, 4, 4, 2), 4, 4, 2)).to.deep.equal(image);
    // Flat data works too: patch 1's first value is pixel (2, 0)'s red.
    const flat = new Float32Array(48);
    flat[12] = 7;
    const back = unpatchify(flat, 4, 4, 2);
    expect(back[(0 * 4 + 2) * 3]).to.equal(7);
    expect(back.reduce((s, v) => s + v, 0)).to.equal(7);
  });

  it('is the exact inverse of patchify on the 2D dataset for every size that divides 128', () => {
    const { inputs } = generateBatch2D(1, { seed: 3 });
    for (const p of [1, 2, 8, 16, 128]) {
      expect(unpatchify(patchify(inputs, 128, 128, p), 128, 128, p)).to.deep.equal(inputs);
    }
  });

  it('names patches when their count does not fit the image', () => {
    expect(() => unpatchify(new Float32Array(47), 4, 4, 2)).to.throw(
      RangeError,
      'patches hold 47 values; 4 patches of 2 x 2 x 3 need 48',
    );
    expect(() => unpatchify(new Float32Array(48), 4, 4, 3)).to.throw(RangeError, 'patch-size 3');
  });
});

describe('patch embedding', () => {
  it('multiplies each patch by the projection', () => {
    const patches = { data: Float32Array.from([1, 2, 0, 1]), rows: 2, cols: 2 };
    const embedded = embedPatches(patches, [1, 2, 3, 4], 2);
    expect(Array.from(embedded.data)).to.deep.equal([7, 10, 3, 4]);
    expect([embedded.rows, embedded.cols]).to.deep.equal([2, 2]);
    expect(() => embedPatches(patches, [1, 2, 3], 2)).to.throw(
      RangeError,
      'projection holds 3 values; 2 x 2 needs 4',
    );
  });

  it('adds the bias of a trained embedding', () => {
    const patches = { data: Float32Array.from([1, 2, 0, 1]), rows: 2, cols: 2 };
    const embedded = embedPatches(patches, [1, 2, 3, 4], 2, [10, -20]);
    expect(Array.from(embedded.data)).to.deep.equal([17, -10, 13, -16]);
    expect(() => embedPatches(patches, [1, 2, 3, 4], 2, [1])).to.throw(
      RangeError,
      'bias holds 1 values; dim 2 needs 2',
    );
    expect(Array.from(checkBias([0.5, -1], 2))).to.deep.equal([0.5, -1]);
    expect(() => checkBias([1, Number.NaN], 2)).to.throw(
      RangeError,
      "bias[1] must be a finite number inside float32's range, got NaN",
    );
  });

  it('draws a seeded projection from N(0, 1/size)', () => {
    const a = patchProjection(768, 16, 2);
    expect(a).to.deep.equal(patchProjection(768, 16, 2));
    expect(a).not.to.deep.equal(patchProjection(768, 16, 3));
    const mean = a.reduce((s, v) => s + v, 0) / a.length;
    const std = Math.sqrt(a.reduce((s, v) => s + (v - mean) ** 2, 0) / a.length);
    expect(mean).to.be.closeTo(0, 0.003);
    expect(std).to.be.closeTo(1 / Math.sqrt(768), 0.002);
  });

  it('checks a projection handed in, naming it', () => {
    expect(Array.from(checkProjection([1, 2, 3, 4], 2, 2))).to.deep.equal([1, 2, 3, 4]);
    expect(() => checkProjection([1, NaN, 3, 4], 2, 2)).to.throw(
      RangeError,
      "projection[1] must be a finite number inside float32's range, got NaN",
    );
    expect(() => checkProjection([1, 2], 2, 2)).to.throw(
      RangeError,
      'projection holds 2 values; 2 x 2 needs 4',
    );
    expect(() => checkProjection('weights', 2, 2)).to.throw(
      RangeError,
      'projection must be an array or typed array of numbers, got string',
    );
  });
});

describe('patch-grid positional encodings', () => {
  const s1 = Math.sin(1);
  const c1 = Math.cos(1);
  const close = (actual: ArrayLike<number>, expected: number[]) => {
    expect(actual.length).to.equal(expected.length);
    expected.forEach((v, i) => expect(actual[i]).to.be.closeTo(v, 1e-6));
  };

  it('2D sinusoidal: the first half encodes the row, the second the column', () => {
    const pe = patchPositionalEncoding('sinusoidal', 2, 2, 4);
    close(pe.subarray(0, 4), [0, 1, 0, 1]);
    close(pe.subarray(4, 8), [0, 1, s1, c1]);
    close(pe.subarray(8, 12), [s1, c1, 0, 1]);
    close(pe.subarray(12, 16), [s1, c1, s1, c1]);
  });

  it('learnable: one seeded row per patch, or the trained table', () => {
    expect(patchPositionalEncoding('learnable', 3, 4, 8, { seed: 5 })).to.deep.equal(
      positionalEncoding('learnable', 12, 8, { seed: 5 }),
    );
    expect(
      Array.from(patchPositionalEncoding('learnable', 1, 2, 2, { table: [1, 2, 3, 4] })),
    ).to.deep.equal([1, 2, 3, 4]);
    expect(() => patchPositionalEncoding('learnable', 1, 2, 2, { table: [1, 2] })).to.throw(
      RangeError,
      'table holds 2 values; 2 x 2 needs 4',
    );
  });

  it('rope: the cos and sin of each axis angle; tokens turned, not added to', () => {
    const pe = patchPositionalEncoding('rope', 2, 2, 4);
    close(pe.subarray(12, 16), [c1, s1, c1, s1]);
    const embeddings = Float32Array.from([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]);
    const tokens = patchTokens(embeddings, 'rope', 2, 2, 4);
    expect(tokens).to.deep.equal(applyRope2D(embeddings, 2, 2, 4));
    close(tokens.subarray(4, 8), [1, 0, c1, s1]);
    close(tokens.subarray(12, 16), [c1, s1, c1, s1]);
  });

  it("rope by head, as the models turn queries and keys: each head's halves by row and column", () => {
    // dim 8 in 2 heads of 4: in each head, pair 0 turns with the row, pair 1 with the column,
    // both at frequency 1 (one pair per axis). In one head of 8, the second pair would turn with
    // the row at frequency 1/100 instead.
    const ones = new Float32Array(4 * 8).fill(1);
    const turned = applyPatchRope(ones, 2, 2, 8, 2);
    const [a, b] = [c1 - s1, s1 + c1];
    // Patch 1: row 0, column 1.
    close(turned.subarray(8, 16), [1, 1, a, b, 1, 1, a, b]);
    // Patch 3: row 1, column 1.
    close(turned.subarray(24, 32), [a, b, a, b, a, b, a, b]);
    const whole = applyPatchRope(ones, 2, 2, 8, 1);
    const slow = [Math.cos(0.01) - Math.sin(0.01), Math.sin(0.01) + Math.cos(0.01)];
    close(whole.subarray(24, 32), [a, b, ...slow, a, b, ...slow]);
    // The tokens and the rotations shown follow the heads.
    const embeddings = new Float32Array(32).fill(1);
    expect(patchTokens(embeddings, 'rope', 2, 2, 8, { heads: 2 })).to.deep.equal(turned);
    const pe = patchPositionalEncoding('rope', 2, 2, 8, { heads: 2 });
    close(pe.subarray(24, 32), [c1, s1, c1, s1, c1, s1, c1, s1]);
    close(pe.subarray(8, 16), [1, 0, c1, s1, 1, 0, c1, s1]);
    expect(() => applyPatchRope(ones, 2, 2, 8, 4)).to.throw(
      RangeError,
      'dim / heads must be a multiple of 4 for 2D RoPE (pairs per axis in each head), got 8 / 4',
    );
    expect(() => patchPositionalEncoding('rope', 2, 2, 8, { heads: 3 })).to.throw(
      RangeError,
      'dim / heads must be a multiple of 4 for 2D RoPE (pairs per axis in each head), got 8 / 3',
    );
  });

  it('tokens are embedding plus encoding for learnable and sinusoidal', () => {
    const embeddings = new Float32Array(16).fill(0.5);
    const tokens = patchTokens(embeddings, 'sinusoidal', 2, 2, 4);
    close(tokens.subarray(4, 8), [0.5, 1.5, 0.5 + s1, 0.5 + c1]);
    expect(() => patchTokens(new Float32Array(3), 'sinusoidal', 2, 2, 4)).to.throw(
      RangeError,
      'embeddings hold 3 values; 4 x 4 needs 16',
    );
  });

  it('similarity: cosine of the encodings, (cos dr + cos dc) / 2 for sinusoidal and rope', () => {
    for (const kind of ['sinusoidal', 'rope'] as const) {
      const { data, rows, cols } = patchPositionSimilarity(kind, 2, 2, 4);
      expect([rows, cols]).to.deep.equal([4, 4]);
      expect(data[0]).to.be.closeTo(1, 1e-6);
      expect(data[1]).to.be.closeTo((1 + c1) / 2, 1e-6);
      expect(data[2]).to.be.closeTo((1 + c1) / 2, 1e-6);
      expect(data[3]).to.be.closeTo(c1, 1e-6);
      // Patches 1 and 2 are one row and one column apart, like 0 and 3.
      expect(data[1 * 4 + 2]).to.be.closeTo(c1, 1e-6);
    }
  });

  it('similarity of rope depends on the offsets alone on a larger grid', () => {
    const { data } = patchPositionSimilarity('rope', 4, 4, 16);
    // (0,0)-(1,2) and (2,1)-(3,3) are both one row and two columns apart.
    expect(data[0 * 16 + 6]).to.be.closeTo(data[9 * 16 + 15], 1e-6);
  });

  it('similarity of a fresh learnable table is random: no grid structure', () => {
    const { data } = patchPositionSimilarity('learnable', 4, 4, 16, { seed: 1 });
    expect(data[0]).to.be.closeTo(1, 1e-6);
    expect(Math.abs(data[0 * 16 + 1] - data[1 * 16 + 2])).to.be.above(0.01);
  });

  it('names a bad encoding or dim', () => {
    expect(() => patchPositionalEncoding('linear' as 'rope', 2, 2, 4)).to.throw(
      RangeError,
      'encoding must be one of learnable, sinusoidal, rope, got "linear"',
    );
    expect(() => patchPositionalEncoding('sinusoidal', 2, 2, 5)).to.throw(
      RangeError,
      'dim must be even for 2D sinusoidal (half per axis), got 5',
    );
    expect(() => patchPositionalEncoding('rope', 2, 2, 6)).to.throw(
      RangeError,
      'dim must be a multiple of 4 for 2D RoPE (pairs per axis), got 6',
    );
    expect(() => patchPositionalEncoding('learnable', 2, 2, 0)).to.throw(
      RangeError,
      'dim must be a whole number in [1, 4096], got 0',
    );
  });
});
