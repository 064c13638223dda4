import { nextTask, type Matrix } from '@decoding-attention/core';

/** Multiply-adds between two yields: a few milliseconds of work. */
export const WORK_PER_SLICE = 2_000_000;

/** True while the run that started the work is still the current one. */
export type StillCurrent = () => boolean;

/**
 * Resolves in a task after the next frame is painted, so that what a slider changes at once
 * (its value) shows before heavier work starts; after 100 ms where no frame comes (a hidden tab).
 */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const go = () => {
      if (done) return;
      done = true;
      resolve();
    };
    requestAnimationFrame(() => setTimeout(go, 0));
    setTimeout(go, 100);
  });
}

/** Rows `start` to `end` of `m`, sharing its data. */
export function rowsOf(m: Matrix, start: number, end: number): Matrix {
  return { data: m.data.subarray(start * m.cols, end * m.cols), rows: end - start, cols: m.cols };
}

/**
 * A matrix worked out a slice of query rows at a time, each slice in a task of its own, by a
 * computation whose rows do not depend on one another. `prepare` runs first, in a task of its
 * own, and gives the function that works out a slice (`rows(queries slice)` gives those rows of
 * the result, `workPerRow` multiply-adds a row): what all rows share, such as the keys' side of
 * an approximation, is worked out once, not once per slice. Undefined when the run was overtaken.
 */
export async function bySlices(
  queries: Matrix,
  cols: number,
  prepare: () => (slice: Matrix) => Matrix,
  current: StillCurrent,
  workPerRow: number,
): Promise<Matrix | undefined> {
  await nextTask();
  if (!current()) return undefined;
  const rows = prepare();
  const data = new Float32Array(queries.rows * cols);
  const step = Math.max(1, Math.floor(WORK_PER_SLICE / Math.max(1, workPerRow)));
  for (let start = 0; start < queries.rows; start += step) {
    await nextTask();
    if (!current()) return undefined;
    const end = Math.min(queries.rows, start + step);
    data.set(rows(rowsOf(queries, start, end)).data, start * cols);
  }
  return { data, rows: queries.rows, cols };
}
