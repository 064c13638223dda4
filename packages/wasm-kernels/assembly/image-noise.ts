// The pixel work of one noisy 2D input image, a module of its own (src/image-noise.ts loads it):
// standard normal draws from sfc32 through a 128-layer ziggurat, Gaussian noise clamped to
// [0, 255], a separable Gaussian blur reflecting at the borders, and the rounding to a byte / 255.
// Every operation is the one core's JavaScript generator runs, in the same order (IEEE-754
// double adds and multiplies, no fused multiply-add), so the images are the same bit for bit;
// only the loops differ: two columns at a time where the JavaScript takes one.

// The engine's exp, only to settle a wedge test outside a 1e-9 margin, and the portable exp
// (the same bits everywhere) for the draws within it: the decisions core's generator makes.
@external('env', 'exp')
declare function exp(x: f64): f64;
@external('env', 'portableExp')
declare function portableExp(x: f64): f64;

@inline
function f64At(base: usize, i: i32): usize {
  return base + (<usize>i << 3);
}

/**
 * Standard normal variates into the doubles at `out` from index `start` to `end`, from the
 * generator words at `state` (four i32, updated) and the ziggurat's tables at `tables` (w and
 * f, 128 doubles each, then k rounded up, 128 i32: |j| < k exactly when |j| < ceil(k) for a
 * whole j). Returns `end`, or the index of a draw that fell in the base
 * layer's tail, which the caller finishes: its value bits `j` are left at `state + 16`.
 */
export function gaussians(tables: usize, state: usize, out: usize, start: i32, end: i32): i32 {
  const wTable = tables;
  const fTable = tables + 1024;
  const kTable = tables + 2048;
  let a = load<i32>(state);
  let b = load<i32>(state, 4);
  let c = load<i32>(state, 8);
  let d = load<i32>(state, 12);
  let i = start;
  while (i < end) {
    const t = a + b + d;
    d += 1;
    a = b ^ (b >>> 9);
    b = c + (c << 3);
    c = ((c << 21) | (c >>> 11)) + t;
    const layer = t & 127;
    const j = t >> 7;
    const x = <f64>j * load<f64>(f64At(wTable, layer));
    if (abs(j) < load<i32>(kTable + (<usize>layer << 2))) {
      store<f64>(f64At(out, i), x);
      i++;
      continue;
    }
    if (layer === 0) {
      store<i32>(state, a);
      store<i32>(state, b, 4);
      store<i32>(state, c, 8);
      store<i32>(state, d, 12);
      store<i32>(state, j, 16);
      return i;
    }
    // The wedge: one more uniform for the height under the layer's slice of the curve.
    const u = a + b + d;
    d += 1;
    a = b ^ (b >>> 9);
    b = c + (c << 3);
    c = ((c << 21) | (c >>> 11)) + u;
    const high = load<f64>(f64At(fTable, layer - 1));
    const low = load<f64>(f64At(fTable, layer));
    const height = low + (<f64>(<u32>u) / 4294967296.0) * (high - low);
    const density = exp(-0.5 * x * x);
    let accept = height < density * (1 - 1e-9);
    if (!accept && !(height > density * (1 + 1e-9))) accept = height < portableExp(-0.5 * x * x);
    if (accept) {
      store<f64>(f64At(out, i), x);
      i++;
    }
  }
  store<i32>(state, a);
  store<i32>(state, b, 4);
  store<i32>(state, c, 8);
  store<i32>(state, d, 12);
  return i;
}

/**
 * Two sums of seven taps, `k0` to `k6` (each splat) times the pairs of doubles at `a0` to `a6`,
 * added in tap order from the first, as the JavaScript adds them.
 */
@inline
function sevenTaps(
  k0: v128,
  k1: v128,
  k2: v128,
  k3: v128,
  k4: v128,
  k5: v128,
  k6: v128,
  a0: usize,
  a1: usize,
  a2: usize,
  a3: usize,
  a4: usize,
  a5: usize,
  a6: usize,
): v128 {
  let sum = f64x2.mul(k0, v128.load(a0));
  sum = f64x2.add(sum, f64x2.mul(k1, v128.load(a1)));
  sum = f64x2.add(sum, f64x2.mul(k2, v128.load(a2)));
  sum = f64x2.add(sum, f64x2.mul(k3, v128.load(a3)));
  sum = f64x2.add(sum, f64x2.mul(k4, v128.load(a4)));
  sum = f64x2.add(sum, f64x2.mul(k5, v128.load(a5)));
  return f64x2.add(sum, f64x2.mul(k6, v128.load(a6)));
}

/** Reflects an index into [0, size) without repeating the edge sample (d c b | a b c d | c b a). */
function reflect(index: i32, size: i32): i32 {
  if (size === 1) return 0;
  let i = index;
  while (i < 0 || i >= size) {
    if (i < 0) i = -i;
    if (i >= size) i = 2 * (size - 1) - i;
  }
  return i;
}

/**
 * One colour plane: the bytes at `base` (`width * height`, row-major) plus `noiseStd` times the
 * doubles at `noise` (when `noiseStd` > 0) clamped to [0, 255], blurred along rows then columns
 * by the `taps` doubles at `kernel`, rounded, and written as byte / 255 to every third float of
 * `out` from float `channel`. `row` (`width` doubles) and `rows` (`width * height` doubles) are
 * scratch.
 */
export function blurPlane(
  base: usize,
  noise: usize,
  noiseStd: f64,
  kernel: usize,
  taps: i32,
  width: i32,
  height: i32,
  row: usize,
  rows: usize,
  out: usize,
  channel: i32,
): void {
  const radius = (taps - 1) >> 1;
  const pairs = width & ~1;
  const std = f64x2.splat(noiseStd);
  const top = f64x2.splat(255);
  const half = f64x2.splat(0.5);
  const xEnd = max(radius, width - radius);
  // The dataset's own blur (sigma 1) has seven taps: both passes unroll them (the splats are
  // unused, and harmless, for another kernel).
  const k0 = f64x2.splat(load<f64>(kernel));
  const k1 = f64x2.splat(load<f64>(kernel, 8));
  const k2 = f64x2.splat(load<f64>(kernel, 16));
  const k3 = f64x2.splat(load<f64>(kernel, 24));
  const k4 = f64x2.splat(load<f64>(kernel, 32));
  const k5 = f64x2.splat(load<f64>(kernel, 40));
  const k6 = f64x2.splat(load<f64>(kernel, 48));
  for (let y = 0; y < height; y++) {
    const bytes = base + <usize>(y * width);
    const noisy = f64At(noise, y * width);
    // The row's values: byte + std * noise, then min(value, 255), then (v + |v|) / 2, which is
    // max(v, 0) exactly; or the bytes alone without noise.
    let x = 0;
    if (noiseStd > 0) {
      for (; x < pairs; x += 2) {
        const pixel = f64x2.convert_low_i32x4_u(
          i32x4(<i32>load<u8>(bytes + <usize>x), <i32>load<u8>(bytes + <usize>x + 1), 0, 0),
        );
        const value = f64x2.add(pixel, f64x2.mul(std, v128.load(f64At(noisy, x))));
        const clipped = f64x2.min(value, top);
        v128.store(f64At(row, x), f64x2.mul(f64x2.add(clipped, f64x2.abs(clipped)), half));
      }
      for (; x < width; x++) {
        const value = <f64>load<u8>(bytes + <usize>x) + noiseStd * load<f64>(f64At(noisy, x));
        const clipped = value > 255 ? 255 : value;
        store<f64>(f64At(row, x), (clipped + abs(clipped)) * 0.5);
      }
    } else {
      for (; x < width; x++) store<f64>(f64At(row, x), <f64>load<u8>(bytes + <usize>x));
    }
    // Along the row: the borders reflected, the interior two columns at a time.
    const line = f64At(rows, y * width);
    for (x = 0; x < width; x++) {
      if (x === radius && xEnd > radius) x = xEnd;
      if (x >= width) break;
      let sum: f64 = 0;
      for (let k = 0; k < taps; k++) {
        sum += load<f64>(f64At(kernel, k)) * load<f64>(f64At(row, reflect(x - radius + k, width)));
      }
      store<f64>(f64At(line, x), sum);
    }
    x = radius;
    if (taps === 7) {
      for (; x + 1 < xEnd; x += 2) {
        const at = f64At(row, x - 3);
        const sum = sevenTaps(
          k0, k1, k2, k3, k4, k5, k6,
          at, at + 8, at + 16, at + 24, at + 32, at + 40, at + 48,
        );
        v128.store(f64At(line, x), sum);
      }
    }
    for (; x + 1 < xEnd; x += 2) {
      let sum = f64x2.splat(0);
      for (let k = 0; k < taps; k++) {
        const tap = f64x2.splat(load<f64>(f64At(kernel, k)));
        sum = f64x2.add(sum, f64x2.mul(tap, v128.load(f64At(row, x - radius + k))));
      }
      v128.store(f64At(line, x), sum);
    }
    for (; x < xEnd; x++) {
      let sum: f64 = 0;
      for (let k = 0; k < taps; k++) {
        sum += load<f64>(f64At(kernel, k)) * load<f64>(f64At(row, x - radius + k));
      }
      store<f64>(f64At(line, x), sum);
    }
  }
  // Down the columns, a row of outputs at a time, each tap's source row reflected once.
  const unit = f64x2.splat(<f64>1 / 255);
  for (let y = 0; y < height; y++) {
    const target = out + (<usize>(3 * y * width + channel) << 2);
    let x = 0;
    if (taps === 7) {
      const r0 = f64At(rows, reflect(y - 3, height) * width);
      const r1 = f64At(rows, reflect(y - 2, height) * width);
      const r2 = f64At(rows, reflect(y - 1, height) * width);
      const r3 = f64At(rows, y * width);
      const r4 = f64At(rows, reflect(y + 1, height) * width);
      const r5 = f64At(rows, reflect(y + 2, height) * width);
      const r6 = f64At(rows, reflect(y + 3, height) * width);
      for (; x < pairs; x += 2) {
        const o = <usize>x << 3;
        const sum = sevenTaps(
          k0, k1, k2, k3, k4, k5, k6,
          r0 + o, r1 + o, r2 + o, r3 + o, r4 + o, r5 + o, r6 + o,
        );
        storeBytes(target, x, sum, half, unit);
      }
    } else {
      for (; x < pairs; x += 2) {
        let sum = f64x2.splat(0);
        for (let k = 0; k < taps; k++) {
          const source = f64At(rows, reflect(y - radius + k, height) * width + x);
          const tap = f64x2.splat(load<f64>(f64At(kernel, k)));
          sum = f64x2.add(sum, f64x2.mul(tap, v128.load(source)));
        }
        storeBytes(target, x, sum, half, unit);
      }
    }
    for (; x < width; x++) {
      let sum: f64 = 0;
      for (let k = 0; k < taps; k++) {
        const source = f64At(rows, reflect(y - radius + k, height) * width + x);
        sum += load<f64>(f64At(kernel, k)) * load<f64>(source);
      }
      const byte = min(max(<i32>(sum + 0.5), 0), 255);
      store<f32>(target + (<usize>(3 * x) << 2), <f32>(<f64>byte * (<f64>1 / 255)));
    }
  }
}

/**
 * Two sums rounded to bytes (they are never negative: the values and taps are not), each
 * written as byte / 255 to its pixel's float at `target` (every third float from pixel `x`).
 * byte * (1 / 255) in doubles, made a float, equals byte / 255 made a float for all 256 bytes.
 */
@inline
function storeBytes(target: usize, x: i32, sum: v128, half: v128, unit: v128): void {
  const rounded = i32x4.trunc_sat_f64x2_s_zero(f64x2.add(sum, half));
  const byte = i32x4.max_s(i32x4.min_s(rounded, i32x4.splat(255)), i32x4.splat(0));
  const value = f32x4.demote_f64x2_zero(f64x2.mul(f64x2.convert_low_i32x4_s(byte), unit));
  store<f32>(target + (<usize>(3 * x) << 2), f32x4.extract_lane(value, 0));
  store<f32>(target + (<usize>(3 * x + 3) << 2), f32x4.extract_lane(value, 1));
}
