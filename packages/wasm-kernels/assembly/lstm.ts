// The LSTM recurrence over a whole sequence, forward and backpropagation through time, for a
// group of four batch rows at a time: each time step is one 4 x 4u product of the previous
// hidden states with the recurrent kernel (all four gates at once, the kernel packed once per
// call into panels of 8 columns) and one pass that activates the gates and updates the cell.
//
// Tensors are batch-major and contiguous: the projected inputs P = x W + b and their gradient
// [batch, length, 4u] (gates in Keras's order: input, forget, cell, output), the recurrent
// kernel R and its gradient [u, 4u], hidden states, cell states and the gradient of the hidden
// states [batch, length, u], the activated gates [batch, length, 4u]. With `reverse` the
// recurrence runs from the last position to the first. The initial states are zero.
//
// Inside, a gate's u units are padded to up (a multiple of 4) so that each gate starts on a
// whole vector; padded units carry zeros through the products.

import { fma, packFloats, product } from './gemm';

/** Rows of a group: the products' tile height. */
const MR: i32 = 4;
/** Columns of a tile: two f32x4. */
const NR: i32 = 8;

@inline
function padded(u: i32): i32 {
  return (u + 3) & ~3;
}

@inline
function padded8(u: i32): i32 {
  return (u + 7) & ~7;
}

/** Floats of scratch `lstmForward` and `lstmBackward` need for u units over `length` steps. */
export function lstmScratchFloats(u: i32, length: i32): i32 {
  const up = padded(u);
  const up8 = padded8(u);
  const forward = 4 * up * u + MR * up + MR * 4 * up + 2 * MR * up;
  const backward = up8 * 4 * up + 2 * MR * 4 * up + MR * up8 + MR * up;
  // The recurrent kernel's gradient, a product of depth length - 1 per batch row, comes last.
  return max(forward, backward + packFloats(u, 4 * u, max(length - 1, 1)));
}

/**
 * tanh x, four at a time: Eigen's single-precision rational approximation (a degree-13 odd
 * polynomial over a degree-6 even one, one division), within a few units in the last place;
 * beyond |x| = 7.9 it is +-1 to single precision.
 */
@inline
function tanh4(x: v128): v128 {
  x = f32x4.max(f32x4.min(x, f32x4.splat(7.90531110763549805)), f32x4.splat(-7.90531110763549805));
  const x2 = f32x4.mul(x, x);
  let p = f32x4.splat(-2.76076847742355e-16);
  p = fma(p, x2, f32x4.splat(2.00018790482477e-13));
  p = fma(p, x2, f32x4.splat(-8.60467152213735e-11));
  p = fma(p, x2, f32x4.splat(5.12229709037114e-8));
  p = fma(p, x2, f32x4.splat(1.48572235717979e-5));
  p = fma(p, x2, f32x4.splat(6.37261928875436e-4));
  p = fma(p, x2, f32x4.splat(4.89352455891786e-3));
  p = f32x4.mul(x, p);
  let q = f32x4.splat(1.19825839466702e-6);
  q = fma(q, x2, f32x4.splat(1.18534705686654e-4));
  q = fma(q, x2, f32x4.splat(2.26843463243900e-3));
  q = fma(q, x2, f32x4.splat(4.89352518554385e-3));
  return f32x4.div(p, q);
}

/** sigmoid x = (1 + tanh(x / 2)) / 2. */
@inline
function sigmoid4(x: v128): v128 {
  const half = f32x4.splat(0.5);
  return fma(tanh4(f32x4.mul(x, half)), half, half);
}

/** Floats i..i+3 at x, or the n - i that remain (zeros after them). */
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

/**
 * Rows [4][depth] at `rows` (row stride `depth`, a multiple of 4) into a panel of 4 rows: (p, i)
 * at p 4 + i, four columns at a time through a 4 x 4 transpose.
 */
function packRows(rows: usize, depth: i32, panel: usize): void {
  const stride = (<usize>depth) << 2;
  for (let p = 0; p < depth; p += 4) {
    const at = (<usize>p) << 2;
    const r0 = v128.load(rows + at);
    const r1 = v128.load(rows + stride + at);
    const r2 = v128.load(rows + 2 * stride + at);
    const r3 = v128.load(rows + 3 * stride + at);
    const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
    const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
    const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
    const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
    const to = panel + (at << 2);
    v128.store(to, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
    v128.store(to, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 16);
    v128.store(to, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 32);
    v128.store(to, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 48);
  }
}

/** The 4 x 8 tile C (row stride ldc) = packed A panel (p 4 + i) x packed B panel (p 8 + j). */
@inline
function tile(pa: usize, pb: usize, depth: i32, c: usize, ldc: i32): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < depth; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    c00 = fma(x, b0, c00);
    c01 = fma(x, b1, c01);
    x = v128.load32_splat(pa, 4);
    c10 = fma(x, b0, c10);
    c11 = fma(x, b1, c11);
    x = v128.load32_splat(pa, 8);
    c20 = fma(x, b0, c20);
    c21 = fma(x, b1, c21);
    x = v128.load32_splat(pa, 12);
    c30 = fma(x, b0, c30);
    c31 = fma(x, b1, c31);
    pa += MR * 4;
    pb += NR * 4;
  }
  const row = <usize>ldc * 4;
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + row, c10);
  v128.store(c + row, c11, 16);
  v128.store(c + 2 * row, c20);
  v128.store(c + 2 * row, c21, 16);
  v128.store(c + 3 * row, c30);
  v128.store(c + 3 * row, c31, 16);
}

/** Byte offset of float `i` of a tensor at `base`. */
@inline
function at(base: usize, i: i32): usize {
  return base + ((<usize>i) << 2);
}

/**
 * The forward recurrence: hidden states h, cell states c and activated gates from P and R, for
 * `batch` rows of `length` steps of u units. `scratch` holds lstmScratchFloats(u, length) floats,
 * 16-byte aligned.
 */
export function lstmForward(
  p: usize,
  r: usize,
  h: usize,
  c: usize,
  gates: usize,
  batch: i32,
  length: i32,
  u: i32,
  reverse: bool,
  scratch: usize,
): void {
  const up = padded(u);
  const w = 4 * u;
  const wp = 4 * up;
  // R packed into panels of 8 padded columns (gate g's unit n is column g up + n), depth u.
  const packed = scratch;
  const panel = at(packed, wp * u);
  const z = at(panel, MR * up);
  const cells = at(z, MR * wp);
  const hidden = at(cells, MR * up);
  for (let jp = 0; jp < wp; jp += NR)
    for (let k = 0; k < u; k++)
      for (let j = 0; j < NR; j++) {
        const col = jp + j;
        const g = col / up;
        const n = col - g * up;
        store<f32>(
          at(packed, jp * u + k * NR + j),
          n < u ? load<f32>(at(r, k * w + g * u + n)) : 0,
        );
      }
  for (let b0 = 0; b0 < batch; b0 += MR) {
    const rows = min(MR, batch - b0);
    memory.fill(panel, 0, (<usize>(MR * up)) << 2);
    memory.fill(cells, 0, (<usize>(MR * up)) << 2);
    memory.fill(hidden, 0, (<usize>(MR * up)) << 2);
    for (let k = 0; k < length; k++) {
      const t = reverse ? length - 1 - k : k;
      // z = h_{t-1} R for the group's four rows, all four gates.
      if (k > 0) for (let jp = 0; jp < wp; jp += NR) tile(panel, at(packed, jp * u), u, at(z, jp), wp);
      for (let i = 0; i < rows; i++) {
        const step = (b0 + i) * length + t;
        const pRow = at(p, step * w);
        const gRow = at(gates, step * w);
        const zRow = at(z, i * wp);
        const cRow = at(cells, i * up);
        const hRow = at(hidden, i * up);
        for (let n = 0; n < u; n += 4) {
          let zi = load4(pRow, n, u);
          let zf = load4(pRow + (<usize>u << 2), n, u);
          let zg = load4(pRow + (<usize>(2 * u) << 2), n, u);
          let zo = load4(pRow + (<usize>(3 * u) << 2), n, u);
          if (k > 0) {
            zi = f32x4.add(zi, v128.load(at(zRow, n)));
            zf = f32x4.add(zf, v128.load(at(zRow, up + n)));
            zg = f32x4.add(zg, v128.load(at(zRow, 2 * up + n)));
            zo = f32x4.add(zo, v128.load(at(zRow, 3 * up + n)));
          }
          const gi = sigmoid4(zi);
          const gf = sigmoid4(zf);
          const gg = tanh4(zg);
          const go = sigmoid4(zo);
          const cell = fma(gf, v128.load(at(cRow, n)), f32x4.mul(gi, gg));
          const out = f32x4.mul(go, tanh4(cell));
          store4(gRow, n, u, gi);
          store4(gRow + (<usize>u << 2), n, u, gf);
          store4(gRow + (<usize>(2 * u) << 2), n, u, gg);
          store4(gRow + (<usize>(3 * u) << 2), n, u, go);
          store4(at(c, step * u), n, u, cell);
          store4(at(h, step * u), n, u, out);
          v128.store(at(cRow, n), cell);
          v128.store(at(hRow, n), out);
        }
      }
      packRows(hidden, up, panel);
    }
  }
}

/**
 * Backpropagation through time: dP (the gradient of P) and dR from the gradient dy of the
 * hidden states and what the forward pass kept (h, c, the activated gates). `scratch` as for
 * lstmForward.
 */
export function lstmBackward(
  dy: usize,
  r: usize,
  h: usize,
  c: usize,
  gates: usize,
  dp: usize,
  dr: usize,
  batch: i32,
  length: i32,
  u: i32,
  reverse: bool,
  scratch: usize,
): void {
  const up = padded(u);
  const up8 = padded8(u);
  const w = 4 * u;
  const wp = 4 * up;
  // R^T packed into panels of 8 columns (units, padded to up8) over depth wp (padded gates).
  const packed = scratch;
  const panel = at(packed, up8 * wp);
  const dz = at(panel, MR * wp);
  const dh = at(dz, MR * wp);
  const dc = at(dh, MR * up8);
  const pack = at(dc, MR * up);
  for (let jp = 0; jp < up8; jp += NR)
    for (let k = 0; k < wp; k++) {
      const g = k / up;
      const n = k - g * up;
      for (let j = 0; j < NR; j++) {
        const unit = jp + j;
        store<f32>(
          at(packed, jp * wp + k * NR + j),
          unit < u && n < u ? load<f32>(at(r, unit * w + g * u + n)) : 0,
        );
      }
    }
  const one = f32x4.splat(1);
  for (let b0 = 0; b0 < batch; b0 += MR) {
    const rows = min(MR, batch - b0);
    memory.fill(dz, 0, (<usize>(MR * wp)) << 2);
    memory.fill(dh, 0, (<usize>(MR * up8)) << 2);
    memory.fill(dc, 0, (<usize>(MR * up)) << 2);
    for (let k = length - 1; k >= 0; k--) {
      const t = reverse ? length - 1 - k : k;
      const before = reverse ? t + 1 : t - 1;
      for (let i = 0; i < rows; i++) {
        const step = (b0 + i) * length + t;
        const gRow = at(gates, step * w);
        const dpRow = at(dp, step * w);
        const cRow = at(c, step * u);
        const dyRow = at(dy, step * u);
        const cBefore = at(c, ((b0 + i) * length + before) * u);
        const dzRow = at(dz, i * wp);
        const dhRow = at(dh, i * up8);
        const dcRow = at(dc, i * up);
        for (let n = 0; n < u; n += 4) {
          const gi = load4(gRow, n, u);
          const gf = load4(gRow + (<usize>u << 2), n, u);
          const gg = load4(gRow + (<usize>(2 * u) << 2), n, u);
          const go = load4(gRow + (<usize>(3 * u) << 2), n, u);
          const tc = tanh4(load4(cRow, n, u));
          const dH = f32x4.add(v128.load(at(dhRow, n)), load4(dyRow, n, u));
          const dC = fma(
            f32x4.mul(dH, go),
            f32x4.sub(one, f32x4.mul(tc, tc)),
            v128.load(at(dcRow, n)),
          );
          const cPrev = k > 0 ? load4(cBefore, n, u) : f32x4.splat(0);
          const di = f32x4.mul(f32x4.mul(dC, gg), f32x4.mul(gi, f32x4.sub(one, gi)));
          const df = f32x4.mul(f32x4.mul(dC, cPrev), f32x4.mul(gf, f32x4.sub(one, gf)));
          const dg = f32x4.mul(f32x4.mul(dC, gi), f32x4.sub(one, f32x4.mul(gg, gg)));
          const dO = f32x4.mul(f32x4.mul(dH, tc), f32x4.mul(go, f32x4.sub(one, go)));
          store4(dpRow, n, u, di);
          store4(dpRow + (<usize>u << 2), n, u, df);
          store4(dpRow + (<usize>(2 * u) << 2), n, u, dg);
          store4(dpRow + (<usize>(3 * u) << 2), n, u, dO);
          v128.store(at(dzRow, n), di);
          v128.store(at(dzRow, up + n), df);
          v128.store(at(dzRow, 2 * up + n), dg);
          v128.store(at(dzRow, 3 * up + n), dO);
          v128.store(at(dcRow, n), f32x4.mul(dC, gf));
        }
      }
      // dh_{t-1} = dz R^T, for the step before (none before the first).
      if (k > 0) {
        packRows(dz, wp, panel);
        for (let jp = 0; jp < up8; jp += NR) tile(panel, at(packed, jp * wp), wp, at(dh, jp), up8);
      }
    }
  }
  // dR = sum over rows and steps of h_{t-1}^T dz_t: per batch row, one product of depth
  // length - 1 (positions 0..L-2 of h against 1..L-1 of dP forward in time; reversed, 1..L-1
  // against 0..L-2).
  const hFirst = reverse ? 1 : 0;
  const dFirst = reverse ? 0 : 1;
  for (let b = 0; b < batch; b++) {
    const hb = at(h, (b * length + hFirst) * u);
    const db = at(dp, (b * length + dFirst) * w);
    product(hb, 1, u, db, w, 1, dr, w, u, w, length - 1, pack, b > 0);
  }
  if (batch === 0) memory.fill(dr, 0, (<usize>(u * w)) << 2);
}
