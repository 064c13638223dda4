import { expect } from '@open-wc/testing';
import {
  crossAttentionMass,
  generateShapes2D,
  patchShapePixels,
  shapeCovers2D,
  type Shape2D,
} from '../src/index.js';

/** A filled rectangle of the 2D dataset, at pixels [x, x + width) x [y, y + height). */
function rectangle(x: number, y: number, width: number, height: number): Shape2D {
  return {
    type: 'filled_rectangle',
    x,
    y,
    width,
    height,
    thickness: 0,
    color: [200, 0, 0],
    groupColor: [200, 0, 0],
    inTarget: true,
  };
}

/**
 * A 4 x 4 image cut into 2 x 2 patches (0 top left, 1 top right, 2 bottom left, 3 bottom right):
 * rectangle A covers the left column of patches (0 and 2), rectangle B, its group-mate, patch 1;
 * patch 3 is background.
 */
const sample = {
  width: 4,
  height: 4,
  shapes: [rectangle(0, 0, 2, 4), rectangle(2, 0, 2, 2)],
};

/** Head 0 reads chosen patches; head 1 attends evenly. [heads, queries, keys]. */
const weights = Float32Array.from([
  // head 0
  ...[0.5, 0.25, 0.25, 0],
  ...[0.1, 0.6, 0.1, 0.2],
  ...[0.25, 0.25, 0.25, 0.25],
  ...[1, 0, 0, 0],
  // head 1
  ...Array<number>(16).fill(0.25),
]);

describe('patchShapePixels', () => {
  it('counts each shape pixels inside each patch, patches in raster order', () => {
    expect(Array.from(patchShapePixels(sample, 2))).to.deep.equal([4, 0, 0, 4, 4, 0, 0, 0]);
  });

  it('refuses a patch size that does not divide the image', () => {
    expect(() => patchShapePixels(sample, 3)).to.throw(RangeError, /patchSize must divide/);
  });

  it('finds every covered pixel of a generated sample once', () => {
    const generated = generateShapes2D({ seed: 3 });
    const pixels = patchShapePixels(generated, 16);
    const n = generated.shapes.length;
    for (let s = 0; s < n; s++) {
      let total = 0;
      for (let p = 0; p < 64; p++) total += pixels[p * n + s];
      let covered = 0;
      for (let y = 0; y < 128; y++)
        for (let x = 0; x < 128; x++) if (shapeCovers2D(generated.shapes[s], x, y)) covered++;
      expect(total).to.equal(covered);
    }
  });
});

describe('crossAttentionMass', () => {
  const mass = crossAttentionMass([{ sample, weights }], 2, 2);

  it('counts only the queries on a shape, and for mates those whose shape has a mate', () => {
    expect(mass.self.queries).to.equal(3);
    expect(mass.shape.queries).to.equal(3);
    expect(mass.mates.queries).to.equal(3);
  });

  it('gives a head its share on the own patch, shape and group-mates against chance', () => {
    const [head0] = mass.heads;
    expect(head0.self.share).to.be.closeTo(1.35 / 3, 1e-7);
    expect(head0.self.chance).to.be.closeTo(0.25, 1e-12);
    expect(head0.self.ratio).to.be.closeTo(1.8, 1e-6);
    expect(head0.shape.share).to.be.closeTo(1.85 / 3, 1e-7);
    expect(head0.shape.chance).to.be.closeTo(1.25 / 3, 1e-12);
    expect(head0.shape.ratio).to.be.closeTo(1.48, 1e-6);
    expect(head0.mates.share).to.be.closeTo(0.7 / 3, 1e-7);
    expect(head0.mates.chance).to.be.closeTo(1 / 3, 1e-12);
    expect(head0.mates.ratio).to.be.closeTo(0.7, 1e-6);
  });

  it('gives even attention exactly chance (ratio 1)', () => {
    const [, head1] = mass.heads;
    for (const set of [head1.self, head1.shape, head1.mates])
      expect(set.ratio).to.be.closeTo(1, 1e-7);
  });

  it('measures the heads mean map', () => {
    expect(mass.self.ratio).to.be.closeTo(1.4, 1e-6);
    expect(mass.shape.ratio).to.be.closeTo(1.24, 1e-6);
    expect(mass.mates.ratio).to.be.closeTo(0.85, 1e-6);
  });

  it('weighs every query of every image the same', () => {
    const twice = crossAttentionMass(
      [
        { sample, weights },
        { sample, weights },
      ],
      2,
      2,
    );
    expect(twice.shape.queries).to.equal(6);
    expect(twice.shape.ratio).to.be.closeTo(mass.shape.ratio, 1e-9);
  });

  it('is NaN for a set no query counts in', () => {
    const alone = crossAttentionMass(
      [{ sample: { ...sample, shapes: [sample.shapes[0]] }, weights }],
      2,
      2,
    );
    expect(alone.mates.queries).to.equal(0);
    expect(alone.mates.ratio).to.be.NaN;
    expect(alone.shape.queries).to.equal(2);
  });

  it('gives even attention chance on generated images', () => {
    const images = [0, 1, 2].map((seed) => ({
      sample: generateShapes2D({ seed }),
      weights: new Float32Array(4 * 64 * 64).fill(1 / 64),
    }));
    const even = crossAttentionMass(images, 4, 16);
    expect(even.shape.queries).to.be.above(0);
    for (const set of [even.self, even.shape, even.mates]) expect(set.ratio).to.be.closeTo(1, 1e-5);
  });

  it('refuses weights of the wrong size', () => {
    expect(() => crossAttentionMass([{ sample, weights }], 1, 2)).to.throw(
      RangeError,
      /heads x patches x patches = 1 x 4 x 4 values, got 32/,
    );
  });
});
