/** Option checks shared by the generators: each throws a RangeError that names the option. */

/**
 * A value as a message quotes it: never throws (a prototype-less object or a symbol has no
 * string form of its own), and long text is cut.
 */
export function shownValue(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'symbol' ? value.toString() : String(value);
  } catch {
    text = Object.prototype.toString.call(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

export function checkInteger(name: string, value: number, min: number, max = Infinity): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new RangeError(`${name} must be a whole number ${range}, got ${shownValue(value)}`);
  }
  return value;
}

export function checkNumber(name: string, value: number, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range =
      min === -Infinity && max === Infinity
        ? 'a finite number'
        : max === Infinity
          ? `a number >= ${min}`
          : `a number in [${min}, ${max}]`;
    throw new RangeError(`${name} must be ${range}, got ${shownValue(value)}`);
  }
  return value;
}

export function checkOrder(lowName: string, low: number, highName: string, high: number): void {
  if (low > high) {
    throw new RangeError(`${lowName} (${low}) must not exceed ${highName} (${high})`);
  }
}

export function checkOneOf<T extends string>(
  name: string,
  value: string,
  allowed: readonly T[],
): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new RangeError(
      `${name} must be one of ${allowed.join(', ')}, got "${shownValue(value)}"`,
    );
  }
  return value as T;
}

/** Copies the defined entries of an options object, so `{ length: undefined }` keeps the default. */
export function withoutUndefined<T extends object>(options: T): Partial<T> {
  const result: Partial<T> = {};
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) (result as Record<string, unknown>)[key] = value;
  }
  return result;
}
