// Single-precision matrix multiply for WebAssembly SIMD128, in the BLIS layout: B is packed into
// panels of NR columns and A into panels of MR rows, so the micro-kernel streams both from
// contiguous memory and keeps an MR x NR tile of C in registers. Built twice: with plain SIMD128
// (multiply, then add) and with relaxed SIMD (fused multiply-add where the CPU has one).

/** Rows of A per micro-tile. */
const MR: i32 = 4;
/** Columns of B per micro-tile: two f32x4 vectors. */
const NR: i32 = 8;
/** Depth of one packed block: an A panel (MR x KC) and a B panel (KC x NR) stay in L1. */
const KC: i32 = 256;
/** Rows of A packed at once: MC x KC floats stay in L2. */
const MC: i32 = 128;

// The module keeps no data of its own in memory: it may run in memory it imports from tfjs,
// where every byte belongs to tfjs's allocator. Its scratch space comes from the caller.

/** Floats of scratch `gemm` needs for an m x n product of depth k: packed panels, an edge tile. */
export function packFloats(m: i32, n: i32, k: i32): i32 {
  const kc = min(KC, max(k, 1));
  const mc = min(MC, m);
  const panelsA = (mc + MR - 1) / MR;
  const panelsB = (n + NR - 1) / NR;
  return panelsA * MR * kc + panelsB * NR * kc + MR * NR;
}

/** a * b + c, fused where relaxed SIMD is built in and the CPU has it. */
@inline
export function fma(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}

/**
 * C[m x n] (row stride ldc) = A * B, where A(i, p) is the float at a + 4 (i ars + p acs) and
 * B(p, j) the float at b + 4 (p brs + j bcs): any transpose is a choice of strides. `pack` is
 * scratch of packFloats(m, n, k) floats, 16-byte aligned.
 */
export function gemm(
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  c: usize,
  ldc: i32,
  m: i32,
  n: i32,
  k: i32,
  pack: usize,
): void {
  product(a, ars, acs, b, brs, bcs, c, ldc, m, n, k, pack, false);
}

/** `gemm`, or with `add` C += A * B. */
export function product(
  a: usize,
  ars: i32,
  acs: i32,
  b: usize,
  brs: i32,
  bcs: i32,
  c: usize,
  ldc: i32,
  m: i32,
  n: i32,
  k: i32,
  pack: usize,
  add: bool,
): void {
  if (k === 0) {
    if (!add) for (let i = 0; i < m; i++) memory.fill(c + <usize>(i * ldc) * 4, 0, <usize>n * 4);
    return;
  }
  const kcMax = min(KC, k);
  const packB = pack + <usize>(((min(MC, m) + MR - 1) / MR) * MR * kcMax) * 4;
  // Scratch for a partial tile at the right or bottom edge of C.
  const edge = packB + <usize>(((n + NR - 1) / NR) * NR * kcMax) * 4;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    packPanelsB(b + <usize>(pc * brs) * 4, brs, bcs, kc, n, packB);
    for (let ic = 0; ic < m; ic += MC) {
      const mc = min(MC, m - ic);
      packPanelsA(a + <usize>(ic * ars + pc * acs) * 4, ars, acs, mc, kc, pack);
      for (let jr = 0; jr < n; jr += NR) {
        const nr = min(NR, n - jr);
        const pb = packB + <usize>(jr * kc) * 4;
        for (let ir = 0; ir < mc; ir += MR) {
          const mr = min(MR, mc - ir);
          const pa = pack + <usize>(ir * kc) * 4;
          const pcOut = c + <usize>((ic + ir) * ldc + jr) * 4;
          const accumulate = add || pc > 0;
          if (mr === MR && nr === NR) tile(pa, pb, kc, pcOut, ldc, accumulate);
          else {
            tile(pa, pb, kc, edge, NR, false);
            for (let i = 0; i < mr; i++) {
              for (let j = 0; j < nr; j++) {
                const to = pcOut + <usize>(i * ldc + j) * 4;
                const value = load<f32>(edge + <usize>(i * NR + j) * 4);
                store<f32>(to, accumulate ? load<f32>(to) + value : value);
              }
            }
          }
        }
      }
    }
  }
}

/** Packs rows [0, m) x depth [0, kc) of A into panels of MR rows: panel r holds (p, i) at p MR + i. */
function packPanelsA(a: usize, ars: i32, acs: i32, m: i32, kc: i32, to: usize): void {
  for (let ir = 0; ir < m; ir += MR) {
    const mr = min(MR, m - ir);
    const panel = to + <usize>(ir * kc) * 4;
    if (mr === MR && ars === 1) {
      // A transposed: the panel's MR values at each depth lie side by side.
      for (let p = 0; p < kc; p++)
        v128.store(panel + <usize>(p * MR) * 4, v128.load(a + <usize>(ir + p * acs) * 4));
      continue;
    }
    for (let i = 0; i < MR; i++) {
      if (i < mr) {
        const row = a + <usize>((ir + i) * ars) * 4;
        for (let p = 0; p < kc; p++)
          store<f32>(panel + <usize>(p * MR + i) * 4, load<f32>(row + <usize>(p * acs) * 4));
      } else {
        for (let p = 0; p < kc; p++) store<f32>(panel + <usize>(p * MR + i) * 4, 0);
      }
    }
  }
}

/** Packs depth [0, kc) x columns [0, n) of B into panels of NR columns: (p, j) at p NR + j. */
function packPanelsB(b: usize, brs: i32, bcs: i32, kc: i32, n: i32, to: usize): void {
  for (let jr = 0; jr < n; jr += NR) {
    const nr = min(NR, n - jr);
    const panel = to + <usize>(jr * kc) * 4;
    if (nr === NR && bcs === 1) {
      for (let p = 0; p < kc; p++) {
        const from = b + <usize>(p * brs + jr) * 4;
        v128.store(panel + <usize>(p * NR) * 4, v128.load(from));
        v128.store(panel + <usize>(p * NR) * 4, v128.load(from, 16), 16);
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let j = 0; j < NR; j++) {
          const value = j < nr ? load<f32>(b + <usize>(p * brs + (jr + j) * bcs) * 4) : 0;
          store<f32>(panel + <usize>(p * NR + j) * 4, value);
        }
      }
    }
  }
}

/** The MR x NR micro-kernel: C tile (row stride ldc) = or += packed A panel x packed B panel. */
@inline
function tile(pa: usize, pb: usize, kc: i32, c: usize, ldc: i32, accumulate: bool): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
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
  if (accumulate) {
    c00 = f32x4.add(c00, v128.load(c));
    c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(c + row));
    c11 = f32x4.add(c11, v128.load(c + row, 16));
    c20 = f32x4.add(c20, v128.load(c + 2 * row));
    c21 = f32x4.add(c21, v128.load(c + 2 * row, 16));
    c30 = f32x4.add(c30, v128.load(c + 3 * row));
    c31 = f32x4.add(c31, v128.load(c + 3 * row, 16));
  }
  v128.store(c, c00);
  v128.store(c, c01, 16);
  v128.store(c + row, c10);
  v128.store(c + row, c11, 16);
  v128.store(c + 2 * row, c20);
  v128.store(c + 2 * row, c21, 16);
  v128.store(c + 3 * row, c30);
  v128.store(c + 3 * row, c31, 16);
}
