import {
  COST_VARIANTS,
  checkInteger,
  checkNumber,
  checkOneOf,
  shortLength,
  shownValue,
  type CostVariant,
} from '@decoding-attention/core';
import { COST_LIMITS, SWEEP_WIDTH_BYTES } from './limits.js';

/** The values of `mode`: the forward pass alone, or forward+backward. */
export const COST_MODES = ['forward', 'backward'] as const;

/** The element's settings as set, checked before anything is measured. */
export interface CostSettings {
  variants?: unknown;
  lengths?: unknown;
  maxLength?: unknown;
  budget?: unknown;
  mode?: unknown;
  kvTokens?: unknown;
  batch?: unknown;
  backend?: unknown;
}

/** What validation hands on: the variants in the table's order and the lengths to measure. */
export interface CheckedSettings {
  variants: CostVariant[];
  lengths: number[];
}

/** A value as `checkOneOf` compares it. */
const asText = (value: unknown): string => (typeof value === 'string' ? value : shownValue(value));

/**
 * Checks every setting under its attribute's name (as authors write it), throwing a RangeError
 * on the first bad one: an unknown variant, a length that is not a whole number in range, or
 * lengths whose smallest step would not fit the WebAssembly heap.
 */
export function validateSettings(s: CostSettings): CheckedSettings {
  if (!Array.isArray(s.variants) || s.variants.length === 0)
    throw new RangeError(
      `variants must list one or more of ${COST_VARIANTS.join(', ')}, got ${shownValue(s.variants)}`,
    );
  for (const v of s.variants) checkOneOf('variants', asText(v), COST_VARIANTS);
  const variants = COST_VARIANTS.filter((v) => (s.variants as unknown[]).includes(v));
  const batch = checkInteger('batch', s.batch as number, 1, COST_LIMITS.batch);
  const maxLength = checkInteger('max-length', s.maxLength as number, 1, COST_LIMITS.length);
  if (!Array.isArray(s.lengths) || s.lengths.length === 0)
    throw new RangeError(`lengths must list one or more lengths, got ${shownValue(s.lengths)}`);
  if (s.lengths.length > COST_LIMITS.lengths)
    throw new RangeError(
      `lengths lists at most ${COST_LIMITS.lengths} lengths, got ${s.lengths.length}`,
    );
  for (const length of s.lengths as unknown[]) {
    if (typeof length === 'number' && Number.isInteger(length) && length > COST_LIMITS.length) {
      // The smallest step of the layer holds about this many bytes of activations and gradients.
      const bytes = batch * length * SWEEP_WIDTH_BYTES;
      throw new RangeError(
        `lengths: ${shortLength(length)} tokens do not fit memory: one step needs about ${(bytes / 2 ** 30).toFixed(1)} GiB of tensors at batch ${batch}, more than WebAssembly's 4 GiB heap holds beside the attention itself (at most ${COST_LIMITS.length.toLocaleString('en')} tokens)`,
      );
    }
    checkInteger('lengths', length as number, COST_LIMITS.shortest, COST_LIMITS.length);
  }
  const lengths = [...new Set(s.lengths as number[])]
    .filter((l) => l <= maxLength)
    .sort((a, b) => a - b);
  if (lengths.length === 0)
    throw new RangeError(
      `max-length (${maxLength}) is below every length of lengths (${(s.lengths as number[]).join(' ')})`,
    );
  checkNumber('budget', s.budget as number, COST_LIMITS.budget[0], COST_LIMITS.budget[1]);
  checkOneOf('mode', asText(s.mode), COST_MODES);
  checkInteger('kv-tokens', s.kvTokens as number, 0, COST_LIMITS.kvTokens);
  checkOneOf('backend', asText(s.backend), ['wasm', 'cpu'] as const);
  return { variants, lengths };
}
