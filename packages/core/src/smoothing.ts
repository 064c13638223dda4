import { portableExp } from './portable-math.js';

const kernels = new Map<number, Float64Array>();

/**
 * A normalised Gaussian kernel of standard deviation `sigma`, `2 * ceil(3 * sigma) + 1` taps
 * (31 for sigma 5, as the 1D dataset's rules say). Sigma 0 gives the identity kernel [1].
 * Kernels are cached: callers must not modify them.
 */
export function gaussianKernel(sigma: number): Float64Array {
  const cached = kernels.get(sigma);
  if (cached) return cached;
  const radius = Math.ceil(3 * sigma);
  const kernel = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) {
    const weight = sigma === 0 ? 1 : portableExp(-(i * i) / (2 * sigma * sigma));
    kernel[i + radius] = weight;
    sum += weight;
  }
  for (let i = 0; i < kernel.length; i++) kernel[i] /= sum;
  if (kernels.size > 64) kernels.clear();
  kernels.set(sigma, kernel);
  return kernel;
}

/**
 * Convolves `signal` with a symmetric odd-length `kernel` in "same" mode with zero padding,
 * adding the result into `out` (which must not alias `signal`).
 */
export function addConvolvedSame(
  signal: ArrayLike<number>,
  kernel: Float64Array,
  out: Float32Array | Float64Array,
  outOffset = 0,
): void {
  const length = signal.length;
  const radius = (kernel.length - 1) / 2;
  const centre = kernel[radius];
  for (let i = 0; i < length; i++) {
    let sum = centre * signal[i];
    if (i >= radius && i + radius < length) {
      // Interior: pair the symmetric taps, no bounds to check.
      for (let j = 1; j <= radius; j++) sum += kernel[radius + j] * (signal[i - j] + signal[i + j]);
    } else {
      for (let j = 1; j <= radius; j++) {
        const left = i - j >= 0 ? signal[i - j] : 0;
        const right = i + j < length ? signal[i + j] : 0;
        sum += kernel[radius + j] * (left + right);
      }
    }
    out[outOffset + i] += sum;
  }
}

/**
 * Blurs, in place, the three colour planes of a `width x height` image held as planar floats
 * (`planes[c * width * height + y * width + x]`) with a separable Gaussian kernel, reflecting at
 * the borders so the image edge does not darken. `scratch` (at least one plane long) is reused
 * between calls to spare the allocation.
 *
 * Every output is the sum of its taps' products in tap order, from the first; the 7-tap kernel
 * of sigma 1 (the 2D dataset's default) has an unrolled interior with the same sums.
 */
export function blurPlanes(
  planes: Float64Array,
  width: number,
  height: number,
  kernel: Float64Array,
  scratch: Float64Array = new Float64Array(width * height),
): void {
  const radius = (kernel.length - 1) / 2;
  if (radius === 0) return;
  const plane = width * height;
  for (let c = 0; c < 3; c++) {
    const base = c * plane;
    blurRows(planes, base, scratch, width, height, kernel);
    blurColumns(scratch, planes, base, width, height, kernel);
  }
}

/** The horizontal pass: each row of the plane at `base` of `source` into `out` (one plane). */
function blurRows(
  source: Float64Array,
  base: number,
  out: Float64Array,
  width: number,
  height: number,
  kernel: Float64Array,
): void {
  const radius = (kernel.length - 1) / 2;
  const unrolled = radius === 3;
  const [k0, k1, k2, k3, k4, k5, k6] = unrolled ? kernel : [0, 0, 0, 0, 0, 0, 0];
  for (let y = 0; y < height; y++) {
    const row = base + y * width;
    const outRow = y * width;
    const interiorEnd = width - radius;
    for (let x = 0; x < width; x++) {
      let sum = 0;
      if (x >= radius && x < interiorEnd) {
        const i = row + x;
        if (unrolled) {
          sum =
            k0 * source[i - 3] +
            k1 * source[i - 2] +
            k2 * source[i - 1] +
            k3 * source[i] +
            k4 * source[i + 1] +
            k5 * source[i + 2] +
            k6 * source[i + 3];
        } else {
          for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] * source[i + k];
        }
      } else {
        for (let k = -radius; k <= radius; k++) {
          sum += kernel[k + radius] * source[row + reflect(x + k, width)];
        }
      }
      out[outRow + x] = sum;
    }
  }
}

/** The vertical pass: `source` (one plane) into the plane at `base` of `out`. */
function blurColumns(
  source: Float64Array,
  out: Float64Array,
  base: number,
  width: number,
  height: number,
  kernel: Float64Array,
): void {
  const radius = (kernel.length - 1) / 2;
  const unrolled = radius === 3;
  const [k0, k1, k2, k3, k4, k5, k6] = unrolled ? kernel : [0, 0, 0, 0, 0, 0, 0];
  for (let y = 0; y < height; y++) {
    const interior = y >= radius && y + radius < height;
    const outRow = base + y * width;
    if (interior && unrolled) {
      const r0 = (y - 3) * width;
      const r1 = r0 + width;
      const r2 = r1 + width;
      const r3 = r2 + width;
      const r4 = r3 + width;
      const r5 = r4 + width;
      const r6 = r5 + width;
      for (let x = 0; x < width; x++) {
        out[outRow + x] =
          k0 * source[r0 + x] +
          k1 * source[r1 + x] +
          k2 * source[r2 + x] +
          k3 * source[r3 + x] +
          k4 * source[r4 + x] +
          k5 * source[r5 + x] +
          k6 * source[r6 + x];
      }
      continue;
    }
    for (let x = 0; x < width; x++) {
      let sum = 0;
      if (interior) {
        for (let k = -radius; k <= radius; k++)
          sum += kernel[k + radius] * source[(y + k) * width + x];
      } else {
        for (let k = -radius; k <= radius; k++) {
          sum += kernel[k + radius] * source[reflect(y + k, height) * width + x];
        }
      }
      out[outRow + x] = sum;
    }
  }
}

/** Reflects an index into [0, size) without repeating the edge sample (d c b | a b c d | c b a). */
export function reflect(index: number, size: number): number {
  if (size === 1) return 0;
  let i = index;
  while (i < 0 || i >= size) {
    if (i < 0) i = -i;
    if (i >= size) i = 2 * (size - 1) - i;
  }
  return i;
}
