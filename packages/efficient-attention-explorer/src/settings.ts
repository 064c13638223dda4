import { checkInteger, checkOneOf, shownValue } from '@decoding-attention/core';
import { METHODS, PATTERNS, REFORMER_STEPS } from './events.js';
import { EFFICIENT_EXPLORER_LIMITS } from './limits.js';
import { FEATURE_DRAWS, FEATURE_KERNELS } from './performer.js';

/** The explorer's settings as set, before any is checked. */
export interface ExplorerSettings {
  method: unknown;
  seed: unknown;
  length: unknown;
  features: unknown;
  draw: unknown;
  kernel: unknown;
  hashes: unknown;
  buckets: unknown;
  chunk: unknown;
  step: unknown;
  projected: unknown;
  pattern: unknown;
  window: unknown;
  stride: unknown;
  globals: unknown;
}

/** A value as `checkOneOf` compares it: a string, or a text that matches no choice. */
const asText = (value: unknown): string => (typeof value === 'string' ? value : shownValue(value));

/**
 * Checks every setting under its attribute's name (as authors write it), before any reaches the
 * maths; throws a RangeError naming the first bad one. `length` is the sample's (the element's
 * own or a followed viewer's), for the bounds that depend on it.
 */
export function validateSettings(s: ExplorerSettings, length: number): void {
  checkOneOf('method', asText(s.method), METHODS);
  checkInteger('seed', s.seed as number, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  checkInteger(
    'length',
    s.length as number,
    EFFICIENT_EXPLORER_LIMITS.length.min,
    EFFICIENT_EXPLORER_LIMITS.length.max,
  );
  checkInteger('features', s.features as number, 1, EFFICIENT_EXPLORER_LIMITS.features);
  checkOneOf('draw', asText(s.draw), FEATURE_DRAWS);
  checkOneOf('kernel', asText(s.kernel), FEATURE_KERNELS);
  checkInteger('hashes', s.hashes as number, 1, EFFICIENT_EXPLORER_LIMITS.hashes);
  const buckets = checkInteger(
    'buckets',
    s.buckets as number,
    1,
    EFFICIENT_EXPLORER_LIMITS.buckets,
  );
  if (buckets > 1 && buckets % 2 !== 0)
    throw new RangeError(`buckets must be 1 or even (hashing by [xR, −xR]), got ${buckets}`);
  checkInteger('chunk', s.chunk as number, 1, EFFICIENT_EXPLORER_LIMITS.length.max);
  checkOneOf('step', asText(s.step), REFORMER_STEPS);
  const projected = checkInteger(
    'projected',
    s.projected as number,
    1,
    EFFICIENT_EXPLORER_LIMITS.projected,
  );
  if (projected > length)
    throw new RangeError(
      `projected (${projected}) must not exceed the sample's length (${length}): Linformer projects its positions to k rows`,
    );
  checkOneOf('pattern', asText(s.pattern), PATTERNS);
  checkInteger('window', s.window as number, 0, EFFICIENT_EXPLORER_LIMITS.length.max);
  checkInteger('stride', s.stride as number, 1, EFFICIENT_EXPLORER_LIMITS.length.max);
  const globals = s.globals;
  if (!Array.isArray(globals) || globals.length > length)
    throw new RangeError(
      `globals must be positions of the sample such as "0 200", at most ${length} of them, got ${shownValue(globals)}`,
    );
  for (const g of globals as unknown[])
    if (!Number.isInteger(g) || (g as number) < 0 || (g as number) >= length)
      throw new RangeError(
        `globals must be whole numbers from 0 to ${length - 1} (positions of the sample), got ${shownValue(g)}`,
      );
}
