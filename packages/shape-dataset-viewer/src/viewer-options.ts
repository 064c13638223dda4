import {
  FILTER_MODES_2D,
  SHAPES_1D_DEFAULTS,
  SHAPES_1D_LIMITS,
  SHAPES_2D_DEFAULTS,
  SHAPES_2D_LIMITS,
  checkInteger,
  checkNumber,
  checkOneOf,
  checkOrder,
  shownValue,
  type FilterMode2D,
  type Shapes1DOptions,
  type Shapes2DOptions,
} from '@decoding-attention/core';

/**
 * The side of the largest 2D image the viewer generates and draws in one task under 50 ms. On a
 * loaded 2-core machine, with blur-sigma 5 and noise-std 1000 (the slowest): 160 x 160 never
 * made a task over 50 ms in 5 tries, 192 once 97 ms, 256 a median of 54 ms and at worst 141 ms
 * (the generator alone took 200-265 ms there under heavier load). Core's 256 is a bound for
 * training, which runs off the page.
 */
const IMAGE_SIDE_MAX = 160;

/**
 * The bounds of `<shape-dataset-viewer>`'s values, by mode, as its messages quote them: the
 * generators' own limits (`SHAPES_1D_LIMITS`, `SHAPES_2D_LIMITS`), with the image side lowered
 * to what the page draws in time, and the most positions `markPositions` draws.
 */
export const VIEWER_LIMITS = Object.freeze({
  '1d': Object.freeze({
    seed: SHAPES_1D_LIMITS.seed,
    length: SHAPES_1D_LIMITS.length,
    minWidth: SHAPES_1D_LIMITS.width,
    maxWidth: SHAPES_1D_LIMITS.width,
    minAmplitude: SHAPES_1D_LIMITS.amplitude,
    maxAmplitude: SHAPES_1D_LIMITS.amplitude,
    noiseStd: SHAPES_1D_LIMITS.noiseStd,
    noiseSigma: SHAPES_1D_LIMITS.noiseSigma,
  }),
  '2d': Object.freeze({
    seed: SHAPES_2D_LIMITS.seed,
    width: Object.freeze({ min: SHAPES_2D_LIMITS.width.min, max: IMAGE_SIDE_MAX }),
    height: Object.freeze({ min: SHAPES_2D_LIMITS.height.min, max: IMAGE_SIDE_MAX }),
    noiseStd: SHAPES_2D_LIMITS.noiseStd,
    blurSigma: SHAPES_2D_LIMITS.blurSigma,
  }),
  /** `markPositions` draws one dashed rule per position: a linked element marks two. */
  markedPositions: Object.freeze({ max: 256 }),
});

/** The viewer's values as set, from attributes or from script (any type may arrive). */
export interface ViewerInputs {
  mode: unknown;
  seed: unknown;
  length?: unknown;
  minWidth?: unknown;
  maxWidth?: unknown;
  minAmplitude?: unknown;
  maxAmplitude?: unknown;
  noiseStd?: unknown;
  noiseSigma?: unknown;
  width?: unknown;
  height?: unknown;
  filter?: unknown;
  blurSigma?: unknown;
}

/** The generator options of a valid viewer, defaults filled in where a value is unset. */
export type ViewerOptions =
  | { mode: '1d'; options: Required<Pick<Shapes1DOptions, Keys1D>> }
  | { mode: '2d'; options: Required<Pick<Shapes2DOptions, Keys2D>> };

type Keys1D =
  | 'seed'
  | 'length'
  | 'minWidth'
  | 'maxWidth'
  | 'minAmplitude'
  | 'maxAmplitude'
  | 'noiseStd'
  | 'noiseSigma';
type Keys2D = 'seed' | 'width' | 'height' | 'filter' | 'noiseStd' | 'blurSigma';

/**
 * A number as an attribute gives it: a number from script as it is, text (as frameworks pass
 * props) read as the attribute reads it, blank text as no number; anything else is left for the
 * check to name.
 */
function numeric(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.trim() === '' ? NaN : Number(value);
}

/** The seed as a whole number, 0 while it is not one: stepping from a bad seed recovers. */
export function wholeSeed(seed: unknown): number {
  const value = numeric(seed);
  return Number.isSafeInteger(value) ? (value as number) : 0;
}

/** `value` where set, else `fallback`. */
function orDefault(value: unknown, fallback: number): number {
  return (value === undefined || value === null ? fallback : numeric(value)) as number;
}

/**
 * Checks every value under the name an author writes (`min-width`, `noise-std`), with the
 * generators' defaults for those unset, before any value reaches a generator; throws a
 * RangeError naming the first bad one. Only the values of the chosen mode are read.
 */
export function resolveViewerOptions(inputs: ViewerInputs): ViewerOptions {
  const { mode } = inputs;
  if (mode !== '1d' && mode !== '2d')
    throw new RangeError(`mode must be 1d or 2d, got "${shownValue(mode)}"`);
  const seed = orDefault(inputs.seed, SHAPES_1D_DEFAULTS.seed);
  if (mode === '2d') {
    const d = SHAPES_2D_DEFAULTS;
    const limits = VIEWER_LIMITS['2d'];
    const options = {
      seed,
      width: orDefault(inputs.width, d.width),
      height: orDefault(inputs.height, d.height),
      filter: (inputs.filter ?? d.filter) as FilterMode2D,
      noiseStd: orDefault(inputs.noiseStd, d.noiseStd),
      blurSigma: orDefault(inputs.blurSigma, d.blurSigma),
    };
    checkInteger('seed', options.seed, limits.seed.min, limits.seed.max);
    checkInteger('width', options.width, limits.width.min, limits.width.max);
    checkInteger('height', options.height, limits.height.min, limits.height.max);
    checkOneOf('filter', options.filter, FILTER_MODES_2D);
    checkNumber('noise-std', options.noiseStd, limits.noiseStd.min, limits.noiseStd.max);
    checkNumber('blur-sigma', options.blurSigma, limits.blurSigma.min, limits.blurSigma.max);
    return { mode, options };
  }
  const d = SHAPES_1D_DEFAULTS;
  const limits = VIEWER_LIMITS['1d'];
  const options = {
    seed,
    length: orDefault(inputs.length, d.length),
    minWidth: orDefault(inputs.minWidth, d.minWidth),
    maxWidth: orDefault(inputs.maxWidth, d.maxWidth),
    minAmplitude: orDefault(inputs.minAmplitude, d.minAmplitude),
    maxAmplitude: orDefault(inputs.maxAmplitude, d.maxAmplitude),
    noiseStd: orDefault(inputs.noiseStd, d.noiseStd),
    noiseSigma: orDefault(inputs.noiseSigma, d.noiseSigma),
  };
  checkInteger('seed', options.seed, limits.seed.min, limits.seed.max);
  checkInteger('length', options.length, limits.length.min, limits.length.max);
  checkInteger('min-width', options.minWidth, limits.minWidth.min, limits.minWidth.max);
  checkInteger('max-width', options.maxWidth, limits.maxWidth.min, limits.maxWidth.max);
  checkOrder('min-width', options.minWidth, 'max-width', options.maxWidth);
  checkOrder('max-width', options.maxWidth, 'length', options.length);
  const amplitude = limits.minAmplitude;
  checkNumber('min-amplitude', options.minAmplitude, amplitude.min, amplitude.max);
  checkNumber('max-amplitude', options.maxAmplitude, amplitude.min, amplitude.max);
  checkOrder('min-amplitude', options.minAmplitude, 'max-amplitude', options.maxAmplitude);
  checkNumber('noise-std', options.noiseStd, limits.noiseStd.min, limits.noiseStd.max);
  checkNumber('noise-sigma', options.noiseSigma, limits.noiseSigma.min, limits.noiseSigma.max);
  return { mode, options };
}

/**
 * The positions `markPositions` was given, checked: `null` or `undefined` is no positions; a list
 * (an array or a typed array) of at most `VIEWER_LIMITS.markedPositions.max` entries is kept,
 * less the entries that are not whole numbers in `[0, length)`, which a linked element may well
 * send for a longer sequence. Anything else throws a RangeError naming `markPositions`. The
 * length is read before any entry, so a huge (or sparse) list is refused at once.
 */
export function checkPositions(positions: unknown, length: number): number[] {
  if (positions === undefined || positions === null) return [];
  const isList =
    Array.isArray(positions) || (ArrayBuffer.isView(positions) && !(positions instanceof DataView));
  if (!isList)
    throw new RangeError(`markPositions takes a list of positions, got ${shownValue(positions)}`);
  const list = positions as ArrayLike<unknown>;
  const { max } = VIEWER_LIMITS.markedPositions;
  if (list.length > max)
    throw new RangeError(`markPositions takes at most ${max} positions, got ${list.length}`);
  const kept: number[] = [];
  for (let i = 0; i < list.length; i++) {
    const position = list[i];
    if (Number.isInteger(position) && (position as number) >= 0 && (position as number) < length)
      kept.push(position as number);
  }
  return kept;
}
