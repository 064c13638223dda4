import { expect } from '@open-wc/testing';
import {
  SHAPE_TYPES_1D,
  SHAPES_1D_LIMITS,
  baselineScores1D,
  drawShape1D,
  generateBatch1D,
  gaussianKernel,
  generateShapes1D,
  sampleSeed,
  type Sample1D,
} from '../src/index.js';

const SAMPLES = Array.from({ length: 600 }, (_, seed) => generateShapes1D({ seed }));

/** The sample redrawn without noise, each shape at its own amplitude. */
function clean(sample: Sample1D, amplitude: 'amplitude' | 'groupAmplitude'): Float32Array {
  const out = new Float32Array(sample.input.length);
  for (const s of sample.shapes) drawShape1D(out, s.type, s.start, s.width, s[amplitude]);
  return out;
}

describe('generateShapes1D: counts and placement', () => {
  it('uses 3 or 4 distinct types, each 1 to 4 times, both ends of each range reached', () => {
    const typeCounts = new Set<number>();
    const occurrenceCounts = new Set<number>();
    for (const { shapes } of SAMPLES) {
      const byType = new Map<string, number>();
      for (const s of shapes) byType.set(s.type, (byType.get(s.type) ?? 0) + 1);
      typeCounts.add(byType.size);
      for (const count of byType.values()) occurrenceCounts.add(count);
      expect(shapes.length).to.be.within(3, 16);
    }
    expect([...typeCounts].sort()).to.deep.equal([3, 4]);
    expect([...occurrenceCounts].sort()).to.deep.equal([1, 2, 3, 4]);
  });

  it('draws widths in [10, 40] and starts in [0, length - width], every type used', () => {
    const widths = new Set<number>();
    const types = new Set<string>();
    for (const { shapes } of SAMPLES) {
      for (const s of shapes) {
        expect(s.width).to.be.within(10, 40);
        expect(s.start).to.be.within(0, 400 - s.width);
        widths.add(s.width);
        types.add(s.type);
      }
    }
    expect(Math.min(...widths)).to.equal(10);
    expect(Math.max(...widths)).to.equal(40);
    expect([...types].sort()).to.deep.equal([...SHAPE_TYPES_1D].sort());
  });

  it('never overlaps two shapes, though they may touch', () => {
    let touching = 0;
    for (const { shapes } of SAMPLES) {
      const sorted = [...shapes].sort((a, b) => a.start - b.start);
      for (let i = 1; i < sorted.length; i++) {
        const end = sorted[i - 1].start + sorted[i - 1].width;
        expect(end).to.be.at.most(sorted[i].start);
        if (end === sorted[i].start) touching++;
      }
    }
    expect(touching).to.be.above(0);
  });

  it('drops an occurrence after 100 failed placements', () => {
    // Length 45 holds at most one shape of width >= 23, so most occurrences must be dropped.
    for (let seed = 0; seed < 50; seed++) {
      const { shapes } = generateShapes1D({ seed, length: 45, minWidth: 23, maxWidth: 40 });
      expect(shapes.length).to.equal(1);
    }
  });

  it('places about 8.7 shapes per sample on average', () => {
    const total = SAMPLES.reduce((sum, s) => sum + s.shapes.length, 0);
    expect(total / SAMPLES.length).to.be.closeTo(8.7, 0.25);
  });
});

describe('generateShapes1D: amplitudes and groups', () => {
  it('draws magnitudes in [10, 50], negative exactly for neg_ types', () => {
    for (const { shapes } of SAMPLES) {
      for (const s of shapes) {
        expect(Math.abs(s.amplitude)).to.be.within(10, 50);
        expect(Math.sign(s.amplitude)).to.equal(s.type.startsWith('neg') ? -1 : 1);
      }
    }
  });

  it('gives each shape its signed type group mean; a lone shape keeps its amplitude', () => {
    let lone = 0;
    for (const { shapes } of SAMPLES) {
      for (const s of shapes) {
        const group = shapes.filter((t) => t.type === s.type);
        const mean = group.reduce((sum, t) => sum + t.amplitude, 0) / group.length;
        expect(s.groupAmplitude).to.be.closeTo(mean, 1e-12);
        if (group.length === 1) {
          expect(s.groupAmplitude).to.equal(s.amplitude);
          lone++;
        }
      }
    }
    expect(lone).to.be.above(0);
  });

  it('draws the target exactly: every shape at its group mean, zero elsewhere', () => {
    for (const sample of SAMPLES.slice(0, 100)) {
      expect(Array.from(sample.target)).to.deep.equal(Array.from(clean(sample, 'groupAmplitude')));
    }
  });

  it('draws the input as the shapes at their own amplitude when there is no noise', () => {
    const sample = generateShapes1D({ seed: 3, noiseStd: 0 });
    expect(Array.from(sample.input)).to.deep.equal(Array.from(clean(sample, 'amplitude')));
    expect(sample.shapes).to.deep.equal(generateShapes1D({ seed: 3 }).shapes);
  });
});

describe('drawShape1D: profiles', () => {
  const draw = (type: (typeof SHAPE_TYPES_1D)[number], width: number, amplitude: number) => {
    const out = new Float32Array(width + 2);
    drawShape1D(out, type, 1, width, amplitude);
    // + 0 turns the -0 of a negative shape's first sample into 0.
    return Array.from(out, (v) => v + 0);
  };

  it('draws a rectangle flat', () => {
    expect(draw('pos_rectangle', 10, 7)).to.deep.equal([0, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 0]);
  });

  it('draws a triangle rising from 0 to a peak at floor(width / 2), then falling to 0', () => {
    expect(draw('pos_triangle', 10, 10)).to.deep.equal([0, 0, 2, 4, 6, 8, 10, 7.5, 5, 2.5, 0, 0]);
    expect(draw('neg_triangle', 11, -10)).to.deep.equal([
      0, 0, -2, -4, -6, -8, -10, -8, -6, -4, -2, 0, 0,
    ]);
  });

  it('draws a semicircle A * sqrt(1 - x^2) with x from -1 to 1', () => {
    const values = draw('pos_semicircle', 11, 20);
    expect(values[1]).to.equal(0);
    expect(values[11]).to.equal(0);
    expect(values[6]).to.equal(20);
    // x = -0.6: sqrt(1 - 0.36) = 0.8.
    expect(values[3]).to.be.closeTo(16, 1e-5);
    expect(values[9]).to.be.closeTo(16, 1e-5);
  });
});

describe('generateShapes1D: noise and reference figures', () => {
  it('adds smooth noise of effective std about 0.72 (white std 3, 31-tap Gaussian kernel, sigma 5)', () => {
    let squares = 0;
    let lagProducts = 0;
    let count = 0;
    for (const sample of SAMPLES.slice(0, 300)) {
      const shapes = clean(sample, 'amplitude');
      // Away from the zero padding at the ends, where the noise is weaker.
      for (let i = 16; i < 384; i++) {
        const noise = sample.input[i] - shapes[i];
        squares += noise * noise;
        lagProducts += noise * (sample.input[i + 1] - shapes[i + 1]);
        count++;
      }
    }
    const kernel = gaussianKernel(5);
    expect(kernel.length).to.equal(31);
    const expected = 3 * Math.sqrt(kernel.reduce((sum, k) => sum + k * k, 0));
    expect(expected).to.be.closeTo(0.72, 0.01);
    expect(Math.sqrt(squares / count)).to.be.closeTo(expected, 0.02);
    // Smoothed by sigma 5, neighbours are correlated at exp(-1 / (4 * 25)) = 0.99.
    expect(lagProducts / squares).to.be.closeTo(0.99, 0.005);
  });

  it('leaves the noise white when noiseSigma is 0', () => {
    const sample = generateShapes1D({ seed: 9, noiseSigma: 0 });
    const shapes = clean(sample, 'amplitude');
    let squares = 0;
    for (let i = 0; i < 400; i++) squares += (sample.input[i] - shapes[i]) ** 2;
    expect(Math.sqrt(squares / 400)).to.be.closeTo(3, 0.35);
  });

  it('matches the reference figures: mean squared target ~310, input vs target MSE ~26', () => {
    let targetSquares = 0;
    let errors = 0;
    const samples = Array.from({ length: 3000 }, (_, i) => generateShapes1D({ seed: 10_000 + i }));
    for (const { input, target } of samples) {
      for (let i = 0; i < 400; i++) {
        targetSquares += target[i] * target[i];
        errors += (input[i] - target[i]) ** 2;
      }
    }
    const n = samples.length * 400;
    expect(targetSquares / n).to.be.closeTo(310, 15);
    expect(errors / n).to.be.closeTo(26, 1.5);
  });
});

describe('generateShapes1D: options', () => {
  it('is deterministic per seed', () => {
    expect(generateShapes1D({ seed: 5 })).to.deep.equal(generateShapes1D({ seed: 5 }));
    expect(generateShapes1D({ seed: 5 }).input).not.to.deep.equal(
      generateShapes1D({ seed: 6 }).input,
    );
  });

  it('works at length 500, the series prose value', () => {
    for (let seed = 0; seed < 50; seed++) {
      const { input, target, shapes } = generateShapes1D({ seed, length: 500 });
      expect(input.length).to.equal(500);
      expect(target.length).to.equal(500);
      for (const s of shapes) expect(s.start + s.width).to.be.at.most(500);
    }
  });

  it('honours the width and amplitude options', () => {
    const { shapes } = generateShapes1D({
      seed: 1,
      minWidth: 5,
      maxWidth: 6,
      minAmplitude: 1,
      maxAmplitude: 2,
    });
    for (const s of shapes) {
      expect(s.width).to.be.within(5, 6);
      expect(Math.abs(s.amplitude)).to.be.within(1, 2);
    }
  });

  it('rejects bad options with a RangeError naming the option', () => {
    expect(() => generateShapes1D({ length: -4 })).to.throw(RangeError, /length/);
    expect(() => generateShapes1D({ length: Number.NaN })).to.throw(RangeError, /length/);
    expect(() => generateShapes1D({ minWidth: 30, maxWidth: 20 })).to.throw(RangeError, /minWidth/);
    expect(() => generateShapes1D({ length: 20 })).to.throw(RangeError, /maxWidth.*length/);
    expect(() => generateShapes1D({ noiseStd: -1 })).to.throw(RangeError, /noiseStd/);
    expect(() => generateShapes1D({ seed: 0.5 })).to.throw(RangeError, /seed/);
  });

  it('bounds the size-like options, quoting the limits it exports', () => {
    expect(SHAPES_1D_LIMITS.length).to.deep.equal({ min: 1, max: 20_000 });
    expect(SHAPES_1D_LIMITS.noiseSigma).to.deep.equal({ min: 0, max: 100 });
    expect(() => generateShapes1D({ length: 20_001 })).to.throw(
      RangeError,
      /^length must be a whole number in \[1, 20000\], got 20001$/,
    );
    expect(() => generateShapes1D({ length: 1 << 24 })).to.throw(RangeError, /length/);
    expect(() => generateShapes1D({ noiseSigma: 101 })).to.throw(
      RangeError,
      /^noiseSigma must be a number in \[0, 100\], got 101$/,
    );
    // Values beyond float32 would become Infinity in the arrays.
    expect(() => generateShapes1D({ maxAmplitude: 1e39 })).to.throw(
      RangeError,
      /^maxAmplitude must be a number in \[0, 1000000\], got 1e\+39$/,
    );
    expect(() => generateShapes1D({ noiseStd: 1e39 })).to.throw(RangeError, /noiseStd/);
    expect(generateShapes1D({ length: 20_000, noiseSigma: 100 }).input).to.have.length(20_000);
  });

  it('still makes training batches of long series', () => {
    const batch = generateBatch1D(2, { seed: 4, length: 4096 });
    expect(batch.inputs).to.have.length(2 * 4096);
    expect(Array.from(batch.inputs.subarray(4096))).to.deep.equal(
      Array.from(generateShapes1D({ seed: sampleSeed(4, 1), length: 4096 }).input),
    );
  });
});

describe('baselineScores1D', () => {
  it('scores predicting zeros and copying the input as MSE against the targets', () => {
    const scores = baselineScores1D({
      inputs: Float32Array.from([1, 2, 3, 5]),
      targets: Float32Array.from([0, 2, 4, 2]),
    });
    // zeros: (0 + 4 + 16 + 4) / 4; copy: (1 + 0 + 1 + 9) / 4.
    expect(scores).to.deep.equal({ zeros: 6, copy: 2.75 });
  });

  it('gives the reference figures of docs/design/datasets.md: about 310 and 26', () => {
    const { zeros, copy } = baselineScores1D(generateBatch1D(1000, { seed: 3 }));
    expect(zeros).to.be.within(280, 340);
    expect(copy).to.be.within(23, 29);
  });
});

describe('generateBatch1D', () => {
  it('holds exactly the samples generateShapes1D gives for the derived seeds', () => {
    const batch = generateBatch1D(5, { seed: 11, firstIndex: 20, length: 300 });
    expect(batch.inputs.length).to.equal(5 * 300);
    for (let k = 0; k < 5; k++) {
      const sample = generateShapes1D({ seed: sampleSeed(11, 20 + k), length: 300 });
      expect(batch.inputs.subarray(k * 300, (k + 1) * 300)).to.deep.equal(sample.input);
      expect(batch.targets.subarray(k * 300, (k + 1) * 300)).to.deep.equal(sample.target);
    }
  });
});

describe('generateBatch1D into existing arrays', () => {
  it('overwrites the arrays it is given with exactly the fresh batch', () => {
    const fresh = generateBatch1D(4, { seed: 3, firstIndex: 8 });
    const into = {
      inputs: new Float32Array(1600).fill(7),
      targets: new Float32Array(1600).fill(7),
    };
    const reused = generateBatch1D(4, { seed: 3, firstIndex: 8 }, into);
    expect(reused.inputs).to.equal(into.inputs);
    expect(reused.inputs).to.deep.equal(fresh.inputs);
    expect(reused.targets).to.deep.equal(fresh.targets);
    expect(() => generateBatch1D(5, { seed: 3 }, into)).to.throw(RangeError, /into must hold 2000/);
  });
});
