import { expect } from '@open-wc/testing';
import {
  BASE_COLORS_2D,
  SHAPES_2D_LIMITS,
  generateBatch2D,
  generateShapes2D,
  sampleSeed,
  shapeCovers2D,
  type Rgb,
  type Sample2D,
  type Shape2D,
} from '../src/index.js';

const SAMPLES = Array.from({ length: 150 }, (_, seed) =>
  generateShapes2D({ seed, noiseStd: 0, blurSigma: 0 }),
);

function pixel(image: Uint8ClampedArray, width: number, x: number, y: number): number[] {
  const i = 4 * (y * width + x);
  return [image[i], image[i + 1], image[i + 2], image[i + 3]];
}

/** The shape covering (x, y), if any. */
function shapeAt(sample: Sample2D, x: number, y: number): Shape2D | undefined {
  return sample.shapes.find((s) => shapeCovers2D(s, x, y));
}

describe('generateShapes2D: layout', () => {
  it('makes 128 x 128 RGBA images with alpha 255', () => {
    const { width, height, input, target } = generateShapes2D({ seed: 1 });
    expect([width, height]).to.deep.equal([128, 128]);
    expect(input.length).to.equal(128 * 128 * 4);
    expect(target.length).to.equal(128 * 128 * 4);
    for (let i = 3; i < input.length; i += 4) {
      if (input[i] !== 255 || target[i] !== 255) expect.fail(`alpha at byte ${i}`);
    }
  });

  it('uses 3 or 4 distinct types, each 1 to 3 times', () => {
    const typeCounts = new Set<number>();
    const occurrences = new Set<number>();
    for (const { shapes } of SAMPLES) {
      const byType = new Map<string, number>();
      for (const s of shapes) byType.set(s.type, (byType.get(s.type) ?? 0) + 1);
      typeCounts.add(byType.size);
      for (const n of byType.values()) occurrences.add(n);
    }
    expect([...typeCounts].sort()).to.deep.equal([3, 4]);
    expect([...occurrences].sort()).to.deep.equal([1, 2, 3]);
  });

  it('draws sizes by the rules: radius 10-20, rectangle sides 10-30, triangle side 20-30', () => {
    for (const { shapes } of SAMPLES) {
      for (const s of shapes) {
        if (s.type.endsWith('circle')) {
          expect(s.width).to.equal(s.height);
          expect(s.width / 2).to.be.within(10, 20);
          expect(s.width % 2).to.equal(0);
        } else if (s.type.endsWith('rectangle')) {
          expect(s.width).to.be.within(10, 30);
          expect(s.height).to.be.within(10, 30);
        } else {
          expect(s.width).to.be.within(20, 30);
          expect(s.height).to.equal(Math.round((s.width * Math.sqrt(3)) / 2));
        }
        if (s.type.startsWith('hollow')) expect(s.thickness).to.be.within(1, 3);
        else expect(s.thickness).to.equal(0);
      }
    }
  });

  it('keeps bounding boxes inside the image and apart (touching allowed)', () => {
    for (const { shapes } of SAMPLES) {
      for (const a of shapes) {
        expect(a.x).to.be.at.least(0);
        expect(a.y).to.be.at.least(0);
        expect(a.x + a.width).to.be.at.most(128);
        expect(a.y + a.height).to.be.at.most(128);
        for (const b of shapes) {
          if (a === b) continue;
          const overlap =
            a.x < b.x + b.width &&
            b.x < a.x + a.width &&
            a.y < b.y + b.height &&
            b.y < a.y + a.height;
          expect(overlap, `${JSON.stringify(a)} overlaps ${JSON.stringify(b)}`).to.equal(false);
        }
      }
    }
  });

  it('draws a point-up triangle: one pixel wide at the apex, full width at the base', () => {
    const shape = {
      type: 'filled_triangle' as const,
      x: 0,
      y: 0,
      width: 20,
      height: 17,
      thickness: 0,
    };
    const rowWidth = (y: number) =>
      Array.from({ length: 20 }, (_, x) => shapeCovers2D(shape, x, y)).filter(Boolean).length;
    expect(rowWidth(0)).to.be.at.most(2);
    expect(rowWidth(16)).to.be.at.least(18);
    expect(rowWidth(8)).to.be.within(9, 11);
  });

  it('draws a hollow outline of the given thickness', () => {
    const shape = {
      type: 'hollow_rectangle' as const,
      x: 0,
      y: 0,
      width: 12,
      height: 10,
      thickness: 2,
    };
    const covered = (x: number, y: number) => shapeCovers2D(shape, x, y);
    expect([0, 1, 2].map((x) => covered(x, 5))).to.deep.equal([true, true, false]);
    expect(covered(6, 1)).to.equal(true);
    expect(covered(6, 2)).to.equal(false);
  });
});

describe('generateShapes2D: colours', () => {
  it('moves each channel of a base colour by at most 64, clipped to [0, 255]', () => {
    const offsets = new Set<number>();
    for (const { shapes } of SAMPLES) {
      for (const s of shapes) {
        const base = BASE_COLORS_2D.find((b) => b.every((v, c) => Math.abs(v - s.color[c]) <= 64));
        expect(base, `colour ${s.color.join(',')}`).to.not.equal(undefined);
        for (const v of s.color) {
          expect(Number.isInteger(v)).to.equal(true);
          expect(v).to.be.within(0, 255);
        }
        offsets.add(s.color[0] > 127 ? s.color[0] - 255 : s.color[0]);
      }
    }
    expect(Math.min(...offsets)).to.be.below(-50);
    expect(Math.max(...offsets)).to.be.above(50);
  });

  it('gives each shape the truncated per-channel mean colour of its group', () => {
    for (const { shapes } of SAMPLES) {
      for (const s of shapes) {
        const group = shapes.filter((t) => t.type === s.type);
        const mean = [0, 1, 2].map((c) =>
          Math.trunc(group.reduce((sum, t) => sum + t.color[c], 0) / group.length),
        );
        expect(s.groupColor).to.deep.equal(mean);
      }
    }
  });

  it('draws the noise-free input and target exactly: own colour, group colour, black elsewhere', () => {
    for (const sample of SAMPLES.slice(0, 20)) {
      for (let y = 0; y < 128; y++) {
        for (let x = 0; x < 128; x++) {
          const shape = shapeAt(sample, x, y);
          const own: Rgb = shape ? shape.color : [0, 0, 0];
          const group: Rgb = shape ? shape.groupColor : [0, 0, 0];
          const input = pixel(sample.input, 128, x, y);
          const target = pixel(sample.target, 128, x, y);
          if (input.join() !== [...own, 255].join()) expect(input).to.deep.equal([...own, 255]);
          if (target.join() !== [...group, 255].join())
            expect(target).to.deep.equal([...group, 255]);
        }
      }
    }
  });
});

describe('generateShapes2D: noise', () => {
  it('adds clipped Gaussian noise of std 128, then blurs with sigma 1', () => {
    // Background pixels: clip(N(0, 128), 0, 255) has mean 128 phi(0) - (tail above 255) = 49.95.
    const noisy = generateShapes2D({ seed: 4 });
    const noBlur = generateShapes2D({ seed: 4, blurSigma: 0 });
    const stats = (image: Uint8ClampedArray) => {
      let sum = 0;
      let squares = 0;
      let n = 0;
      for (let y = 0; y < 128; y++) {
        for (let x = 0; x < 128; x++) {
          if (
            noisy.shapes.some(
              (s) =>
                x >= s.x - 4 && x < s.x + s.width + 4 && y >= s.y - 4 && y < s.y + s.height + 4,
            )
          )
            continue;
          const v = image[4 * (y * 128 + x)];
          sum += v;
          squares += v * v;
          n++;
        }
      }
      const mean = sum / n;
      return { mean, std: Math.sqrt(squares / n - mean * mean) };
    };
    const blurred = stats(noisy.input);
    const raw = stats(noBlur.input);
    expect(raw.mean).to.be.closeTo(49.95, 3);
    expect(blurred.mean).to.be.closeTo(49.95, 3);
    // Unblurred, the clipped noise has std 70; a sigma-1 blur divides white noise's std by about 3.5.
    expect(raw.std).to.be.closeTo(70, 4);
    expect(blurred.std).to.be.closeTo(20, 3);
    // The target stays noise-free.
    expect(noisy.target).to.deep.equal(generateShapes2D({ seed: 4, noiseStd: 0 }).target);
  });
});

describe('generateShapes2D: filters', () => {
  const withFilter = (filter: 'channel' | 'filled-circles') =>
    Array.from({ length: 300 }, (_, seed) =>
      generateShapes2D({ seed, filter, noiseStd: 0, blurSigma: 0 }),
    );

  it('none: every shape is in the target', () => {
    for (const { shapes } of SAMPLES) for (const s of shapes) expect(s.inTarget).to.equal(true);
  });

  it('channel: triangles need red > 128, rectangles green >= 128, circles blue >= 128', () => {
    let filtered = 0;
    let recoloured = 0;
    for (const sample of withFilter('channel')) {
      for (const s of sample.shapes) {
        const passes = s.type.endsWith('triangle')
          ? s.color[0] > 128
          : s.type.endsWith('rectangle')
            ? s.color[1] >= 128
            : s.color[2] >= 128;
        expect(s.inTarget).to.equal(passes);
        if (!passes) filtered++;
        if (
          [
            [255, 0, 0],
            [0, 255, 0],
            [0, 0, 255],
          ].some((c) => c.join() === s.color.join())
        )
          recoloured++;
        // A filtered shape is missing from the target, but still counts in its group's mean.
        const cx = s.x + Math.floor(s.width / 2);
        const cy = s.y + s.height - 1 - (s.thickness ? 0 : Math.floor(s.height / 3));
        if (shapeCovers2D(s, cx, cy)) {
          const expected = s.inTarget ? [...s.groupColor, 255] : [0, 0, 0, 255];
          expect(pixel(sample.target, 128, cx, cy)).to.deep.equal(expected);
        }
      }
      for (const family of ['triangle', 'rectangle', 'circle']) {
        const members = sample.shapes.filter((s) => s.type.endsWith(family));
        if (members.length > 0)
          expect(
            members.some((s) => s.inTarget),
            family,
          ).to.equal(true);
      }
    }
    expect(filtered).to.be.above(50);
    expect(recoloured).to.be.above(5);
  });

  it('channel: recolours one member of a family where none passes, to the pure colour', () => {
    // Same seed, so the same shapes: compare the family that failed under 'none'.
    let checked = 0;
    for (let seed = 0; seed < 300; seed++) {
      const before = generateShapes2D({ seed, noiseStd: 0, blurSigma: 0 }).shapes;
      const after = generateShapes2D({ seed, filter: 'channel', noiseStd: 0, blurSigma: 0 }).shapes;
      const triangles = before.filter((s) => s.type.endsWith('triangle'));
      if (triangles.length === 0 || triangles.some((s) => s.color[0] > 128)) continue;
      const changed = after.filter(
        (s, i) => s.type.endsWith('triangle') && s.color.join() !== before[i].color.join(),
      );
      expect(changed.length).to.equal(1);
      expect(changed[0].color).to.deep.equal([255, 0, 0]);
      checked++;
    }
    expect(checked).to.be.above(3);
  });

  it('keeps filtered shapes in their group mean colour, under both filters', () => {
    let differs = 0;
    for (const filter of ['channel', 'filled-circles'] as const) {
      for (const { shapes } of withFilter(filter)) {
        for (const s of shapes) {
          const group = shapes.filter((t) => t.type === s.type);
          const mean = (members: Shape2D[]) =>
            [0, 1, 2].map((c) =>
              Math.trunc(members.reduce((sum, t) => sum + t.color[c], 0) / members.length),
            );
          expect(s.groupColor).to.deep.equal(mean(group));
          const kept = group.filter((t) => t.inTarget);
          if (
            kept.length > 0 &&
            kept.length < group.length &&
            mean(kept).join() !== s.groupColor.join()
          )
            differs++;
        }
      }
    }
    // Groups where leaving the filtered members out would have given another colour.
    expect(differs).to.be.above(10);
  });

  it('filled-circles: only filled circles are tested, for blue >= 128', () => {
    let filtered = 0;
    for (const { shapes } of withFilter('filled-circles')) {
      for (const s of shapes) {
        if (s.type === 'filled_circle') {
          expect(s.inTarget).to.equal(s.color[2] >= 128);
          if (!s.inTarget) filtered++;
        } else {
          expect(s.inTarget).to.equal(true);
        }
      }
    }
    expect(filtered).to.be.above(5);
  });
});

describe('generateShapes2D: options', () => {
  it('is deterministic per seed', () => {
    expect(generateShapes2D({ seed: 8 })).to.deep.equal(generateShapes2D({ seed: 8 }));
    expect(generateShapes2D({ seed: 8 }).input).not.to.deep.equal(
      generateShapes2D({ seed: 9 }).input,
    );
  });

  it('rejects bad options with a RangeError naming the option', () => {
    expect(() => generateShapes2D({ width: 0 })).to.throw(RangeError, /width/);
    // @ts-expect-error an unknown filter, as an HTML attribute could give
    expect(() => generateShapes2D({ filter: 'blue' })).to.throw(RangeError, /filter/);
    expect(() => generateShapes2D({ minRadius: 9, maxRadius: 5 })).to.throw(
      RangeError,
      /minRadius/,
    );
  });

  it('bounds the size-like options, quoting the limits it exports', () => {
    expect(SHAPES_2D_LIMITS.width).to.deep.equal({ min: 1, max: 256 });
    expect(SHAPES_2D_LIMITS.height).to.deep.equal({ min: 1, max: 256 });
    expect(SHAPES_2D_LIMITS.blurSigma).to.deep.equal({ min: 0, max: 5 });
    expect(() => generateShapes2D({ width: 4096, height: 4096 })).to.throw(
      RangeError,
      /^width must be a whole number in \[1, 256\], got 4096$/,
    );
    expect(() => generateShapes2D({ height: 257 })).to.throw(RangeError, /^height .*\[1, 256\]/);
    expect(() => generateShapes2D({ blurSigma: 6 })).to.throw(
      RangeError,
      /^blurSigma must be a number in \[0, 5\], got 6$/,
    );
    expect(() => generateShapes2D({ noiseStd: 1e39 })).to.throw(
      RangeError,
      /^noiseStd must be a number in \[0, 1000\], got 1e\+39$/,
    );
    const largest = generateShapes2D({ width: 256, height: 256, blurSigma: 5 });
    expect(largest.input).to.have.length(256 * 256 * 4);
  });
});

describe('generateBatch2D', () => {
  it('holds each sample as NHWC floats, exactly its bytes / 255', () => {
    const batch = generateBatch2D(3, { seed: 2, firstIndex: 5, width: 32, height: 24 });
    expect(batch.inputs.length).to.equal(3 * 32 * 24 * 3);
    for (let k = 0; k < 3; k++) {
      const sample = generateShapes2D({ seed: sampleSeed(2, 5 + k), width: 32, height: 24 });
      for (let p = 0; p < 32 * 24; p++) {
        for (let c = 0; c < 3; c++) {
          const i = (k * 32 * 24 + p) * 3 + c;
          if (batch.inputs[i] !== Math.fround(sample.input[4 * p + c] / 255))
            expect.fail(`input ${i}`);
          if (batch.targets[i] !== Math.fround(sample.target[4 * p + c] / 255))
            expect.fail(`target ${i}`);
        }
      }
    }
  });
});

describe('generateBatch2D into existing arrays', () => {
  it('overwrites the arrays it is given with exactly the fresh batch', () => {
    const options = { seed: 5, width: 16, height: 16 };
    const fresh = generateBatch2D(2, options);
    const into = {
      inputs: new Float32Array(1536).fill(7),
      targets: new Float32Array(1536).fill(7),
    };
    const reused = generateBatch2D(2, options, into);
    expect(reused.targets).to.equal(into.targets);
    expect(reused.inputs).to.deep.equal(fresh.inputs);
    expect(reused.targets).to.deep.equal(fresh.targets);
  });
});
