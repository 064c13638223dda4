import { batchBuffers } from './batch-buffers.js';
import { SeededRandom, sampleSeed } from './random.js';
import { addConvolvedSame, gaussianKernel } from './smoothing.js';
import { checkInteger, checkNumber, checkOrder, withoutUndefined } from './validation.js';

/** The six signed shape types of the 1D dataset; each is its own group. */
export const SHAPE_TYPES_1D = [
  'pos_triangle',
  'pos_rectangle',
  'pos_semicircle',
  'neg_triangle',
  'neg_rectangle',
  'neg_semicircle',
] as const;

export type ShapeType1D = (typeof SHAPE_TYPES_1D)[number];

/** One shape placed in a 1D sample. */
export interface Shape1D {
  type: ShapeType1D;
  /** First index covered by the shape. */
  start: number;
  /** Number of samples covered: the shape spans `[start, start + width)`. */
  width: number;
  /** Its own signed amplitude, as drawn in the input. */
  amplitude: number;
  /** The mean signed amplitude of all shapes of its type in the sample, as drawn in the target. */
  groupAmplitude: number;
}

/** A 1D sample: the noisy input, the target the model must predict, and the shapes behind both. */
export interface Sample1D {
  input: Float32Array;
  target: Float32Array;
  shapes: Shape1D[];
}

/** Options of the 1D dataset; every number of docs/design/datasets.md is one of them. */
export interface Shapes1DOptions {
  seed?: number;
  length?: number;
  minWidth?: number;
  maxWidth?: number;
  minAmplitude?: number;
  maxAmplitude?: number;
  /** Standard deviation of the white noise before smoothing. */
  noiseStd?: number;
  /** Sigma of the Gaussian kernel that smooths the noise; 0 leaves it white. */
  noiseSigma?: number;
  minTypes?: number;
  maxTypes?: number;
  minOccurrences?: number;
  maxOccurrences?: number;
  /** Placement attempts per occurrence before it is dropped. */
  maxTries?: number;
}

export type ResolvedShapes1DOptions = Required<Shapes1DOptions>;

/** The defaults of docs/design/datasets.md. */
export const SHAPES_1D_DEFAULTS: Readonly<ResolvedShapes1DOptions> = Object.freeze({
  seed: 0,
  length: 400,
  minWidth: 10,
  maxWidth: 40,
  minAmplitude: 10,
  maxAmplitude: 50,
  noiseStd: 3,
  noiseSigma: 5,
  minTypes: 3,
  maxTypes: 4,
  minOccurrences: 1,
  maxOccurrences: 4,
  maxTries: 100,
});

/**
 * The bounds of the 1D options, read by `resolveShapes1DOptions` and by every element that passes
 * options through, so both quote the same numbers. Pairs share one entry: `width` bounds
 * `minWidth` and `maxWidth`, `amplitude` both amplitudes, and so on. The size-like maxima
 * (`length`, `noiseSigma`, whose kernel has `6 * sigma + 1` taps) keep one sample, generated and
 * drawn, under 50 ms on a 2-core laptop; the amplitude and noise maxima keep every value far
 * inside the float32 range. Training lengths (up to 4,096) fit.
 */
export const SHAPES_1D_LIMITS = Object.freeze({
  seed: { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  length: { min: 1, max: 20_000 },
  width: { min: 1, max: Infinity },
  amplitude: { min: 0, max: 1e6 },
  noiseStd: { min: 0, max: 1e6 },
  noiseSigma: { min: 0, max: 100 },
  types: { min: 1, max: SHAPE_TYPES_1D.length },
  occurrences: { min: 0, max: 10_000 },
  maxTries: { min: 1, max: 1_000_000 },
} as const);

/** Fills in defaults and checks every option, throwing a RangeError that names a bad one. */
export function resolveShapes1DOptions(options: Shapes1DOptions = {}): ResolvedShapes1DOptions {
  const o = { ...SHAPES_1D_DEFAULTS, ...withoutUndefined(options) };
  const limits = SHAPES_1D_LIMITS;
  checkInteger('length', o.length, limits.length.min, limits.length.max);
  checkInteger('minWidth', o.minWidth, limits.width.min, limits.width.max);
  checkInteger('maxWidth', o.maxWidth, limits.width.min, limits.width.max);
  checkOrder('minWidth', o.minWidth, 'maxWidth', o.maxWidth);
  checkOrder('maxWidth', o.maxWidth, 'length', o.length);
  checkNumber('minAmplitude', o.minAmplitude, limits.amplitude.min, limits.amplitude.max);
  checkNumber('maxAmplitude', o.maxAmplitude, limits.amplitude.min, limits.amplitude.max);
  checkOrder('minAmplitude', o.minAmplitude, 'maxAmplitude', o.maxAmplitude);
  checkNumber('noiseStd', o.noiseStd, limits.noiseStd.min, limits.noiseStd.max);
  checkNumber('noiseSigma', o.noiseSigma, limits.noiseSigma.min, limits.noiseSigma.max);
  checkInteger('minTypes', o.minTypes, limits.types.min, limits.types.max);
  checkInteger('maxTypes', o.maxTypes, limits.types.min, limits.types.max);
  checkOrder('minTypes', o.minTypes, 'maxTypes', o.maxTypes);
  checkInteger('minOccurrences', o.minOccurrences, limits.occurrences.min, limits.occurrences.max);
  checkInteger('maxOccurrences', o.maxOccurrences, limits.occurrences.min, limits.occurrences.max);
  checkOrder('minOccurrences', o.minOccurrences, 'maxOccurrences', o.maxOccurrences);
  checkInteger('maxTries', o.maxTries, limits.maxTries.min, limits.maxTries.max);
  checkInteger('seed', o.seed, limits.seed.min, limits.seed.max);
  return o;
}

/**
 * Generates one 1D sample: 3 or 4 shape types, 1 to 4 non-overlapping occurrences each, drawn at
 * their own amplitude plus smooth noise in `input`, and at their group's mean amplitude in `target`.
 */
export function generateShapes1D(options: Shapes1DOptions = {}): Sample1D {
  const o = resolveShapes1DOptions(options);
  const input = new Float32Array(o.length);
  const target = new Float32Array(o.length);
  const shapes = writeShapes1D(
    o,
    input,
    target,
    0,
    gaussianKernel(o.noiseSigma),
    new Float64Array(o.length),
  );
  return { input, target, shapes };
}

/** Samples of the 1D dataset in flat row-major arrays, ready for a tensor of shape [count, length]. */
export interface Batch1D {
  count: number;
  length: number;
  inputs: Float32Array;
  targets: Float32Array;
}

/**
 * Generates `count` samples into flat arrays. Sample `k` is exactly
 * `generateShapes1D({ ...options, seed: sampleSeed(seed, firstIndex + k) })`. A training loop can
 * pass the previous batch's arrays as `into` to have them overwritten rather than reallocated.
 */
export function generateBatch1D(
  count: number,
  options: Shapes1DOptions & { firstIndex?: number } = {},
  into?: { inputs: Float32Array; targets: Float32Array },
): Batch1D {
  checkInteger('count', count, 0);
  const { firstIndex = 0, ...rest } = options;
  checkInteger('firstIndex', firstIndex, 0, Number.MAX_SAFE_INTEGER);
  const o = resolveShapes1DOptions(rest);
  const { inputs, targets } = batchBuffers(count * o.length, into);
  const kernel = gaussianKernel(o.noiseSigma);
  const scratch = new Float64Array(o.length);
  for (let k = 0; k < count; k++) {
    const sample = { ...o, seed: sampleSeed(o.seed, firstIndex + k) };
    writeShapes1D(sample, inputs, targets, k * o.length, kernel, scratch);
  }
  return { count, length: o.length, inputs, targets };
}

/**
 * What the two reference predictions score on a batch, as mean squared error against its
 * targets: predicting zeros (about 310 at the defaults) and copying the input (about 26). A
 * model has learned the task only once it beats `copy`.
 */
export function baselineScores1D({ inputs, targets }: Pick<Batch1D, 'inputs' | 'targets'>): {
  zeros: number;
  copy: number;
} {
  let zeros = 0;
  let copy = 0;
  for (let i = 0; i < targets.length; i++) {
    zeros += targets[i] ** 2;
    copy += (inputs[i] - targets[i]) ** 2;
  }
  return { zeros: zeros / targets.length, copy: copy / targets.length };
}

/**
 * Draws the profile of one shape of type `type` into `out` at `offset + start`, with amplitude
 * `amplitude`: a rectangle is flat, a triangle rises from 0 to its peak at `floor(width / 2)` and
 * falls back to 0, a semicircle is `A * sqrt(1 - x^2)` with x spanning [-1, 1].
 */
export function drawShape1D(
  out: Float32Array,
  type: ShapeType1D,
  start: number,
  width: number,
  amplitude: number,
  offset = 0,
): void {
  const base = offset + start;
  if (type.endsWith('rectangle')) {
    for (let i = 0; i < width; i++) out[base + i] = amplitude;
  } else if (type.endsWith('triangle')) {
    const rise = Math.floor(width / 2);
    for (let i = 0; i < rise; i++) out[base + i] = (amplitude * i) / rise;
    const fall = width - rise;
    for (let i = 0; i < fall; i++) {
      out[base + rise + i] = fall === 1 ? amplitude : amplitude * (1 - i / (fall - 1));
    }
  } else {
    for (let i = 0; i < width; i++) {
      const x = width === 1 ? 0 : -1 + (2 * i) / (width - 1);
      out[base + i] = amplitude * Math.sqrt(Math.max(0, 1 - x * x));
    }
  }
}

function writeShapes1D(
  o: ResolvedShapes1DOptions,
  input: Float32Array,
  target: Float32Array,
  offset: number,
  kernel: Float64Array,
  noise: Float64Array,
): Shape1D[] {
  const random = new SeededRandom(o.seed);
  const typeCount = random.integer(o.minTypes, o.maxTypes);
  const types = random.sample(SHAPE_TYPES_1D, typeCount);
  const placed: Shape1D[] = [];
  for (const type of types) {
    const occurrences = random.integer(o.minOccurrences, o.maxOccurrences);
    for (let n = 0; n < occurrences; n++) {
      for (let attempt = 0; attempt < o.maxTries; attempt++) {
        const width = random.integer(o.minWidth, o.maxWidth);
        const start = random.integer(0, o.length - width);
        if (placed.some((s) => start < s.start + s.width && s.start < start + width)) continue;
        const magnitude = random.uniform(o.minAmplitude, o.maxAmplitude);
        const amplitude = type.startsWith('neg') ? -magnitude : magnitude;
        placed.push({ type, start, width, amplitude, groupAmplitude: amplitude });
        break;
      }
    }
  }
  for (const type of types) {
    const group = placed.filter((s) => s.type === type);
    const mean = group.reduce((sum, s) => sum + s.amplitude, 0) / group.length;
    for (const shape of group) shape.groupAmplitude = mean;
  }
  for (const shape of placed) {
    drawShape1D(input, shape.type, shape.start, shape.width, shape.amplitude, offset);
    drawShape1D(target, shape.type, shape.start, shape.width, shape.groupAmplitude, offset);
  }
  if (o.noiseStd > 0) {
    for (let i = 0; i < o.length; i++) noise[i] = o.noiseStd * random.gaussian();
    addConvolvedSame(noise, kernel, input, offset);
  }
  placed.sort((a, b) => a.start - b.start);
  return placed;
}
