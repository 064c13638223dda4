import { portableExp, portableLog } from './portable-math.js';

/**
 * A seeded pseudo-random generator (sfc32, seeded through splitmix32).
 *
 * Only 32-bit integer operations and exactly rounded float operations are used, so a seed gives
 * the same sequence in Node, a Worker and every browser.
 */
export class SeededRandom {
  /** sfc32's four words; an Int32Array keeps them unboxed, several times faster than fields. */
  private readonly state = new Int32Array(4);

  constructor(seed: number) {
    const [low, high] = seedWords(seed);
    let state = low ^ Math.imul(high, 0x9e3779b9);
    const next = () => {
      state = (state + 0x9e3779b9) | 0;
      let z = state;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    for (let i = 0; i < 4; i++) this.state[i] = next();
    // Discard the first outputs, as sfc32's authors advise.
    for (let i = 0; i < 12; i++) this.nextUint32();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s = this.state;
    const a = s[0];
    const b = s[1];
    const c = s[2];
    const d = s[3];
    const t = (((a + b) | 0) + d) | 0;
    s[3] = (d + 1) | 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) | 0;
    s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return t >>> 0;
  }

  /**
   * sfc32's four words, for a kernel that makes `fillGaussian`'s draws elsewhere (the 2D
   * dataset's noise in WebAssembly): it reads them before its draws and writes them back after.
   */
  get words(): Int32Array {
    return this.state;
  }

  /**
   * Finishes a `fillGaussian` draw that fell in the base layer's tail, `j` its value bits (for
   * a kernel that makes the common draws elsewhere).
   */
  tail(j: number): number {
    return this.gaussianBeyond(0, j) ?? this.gaussian();
  }

  /** A uniform float in [0, 1). */
  float(): number {
    return this.nextUint32() / 4294967296;
  }

  /** A uniform float in [min, max). */
  uniform(min: number, max: number): number {
    return min + (max - min) * this.float();
  }

  /** A uniform integer in [min, max], both inclusive. */
  integer(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  /**
   * A standard normal variate, by Marsaglia and Tsang's ziggurat: most draws cost one integer,
   * a table look-up and a multiply. The layer index and the value use disjoint bits.
   */
  gaussian(): number {
    for (;;) {
      const bits = this.nextUint32();
      const layer = bits & 127;
      const j = (bits | 0) >> 7; // signed, in [-2^24, 2^24)
      const x = j * ZIGGURAT_W[layer];
      if (Math.abs(j) < ZIGGURAT_K[layer]) return x;
      const beyond = this.gaussianBeyond(layer, j);
      if (beyond !== undefined) return beyond;
    }
  }

  /**
   * Fills `out` with standard normal variates: exactly `out.length` calls of `gaussian()` in
   * turn. The common path runs in a loop of its own with the generator's words in locals (several
   * times faster); each draw it cannot finish comes back here for the rest of its round.
   */
  fillGaussian(out: Float64Array): void {
    let i = 0;
    for (;;) {
      i = fastGaussians(this.state, out, i);
      if (i >= out.length) return;
      out[i++] = this.gaussianBeyond(rejected[0], rejected[1]) ?? this.gaussian();
    }
  }

  /**
   * The end of a ziggurat round whose value `j` lies beyond its layer's box: the tail, or the
   * wedge test (undefined when the draw is rejected).
   */
  private gaussianBeyond(layer: number, j: number): number | undefined {
    const x = j * ZIGGURAT_W[layer];
    if (layer === 0) {
      // The tail beyond R, by Marsaglia's exponential method.
      let tail: number;
      let y: number;
      do {
        tail = -portableLog(1 - this.float()) / ZIGGURAT_R;
        y = -portableLog(1 - this.float());
      } while (y + y < tail * tail);
      return j > 0 ? ZIGGURAT_R + tail : -ZIGGURAT_R - tail;
    }
    const f = ZIGGURAT_F;
    const height = f[layer] + this.float() * (f[layer - 1] - f[layer]);
    // The wedge test against portableExp, whose result is the same everywhere: the engine's own
    // exp (within a few units in the last place, 1e-9 is far beyond that) settles all but the
    // draws within a hair of the curve, at a fraction of the cost. Same decisions, same bits.
    const density = Math.exp(-0.5 * x * x);
    if (height < density * (1 - 1e-9)) return x;
    if (height > density * (1 + 1e-9)) return undefined;
    return height < portableExp(-0.5 * x * x) ? x : undefined;
  }

  /** `count` distinct items of `items`, in random order (a partial Fisher-Yates shuffle). */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = items.slice();
    const chosen: T[] = [];
    for (let i = 0; i < count && pool.length > 0; i++) {
      const index = this.integer(0, pool.length - 1);
      chosen.push(pool[index]);
      pool.splice(index, 1);
    }
    return chosen;
  }

  /** One item of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.integer(0, items.length - 1)];
  }
}

/** The layer and value of the draw `fastGaussians` stopped at. */
const rejected = new Int32Array(2);

/**
 * Draws into `out` from `start` while every draw lands in its layer's box (`gaussian()`'s common
 * path, its words in locals and no call in the loop), and returns the index reached: `out.length`,
 * or the index of a draw beyond its box, whose layer and value are left in `rejected` (the
 * generator past that draw).
 */
function fastGaussians(s: Int32Array, out: Float64Array, start: number): number {
  const k = ZIGGURAT_K;
  const w = ZIGGURAT_W;
  let a = s[0];
  let b = s[1];
  let c = s[2];
  let d = s[3];
  let i = start;
  for (; i < out.length; i++) {
    // nextUint32, inlined; `t` is its result as a signed word.
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (((c << 21) | (c >>> 11)) + t) | 0;
    const layer = t & 127;
    const j = t >> 7;
    if (Math.abs(j) >= k[layer]) {
      rejected[0] = layer;
      rejected[1] = j;
      break;
    }
    out[i] = j * w[layer];
  }
  s[0] = a;
  s[1] = b;
  s[2] = c;
  s[3] = d;
  return i;
}

/**
 * The seed of sample `index` in a stream whose seed is `seed`. Batches use it so that the n-th
 * training sample can be regenerated alone: `generateShapes1D({ seed: sampleSeed(seed, n) })`.
 */
export function sampleSeed(seed: number, index: number): number {
  const [low, high] = seedWords(seed);
  let h = Math.imul(low ^ 0x5bd1e995, 0xcc9e2d51);
  h = Math.imul(h ^ high ^ (h >>> 15), 0x1b873593);
  h = Math.imul(h ^ (index >>> 0) ^ (h >>> 13), 0x85ebca6b);
  h = Math.imul(h ^ Math.floor(index / 4294967296) ^ (h >>> 16), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Checks a seed and splits it into two 32-bit words (low, high). */
function seedWords(seed: number): [number, number] {
  if (!Number.isSafeInteger(seed)) {
    throw new RangeError(`seed must be a whole number, got ${String(seed)}`);
  }
  const magnitude = Math.abs(seed);
  const low = magnitude % 4294967296;
  const high = Math.floor(magnitude / 4294967296) + (seed < 0 ? 0x200000 : 0);
  return [low >>> 0, high >>> 0];
}

const ZIGGURAT_R = 3.442619855899;
const ZIGGURAT_AREA = 9.91256303526217e-3;
const ZIGGURAT_SCALE = 16777216; // 2^24, the range of the signed value bits

/** The 128-layer ziggurat's tables, built from portable functions so they agree everywhere. */
function buildZiggurat(): [Float64Array, Float64Array, Float64Array] {
  const k = new Float64Array(128);
  const w = new Float64Array(128);
  const f = new Float64Array(128);
  let d = ZIGGURAT_R;
  let t = d;
  const q = ZIGGURAT_AREA / portableExp(-0.5 * d * d);
  k[0] = (d / q) * ZIGGURAT_SCALE;
  k[1] = 0;
  w[0] = q / ZIGGURAT_SCALE;
  w[127] = d / ZIGGURAT_SCALE;
  f[0] = 1;
  f[127] = portableExp(-0.5 * d * d);
  for (let i = 126; i >= 1; i--) {
    d = Math.sqrt(-2 * portableLog(ZIGGURAT_AREA / d + portableExp(-0.5 * d * d)));
    k[i + 1] = (d / t) * ZIGGURAT_SCALE;
    t = d;
    f[i] = portableExp(-0.5 * d * d);
    w[i] = d / ZIGGURAT_SCALE;
  }
  return [k, w, f];
}

const [ZIGGURAT_K, ZIGGURAT_W, ZIGGURAT_F] = buildZiggurat();

/** The ziggurat's tables and the exp that settles its closest wedge tests, for a kernel. */
export const ZIGGURAT = { k: ZIGGURAT_K, w: ZIGGURAT_W, f: ZIGGURAT_F, portableExp } as const;
