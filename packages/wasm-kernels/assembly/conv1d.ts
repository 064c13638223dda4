// A 1D convolution (stride 1, dilation 1, zero padding) and both of its gradients as packed
// products, with no shifted copies of the input. Rows of a [length, channels] tensor lie one after
// another, so the `size` input rows an output row reads form one contiguous run of size x channels
// floats: the rows' windows are the rows of a matrix with row stride `channels` (each overlapping
// the next), and the whole convolution of one sequence is one product of depth size x channels
// with the kernel [size x in, out]. Only the rows whose window runs past either end of the input
// (at most size - 1 of them) are left to a direct loop over their taps.
//
// Layouts: x [batch, length, in], the kernel [size, in, out], y [batch, outLength, out]; output
// row s reads input rows s + i - before for taps i = 0 .. size - 1, zeros outside [0, length).

import { packFloats, product } from './gemm';

/** Floats of scratch the three conv1d kernels need: a flipped kernel and the products' panels. */
export function conv1dScratchFloats(
  length: i32,
  outLength: i32,
  inChannels: i32,
  outChannels: i32,
  size: i32,
): i32 {
  const rows = max(length, outLength);
  const panels = max(
    max(
      packFloats(rows, outChannels, size * inChannels),
      packFloats(rows, inChannels, size * outChannels),
    ),
    packFloats(size * inChannels, outChannels, rows),
  );
  return flippedFloats(inChannels, outChannels, size) + panels;
}

/** The flipped kernel's floats, rounded up to whole vectors so the panels after it stay aligned. */
@inline
function flippedFloats(inChannels: i32, outChannels: i32, size: i32): i32 {
  return (size * inChannels * outChannels + 3) & ~3;
}

/** flipped [size, out, in] = the kernel [size, in, out] with its taps reversed, each transposed. */
export function flipKernel(
  kernel: usize,
  flipped: usize,
  inChannels: i32,
  outChannels: i32,
  size: i32,
): void {
  for (let j = 0; j < size; j++) {
    const tap = kernel + <usize>((size - 1 - j) * inChannels * outChannels) * 4;
    const into = flipped + <usize>(j * outChannels * inChannels) * 4;
    for (let c = 0; c < inChannels; c++)
      for (let o = 0; o < outChannels; o++)
        store<f32>(
          into + <usize>(o * inChannels + c) * 4,
          load<f32>(tap + <usize>(c * outChannels + o) * 4),
        );
  }
}

/** to[0 .. n) += alpha from[0 .. n). */
@inline
export function axpy(alpha: f32, from: usize, to: usize, n: i32): void {
  const a = f32x4.splat(alpha);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = (<usize>j) << 2;
    v128.store(to + o, f32x4.add(v128.load(to + o), f32x4.mul(a, v128.load(from + o))));
  }
  for (; j < n; j++) {
    const o = (<usize>j) << 2;
    store<f32>(to + o, load<f32>(to + o) + alpha * load<f32>(from + o));
  }
}

/** The dot product of n floats at a and b. */
@inline
function dot(a: usize, b: usize, n: i32): f32 {
  let sum0 = f32x4.splat(0);
  let sum1 = f32x4.splat(0);
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    const o = (<usize>j) << 2;
    sum0 = f32x4.add(sum0, f32x4.mul(v128.load(a + o), v128.load(b + o)));
    sum1 = f32x4.add(sum1, f32x4.mul(v128.load(a + o, 16), v128.load(b + o, 16)));
  }
  const sum = f32x4.add(sum0, sum1);
  let total =
    f32x4.extract_lane(sum, 0) +
    f32x4.extract_lane(sum, 1) +
    f32x4.extract_lane(sum, 2) +
    f32x4.extract_lane(sum, 3);
  for (; j < n; j++) {
    const o = (<usize>j) << 2;
    total += load<f32>(a + o) * load<f32>(b + o);
  }
  return total;
}

/**
 * C[m x n] (row stride ldc) = or += the m windows of depth k starting every `step` floats from a,
 * times B [k x n] (rows of n floats). With one column (a layer in or out of one channel), dot
 * products: the packed product would fill a whole tile of 8 columns for each.
 */
function windowsTimes(
  a: usize,
  step: i32,
  b: usize,
  c: usize,
  ldc: i32,
  m: i32,
  n: i32,
  k: i32,
  pack: usize,
  add: bool,
): void {
  if (n !== 1) {
    product(a, step, 1, b, n, 1, c, ldc, m, n, k, pack, add);
    return;
  }
  for (let i = 0; i < m; i++) {
    const to = c + <usize>(i * ldc) * 4;
    const value = dot(a + <usize>(i * step) * 4, b, k);
    store<f32>(to, add ? load<f32>(to) + value : value);
  }
}

/** The output rows [first, end) whose windows lie wholly inside the input. */
@inline
function interiorStart(before: i32): i32 {
  return max(before, 0);
}
@inline
function interiorEnd(length: i32, outLength: i32, size: i32, before: i32): i32 {
  return min(outLength, length - size + 1 + before);
}

/**
 * y = conv(x, kernel) + bias (bias 0: none) for `batch` sequences: per sequence, one product of
 * the interior rows' windows with the kernel, the edge rows tap by tap.
 */
export function conv1dForward(
  x: usize,
  kernel: usize,
  bias: usize,
  y: usize,
  batch: i32,
  length: i32,
  outLength: i32,
  inChannels: i32,
  outChannels: i32,
  size: i32,
  before: i32,
  scratch: usize,
): void {
  const pack = scratch + (<usize>flippedFloats(inChannels, outChannels, size) << 2);
  const first = interiorStart(before);
  const end = interiorEnd(length, outLength, size, before);
  const outRow = (<usize>outChannels) << 2;
  const inRow = (<usize>inChannels) << 2;
  for (let b = 0; b < batch; b++) {
    const xb = x + <usize>b * <usize>length * inRow;
    const yb = y + <usize>b * <usize>outLength * outRow;
    for (let s = 0; s < outLength; s++) {
      const to = yb + <usize>s * outRow;
      if (bias) memory.copy(to, bias, outRow);
      else memory.fill(to, 0, outRow);
    }
    if (end > first)
      windowsTimes(
        xb + <usize>(first - before) * inRow,
        inChannels,
        kernel,
        yb + <usize>first * outRow,
        outChannels,
        end - first,
        outChannels,
        size * inChannels,
        pack,
        true,
      );
    for (let s = 0; s < outLength; s++) {
      if (s >= first && s < end) continue;
      const to = yb + <usize>s * outRow;
      for (let i = 0; i < size; i++) {
        const t = s + i - before;
        if (t < 0 || t >= length) continue;
        for (let c = 0; c < inChannels; c++) {
          const value = load<f32>(xb + <usize>t * inRow + (<usize>c << 2));
          axpy(value, kernel + <usize>(i * inChannels + c) * outRow, to, outChannels);
        }
      }
    }
  }
}

/**
 * dx = the gradient of conv1dForward in x, from dy: input row t gets tap i's kernel times dy at
 * output row t + before - i, so with the kernel flipped (tap size - 1 - j first) and each tap's
 * matrix transposed ([out, in]), the input rows whose window of dy lies inside it are again one
 * product, of depth size x out.
 */
export function conv1dInputGrad(
  dy: usize,
  kernel: usize,
  dx: usize,
  batch: i32,
  length: i32,
  outLength: i32,
  inChannels: i32,
  outChannels: i32,
  size: i32,
  before: i32,
  scratch: usize,
): void {
  const flipped = scratch;
  const pack = scratch + (<usize>flippedFloats(inChannels, outChannels, size) << 2);
  flipKernel(kernel, flipped, inChannels, outChannels, size);
  // Input row t's window of dy starts at output row t + before - (size - 1).
  const shift = size - 1 - before;
  const first = max(shift, 0);
  const end = min(length, outLength - before);
  const outRow = (<usize>outChannels) << 2;
  const inRow = (<usize>inChannels) << 2;
  for (let b = 0; b < batch; b++) {
    const dyb = dy + <usize>b * <usize>outLength * outRow;
    const dxb = dx + <usize>b * <usize>length * inRow;
    if (end > first)
      windowsTimes(
        dyb + <usize>(first - shift) * outRow,
        outChannels,
        flipped,
        dxb + <usize>first * inRow,
        inChannels,
        end - first,
        inChannels,
        size * outChannels,
        pack,
        false,
      );
    for (let t = 0; t < length; t++) {
      if (t >= first && t < end) continue;
      const to = dxb + <usize>t * inRow;
      memory.fill(to, 0, inRow);
      for (let i = 0; i < size; i++) {
        const s = t + before - i;
        if (s < 0 || s >= outLength) continue;
        const tap = flipped + <usize>((size - 1 - i) * outChannels * inChannels) * 4;
        for (let o = 0; o < outChannels; o++) {
          const value = load<f32>(dyb + <usize>s * outRow + (<usize>o << 2));
          axpy(value, tap + <usize>o * inRow, to, inChannels);
        }
      }
    }
  }
}

/**
 * dkernel = the gradient of conv1dForward in the kernel: the interior rows' windows, transposed,
 * times their rows of dy (one product per sequence, added up), plus the edge rows tap by tap.
 * With `biasGrad` nonzero, the bias's gradient (dy's column sums) too.
 */
export function conv1dFilterGrad(
  x: usize,
  dy: usize,
  dkernel: usize,
  biasGrad: usize,
  batch: i32,
  length: i32,
  outLength: i32,
  inChannels: i32,
  outChannels: i32,
  size: i32,
  before: i32,
  scratch: usize,
): void {
  const pack = scratch + (<usize>flippedFloats(inChannels, outChannels, size) << 2);
  const first = interiorStart(before);
  const end = interiorEnd(length, outLength, size, before);
  const outRow = (<usize>outChannels) << 2;
  const inRow = (<usize>inChannels) << 2;
  memory.fill(dkernel, 0, <usize>(size * inChannels) * outRow);
  if (biasGrad) memory.fill(biasGrad, 0, outRow);
  for (let b = 0; b < batch; b++) {
    const xb = x + <usize>b * <usize>length * inRow;
    const dyb = dy + <usize>b * <usize>outLength * outRow;
    if (end > first && outChannels === 1) {
      // One output channel: each window, times its value of dy, added to the kernel's column.
      const depth = size * inChannels;
      for (let s = first; s < end; s++)
        axpy(
          load<f32>(dyb + <usize>s * outRow),
          xb + <usize>(s - before) * inRow,
          dkernel,
          depth,
        );
    } else if (end > first)
      product(
        xb + <usize>(first - before) * inRow,
        1,
        inChannels,
        dyb + <usize>first * outRow,
        outChannels,
        1,
        dkernel,
        outChannels,
        size * inChannels,
        outChannels,
        end - first,
        pack,
        true,
      );
    for (let s = 0; s < outLength; s++) {
      const row = dyb + <usize>s * outRow;
      if (biasGrad) axpy(1, row, biasGrad, outChannels);
      if (s >= first && s < end) continue;
      for (let i = 0; i < size; i++) {
        const t = s + i - before;
        if (t < 0 || t >= length) continue;
        for (let c = 0; c < inChannels; c++) {
          const value = load<f32>(xb + <usize>t * inRow + (<usize>c << 2));
          axpy(value, row, dkernel + <usize>(i * inChannels + c) * outRow, outChannels);
        }
      }
    }
  }
}
