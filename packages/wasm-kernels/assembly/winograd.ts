// The 1D convolution of conv1d.ts by Winograd's minimal filtering F(m, r): each tile of m output
// rows reads alpha = m + r - 1 input rows, transformed (BT) into alpha points; the kernel is
// transformed (G) once; then one product per point, [tiles, in] x [in, out], and the points
// transformed back (AT) into the m rows. alpha products of depth `in` replace the direct sum's
// r of them for every row: with F(4, 5), 8 / 4 = 2 products' work per row where the direct
// convolution does 5. The kernel's gradient is the transpose of the same: the input's points times
// dy's points (A dy), summed over the tiles, transformed back by G's transpose. Tiles are taken a
// block at a time, so the points of a block stay in cache.
//
// The caller writes the matrices (src/winograd.ts works them out) at the start of the scratch:
// AT [m, alpha], G [alpha, r] and BT [alpha, alpha], in single precision, each number four times
// over (a whole vector, loaded as one). alpha is 8: the transforms hold a tile's 8 rows in
// registers.

import { flipKernel } from './conv1d';
import { fma, packFloats, product } from './gemm';

/** Tiles in one block. */
const TILES: i32 = 128;

@inline
function whole(floats: i32): i32 {
  return (floats + 3) & ~3;
}

/** Floats of the matrices at the start of the scratch. */
@inline
function matrixFloats(m: i32, r: i32): i32 {
  const alpha = m + r - 1;
  return 4 * (m * alpha + alpha * r + alpha * alpha);
}

/** Floats of the panels the general products pack into. */
@inline
function panelFloats(inChannels: i32, outChannels: i32): i32 {
  return max(
    max(packFloats(TILES, outChannels, inChannels), packFloats(TILES, inChannels, outChannels)),
    packFloats(inChannels, outChannels, TILES),
  );
}

/** Floats of scratch the winograd kernels need, the matrices included. */
export function winogradScratchFloats(inChannels: i32, outChannels: i32, m: i32, r: i32): i32 {
  const alpha = m + r - 1;
  const wide = max(inChannels, outChannels);
  return (
    matrixFloats(m, r) +
    whole(r * inChannels * outChannels) +
    2 * whole(alpha * inChannels * outChannels) +
    2 * alpha * TILES * wide +
    whole(panelFloats(inChannels, outChannels))
  );
}

// Where each part of the scratch lies: the matrices, a flipped kernel, the kernel's points, the
// tiles' input points (u) and output points (v), the products' panels. (No objects: the module
// may run in tfjs's memory, where it owns no bytes but the scratch it is given.)
@inline
function partG(scratch: usize, m: i32, r: i32): usize {
  return scratch + (<usize>(m * (m + r - 1)) << 4);
}
@inline
function partBt(scratch: usize, m: i32, r: i32): usize {
  return partG(scratch, m, r) + (<usize>((m + r - 1) * r) << 4);
}
@inline
function partFlipped(scratch: usize, m: i32, r: i32): usize {
  return scratch + (<usize>matrixFloats(m, r) << 2);
}
@inline
function partPoints(scratch: usize, inChannels: i32, outChannels: i32, m: i32, r: i32): usize {
  return partFlipped(scratch, m, r) + (<usize>whole(r * inChannels * outChannels) << 2);
}
@inline
function partU(scratch: usize, inChannels: i32, outChannels: i32, m: i32, r: i32): usize {
  const alpha = m + r - 1;
  return (
    partPoints(scratch, inChannels, outChannels, m, r) +
    (<usize>whole(alpha * inChannels * outChannels) << 2)
  );
}
@inline
function partV(scratch: usize, inChannels: i32, outChannels: i32, m: i32, r: i32): usize {
  const wide = max(inChannels, outChannels);
  return partU(scratch, inChannels, outChannels, m, r) + (<usize>((m + r - 1) * TILES * wide) << 2);
}
@inline
function partPack(scratch: usize, inChannels: i32, outChannels: i32, m: i32, r: i32): usize {
  const wide = max(inChannels, outChannels);
  return partV(scratch, inChannels, outChannels, m, r) + (<usize>((m + r - 1) * TILES * wide) << 2);
}

/** The kernel's points packed in panels of 8 columns, for blockProduct. */
@inline
function partPacked(scratch: usize, inChannels: i32, outChannels: i32, m: i32, r: i32): usize {
  return (
    partPack(scratch, inChannels, outChannels, m, r) +
    (<usize>whole(panelFloats(inChannels, outChannels)) << 2)
  );
}

/** packed [alpha][n / 8][k][8] = points [alpha][k][n], n a multiple of 8. */
function packPoints(points: usize, packed: usize, alpha: i32, k: i32, n: i32): void {
  for (let xi = 0; xi < alpha; xi++) {
    const from = points + <usize>(xi * k * n) * 4;
    let to = packed + <usize>(xi * k * n) * 4;
    for (let jr = 0; jr < n; jr += 8)
      for (let p = 0; p < k; p++) {
        const at = from + <usize>(p * n + jr) * 4;
        v128.store(to, v128.load(at));
        v128.store(to, v128.load(at, 16), 16);
        to += 32;
      }
  }
}

/**
 * C [rows, n] (row stride n) = A [rows, k] (row stride k, read where it lies) times B packed
 * [n / 8][k][8]: rows a multiple of 4, n of 8. The general product would pack A and B again for
 * every block of tiles; B (the kernel's points) is packed once a call, and A's rows are read
 * four at a time as they are.
 */
function blockProduct(a: usize, packedB: usize, c: usize, rows: i32, n: i32, k: i32): void {
  const rowA = (<usize>k) << 2;
  const rowC = (<usize>n) << 2;
  for (let i = 0; i < rows; i += 4) {
    const a0 = a + <usize>i * rowA;
    for (let jr = 0; jr < n; jr += 8) {
      let pb = packedB + <usize>(jr * k) * 4;
      let c00 = f32x4.splat(0);
      let c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0);
      let c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0);
      let c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0);
      let c31 = f32x4.splat(0);
      let pa = a0;
      for (let p = 0; p < k; p++) {
        const b0 = v128.load(pb);
        const b1 = v128.load(pb, 16);
        let x = v128.load32_splat(pa);
        c00 = fma(x, b0, c00);
        c01 = fma(x, b1, c01);
        x = v128.load32_splat(pa + rowA);
        c10 = fma(x, b0, c10);
        c11 = fma(x, b1, c11);
        x = v128.load32_splat(pa + 2 * rowA);
        c20 = fma(x, b0, c20);
        c21 = fma(x, b1, c21);
        x = v128.load32_splat(pa + 3 * rowA);
        c30 = fma(x, b0, c30);
        c31 = fma(x, b1, c31);
        pa += 4;
        pb += 32;
      }
      const to = c + <usize>i * rowC + (<usize>jr << 2);
      v128.store(to, c00);
      v128.store(to, c01, 16);
      v128.store(to + rowC, c10);
      v128.store(to + rowC, c11, 16);
      v128.store(to + 2 * rowC, c20);
      v128.store(to + 2 * rowC, c21, 16);
      v128.store(to + 3 * rowC, c30);
      v128.store(to + 3 * rowC, c31, 16);
    }
  }
}

/**
 * C [m, n] += A^T B for A [k, m] and B [k, n], both read where they lie (row strides m and n):
 * m a multiple of 4, n of 8. Four of A's columns at one depth lie side by side, so neither needs
 * packing.
 */
function transposedBlockProduct(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32): void {
  const rowA = (<usize>m) << 2;
  const rowB = (<usize>n) << 2;
  for (let i = 0; i < m; i += 4) {
    for (let jr = 0; jr < n; jr += 8) {
      let pa = a + (<usize>i << 2);
      let pb = b + (<usize>jr << 2);
      let c00 = f32x4.splat(0);
      let c01 = f32x4.splat(0);
      let c10 = f32x4.splat(0);
      let c11 = f32x4.splat(0);
      let c20 = f32x4.splat(0);
      let c21 = f32x4.splat(0);
      let c30 = f32x4.splat(0);
      let c31 = f32x4.splat(0);
      for (let p = 0; p < k; p++) {
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
        pa += rowA;
        pb += rowB;
      }
      const to = c + <usize>i * rowB + (<usize>jr << 2);
      v128.store(to, f32x4.add(v128.load(to), c00));
      v128.store(to, f32x4.add(v128.load(to, 16), c01), 16);
      v128.store(to + rowB, f32x4.add(v128.load(to + rowB), c10));
      v128.store(to + rowB, f32x4.add(v128.load(to + rowB, 16), c11), 16);
      v128.store(to + 2 * rowB, f32x4.add(v128.load(to + 2 * rowB), c20));
      v128.store(to + 2 * rowB, f32x4.add(v128.load(to + 2 * rowB, 16), c21), 16);
      v128.store(to + 3 * rowB, f32x4.add(v128.load(to + 3 * rowB), c30));
      v128.store(to + 3 * rowB, f32x4.add(v128.load(to + 3 * rowB, 16), c31), 16);
    }
  }
}

/** points [alpha, rows x cols] = G times the taps of kernel [r, rows x cols]. */
function transformKernel(kernel: usize, g: usize, points: usize, alpha: i32, r: i32, n: i32): void {
  for (let xi = 0; xi < alpha; xi++) {
    const to = points + <usize>(xi * n) * 4;
    memory.fill(to, 0, <usize>n << 2);
    for (let k = 0; k < r; k++) {
      const coefficient = load<f32>(g + <usize>(xi * r + k) * 16);
      if (coefficient == 0) continue;
      const from = kernel + <usize>(k * n) * 4;
      const a = f32x4.splat(coefficient);
      let j = 0;
      for (; j + 4 <= n; j += 4) {
        const o = (<usize>j) << 2;
        v128.store(to + o, f32x4.add(v128.load(to + o), f32x4.mul(a, v128.load(from + o))));
      }
      for (; j < n; j++) {
        const o = (<usize>j) << 2;
        store<f32>(to + o, load<f32>(to + o) + coefficient * load<f32>(from + o));
      }
    }
  }
}

/**
 * u [alpha, TILES, channels]: the BT points of tiles [first, first + count) of the input
 * [batch, length, channels], tile t of a sequence reading its rows t m - before + j (zeros
 * outside the sequence).
 */
function inputPoints(
  input: usize,
  u: usize,
  bt: usize,
  first: i32,
  count: i32,
  tilesPerSequence: i32,
  length: i32,
  channels: i32,
  before: i32,
  m: i32,
): void {
  const row = (<usize>channels) << 2;
  const plane = <usize>TILES * row;
  const zero = f32x4.splat(0);
  for (let t = 0; t < count; t++) {
    const tile = first + t;
    const b = tile / tilesPerSequence;
    const start = (tile % tilesPerSequence) * m - before;
    const sequence = input + <usize>b * <usize>length * row;
    // Rows outside the sequence read as zeros: their pointers go to a row that is never loaded.
    const low = max(0, -start);
    const high = min(8, length - start);
    const to = u + <usize>t * row;
    for (let c = 0; c < channels; c += 4) {
      const at = sequence + <usize>start * row + (<usize>c << 2);
      const d0 = 0 >= low && 0 < high ? v128.load(at) : zero;
      const d1 = 1 >= low && 1 < high ? v128.load(at + row) : zero;
      const d2 = 2 >= low && 2 < high ? v128.load(at + 2 * row) : zero;
      const d3 = 3 >= low && 3 < high ? v128.load(at + 3 * row) : zero;
      const d4 = 4 >= low && 4 < high ? v128.load(at + 4 * row) : zero;
      const d5 = 5 >= low && 5 < high ? v128.load(at + 5 * row) : zero;
      const d6 = 6 >= low && 6 < high ? v128.load(at + 6 * row) : zero;
      const d7 = 7 >= low && 7 < high ? v128.load(at + 7 * row) : zero;
      let out = to + (<usize>c << 2);
      let coefficients = bt;
      for (let xi = 0; xi < 8; xi++) {
        let sum = f32x4.mul(v128.load(coefficients), d0);
        sum = f32x4.add(sum, f32x4.mul(v128.load(coefficients, 16), d1));
        sum = f32x4.add(sum, f32x4.mul(v128.load(coefficients, 32), d2));
        sum = f32x4.add(sum, f32x4.mul(v128.load(coefficients, 48), d3));
        sum = f32x4.add(sum, f32x4.mul(v128.load(coefficients, 64), d4));
        sum = f32x4.add(sum, f32x4.mul(v128.load(coefficients, 80), d5));
        sum = f32x4.add(sum, f32x4.mul(v128.load(coefficients, 96), d6));
        sum = f32x4.add(sum, f32x4.mul(v128.load(coefficients, 112), d7));
        v128.store(out, sum);
        out += plane;
        coefficients += 128;
      }
    }
  }
}

/**
 * output = correlate(input, kernel) + bias (0: none) by F(m, r): input [batch, length, in],
 * kernel points [alpha, in, out] (already transformed), output [batch, outLength, out], output
 * row s reading input rows s - before + k.
 */
function correlate(
  input: usize,
  output: usize,
  bias: usize,
  batch: i32,
  length: i32,
  outLength: i32,
  inChannels: i32,
  outChannels: i32,
  before: i32,
  m: i32,
  alpha: i32,
  at: usize,
  bt: usize,
  points: usize,
  u: usize,
  v: usize,
  pack: usize,
  packedArea: usize,
): void {
  const tilesPerSequence = (outLength + m - 1) / m;
  const tiles = batch * tilesPerSequence;
  const outRow = (<usize>outChannels) << 2;
  // The kernel's points packed once, where the output's channels fill whole panels of 8.
  let packed: usize = 0;
  if (outChannels % 8 === 0) {
    packed = packedArea;
    packPoints(points, packed, alpha, inChannels, outChannels);
  }
  for (let first = 0; first < tiles; first += TILES) {
    const count = min(TILES, tiles - first);
    inputPoints(
      input,
      u,
      bt,
      first,
      count,
      tilesPerSequence,
      length,
      inChannels,
      before,
      m,
    );
    for (let xi = 0; xi < alpha; xi++) {
      const ux = u + <usize>(xi * TILES * inChannels) * 4;
      const vx = v + <usize>(xi * TILES) * outRow;
      // Rows past `count` (up to a multiple of 4) are computed from stale rows, and never read.
      if (packed)
        blockProduct(
          ux,
          packed + <usize>(xi * inChannels * outChannels) * 4,
          vx,
          (count + 3) & ~3,
          outChannels,
          inChannels,
        );
      else
        product(
          ux,
          inChannels,
          1,
          points + <usize>(xi * inChannels * outChannels) * 4,
          outChannels,
          1,
          vx,
          outChannels,
          count,
          outChannels,
          inChannels,
          pack,
          false,
        );
    }
    // Back from the points: output row t m + i = bias + sum over points of AT[i][xi] v[xi][t].
    const plane = <usize>TILES * outRow;
    for (let t = 0; t < count; t++) {
      const tile = first + t;
      const b = tile / tilesPerSequence;
      const start = (tile % tilesPerSequence) * m;
      const rows = min(m, outLength - start);
      const to = output + (<usize>b * <usize>outLength + <usize>start) * outRow;
      for (let o = 0; o < outChannels; o += 4) {
        const from = v + <usize>t * outRow + (<usize>o << 2);
        const p0 = v128.load(from);
        const p1 = v128.load(from + plane);
        const p2 = v128.load(from + 2 * plane);
        const p3 = v128.load(from + 3 * plane);
        const p4 = v128.load(from + 4 * plane);
        const p5 = v128.load(from + 5 * plane);
        const p6 = v128.load(from + 6 * plane);
        const p7 = v128.load(from + 7 * plane);
        const offset = bias ? v128.load(bias + (<usize>o << 2)) : f32x4.splat(0);
        let coefficients = at;
        let out = to + (<usize>o << 2);
        for (let i = 0; i < rows; i++) {
          let sum = f32x4.add(offset, f32x4.mul(v128.load(coefficients), p0));
          sum = f32x4.add(sum, f32x4.mul(v128.load(coefficients, 16), p1));
          sum = f32x4.add(sum, f32x4.mul(v128.load(coefficients, 32), p2));
          sum = f32x4.add(sum, f32x4.mul(v128.load(coefficients, 48), p3));
          sum = f32x4.add(sum, f32x4.mul(v128.load(coefficients, 64), p4));
          sum = f32x4.add(sum, f32x4.mul(v128.load(coefficients, 80), p5));
          sum = f32x4.add(sum, f32x4.mul(v128.load(coefficients, 96), p6));
          sum = f32x4.add(sum, f32x4.mul(v128.load(coefficients, 112), p7));
          v128.store(out, sum);
          out += outRow;
          coefficients += 128;
        }
      }
    }
  }
}

/** conv1dForward (see conv1d.ts) by F(m, r), r the kernel's size. */
export function winogradForward(
  x: usize,
  kernel: usize,
  bias: usize,
  y: usize,
  batch: i32,
  length: i32,
  outLength: i32,
  inChannels: i32,
  outChannels: i32,
  r: i32,
  before: i32,
  m: i32,
  scratch: usize,
): void {
  const alpha = m + r - 1;
  const points = partPoints(scratch, inChannels, outChannels, m, r);
  transformKernel(kernel, partG(scratch, m, r), points, alpha, r, inChannels * outChannels);
  correlate(
    x,
    y,
    bias,
    batch,
    length,
    outLength,
    inChannels,
    outChannels,
    before,
    m,
    alpha,
    scratch,
    partBt(scratch, m, r),
    points,
    partU(scratch, inChannels, outChannels, m, r),
    partV(scratch, inChannels, outChannels, m, r),
    partPack(scratch, inChannels, outChannels, m, r),
    partPacked(scratch, inChannels, outChannels, m, r),
  );
}

/**
 * conv1dInputGrad by F(m, r): dx is the correlation of dy with the kernel flipped and
 * transposed, input row t reading dy at t - (r - 1 - before) + j.
 */
export function winogradInputGrad(
  dy: usize,
  kernel: usize,
  dx: usize,
  batch: i32,
  length: i32,
  outLength: i32,
  inChannels: i32,
  outChannels: i32,
  r: i32,
  before: i32,
  m: i32,
  scratch: usize,
): void {
  const alpha = m + r - 1;
  const flipped = partFlipped(scratch, m, r);
  const points = partPoints(scratch, inChannels, outChannels, m, r);
  flipKernel(kernel, flipped, inChannels, outChannels, r);
  transformKernel(flipped, partG(scratch, m, r), points, alpha, r, inChannels * outChannels);
  correlate(
    dy,
    dx,
    0,
    batch,
    outLength,
    length,
    outChannels,
    inChannels,
    r - 1 - before,
    m,
    alpha,
    scratch,
    partBt(scratch, m, r),
    points,
    partU(scratch, inChannels, outChannels, m, r),
    partV(scratch, inChannels, outChannels, m, r),
    partPack(scratch, inChannels, outChannels, m, r),
    partPacked(scratch, inChannels, outChannels, m, r),
  );
}

/**
 * conv1dFilterGrad by F(m, r): per point, the input's points (BT x) transposed times dy's
 * (A dy, dy's rows past the output's end as zeros), over every tile; then G's transpose takes the
 * points back to the r taps. With `biasGrad` nonzero, dy's column sums too.
 */
export function winogradFilterGrad(
  x: usize,
  dy: usize,
  dkernel: usize,
  biasGrad: usize,
  batch: i32,
  length: i32,
  outLength: i32,
  inChannels: i32,
  outChannels: i32,
  r: i32,
  before: i32,
  m: i32,
  scratch: usize,
): void {
  const alpha = m + r - 1;
  const at = scratch;
  const g = partG(scratch, m, r);
  const bt = partBt(scratch, m, r);
  const points = partPoints(scratch, inChannels, outChannels, m, r);
  const u = partU(scratch, inChannels, outChannels, m, r);
  const v = partV(scratch, inChannels, outChannels, m, r);
  const pack = partPack(scratch, inChannels, outChannels, m, r);
  const tilesPerSequence = (outLength + m - 1) / m;
  const tiles = batch * tilesPerSequence;
  const outRow = (<usize>outChannels) << 2;
  const n = inChannels * outChannels;
  memory.fill(points, 0, <usize>(alpha * n) << 2);
  // dy's column sums, added up while its points are formed (a tile's rows are read there).
  if (biasGrad) memory.fill(biasGrad, 0, outRow);
  for (let first = 0; first < tiles; first += TILES) {
    const count = min(TILES, tiles - first);
    inputPoints(
      x,
      u,
      bt,
      first,
      count,
      tilesPerSequence,
      length,
      inChannels,
      before,
      m,
    );
    // dy's points: v[xi][t] = sum over the tile's rows i of AT[i][xi] dy[t m + i].
    const plane = <usize>TILES * outRow;
    for (let t = 0; t < count; t++) {
      const tile = first + t;
      const b = tile / tilesPerSequence;
      const start = (tile % tilesPerSequence) * m;
      const rows = min(m, outLength - start);
      const from = dy + (<usize>b * <usize>outLength + <usize>start) * outRow;
      for (let o = 0; o < outChannels; o += 4) {
        let to = v + <usize>t * outRow + (<usize>o << 2);
        if (rows === 4) {
          // The models' case (5 taps, 4 rows a tile): the rows held in registers.
          const row = from + (<usize>o << 2);
          const d0 = v128.load(row);
          const d1 = v128.load(row + outRow);
          const d2 = v128.load(row + 2 * outRow);
          const d3 = v128.load(row + 3 * outRow);
          if (biasGrad) {
            const at = biasGrad + (<usize>o << 2);
            const rowSum = f32x4.add(f32x4.add(d0, d1), f32x4.add(d2, d3));
            v128.store(at, f32x4.add(v128.load(at), rowSum));
          }
          for (let xi = 0; xi < 8; xi++) {
            const coefficient = at + (<usize>xi << 4);
            let sum = f32x4.mul(v128.load(coefficient), d0);
            sum = f32x4.add(sum, f32x4.mul(v128.load(coefficient, 128), d1));
            sum = f32x4.add(sum, f32x4.mul(v128.load(coefficient, 256), d2));
            sum = f32x4.add(sum, f32x4.mul(v128.load(coefficient, 384), d3));
            v128.store(to, sum);
            to += plane;
          }
          continue;
        }
        if (biasGrad) {
          const at = biasGrad + (<usize>o << 2);
          let rowSum = v128.load(at);
          for (let i = 0; i < rows; i++)
            rowSum = f32x4.add(rowSum, v128.load(from + <usize>i * outRow + (<usize>o << 2)));
          v128.store(at, rowSum);
        }
        for (let xi = 0; xi < 8; xi++) {
          let sum = f32x4.splat(0);
          let row = from + (<usize>o << 2);
          let coefficient = at + (<usize>xi << 4);
          for (let i = 0; i < rows; i++) {
            sum = f32x4.add(sum, f32x4.mul(v128.load(coefficient), v128.load(row)));
            row += outRow;
            coefficient += 128;
          }
          v128.store(to, sum);
          to += plane;
        }
      }
    }
    for (let xi = 0; xi < alpha; xi++) {
      const ux = u + <usize>(xi * TILES * inChannels) * 4;
      const vx = v + <usize>(xi * TILES) * outRow;
      const into = points + <usize>(xi * n) * 4;
      if (outChannels % 8 === 0)
        transposedBlockProduct(ux, vx, into, inChannels, outChannels, count);
      else
        product(
          ux,
          1,
          inChannels,
          vx,
          outChannels,
          1,
          into,
          outChannels,
          inChannels,
          outChannels,
          count,
          pack,
          true,
        );
    }
  }
  // dkernel tap k = sum over points of G[xi][k] times the point's [in, out].
  memory.fill(dkernel, 0, <usize>(r * n) << 2);
  for (let k = 0; k < r; k++) {
    const to = dkernel + <usize>(k * n) * 4;
    for (let xi = 0; xi < alpha; xi++) {
      const coefficient = load<f32>(g + <usize>(xi * r + k) * 16);
      if (coefficient == 0) continue;
      const from = points + <usize>(xi * n) * 4;
      const a = f32x4.splat(coefficient);
      let j = 0;
      for (; j + 4 <= n; j += 4) {
        const o = (<usize>j) << 2;
        v128.store(to + o, f32x4.add(v128.load(to + o), f32x4.mul(a, v128.load(from + o))));
      }
      for (; j < n; j++) {
        const o = (<usize>j) << 2;
        store<f32>(to + o, load<f32>(to + o) + coefficient * load<f32>(from + o));
      }
    }
  }
}
