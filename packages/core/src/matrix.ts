/** A dense row-major matrix of 32-bit floats: `data[row * cols + col]`. */
export interface Matrix {
  data: Float32Array;
  rows: number;
  cols: number;
}

/** What `toMatrix` accepts: nested arrays, or flat data with its shape. */
export type MatrixInput =
  readonly (readonly number[])[] | { data: ArrayLike<number>; rows: number; cols: number };

/**
 * A `Matrix` from nested arrays or flat data, checked: rectangular, non-empty, every value a
 * finite number. Throws a RangeError that says what is wrong and where.
 */
export function toMatrix(input: MatrixInput, name = 'matrix'): Matrix {
  if (Array.isArray(input)) {
    const rows = input.length;
    if (rows === 0) throw new RangeError(`${name} has no rows`);
    const cols = (input[0] as readonly number[] | undefined)?.length ?? 0;
    if (!Array.isArray(input[0]) || cols === 0)
      throw new RangeError(`${name} row 0 is not a non-empty array`);
    const data = new Float32Array(rows * cols);
    (input as readonly (readonly number[])[]).forEach((row, r) => {
      if (!Array.isArray(row) || row.length !== cols) {
        throw new RangeError(
          `${name} row ${r} has ${Array.isArray(row) ? row.length : 'no'} values; row 0 has ${cols}`,
        );
      }
      row.forEach((value, c) => {
        if (typeof value !== 'number' || !Number.isFinite(value)) {
          throw new RangeError(`${name}[${r}][${c}] is ${String(value)}, not a finite number`);
        }
        data[r * cols + c] = value;
      });
    });
    return { data, rows, cols };
  }
  const flat = input as { data: ArrayLike<number>; rows: number; cols: number };
  if (!flat || typeof flat !== 'object' || !('data' in flat)) {
    throw new RangeError(`${name} must be an array of rows or { data, rows, cols }`);
  }
  const { rows, cols } = flat;
  if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(cols) || cols < 1) {
    throw new RangeError(
      `${name} rows and cols must be whole numbers >= 1, got ${String(rows)} x ${String(cols)}`,
    );
  }
  if (flat.data?.length !== rows * cols) {
    throw new RangeError(
      `${name} data holds ${flat.data?.length ?? 0} values; ${rows} x ${cols} needs ${rows * cols}`,
    );
  }
  const data = flat.data instanceof Float32Array ? flat.data : Float32Array.from(flat.data);
  for (let i = 0; i < data.length; i++) {
    if (!Number.isFinite(data[i])) {
      throw new RangeError(
        `${name}[${Math.floor(i / cols)}][${i % cols}] is ${String(data[i])}, not a finite number`,
      );
    }
  }
  return { data, rows, cols };
}

/** The matrix as nested arrays (for JSON). */
export function matrixToArrays({ data, rows, cols }: Matrix): number[][] {
  return Array.from({ length: rows }, (_, r) =>
    Array.from(data.subarray(r * cols, (r + 1) * cols)),
  );
}

/** The element-wise mean of matrices of one shape. */
export function averageMatrices(matrices: readonly Matrix[]): Matrix {
  const [first] = matrices;
  if (!first) throw new RangeError('averageMatrices needs at least one matrix');
  for (const m of matrices) {
    if (m.rows !== first.rows || m.cols !== first.cols) {
      throw new RangeError(
        `every matrix must be ${first.rows} x ${first.cols}, got ${m.rows} x ${m.cols}`,
      );
    }
  }
  const n = matrices.length;
  const datas = matrices.map((m) => m.data);
  const data = new Float32Array(first.data.length);
  // A cell at a time, its sum kept in a register and rounded to float32 after each add, as a
  // float32 running sum would be: the same bits in one pass instead of one pass per matrix.
  for (let i = 0; i < data.length; i++) {
    let sum = 0;
    for (let h = 0; h < n; h++) sum = Math.fround(sum + datas[h][i]);
    data[i] = sum / n;
  }
  return { data, rows: first.rows, cols: first.cols };
}

/**
 * The matrix shrunk by whole factors, for a picture smaller than one pixel per cell: each cell of
 * the result is the mean of a `rowFactor x colFactor` block (the last blocks may be smaller), over
 * the block's cells that `mask` allows. A block with no allowed cell is 0 and masked in the
 * result's mask (given only when `mask` is).
 */
export function poolMatrix(
  matrix: Matrix,
  [rowFactor, colFactor]: readonly [number, number],
  mask?: Uint8Array,
): { matrix: Matrix; mask?: Uint8Array } {
  for (const factor of [rowFactor, colFactor]) {
    if (!Number.isInteger(factor) || factor < 1)
      throw new RangeError(`pool factors must be whole numbers >= 1, got ${factor}`);
  }
  const { rows, cols, data } = matrix;
  if (rowFactor === 1 && colFactor === 1) return { matrix, mask };
  const outRows = Math.ceil(rows / rowFactor);
  const outCols = Math.ceil(cols / colFactor);
  const sums = new Float64Array(outRows * outCols);
  const counts = new Uint32Array(outRows * outCols);
  // A row at a time, each block's part of it summed before it is added: no division per cell.
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    const out = Math.floor(r / rowFactor) * outCols;
    for (let o = 0, c = 0; o < outCols; o++) {
      const end = Math.min(cols, c + colFactor);
      let sum = 0;
      let count = 0;
      for (; c < end; c++) {
        if (mask && mask[base + c] === 0) continue;
        sum += data[base + c];
        count++;
      }
      sums[out + o] += sum;
      counts[out + o] += count;
    }
  }
  const pooled = new Float32Array(sums.length);
  const allowed = mask && new Uint8Array(sums.length);
  for (let i = 0; i < sums.length; i++) {
    pooled[i] = counts[i] > 0 ? sums[i] / counts[i] : 0;
    if (allowed && counts[i] > 0) allowed[i] = 1;
  }
  return { matrix: { data: pooled, rows: outRows, cols: outCols }, mask: allowed };
}

/** Smallest and largest value, ignoring cells where `mask` is 0. */
export function matrixRange({ data }: Matrix, mask?: Uint8Array): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    if (mask && mask[i] === 0) continue;
    if (data[i] < min) min = data[i];
    if (data[i] > max) max = data[i];
  }
  return min <= max ? [min, max] : [0, 0];
}
