import { shownValue, toMatrix, type Matrix, type MatrixInput } from '@decoding-attention/core';

/**
 * The most the heatmap takes, chosen so that the work a value causes stays within a few tens of
 * milliseconds per main-thread task on a 2-core laptop. Drawing is done in slices that yield,
 * so a 1024 x 1024 matrix shown as it is costs little in one task; but masks and the softmax are
 * worked out in one task when the data or the masks change, which limits `workedCells`. Beyond
 * a limit the heatmap shows a message naming the attribute or property and the limit.
 */
export const HEATMAP_LIMITS = Object.freeze({
  /** Rows (queries) or columns (keys) of a matrix, and the largest `window` and `stride`. */
  side: 1024,
  /** Values of all heads together: rows x cols x heads (1024 x 1024 for one head). */
  cells: 1024 * 1024,
  /**
   * Values masked or put through the softmax when the data or masks change, in one task:
   * rows x cols x heads, summed over the panels under a mask other than `full` (and each panel
   * of `scores`). 1024 x 1024 for one head under one mask, or two 512 x 512 panels of two heads:
   * masking and renormalising a million values takes 20-40 ms on a 2-core laptop.
   */
  workedCells: 1024 * 1024,
  /**
   * Length of a followed viewer's 1D sample: the heatmap computes that sample's attention
   * (length x length, with the shapes' features) itself, in one task.
   */
  followedLength: 512,
  /** Heads in `heads`, `scores` or an `attention-change` event. */
  heads: 16,
  /** Characters (bytes) of the JSON file at `src`: reading and parsing it are a task each. */
  srcCharacters: 1.25 * 1024 * 1024,
  /** Layers in `layers`: each is checked when shown, so many cost little. */
  layers: 64,
  /** Pixels of the image the weights are drawn over (`image`, or a followed viewer's sample). */
  imagePixels: 512 * 512,
});

/**
 * Checks the work of masking and the softmax (`workedCells`): `masks` are the masks of the
 * panels (`mask`, then `compare`). The message names what to change: the masks other than
 * `full`, or `scores` when only the softmax is the work.
 */
export function checkWork(
  data: { heads: readonly Matrix[]; kind: 'weights' | 'scores'; channels?: unknown[] },
  masks: readonly string[],
): void {
  const [{ rows, cols }] = data.heads;
  const heads = data.heads.length;
  // Channel maps are masked as the first panel is: three more panels' worth.
  const channels = data.channels && masks[0] !== 'full' ? 3 : 0;
  const worked = masks.filter((mask) => mask !== 'full' || data.kind === 'scores').length;
  const total = rows * cols * heads * (worked + channels);
  const limit = HEATMAP_LIMITS.workedCells;
  if (total <= limit) return;
  const maps = channels ? ' with its 3 channel maps' : '';
  const shape = `${heads > 1 ? `${heads} heads of ${rows} x ${cols}` : `${rows} x ${cols}`}${maps}`;
  const named = masks
    .map((mask, i) => (mask === 'full' ? '' : `${i === 0 ? 'mask' : 'compare'}="${mask}"`))
    .filter(Boolean);
  if (named.length === 0) {
    throw new RangeError(
      `scores of ${shape} means a softmax over ${total} values; the heatmap works out at most ${limit}`,
    );
  }
  throw new RangeError(
    `${named.join(' and ')} on ${shape} means masking ${total} values; the heatmap masks at most ${limit}`,
  );
}

/** The largest finite 32-bit float: data is held as `Float32Array`, beyond this a value becomes Infinity. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** A matrix given as `{ data, rows, cols }` rather than as nested arrays. */
export function isFlatMatrix(
  value: unknown,
): value is { data: unknown; rows: unknown; cols: unknown } {
  return typeof value === 'object' && value !== null && 'data' in value && 'rows' in value;
}

/**
 * Whether `value` is a list of matrices (each nested arrays or `{ data, rows, cols }`) rather
 * than one matrix: one matrix of nested arrays starts with a row of numbers.
 */
export function isMatrixList(value: unknown): value is readonly MatrixInput[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  const first: unknown = value[0];
  return Array.isArray(first) ? Array.isArray(first[0]) : isFlatMatrix(first);
}

/** The rows and columns a matrix input claims, read without walking it; undefined if it has no shape. */
function claimedShape(input: unknown): { rows: number; cols: number } | undefined {
  if (Array.isArray(input)) {
    const first: unknown = input[0];
    return { rows: input.length, cols: Array.isArray(first) ? first.length : 0 };
  }
  if (isFlatMatrix(input) && typeof input.rows === 'number' && typeof input.cols === 'number')
    return { rows: input.rows, cols: input.cols };
  return undefined;
}

/** Checks that `rows x cols` is within the limits, naming `name`. */
export function checkSize(rows: number, cols: number, name: string): void {
  const { side } = HEATMAP_LIMITS;
  if (rows > side || cols > side) {
    throw new RangeError(
      `${name} is ${rows} x ${cols}; the heatmap takes at most ${side} rows and ${side} columns`,
    );
  }
}

/** Checks that `heads` matrices of `rows x cols` hold no more values than the limit, naming `name`. */
export function checkCells(heads: number, rows: number, cols: number, name: string): void {
  const total = heads * rows * cols;
  if (total > HEATMAP_LIMITS.cells) {
    const shape = heads > 1 ? `${heads} x ${rows} x ${cols}` : `${rows} x ${cols}`;
    throw new RangeError(
      `${name} holds ${shape} = ${total} values; the heatmap takes at most ${HEATMAP_LIMITS.cells}`,
    );
  }
}

/**
 * A matrix from nested arrays or `{ data, rows, cols }`, checked as `toMatrix` checks it, and
 * also: within the size limits (checked before any value is read), every value a number within
 * the 32-bit float range. Errors name `name`. `heads` is how many matrices of this shape there
 * are, for the limit on all of them.
 */
export function readMatrix(input: unknown, name: string, heads = 1): Matrix {
  const shape = claimedShape(input);
  if (!shape) {
    throw new RangeError(
      `${name} must be an array of rows or { data, rows, cols }, got ${describe(input)}`,
    );
  }
  checkSize(shape.rows, shape.cols, name);
  if (Number.isInteger(shape.rows) && Number.isInteger(shape.cols))
    checkCells(heads, shape.rows, shape.cols, name);
  if (isFlatMatrix(input) && !(input.data instanceof Float32Array)) {
    checkFlatValues(input.data, shape.rows * shape.cols, shape.cols, name);
  }
  const matrix = toMatrix(input as MatrixInput, name);
  // Nested arrays go into a Float32Array as they are: a finite value beyond float32 became Infinity.
  const { data, cols } = matrix;
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      const [r, c] = [Math.floor(i / cols), i % cols];
      const value = (input as readonly (readonly number[])[])[r][c];
      throw outOfRange(`${name}[${r}][${c}]`, value);
    }
  }
  return matrix;
}

/** Checks flat data before it is copied: numbers, finite, within the float32 range. */
function checkFlatValues(data: unknown, count: number, cols: number, name: string): void {
  if (!Number.isInteger(count) || count < 1) return; // toMatrix names the bad shape.
  const values = data as ArrayLike<unknown> | null | undefined;
  if (typeof values !== 'object' || values === null || values.length !== count) return;
  for (let i = 0; i < count; i++) {
    const value = values[i];
    const at = `${name}[${Math.floor(i / cols)}][${i % cols}]`;
    if (typeof value !== 'number' || !Number.isFinite(value))
      throw new RangeError(`${at} is ${describe(value)}, not a finite number`);
    if (Math.abs(value) > FLOAT32_MAX) throw outOfRange(at, value);
  }
}

function outOfRange(at: string, value: unknown): RangeError {
  return new RangeError(
    `${at} is ${describe(value)}, outside the 32-bit float range (at most ${FLOAT32_MAX} in size)`,
  );
}

/**
 * Heads of one shape, each read as `readMatrix` reads it, no more than the limit; the bad one is
 * named (`name[h]`).
 */
export function readHeads(inputs: unknown, name: string): Matrix[] {
  if (!Array.isArray(inputs) || inputs.length === 0)
    throw new RangeError(`${name} must be a non-empty array of matrices, got ${describe(inputs)}`);
  if (inputs.length > HEATMAP_LIMITS.heads) {
    throw new RangeError(
      `${name} holds ${inputs.length} matrices; the heatmap takes at most ${HEATMAP_LIMITS.heads} heads`,
    );
  }
  const heads = inputs.map((input, h) => readMatrix(input, `${name}[${h}]`, inputs.length));
  const [first] = heads;
  heads.forEach((m, h) => {
    if (m.rows !== first.rows || m.cols !== first.cols) {
      throw new RangeError(
        `${name}[${h}] is ${m.rows} x ${m.cols}; ${name}[0] is ${first.rows} x ${first.cols}`,
      );
    }
  });
  return heads;
}

/** A value as a message quotes it: arrays and objects by their kind, never throwing. */
export function describe(value: unknown): string {
  if (Array.isArray(value))
    return value.length > 8 ? `an array of ${value.length}` : `[${shownValue(value)}]`;
  if (typeof value === 'string') return `"${shownValue(value)}"`;
  if (typeof value === 'object' && value !== null) {
    let name: unknown;
    try {
      name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    } catch {
      name = undefined;
    }
    if (typeof name !== 'string' || !name) return 'an object';
    return `${/^[AEIOU]/i.test(name) ? 'an' : 'a'} ${name}`;
  }
  return shownValue(value);
}
