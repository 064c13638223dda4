// GELU, x Phi(x) with Phi the standard normal's cumulative distribution, and its gradient
// dy (Phi(x) + x phi(x)), four values at a time: one pass over memory each way, where tfjs runs
// a handful of element-wise kernels (erf among them) over the whole tensor per step.

import { exp4 } from './attention';
import { fma } from './gemm';

/**
 * erf(x) for |x| <= 4, a rational function of x^2 (Eigen's single-precision erf: within a few
 * units in the last place), clamped beyond, where erf is 1 to single precision.
 */
@inline
function erf4(x: v128): v128 {
  x = f32x4.max(f32x4.min(x, f32x4.splat(4)), f32x4.splat(-4));
  const x2 = f32x4.mul(x, x);
  let p = f32x4.splat(-2.72614225801306e-10);
  p = fma(p, x2, f32x4.splat(2.77068142495902e-8));
  p = fma(p, x2, f32x4.splat(-2.10102402082508e-6));
  p = fma(p, x2, f32x4.splat(-5.69250639462346e-5));
  p = fma(p, x2, f32x4.splat(-7.34990630326855e-4));
  p = fma(p, x2, f32x4.splat(-2.95459980854025e-3));
  p = fma(p, x2, f32x4.splat(-1.60960333262415e-2));
  p = f32x4.mul(x, p);
  let q = f32x4.splat(-1.45660718464996e-5);
  q = fma(q, x2, f32x4.splat(-2.13374055278905e-4));
  q = fma(q, x2, f32x4.splat(-1.68282697438203e-3));
  q = fma(q, x2, f32x4.splat(-7.37332916720468e-3));
  q = fma(q, x2, f32x4.splat(-1.42647390514189e-2));
  return f32x4.div(p, q);
}

/** Phi(x) = (1 + erf(x / sqrt 2)) / 2. */
@inline
function cdf4(x: v128): v128 {
  const e = erf4(f32x4.mul(x, f32x4.splat(0.70710678118654752)));
  return f32x4.mul(f32x4.add(e, f32x4.splat(1)), f32x4.splat(0.5));
}

/** Loads floats i..i+3 of x, or the n - i that remain (zeros after them). */
@inline
function load4(x: usize, i: i32, n: i32): v128 {
  if (i + 4 <= n) return v128.load(x + (<usize>i << 2));
  let v = f32x4.splat(0);
  const at = x + (<usize>i << 2);
  v = f32x4.replace_lane(v, 0, load<f32>(at));
  if (i + 1 < n) v = f32x4.replace_lane(v, 1, load<f32>(at, 4));
  if (i + 2 < n) v = f32x4.replace_lane(v, 2, load<f32>(at, 8));
  return v;
}

/** Stores floats i..i+3 of v at y, or the n - i that remain. */
@inline
function store4(y: usize, i: i32, n: i32, v: v128): void {
  const at = y + (<usize>i << 2);
  if (i + 4 <= n) {
    v128.store(at, v);
    return;
  }
  store<f32>(at, f32x4.extract_lane(v, 0));
  if (i + 1 < n) store<f32>(at, f32x4.extract_lane(v, 1), 4);
  if (i + 2 < n) store<f32>(at, f32x4.extract_lane(v, 2), 8);
}

/** y = x Phi(x) for the n floats at x (y may be x). */
export function geluForward(x: usize, y: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const v = load4(x, i, n);
    store4(y, i, n, f32x4.mul(v, cdf4(v)));
  }
}

/** dx = dy (Phi(x) + x phi(x)) for the n floats at x and dy (dx may be either). */
export function geluBackward(x: usize, dy: usize, dx: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const v = load4(x, i, n);
    const density = f32x4.mul(
      exp4(f32x4.mul(f32x4.mul(v, v), f32x4.splat(-0.5))),
      f32x4.splat(0.3989422804014327),
    );
    const slope = fma(v, density, cdf4(v));
    store4(dx, i, n, f32x4.mul(load4(dy, i, n), slope));
  }
}
