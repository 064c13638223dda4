/**
 * Logarithm and exponential built from IEEE-754 basic operations only.
 *
 * `Math.log` and `Math.exp` are not required to be correctly rounded, and engines differ in
 * their last bit. Datasets must be identical bit for bit in every browser, Node and Worker, so
 * the generators use these instead: `+ - * /` and `Math.sqrt` are exactly specified everywhere.
 */

const LN2 = 0.6931471805599453;
// ln 2 split in two (Cody and Waite): k * LN2_HIGH is exact for |k| < 2^11.
const LN2_HIGH = 6.9314718036912381649e-1;
const LN2_LOW = 1.90821492927058770002e-10;
const SQRT2 = 1.4142135623730951;

const bits = new DataView(new ArrayBuffer(8));
// Typed-array views are several times faster than DataView on the hot path (every Gaussian draw).
const float64 = new Float64Array(1);
const words = new Uint32Array(float64.buffer);
/** 1 / (2k + 1) for k = 1..11: the atanh series' coefficients. */
const ATANH = [1 / 3, 1 / 5, 1 / 7, 1 / 9, 1 / 11, 1 / 13, 1 / 15, 1 / 17, 1 / 19, 1 / 21, 1 / 23];
const HIGH = new Uint8Array(Float64Array.of(2).buffer)[7] === 0x40 ? 1 : 0;

/** Natural logarithm of a positive finite number, the same bits on every engine. */
export function portableLog(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  float64[0] = x;
  const high = words[HIGH];
  let exponent = (high >>> 20) - 1023;
  if (exponent === -1023) {
    // Subnormal: scale into the normal range first.
    return portableLog(x * 18014398509481984) - 54 * LN2; // x * 2^54
  }
  words[HIGH] = (high & 0x000fffff) | 0x3ff00000;
  let mantissa = float64[0];
  if (mantissa > SQRT2) {
    mantissa /= 2;
    exponent += 1;
  }
  // ln(m) = 2 atanh(s), s = (m - 1) / (m + 1), |s| <= 0.1716, so s^25 is below double precision.
  const s = (mantissa - 1) / (mantissa + 1);
  const z = s * s;
  let series = ATANH[10];
  for (let k = 9; k >= 0; k--) series = ATANH[k] + z * series;
  return 2 * (s + s * z * series) + exponent * LN2;
}

/** e raised to x, the same bits on every engine. */
export function portableExp(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 709.782712893384) return Infinity;
  if (x < -745.1332191019412) return 0;
  const k = Math.round(x / LN2);
  const r = x - k * LN2_HIGH - k * LN2_LOW;
  // Taylor series of e^r for |r| <= ln2 / 2, to double precision.
  let term = 1;
  let sum = 1;
  for (let n = 1; n <= 18; n++) {
    term = (term * r) / n;
    sum += term;
  }
  return scaleByPowerOfTwo(sum, k);
}

function scaleByPowerOfTwo(value: number, power: number): number {
  // Steps of at most 2^±1000 keep every factor a normal number; each product is exact.
  let result = value;
  let remaining = power;
  while (remaining > 1000) {
    result *= powerOfTwo(1000);
    remaining -= 1000;
  }
  while (remaining < -1000) {
    result *= powerOfTwo(-1000);
    remaining += 1000;
  }
  return result * powerOfTwo(remaining);
}

/** 2^k for an integer k in [-1022, 1023], built from its bits rather than by `Math.pow`. */
function powerOfTwo(k: number): number {
  bits.setUint32(0, (k + 1023) << 20);
  bits.setUint32(4, 0);
  return bits.getFloat64(0);
}
