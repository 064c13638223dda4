// Fused scaled-dot-product attention for one (batch, head) pair, forward and backward, in the
// manner of FlashAttention: the softmax weights P are formed a block of query rows at a time and
// never stored whole. The forward pass keeps each row's log-sum-exp; the backward pass recomputes
// P from it. Products go through the packed `product` of gemm.ts.
//
// Q is lq x d, K lk x d, V lk x dv, O and dO lq x dv, all row-major and contiguous; the optional
// additive mask is lq x lk (0 where a key may be seen, a large negative number where not); the
// scores are Q K^T as given (the caller scales Q).

import { fma, packFloats, product } from './gemm';

/**
 * Floats of one block of P: the query rows of a block are as many as fit (all 400 of length 400,
 * 64 of length 4096). Each block's products re-pack K and V, so blocks are kept large.
 */
const BLOCK_FLOATS: i32 = 1 << 18;
/** Below this, exp underflows: the weight is exactly 0, as softmax of a masked score gives. */
const EXP_LOW: f32 = -87.3;
const EXP_HIGH: f32 = 88.3;

/** Query rows per block: a multiple of 4 (the products' tile height), or every row. */
@inline
function blockRows(lq: i32, lk: i32): i32 {
  return min(lq, max(4, (BLOCK_FLOATS / max(lk, 1)) & ~3));
}

/** Rounds a count of floats up to whole 16-byte vectors. */
@inline
function vectors(floats: i32): i32 {
  return (floats + 3) & ~3;
}

/** Floats of scratch an `attentionForward` or `attentionBackward` call needs. */
export function attentionScratchFloats(lq: i32, lk: i32, d: i32, dv: i32): i32 {
  const r = blockRows(lq, lk);
  const packs = max(
    max(packFloats(r, lk, d), packFloats(r, lk, dv)),
    max(packFloats(lk, dv, r), max(packFloats(r, d, lk), packFloats(lk, d, r))),
  );
  // Two blocks of P (P and dP), each row's D = dO . O, the products' packing scratch.
  return 2 * vectors(r * lk) + vectors(lq) + vectors(packs);
}

/**
 * e^x, four at a time (Cephes' expf: a degree-5 polynomial on r = x - n ln 2, times 2^n), with
 * multiply-adds fused where relaxed SIMD allows.
 */
@inline
export function exp4(x: v128): v128 {
  const kept = f32x4.ge(x, f32x4.splat(EXP_LOW));
  x = f32x4.max(f32x4.min(x, f32x4.splat(EXP_HIGH)), f32x4.splat(EXP_LOW));
  const n = f32x4.nearest(f32x4.mul(x, f32x4.splat(1.44269504088896341)));
  // ln 2 in two parts, so that r keeps its low bits.
  let r = fma(n, f32x4.splat(-0.693359375), x);
  r = fma(n, f32x4.splat(2.12194440e-4), r);
  let y = f32x4.splat(1.9875691500e-4);
  y = fma(y, r, f32x4.splat(1.3981999507e-3));
  y = fma(y, r, f32x4.splat(8.3334519073e-3));
  y = fma(y, r, f32x4.splat(4.1665795894e-2));
  y = fma(y, r, f32x4.splat(1.6666665459e-1));
  y = fma(y, r, f32x4.splat(5.0000001201e-1));
  y = f32x4.add(fma(y, f32x4.mul(r, r), r), f32x4.splat(1));
  const scale = i32x4.shl(i32x4.add(i32x4.trunc_sat_f32x4_s(n), i32x4.splat(127)), 23);
  return v128.and(f32x4.mul(y, scale), kept);
}

@inline
function exp1(x: f32): f32 {
  return f32x4.extract_lane(exp4(f32x4.splat(x)), 0);
}

@inline
function lanesSum(v: v128): f32 {
  return (
    f32x4.extract_lane(v, 0) +
    f32x4.extract_lane(v, 1) +
    (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3))
  );
}

@inline
function lanesMax(v: v128): f32 {
  return max(
    max(f32x4.extract_lane(v, 0), f32x4.extract_lane(v, 1)),
    max(f32x4.extract_lane(v, 2), f32x4.extract_lane(v, 3)),
  );
}

/**
 * Turns one row of n scores at s (plus the mask row at m, unless m is 0) into e^(score - max),
 * in place: the softmax weights times the row's sum, which is stored at `sum`. Returns the
 * row's log-sum-exp.
 */
function expRow(s: usize, m: usize, n: i32, sum: usize): f32 {
  let top = f32x4.splat(-Infinity);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const at = s + (<usize>j << 2);
    let x = v128.load(at);
    if (m) {
      x = f32x4.add(x, v128.load(m + (<usize>j << 2)));
      v128.store(at, x);
    }
    top = f32x4.max(top, x);
  }
  let high = lanesMax(top);
  for (; j < n; j++) {
    const at = s + (<usize>j << 2);
    let x = load<f32>(at);
    if (m) {
      x += load<f32>(m + (<usize>j << 2));
      store<f32>(at, x);
    }
    high = max(high, x);
  }
  const shift = f32x4.splat(high);
  let sums = f32x4.splat(0);
  j = 0;
  for (; j + 4 <= n; j += 4) {
    const at = s + (<usize>j << 2);
    const e = exp4(f32x4.sub(v128.load(at), shift));
    v128.store(at, e);
    sums = f32x4.add(sums, e);
  }
  let total = lanesSum(sums);
  for (; j < n; j++) {
    const at = s + (<usize>j << 2);
    const e = exp1(load<f32>(at) - high);
    store<f32>(at, e);
    total += e;
  }
  store<f32>(sum, total);
  return high + Mathf.log(total);
}

/** Divides the n floats at x by `by`. */
function divideRow(x: usize, n: i32, by: f32): void {
  const inverse = f32x4.splat(1 / by);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const at = x + (<usize>j << 2);
    v128.store(at, f32x4.mul(v128.load(at), inverse));
  }
  for (; j < n; j++) {
    const at = x + (<usize>j << 2);
    store<f32>(at, load<f32>(at) / by);
  }
}

/** Recomputes softmax weights from scores at s, the mask row at m (unless 0) and the log-sum-exp. */
function weightsRow(s: usize, m: usize, n: i32, lse: f32): void {
  const shift = f32x4.splat(lse);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const at = s + (<usize>j << 2);
    let x = v128.load(at);
    if (m) x = f32x4.add(x, v128.load(m + (<usize>j << 2)));
    v128.store(at, exp4(f32x4.sub(x, shift)));
  }
  for (; j < n; j++) {
    const at = s + (<usize>j << 2);
    let x = load<f32>(at);
    if (m) x += load<f32>(m + (<usize>j << 2));
    store<f32>(at, exp1(x - lse));
  }
}

/** dS = P * (dP - D) for one row, into dP's place. */
function scoreGradientRow(p: usize, dp: usize, n: i32, rowD: f32): void {
  const shift = f32x4.splat(rowD);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    v128.store(dp + o, f32x4.mul(v128.load(p + o), f32x4.sub(v128.load(dp + o), shift)));
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    store<f32>(dp + o, load<f32>(p + o) * (load<f32>(dp + o) - rowD));
  }
}

/** The dot product of n floats at a and b. */
function dot(a: usize, b: usize, n: i32): f32 {
  let sums = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    sums = f32x4.add(sums, f32x4.mul(v128.load(a + o), v128.load(b + o)));
  }
  let sum = lanesSum(sums);
  for (; j < n; j++) sum += load<f32>(a + (<usize>j << 2)) * load<f32>(b + (<usize>j << 2));
  return sum;
}

/**
 * O = softmax(Q K^T + mask) V for one (batch, head) pair, and each query row's log-sum-exp of
 * its scores (lse, lq floats), which the backward pass recomputes the weights from. `mask` is 0
 * for none; `scratch` holds attentionScratchFloats(lq, lk, d, dv) floats.
 */
export function attentionForward(
  q: usize,
  k: usize,
  v: usize,
  mask: usize,
  o: usize,
  lse: usize,
  lq: i32,
  lk: i32,
  d: i32,
  dv: i32,
  scratch: usize,
): void {
  const r = blockRows(lq, lk);
  const p = scratch;
  // Each row's sum of exponentials, where the backward pass keeps D.
  const sums = p + (<usize>(2 * vectors(r * lk)) << 2);
  const pack = sums + (<usize>vectors(lq) << 2);
  for (let r0 = 0; r0 < lq; r0 += r) {
    const rows = min(r, lq - r0);
    // S = Q_block K^T: K read transposed through its strides.
    product(q + (<usize>(r0 * d) << 2), d, 1, k, 1, d, p, lk, rows, lk, d, pack, false);
    for (let i = 0; i < rows; i++) {
      const row = r0 + i;
      const m = mask ? mask + (<usize>(row * lk) << 2) : 0;
      const sum = sums + (<usize>row << 2);
      store<f32>(lse + (<usize>row << 2), expRow(p + (<usize>(i * lk) << 2), m, lk, sum));
    }
    // O_block = P V, with P's rows divided by their sums afterwards, on dv columns, not lk.
    const out = o + (<usize>(r0 * dv) << 2);
    product(p, lk, 1, v, dv, 1, out, dv, rows, dv, lk, pack, false);
    for (let i = 0; i < rows; i++)
      divideRow(out + (<usize>(i * dv) << 2), dv, load<f32>(sums + (<usize>(r0 + i) << 2)));
  }
}

/**
 * The gradients dQ, dK and dV of attentionForward's O for one (batch, head) pair, given dO, O
 * and the log-sum-exp it kept. dQ is lq x d, dK lk x d, dV lk x dv. Scratch as for the forward.
 */
export function attentionBackward(
  q: usize,
  k: usize,
  v: usize,
  mask: usize,
  o: usize,
  lse: usize,
  dO: usize,
  dq: usize,
  dk: usize,
  dvOut: usize,
  lq: i32,
  lk: i32,
  d: i32,
  dv: i32,
  scratch: usize,
): void {
  const r = blockRows(lq, lk);
  const p = scratch;
  const dp = p + (<usize>vectors(r * lk) << 2);
  const rowD = dp + (<usize>vectors(r * lk) << 2);
  const pack = rowD + (<usize>vectors(lq) << 2);
  // D_i = dO_i . O_i: the softmax gradient's per-row term.
  for (let i = 0; i < lq; i++) {
    const at = <usize>(i * dv) << 2;
    store<f32>(rowD + (<usize>i << 2), dot(dO + at, o + at, dv));
  }
  memory.fill(dk, 0, <usize>(lk * d) << 2);
  memory.fill(dvOut, 0, <usize>(lk * dv) << 2);
  for (let r0 = 0; r0 < lq; r0 += r) {
    const rows = min(r, lq - r0);
    const qBlock = q + (<usize>(r0 * d) << 2);
    const dOBlock = dO + (<usize>(r0 * dv) << 2);
    product(qBlock, d, 1, k, 1, d, p, lk, rows, lk, d, pack, false);
    for (let i = 0; i < rows; i++) {
      const row = r0 + i;
      const m = mask ? mask + (<usize>(row * lk) << 2) : 0;
      weightsRow(p + (<usize>(i * lk) << 2), m, lk, load<f32>(lse + (<usize>row << 2)));
    }
    // dV += P^T dO_block.
    product(p, 1, lk, dOBlock, dv, 1, dvOut, dv, lk, dv, rows, pack, true);
    // dP = dO_block V^T, then dS = P (dP - D).
    product(dOBlock, dv, 1, v, 1, dv, dp, lk, rows, lk, dv, pack, false);
    for (let i = 0; i < rows; i++) {
      const at = <usize>(i * lk) << 2;
      scoreGradientRow(p + at, dp + at, lk, load<f32>(rowD + (<usize>(r0 + i) << 2)));
    }
    // dQ_block = dS K; dK += dS^T Q_block.
    product(dp, lk, 1, k, d, 1, dq + (<usize>(r0 * d) << 2), d, rows, d, lk, pack, false);
    product(dp, 1, lk, qBlock, d, 1, dk, d, lk, d, rows, pack, true);
  }
}
