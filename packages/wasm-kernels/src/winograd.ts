/**
 * The matrices of Winograd's minimal filtering F(m, r) (Lavin and Gray's form): m outputs of a
 * correlation with r taps, y = AT [(G g) * (BT d)] for an input tile d of m + r - 1 values, with
 * m + r - 1 multiplications where the direct sum takes m r. They come from evaluating the
 * polynomials at the points 0, 1, -1, 2, -2, 1/2, -1/2, ... and infinity, and interpolating back;
 * worked out here in double precision and handed to the kernels in single.
 */
export interface WinogradMatrices {
  /** Outputs per tile. */
  m: number;
  /** Taps. */
  r: number;
  /** Tile length and multiplications per tile: m + r - 1. */
  alpha: number;
  /** [m, alpha], row by row. */
  at: Float32Array;
  /** [alpha, r], row by row. */
  g: Float32Array;
  /** [alpha, alpha], row by row. */
  bt: Float32Array;
}

const POINTS = [0, 1, -1, 2, -2, 0.5, -0.5, 3, -3];

/** The inverse of a square matrix (rows of numbers), by Gauss-Jordan elimination with pivoting. */
function inverse(matrix: number[][]): number[][] {
  const n = matrix.length;
  const a = matrix.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => +(i === j))]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++)
      if (Math.abs(a[row][col]) > Math.abs(a[pivot][col])) pivot = row;
    [a[col], a[pivot]] = [a[pivot], a[col]];
    const scale = a[col][col];
    for (let j = 0; j < 2 * n; j++) a[col][j] /= scale;
    for (let row = 0; row < n; row++) {
      if (row === col || a[row][col] === 0) continue;
      const factor = a[row][col];
      for (let j = 0; j < 2 * n; j++) a[row][j] -= factor * a[col][j];
    }
  }
  return a.map((row) => row.slice(n));
}

/**
 * Evaluation of a polynomial of `terms` coefficients at the first alpha - 1 points and at
 * infinity (its leading coefficient): [alpha, terms].
 */
function evaluation(alpha: number, terms: number): number[][] {
  return Array.from({ length: alpha }, (_, j) =>
    Array.from({ length: terms }, (_, k) =>
      j === alpha - 1 ? +(k === terms - 1) : POINTS[j] ** k,
    ),
  );
}

/**
 * F(m, r)'s matrices. A correlation y[i] = sum_k d[i + k] g[k] is the transpose of a polynomial
 * product: with E_h and E_g evaluating the m- and r-term polynomials and C interpolating the
 * product back, y = E_h^T [(E_g g) * (C^T d)]. Each point's factor 1 / prod (p_j - p_l) of C
 * is moved into G, which is applied once per kernel, so BT holds small whole numbers.
 */
export function winogradMatrices(m: number, r: number): WinogradMatrices {
  const alpha = m + r - 1;
  if (alpha - 1 > POINTS.length) throw new RangeError(`winograd: F(${m}, ${r}) needs more points`);
  const eh = evaluation(alpha, m);
  const eg = evaluation(alpha, r);
  const c = inverse(evaluation(alpha, alpha));
  // C^T's row j is C's column j; its largest entry goes into G's row j.
  const scale = Array.from({ length: alpha }, (_, j) =>
    Math.max(...c.map((row) => Math.abs(row[j]))),
  );
  const at = Float32Array.from(
    { length: m * alpha },
    (_, x) => eh[x % alpha][Math.floor(x / alpha)],
  );
  const g = Float32Array.from(
    { length: alpha * r },
    (_, x) => eg[Math.floor(x / r)][x % r] * scale[Math.floor(x / r)],
  );
  const bt = Float32Array.from(
    { length: alpha * alpha },
    (_, x) => c[x % alpha][Math.floor(x / alpha)] / scale[Math.floor(x / alpha)],
  );
  return { m, r, alpha, at, g, bt };
}
