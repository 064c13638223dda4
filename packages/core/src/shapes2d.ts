import { batchBuffers } from './batch-buffers.js';
import { SeededRandom, sampleSeed } from './random.js';
import { BYTE_TO_UNIT, noisyBlurredImage } from './shapes2d-pixels.js';
import { gaussianKernel } from './smoothing.js';
import {
  checkInteger,
  checkNumber,
  checkOneOf,
  checkOrder,
  withoutUndefined,
} from './validation.js';

/** The six shape types of the 2D dataset; each is its own group. */
export const SHAPE_TYPES_2D = [
  'filled_circle',
  'hollow_circle',
  'filled_rectangle',
  'hollow_rectangle',
  'filled_triangle',
  'hollow_triangle',
] as const;

export type ShapeType2D = (typeof SHAPE_TYPES_2D)[number];

/** Which shapes appear in the target: the three rules of docs/design/datasets.md. */
export const FILTER_MODES_2D = ['none', 'channel', 'filled-circles'] as const;
export type FilterMode2D = (typeof FILTER_MODES_2D)[number];

/** An RGB colour, each channel an integer in [0, 255]. */
export type Rgb = [number, number, number];

/** One shape placed in a 2D sample; `x, y, width, height` is its bounding box in pixels. */
export interface Shape2D {
  type: ShapeType2D;
  x: number;
  y: number;
  width: number;
  height: number;
  /** Outline thickness in pixels for hollow shapes, 0 for filled ones. */
  thickness: number;
  /** Its own colour, as drawn in the input. */
  color: Rgb;
  /** The per-channel mean colour of its group (truncated), as drawn in the target. */
  groupColor: Rgb;
  /** Whether the filter rule lets it into the target. */
  inTarget: boolean;
}

/** A 2D sample: input and target as RGBA images in canvas layout, and the shapes behind them. */
export interface Sample2D {
  width: number;
  height: number;
  input: Uint8ClampedArray;
  target: Uint8ClampedArray;
  shapes: Shape2D[];
}

/** Options of the 2D dataset; every number of docs/design/datasets.md is one of them. */
export interface Shapes2DOptions {
  seed?: number;
  width?: number;
  height?: number;
  filter?: FilterMode2D;
  /** Standard deviation of the per-pixel, per-channel Gaussian noise (in 0-255 units). */
  noiseStd?: number;
  /** Sigma of the Gaussian blur applied after the noise; 0 disables it. */
  blurSigma?: number;
  minTypes?: number;
  maxTypes?: number;
  minOccurrences?: number;
  maxOccurrences?: number;
  minRadius?: number;
  maxRadius?: number;
  minRectangleSide?: number;
  maxRectangleSide?: number;
  minTriangleSide?: number;
  maxTriangleSide?: number;
  minThickness?: number;
  maxThickness?: number;
  /** Each channel of a base colour moves by a uniform integer in [-colorJitter, colorJitter]. */
  colorJitter?: number;
  maxTries?: number;
}

export type ResolvedShapes2DOptions = Required<Shapes2DOptions>;

/** The defaults of docs/design/datasets.md. */
export const SHAPES_2D_DEFAULTS: Readonly<ResolvedShapes2DOptions> = Object.freeze({
  seed: 0,
  width: 128,
  height: 128,
  filter: 'none',
  noiseStd: 128,
  blurSigma: 1,
  minTypes: 3,
  maxTypes: 4,
  minOccurrences: 1,
  maxOccurrences: 3,
  minRadius: 10,
  maxRadius: 20,
  minRectangleSide: 10,
  maxRectangleSide: 30,
  minTriangleSide: 20,
  maxTriangleSide: 30,
  minThickness: 1,
  maxThickness: 3,
  colorJitter: 64,
  maxTries: 100,
});

/**
 * The bounds of the 2D options, read by `resolveShapes2DOptions` and by every element that passes
 * options through, so both quote the same numbers. Pairs share one entry: `types` bounds
 * `minTypes` and `maxTypes`, `shapeSize` every radius, side and thickness. The size-like maxima
 * (`width`, `height` and `blurSigma`, whose kernel has `6 * sigma + 1` taps per pass) keep one
 * sample, generated and drawn, under 50 ms on a 2-core laptop.
 */
export const SHAPES_2D_LIMITS = Object.freeze({
  seed: { min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  width: { min: 1, max: 256 },
  height: { min: 1, max: 256 },
  noiseStd: { min: 0, max: 1000 },
  blurSigma: { min: 0, max: 5 },
  types: { min: 1, max: SHAPE_TYPES_2D.length },
  occurrences: { min: 0, max: 10_000 },
  shapeSize: { min: 1, max: Infinity },
  colorJitter: { min: 0, max: 255 },
  maxTries: { min: 1, max: 1_000_000 },
} as const);

/** The six base colours: red, green, blue, yellow, magenta, cyan. */
export const BASE_COLORS_2D: readonly Rgb[] = Object.freeze([
  [255, 0, 0],
  [0, 255, 0],
  [0, 0, 255],
  [255, 255, 0],
  [255, 0, 255],
  [0, 255, 255],
]) as readonly Rgb[];

/** Fills in defaults and checks every option, throwing a RangeError that names a bad one. */
export function resolveShapes2DOptions(options: Shapes2DOptions = {}): ResolvedShapes2DOptions {
  const o = { ...SHAPES_2D_DEFAULTS, ...withoutUndefined(options) };
  const limits = SHAPES_2D_LIMITS;
  checkInteger('seed', o.seed, limits.seed.min, limits.seed.max);
  checkInteger('width', o.width, limits.width.min, limits.width.max);
  checkInteger('height', o.height, limits.height.min, limits.height.max);
  checkOneOf('filter', o.filter, FILTER_MODES_2D);
  checkNumber('noiseStd', o.noiseStd, limits.noiseStd.min, limits.noiseStd.max);
  checkNumber('blurSigma', o.blurSigma, limits.blurSigma.min, limits.blurSigma.max);
  checkInteger('minTypes', o.minTypes, limits.types.min, limits.types.max);
  checkInteger('maxTypes', o.maxTypes, limits.types.min, limits.types.max);
  checkOrder('minTypes', o.minTypes, 'maxTypes', o.maxTypes);
  checkInteger('minOccurrences', o.minOccurrences, limits.occurrences.min, limits.occurrences.max);
  checkInteger('maxOccurrences', o.maxOccurrences, limits.occurrences.min, limits.occurrences.max);
  checkOrder('minOccurrences', o.minOccurrences, 'maxOccurrences', o.maxOccurrences);
  for (const [low, high] of [
    ['minRadius', 'maxRadius'],
    ['minRectangleSide', 'maxRectangleSide'],
    ['minTriangleSide', 'maxTriangleSide'],
    ['minThickness', 'maxThickness'],
  ] as const) {
    checkInteger(low, o[low], limits.shapeSize.min, limits.shapeSize.max);
    checkInteger(high, o[high], limits.shapeSize.min, limits.shapeSize.max);
    checkOrder(low, o[low], high, o[high]);
  }
  checkInteger('colorJitter', o.colorJitter, limits.colorJitter.min, limits.colorJitter.max);
  checkInteger('maxTries', o.maxTries, limits.maxTries.min, limits.maxTries.max);
  return o;
}

/**
 * Generates one 2D sample: 3 or 4 shape types, 1 to 3 occurrences each with non-overlapping
 * bounding boxes, drawn in their own colours with noise and blur in `input`, and in their
 * group's mean colour in `target` (only those the filter keeps).
 */
export function generateShapes2D(options: Shapes2DOptions = {}): Sample2D {
  const o = resolveShapes2DOptions(options);
  const values = o.width * o.height * 3;
  const input = new Float32Array(values);
  const target = new Float32Array(values);
  const shapes = renderShapes2D(o, gaussianKernel(o.blurSigma), input, target, 0);
  return {
    width: o.width,
    height: o.height,
    input: unitToRgba(input),
    target: unitToRgba(target),
    shapes,
  };
}

/** Samples of the 2D dataset as flat NHWC floats in [0, 1], for a tensor [count, height, width, 3]. */
export interface Batch2D {
  count: number;
  width: number;
  height: number;
  channels: 3;
  inputs: Float32Array;
  targets: Float32Array;
}

/**
 * Generates `count` 2D samples into flat arrays. Sample `k` is exactly
 * `generateShapes2D({ ...options, seed: sampleSeed(seed, firstIndex + k) })`, scaled to [0, 1].
 * `into` works as for `generateBatch1D`.
 */
export function generateBatch2D(
  count: number,
  options: Shapes2DOptions & { firstIndex?: number } = {},
  into?: { inputs: Float32Array; targets: Float32Array },
): Batch2D {
  checkInteger('count', count, 0);
  const { firstIndex = 0, ...rest } = options;
  checkInteger('firstIndex', firstIndex, 0, Number.MAX_SAFE_INTEGER);
  const o = resolveShapes2DOptions(rest);
  const pixels = o.width * o.height;
  // Every input value is written; the targets are painted over zeros.
  const { inputs, targets } = batchBuffers(count * pixels * 3, into, { inputs: false });
  const kernel = gaussianKernel(o.blurSigma);
  for (let k = 0; k < count; k++) {
    const seed = sampleSeed(o.seed, firstIndex + k);
    renderShapes2D({ ...o, seed }, kernel, inputs, targets, k * pixels * 3);
  }
  return { count, width: o.width, height: o.height, channels: 3, inputs, targets };
}

/**
 * The signed distance in pixels from the centre of pixel (px, py) to the outline of a shape,
 * positive inside. A filled shape covers the pixels with distance >= 0; a hollow one those with
 * 0 <= distance < thickness.
 */
export function shapeDistance2D(
  shape: Pick<Shape2D, 'type' | 'x' | 'y' | 'width' | 'height'>,
  px: number,
  py: number,
): number {
  return distanceFunction(shape)(px, py);
}

/** Whether pixel (px, py) belongs to `shape`. */
export function shapeCovers2D(
  shape: Pick<Shape2D, 'type' | 'x' | 'y' | 'width' | 'height' | 'thickness'>,
  px: number,
  py: number,
): boolean {
  const distance = shapeDistance2D(shape, px, py);
  return distance >= 0 && (shape.thickness === 0 || distance < shape.thickness);
}

/** The distance function of one shape, its constants worked out once rather than per pixel. */
function distanceFunction(
  shape: Pick<Shape2D, 'type' | 'x' | 'y' | 'width' | 'height'>,
): (px: number, py: number) => number {
  const { x, y, width, height } = shape;
  if (shape.type.endsWith('rectangle')) {
    return (px, py) => {
      const cx = px + 0.5;
      const cy = py + 0.5;
      return Math.min(cx - x, x + width - cx, cy - y, y + height - cy);
    };
  }
  if (shape.type.endsWith('circle')) {
    const radius = width / 2;
    return (px, py) => {
      const dx = px + 0.5 - (x + radius);
      const dy = py + 0.5 - (y + radius);
      return radius - Math.sqrt(dx * dx + dy * dy);
    };
  }
  // Equilateral triangle, point up: apex (x + w/2, y), base from (x, y + h) to (x + w, y + h).
  const half = width / 2;
  const side = Math.sqrt(half * half + height * height);
  return (px, py) => {
    const cx = px + 0.5;
    const below = y + height - (py + 0.5);
    const left = (height * (cx - x) - half * below) / side;
    const right = (height * (x + width - cx) - half * below) / side;
    return Math.min(below, left, right);
  };
}

let paintScratch: Uint8Array | undefined;

/**
 * Draws the sample of `o.seed` into `inputs` and `targets` from `offset`, as NHWC floats in
 * [0, 1] (each exactly the RGBA image's byte / 255), and returns its shapes. The target's values
 * must be zero on entry.
 */
function renderShapes2D(
  o: ResolvedShapes2DOptions,
  kernel: Float64Array,
  inputs: Float32Array,
  targets: Float32Array,
  offset: number,
): Shape2D[] {
  const random = new SeededRandom(o.seed);
  const shapes = placeShapes(o, random);
  applyFilter(o.filter, shapes, random);
  for (const type of new Set(shapes.map((s) => s.type))) {
    const group = shapes.filter((s) => s.type === type);
    const mean = [0, 1, 2].map((c) =>
      Math.trunc(group.reduce((sum, s) => sum + s.color[c], 0) / group.length),
    ) as Rgb;
    for (const shape of group) shape.groupColor = [...mean];
  }
  const pixels = o.width * o.height;
  // The input's colours as planes of bytes (a zeroed working buffer, reused); the target has
  // neither noise nor blur, so its shapes go straight into the output.
  if (paintScratch?.length !== pixels * 3) paintScratch = new Uint8Array(pixels * 3);
  else paintScratch.fill(0);
  const base = paintScratch;
  for (const shape of shapes) {
    // One pass over the shape's pixels for both images (their boxes never overlap, so the
    // order of the writes does not matter).
    const [r, g, b] = shape.color;
    const [tr, tg, tb] = shape.groupColor.map((v) => BYTE_TO_UNIT[v]);
    const inTarget = shape.inTarget;
    paint(shape, o.width, (p) => {
      base[p] = r;
      base[pixels + p] = g;
      base[2 * pixels + p] = b;
      if (inTarget) {
        const t = offset + 3 * p;
        targets[t] = tr;
        targets[t + 1] = tg;
        targets[t + 2] = tb;
      }
    });
  }
  noisyBlurredImage(base, o.width, o.height, o.noiseStd, random, kernel, inputs, offset);
  return shapes;
}

function placeShapes(o: ResolvedShapes2DOptions, random: SeededRandom): Shape2D[] {
  const typeCount = random.integer(o.minTypes, o.maxTypes);
  const types = random.sample(SHAPE_TYPES_2D, typeCount);
  const shapes: Shape2D[] = [];
  for (const type of types) {
    const occurrences = random.integer(o.minOccurrences, o.maxOccurrences);
    for (let n = 0; n < occurrences; n++) {
      for (let attempt = 0; attempt < o.maxTries; attempt++) {
        const [width, height] = drawSize(o, type, random);
        const thickness = type.startsWith('hollow')
          ? random.integer(o.minThickness, o.maxThickness)
          : 0;
        if (width > o.width || height > o.height) continue;
        const x = random.integer(0, o.width - width);
        const y = random.integer(0, o.height - height);
        const overlaps = shapes.some(
          (s) => x < s.x + s.width && s.x < x + width && y < s.y + s.height && s.y < y + height,
        );
        if (overlaps) continue;
        const base = random.pick(BASE_COLORS_2D);
        const color = base.map((v) =>
          Math.min(255, Math.max(0, v + random.integer(-o.colorJitter, o.colorJitter))),
        ) as Rgb;
        shapes.push({
          type,
          x,
          y,
          width,
          height,
          thickness,
          color,
          groupColor: color,
          inTarget: true,
        });
        break;
      }
    }
  }
  return shapes;
}

function drawSize(
  o: ResolvedShapes2DOptions,
  type: ShapeType2D,
  random: SeededRandom,
): [number, number] {
  if (type.endsWith('circle')) {
    const diameter = 2 * random.integer(o.minRadius, o.maxRadius);
    return [diameter, diameter];
  }
  if (type.endsWith('rectangle')) {
    return [
      random.integer(o.minRectangleSide, o.maxRectangleSide),
      random.integer(o.minRectangleSide, o.maxRectangleSide),
    ];
  }
  const side = random.integer(o.minTriangleSide, o.maxTriangleSide);
  return [side, Math.round((side * Math.sqrt(3)) / 2)];
}

type Family = 'triangle' | 'rectangle' | 'circle';

/** The colour test of each family under the `channel` rule, and the pure colour that passes it. */
const CHANNEL_RULES: Record<Family, { passes: (c: Rgb) => boolean; pure: Rgb }> = {
  triangle: { passes: (c) => c[0] > 128, pure: [255, 0, 0] },
  rectangle: { passes: (c) => c[1] >= 128, pure: [0, 255, 0] },
  circle: { passes: (c) => c[2] >= 128, pure: [0, 0, 255] },
};

function familyOf(type: ShapeType2D): Family {
  return type.endsWith('triangle')
    ? 'triangle'
    : type.endsWith('rectangle')
      ? 'rectangle'
      : 'circle';
}

function applyFilter(filter: FilterMode2D, shapes: Shape2D[], random: SeededRandom): void {
  if (filter === 'filled-circles') {
    for (const shape of shapes) {
      if (shape.type === 'filled_circle') shape.inTarget = CHANNEL_RULES.circle.passes(shape.color);
    }
  } else if (filter === 'channel') {
    for (const family of ['triangle', 'rectangle', 'circle'] as const) {
      const members = shapes.filter((s) => familyOf(s.type) === family);
      if (members.length === 0) continue;
      const rule = CHANNEL_RULES[family];
      if (!members.some((s) => rule.passes(s.color))) {
        random.pick(members).color = [...rule.pure];
      }
      for (const shape of members) shape.inTarget = rule.passes(shape.color);
    }
  }
}

/** Calls `set(p)` for each pixel `p` (`y * imageWidth + x`) of `shape`. */
function paint(shape: Shape2D, imageWidth: number, set: (p: number) => void): void {
  const distance = distanceFunction(shape);
  const thickness = shape.thickness === 0 ? Infinity : shape.thickness;
  for (let py = shape.y; py < shape.y + shape.height; py++) {
    for (let px = shape.x; px < shape.x + shape.width; px++) {
      const d = distance(px, py);
      if (d < 0 || d >= thickness) continue;
      set(py * imageWidth + px);
    }
  }
}

/** NHWC floats, each a byte / 255, back to the RGBA bytes they came from (alpha 255). */
function unitToRgba(values: Float32Array): Uint8ClampedArray {
  const pixels = values.length / 3;
  const rgba = new Uint8ClampedArray(pixels * 4);
  for (let p = 0; p < pixels; p++) {
    rgba[4 * p] = Math.round(values[3 * p] * 255);
    rgba[4 * p + 1] = Math.round(values[3 * p + 1] * 255);
    rgba[4 * p + 2] = Math.round(values[3 * p + 2] * 255);
    rgba[4 * p + 3] = 255;
  }
  return rgba;
}
