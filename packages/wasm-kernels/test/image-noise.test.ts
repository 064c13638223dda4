import { expect } from '@open-wc/testing';
import { ImageNoise, type GaussianSource } from '../src/index.js';

// The kernels are checked bit for bit against the 2D generator's JavaScript in core's tests
// (shapes2d-pinned.test.ts); here, exact values worked out by hand, and the bad inputs.

const tables = {
  k: new Float64Array(128),
  w: new Float64Array(128),
  f: new Float64Array(128),
  portableExp: Math.exp,
};

/** A source that must not be drawn from (the images below have no noise). */
const silent: GaussianSource = {
  words: new Int32Array(4),
  tail: () => {
    throw new Error('no draw expected');
  },
};

describe('ImageNoise', () => {
  it('compiles in Chromium', () => {
    expect(ImageNoise.create(tables)).to.be.instanceOf(ImageNoise);
  });

  it('blurs a 3 x 1 image by [1/4, 1/2, 1/4], reflecting at the borders, rounding half up', () => {
    const kernels = ImageNoise.create(tables)!;
    // Planar bytes: R 0 100 200, G 255 255 255, B 0 0 2.
    const base = Uint8Array.of(0, 100, 200, 255, 255, 255, 0, 0, 2);
    const out = new Float32Array(2 + 9).fill(-1);
    kernels.image(base, 3, 1, 0, silent, Float64Array.of(0.25, 0.5, 0.25), out, 2);
    // R: (100 + 0 + 100) / 4 = 50, (0 + 200 + 200) / 4 = 100, (100 + 400 + 100) / 4 = 150 (the
    // borders reflected); B: 0, 2 / 4 = 0.5 rounds to 1, 2 / 2 = 1. One row reflects onto itself.
    const bytes = [50, 255, 0, 100, 255, 1, 150, 255, 1];
    expect(Array.from(out)).to.deep.equal([-1, -1, ...bytes.map((b) => Math.fround(b / 255))]);
  });

  it('leaves an image without noise or blur as its bytes / 255, interleaved', () => {
    const kernels = ImageNoise.create(tables)!;
    const base = Uint8Array.from({ length: 5 * 4 * 3 }, (_, i) => (i * 37) % 256);
    const out = new Float32Array(60);
    kernels.image(base, 5, 4, 0, silent, Float64Array.of(1), out, 0);
    const expected = Array.from({ length: 60 }, (_, i) => {
      const pixel = Math.floor(i / 3);
      return Math.fround(base[(i % 3) * 20 + pixel] / 255);
    });
    expect(Array.from(out)).to.deep.equal(expected);
  });

  it('refuses a kernel of even length or of more than 187 taps', () => {
    const kernels = ImageNoise.create(tables)!;
    const run = (taps: number) => () =>
      kernels.image(
        new Uint8Array(3),
        1,
        1,
        0,
        silent,
        new Float64Array(taps),
        new Float32Array(3),
        0,
      );
    expect(run(2)).to.throw(RangeError, /odd number of taps up to 187/);
    expect(run(189)).to.throw(RangeError, /odd number of taps up to 187/);
    expect(run(187)).not.to.throw();
  });
});
