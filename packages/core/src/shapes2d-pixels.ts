import { ImageNoise } from '@decoding-attention/wasm-kernels/image-noise';
import { ZIGGURAT, type SeededRandom } from './random.js';
import { reflect } from './smoothing.js';

/**
 * The pixel work of one 2D input image, from its painted colours to NHWC floats in [0, 1]:
 * Gaussian noise (clamped to [0, 255]), a separable Gaussian blur reflecting at the borders, and
 * the rounding to a byte that the RGBA image stores. The rules are in docs/design/datasets.md.
 *
 * It computes exactly what drawing whole planes, adding a plane of noise, blurring it row by row
 * then column by column, and rounding would give, bit for bit, in fewer passes:
 * - the noise is drawn row by row into a short buffer (the draws stay in plane, row, column
 *   order) and blurred along the row at once, so the noisy plane is never stored;
 * - the column pass rounds and writes each value straight into the interleaved output.
 * Every blurred value is the sum of its taps' products in tap order from the first, as
 * `blurPlanes` (smoothing.ts) adds them.
 *
 * Where WebAssembly SIMD runs, wasm-kernels' `ImageNoise` does the same work, the same
 * operations in the same order, several times faster; the JavaScript below is the fallback
 * (a Content-Security-Policy without 'wasm-unsafe-eval', no SIMD) and the reference its tests
 * compare with.
 */

/** `BYTE_TO_UNIT[b]` is `b / 255` as a float32: what a byte of the RGBA image becomes. */
export const BYTE_TO_UNIT = Float32Array.from({ length: 256 }, (_, i) => i / 255);

interface Scratch {
  row: Float64Array;
  noise: Float64Array;
  blurred: Float64Array;
}

let scratch: Scratch | undefined;

/** Working buffers reused from image to image (fresh ones cost page faults each sample). */
function scratchFor(width: number, height: number): Scratch {
  if (scratch?.row.length !== width || scratch.blurred.length !== width * height) {
    const plane = width * height;
    scratch = {
      row: new Float64Array(width),
      noise: new Float64Array(plane),
      blurred: new Float64Array(plane),
    };
  }
  return scratch;
}

let kernels: ImageNoise | undefined;
let useKernels = true;
let triedKernels = false;

/**
 * Whether the 2D images' noise and blur run in WebAssembly where they can (the default), or
 * always in JavaScript. Both give the same bits; tests compare them. Returns whether the
 * WebAssembly kernels are in use.
 */
export function useImageKernels(enabled: boolean): boolean {
  useKernels = enabled;
  return imageKernels() !== undefined;
}

function imageKernels(): ImageNoise | undefined {
  if (!useKernels) return undefined;
  if (!triedKernels) {
    triedKernels = true;
    kernels = ImageNoise.create(ZIGGURAT);
  }
  return kernels;
}

/**
 * Noise, blur and rounding of the planar colours `base` (`base[c * width * height + y * width +
 * x]`, integers in [0, 255]) into `out` from `offset`, interleaved (`out[offset + 3 * (y * width
 * + x) + c]`). `noiseStd` 0 draws nothing; a one-tap `kernel` leaves the image unblurred.
 */
export function noisyBlurredImage(
  base: Uint8Array,
  width: number,
  height: number,
  noiseStd: number,
  random: SeededRandom,
  kernel: Float64Array,
  out: Float32Array,
  offset: number,
): void {
  const fast = imageKernels();
  if (fast) {
    fast.image(base, width, height, noiseStd, random, kernel, out, offset);
    return;
  }
  const { row, noise, blurred } = scratchFor(width, height);
  const plane = width * height;
  const blur = kernel.length > 1;
  for (let c = 0; c < 3; c++) {
    const planeBase = c * plane;
    if (noiseStd > 0) random.fillGaussian(noise);
    for (let y = 0; y < height; y++) {
      const rowBase = planeBase + y * width;
      if (noiseStd > 0) {
        for (let x = 0; x < width; x++) {
          const value = base[rowBase + x] + noiseStd * noise[y * width + x];
          const high = value > 255 ? 255 : value;
          // Exactly `high < 0 ? 0 : high` (`high + high` is exact), without the branch that the
          // noise makes unpredictable: about half the background's values are below 0.
          row[x] = (high + Math.abs(high)) * 0.5;
        }
      } else {
        for (let x = 0; x < width; x++) row[x] = base[rowBase + x];
      }
      if (blur) blurRow(row, blurred, y, height, kernel);
      else blurred.set(row, y * width);
    }
    if (blur) blurColumnsRounded(blurred, width, height, kernel, out, offset + c);
    else roundInto(blurred, out, offset + c);
  }
}

/**
 * The horizontal pass of row `y` into `out`, transposed (`out[x * height + y]`), so that the
 * vertical pass reads each column in order.
 */
function blurRow(
  row: Float64Array,
  out: Float64Array,
  y: number,
  height: number,
  kernel: Float64Array,
): void {
  const width = row.length;
  const radius = (kernel.length - 1) / 2;
  const interiorEnd = width - radius;
  // The borders (the whole row when it is shorter than the kernel), reflected.
  for (let x = 0; x < width; x++) {
    if (x === radius && interiorEnd > radius) x = interiorEnd;
    let sum = 0;
    for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] * row[reflect(x + k, width)];
    out[x * height + y] = sum;
  }
  if (radius === 3) {
    const k0 = kernel[0];
    const k1 = kernel[1];
    const k2 = kernel[2];
    const k3 = kernel[3];
    const k4 = kernel[4];
    const k5 = kernel[5];
    const k6 = kernel[6];
    // The seven taps slide along the row in locals: one load per value.
    let s0 = row[0];
    let s1 = row[1];
    let s2 = row[2];
    let s3 = row[3];
    let s4 = row[4];
    let s5 = row[5];
    for (let x = 3, o = 3 * height + y; x < interiorEnd; x++, o += height) {
      const s6 = row[x + 3];
      out[o] = k0 * s0 + k1 * s1 + k2 * s2 + k3 * s3 + k4 * s4 + k5 * s5 + k6 * s6;
      s0 = s1;
      s1 = s2;
      s2 = s3;
      s3 = s4;
      s4 = s5;
      s5 = s6;
    }
    return;
  }
  for (let x = radius; x < interiorEnd; x++) {
    let sum = 0;
    for (let k = 0; k < kernel.length; k++) sum += kernel[k] * row[x - radius + k];
    out[x * height + y] = sum;
  }
}

/**
 * The vertical pass of the transposed plane `source` (`source[x * height + y]`), each sum
 * rounded and written to every 3rd float of `out` from `offset`, in image order.
 */
function blurColumnsRounded(
  source: Float64Array,
  width: number,
  height: number,
  kernel: Float64Array,
  out: Float32Array,
  offset: number,
): void {
  const radius = (kernel.length - 1) / 2;
  const taps = kernel.length;
  const interiorEnd = height - radius;
  const stride = 3 * width;
  for (let x = 0; x < width; x++) {
    const column = x * height;
    // The borders (the whole column when it is shorter than the kernel), reflected.
    for (let y = 0; y < height; y++) {
      if (y === radius && interiorEnd > radius) y = interiorEnd;
      let sum = 0;
      for (let k = 0; k < taps; k++) {
        sum += kernel[k] * source[column + reflect(y - radius + k, height)];
      }
      const byte = (sum + 0.5) | 0;
      out[offset + y * stride + 3 * x] = BYTE_TO_UNIT[byte < 0 ? 0 : byte > 255 ? 255 : byte];
    }
    if (radius === 3) {
      const k0 = kernel[0];
      const k1 = kernel[1];
      const k2 = kernel[2];
      const k3 = kernel[3];
      const k4 = kernel[4];
      const k5 = kernel[5];
      const k6 = kernel[6];
      let s0 = source[column];
      let s1 = source[column + 1];
      let s2 = source[column + 2];
      let s3 = source[column + 3];
      let s4 = source[column + 4];
      let s5 = source[column + 5];
      for (let y = 3, o = offset + 3 * stride + 3 * x; y < interiorEnd; y++, o += stride) {
        const s6 = source[column + y + 3];
        const sum = k0 * s0 + k1 * s1 + k2 * s2 + k3 * s3 + k4 * s4 + k5 * s5 + k6 * s6;
        const byte = (sum + 0.5) | 0;
        out[o] = BYTE_TO_UNIT[byte < 0 ? 0 : byte > 255 ? 255 : byte];
        s0 = s1;
        s1 = s2;
        s2 = s3;
        s3 = s4;
        s4 = s5;
        s5 = s6;
      }
      continue;
    }
    for (let y = radius, o = offset + radius * stride + 3 * x; y < interiorEnd; y++, o += stride) {
      let sum = 0;
      for (let k = 0; k < taps; k++) sum += kernel[k] * source[column + y - radius + k];
      const byte = (sum + 0.5) | 0;
      out[o] = BYTE_TO_UNIT[byte < 0 ? 0 : byte > 255 ? 255 : byte];
    }
  }
}

/** An unblurred plane, rounded and written to every 3rd float from `offset`. */
function roundInto(source: Float64Array, out: Float32Array, offset: number): void {
  for (let p = 0, o = offset; p < source.length; p++, o += 3) {
    const byte = (source[p] + 0.5) | 0;
    out[o] = BYTE_TO_UNIT[byte < 0 ? 0 : byte > 255 ? 255 : byte];
  }
}
