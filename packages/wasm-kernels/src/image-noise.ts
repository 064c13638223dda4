import { IMAGE_NOISE } from './generated/binaries.js';

/**
 * The noise and blur of the 2D dataset's input images in WebAssembly SIMD (assembly/image-noise.ts):
 * the same images, bit for bit, as the generator's JavaScript, several times faster. The module
 * is about 2 KB, so it compiles synchronously, even on a page's main thread.
 */

/** The generator whose standard normal draws the kernel makes: sfc32 through a ziggurat. */
export interface GaussianSource {
  /** sfc32's four words (a, b, c, d): read before the draws, written back after. */
  readonly words: Int32Array;
  /**
   * Finishes a draw that fell in the base layer's tail, `j` its signed value bits, from the
   * words as the kernel left them; returns the variate.
   */
  tail(j: number): number;
}

/** The 128-layer ziggurat's tables (k, w and f, 128 doubles each) and the exp behind them. */
export interface ZigguratTables {
  k: Float64Array;
  w: Float64Array;
  f: Float64Array;
  /** The exp the generator settles a wedge test with when Math.exp is too close to call. */
  portableExp(x: number): number;
}

interface Exports {
  memory: WebAssembly.Memory;
  gaussians(tables: number, state: number, out: number, start: number, end: number): number;
  blurPlane(
    base: number,
    noise: number,
    noiseStd: number,
    kernel: number,
    taps: number,
    width: number,
    height: number,
    row: number,
    rows: number,
    out: number,
    channel: number,
  ): void;
}

const TABLES = 0;
const STATE = 2560;
const KERNEL = 2592;
const MAX_TAPS = 187;
const BASE = 4096;

const align = (bytes: number) => Math.ceil(bytes / 16) * 16;

/** The image kernels in an instance of their own; undefined where WebAssembly SIMD cannot run. */
export class ImageNoise {
  private readonly kernels: Exports;
  private state: Int32Array;
  private layout = { width: 0, height: 0, noise: 0, row: 0, rows: 0, out: 0 };

  private constructor(instance: WebAssembly.Instance, tables: ZigguratTables) {
    this.kernels = instance.exports as unknown as Exports;
    const { buffer } = this.kernels.memory;
    const doubles = new Float64Array(buffer, TABLES, 2 * 128);
    doubles.set(tables.w, 0);
    doubles.set(tables.f, 128);
    // k rounded up: for a whole |j|, |j| < k exactly when |j| < ceil(k) (k is at most 2^24).
    new Int32Array(buffer, TABLES + 2048, 128).set(tables.k.map(Math.ceil));
    this.state = new Int32Array(this.kernels.memory.buffer, STATE, 5);
  }

  /**
   * Compiles and instantiates the kernels (synchronously: the module is small). Undefined
   * without WebAssembly SIMD, or where a Content-Security-Policy forbids compiling WebAssembly.
   */
  static create(tables: ZigguratTables): ImageNoise | undefined {
    try {
      const text = atob(IMAGE_NOISE);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      const module = new WebAssembly.Module(bytes);
      const instance = new WebAssembly.Instance(module, {
        env: { exp: Math.exp, portableExp: tables.portableExp },
      });
      return new ImageNoise(instance, tables);
    } catch {
      return undefined;
    }
  }

  /**
   * Noise, blur and rounding of the planar colours `base` (`base[c * width * height + y * width
   * + x]`, bytes) into `out` from `offset`, interleaved (`out[offset + 3 * (y * width + x) + c]`),
   * each value byte / 255: per plane, `width * height` draws of `source` times `noiseStd` (none
   * when it is 0) added and clamped to [0, 255], then `kernel` (odd length, at most 187 taps)
   * along rows and down columns, reflecting at the borders.
   */
  image(
    base: Uint8Array,
    width: number,
    height: number,
    noiseStd: number,
    source: GaussianSource,
    kernel: Float64Array,
    out: Float32Array,
    offset: number,
  ): void {
    if (kernel.length > MAX_TAPS || kernel.length % 2 === 0) {
      throw new RangeError(`kernel must have an odd number of taps up to ${MAX_TAPS}`);
    }
    const plane = width * height;
    const { noise, row, rows, out: image } = this.layoutFor(width, height);
    const { kernels } = this;
    const buffer = kernels.memory.buffer;
    new Uint8Array(buffer, BASE, 3 * plane).set(base.subarray(0, 3 * plane));
    new Float64Array(buffer, KERNEL, kernel.length).set(kernel);
    const draws = new Float64Array(buffer, noise, plane);
    const state = this.state;
    state.set(source.words);
    for (let c = 0; c < 3; c++) {
      if (noiseStd > 0) {
        let i = 0;
        while ((i = kernels.gaussians(TABLES, STATE, noise, i, plane)) < plane) {
          source.words.set(state.subarray(0, 4));
          draws[i++] = source.tail(state[4]);
          state.set(source.words);
        }
      }
      kernels.blurPlane(
        BASE + c * plane,
        noise,
        noiseStd,
        KERNEL,
        kernel.length,
        width,
        height,
        row,
        rows,
        image,
        c,
      );
    }
    source.words.set(state.subarray(0, 4));
    out.set(new Float32Array(buffer, image, 3 * plane), offset);
  }

  /** Where an image of this size lives in the memory, grown to hold it if need be. */
  private layoutFor(width: number, height: number) {
    const l = this.layout;
    if (l.width === width && l.height === height) return l;
    const plane = width * height;
    const noise = align(BASE + 3 * plane);
    const row = align(noise + 8 * plane);
    const rows = align(row + 8 * width);
    const out = align(rows + 8 * plane);
    const end = out + 12 * plane;
    const memory = this.kernels.memory;
    if (end > memory.buffer.byteLength) {
      memory.grow(Math.ceil((end - memory.buffer.byteLength) / 65536));
      // The views over the old buffer are detached by the growth.
      this.state = new Int32Array(memory.buffer, STATE, 5);
    }
    this.layout = { width, height, noise, row, rows, out };
    return this.layout;
  }
}
