import {
  ATTENTION_VARIANTS,
  VARIANT_DEFAULTS,
  checkOneOf,
  localShapeFeatures1D,
  variantPattern,
  type Matrix,
} from '@decoding-attention/core';
import { BUCKET_COLORS, type VariantInternals } from '@decoding-attention/ui';
import { describe, readHeads } from './limits.js';

export { BUCKET_COLORS, type VariantInternals };

/** What `variant-view` may be: the variant's internals beside its pattern, or the pattern alone. */
export const VARIANT_VIEWS = ['internals', 'pattern'] as const;
export type VariantViewName = (typeof VARIANT_VIEWS)[number];

/** Hashing rounds a figure shows at most. */
const MOST_ROUNDS = 16;
/** Buckets a figure tells apart at most. */
const MOST_BUCKETS = 1024;

/**
 * What a linked `<trainable-model>` sends beside `heads` in `attention-change` (and
 * `currentAttention`) when it trains with an efficient attention variant; any field may be
 * absent. The heatmap takes the same, from script, as its `variant` property.
 */
export interface VariantDetail {
  attention: string;
  /** The resolved variant parameters (window, features, chunk, ramp, causal, ...). */
  options?: Record<string, number | number[] | boolean>;
  /** reformer: [round][head][position], bucket ids. */
  buckets?: readonly (readonly (readonly number[] | Int32Array)[])[];
  /** adaptive: each head's learned span, in tokens. */
  spans?: readonly number[];
  /** adaptive: the largest span a head can learn. */
  maxSpan?: number;
  /** linformer: [head][position][k], weights over the k projected rows. */
  projected?: readonly unknown[];
  /** performer: [head][query][key], exact softmax attention on the same queries and keys. */
  exact?: readonly unknown[];
}

/**
 * Reads a variant's internals (`VariantDetail`) against the heads they describe; undefined for
 * none. Errors name `name` and the field.
 */
export function readVariant(
  value: unknown,
  name: string,
  heads: readonly Matrix[],
): VariantInternals | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    throw new RangeError(`${name} must be { attention, ... }, got ${describe(value)}`);
  const detail = value as Partial<VariantDetail>;
  checkOneOf(`${name}.attention`, detail.attention as string, ATTENTION_VARIANTS);
  const options = (
    typeof detail.options === 'object' && detail.options !== null ? detail.options : {}
  ) as Record<string, unknown>;
  const whole = (v: unknown, fallback: number) =>
    Number.isInteger(v) && (v as number) >= 1 ? (v as number) : fallback;
  const positive = (v: unknown, fallback: number) =>
    typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback;
  const [{ rows, cols }] = heads;
  const out: VariantInternals = {
    attention: detail.attention!,
    chunk: whole(options.chunk, VARIANT_DEFAULTS.chunk),
    causal: options.causal === true,
    ramp: positive(options.ramp, VARIANT_DEFAULTS.ramp),
  };
  const set = (v: unknown) => v !== undefined && v !== null;
  if (set(detail.buckets)) out.buckets = readBuckets(detail.buckets, `${name}.buckets`, heads);
  if (set(detail.spans)) {
    const spans = detail.spans as unknown;
    if (
      !Array.isArray(spans) ||
      spans.length !== heads.length ||
      !spans.every((s) => typeof s === 'number' && Number.isFinite(s) && s >= 0)
    )
      throw new RangeError(
        `${name}.spans must hold ${heads.length} span${heads.length === 1 ? '' : 's'} in tokens (numbers from 0), one per head, got ${describe(spans)}`,
      );
    out.spans = spans as number[];
  }
  if (set(detail.maxSpan)) {
    if (!(
      typeof detail.maxSpan === 'number' &&
      Number.isFinite(detail.maxSpan) &&
      detail.maxSpan > 0
    ))
      throw new RangeError(
        `${name}.maxSpan must be a number above 0, got ${describe(detail.maxSpan)}`,
      );
    out.maxSpan = detail.maxSpan;
  }
  if (set(detail.projected)) {
    const projected = readHeads(detail.projected, `${name}.projected`);
    if (projected.length !== heads.length || projected[0].rows !== rows)
      throw new RangeError(
        `${name}.projected must hold ${heads.length} head${heads.length === 1 ? '' : 's'} of ${rows} positions x k rows, got ${projected.length} of ${projected[0].rows} x ${projected[0].cols}`,
      );
    out.projected = projected;
  }
  if (set(detail.exact)) {
    const exact = readHeads(detail.exact, `${name}.exact`);
    if (exact.length !== heads.length || exact[0].rows !== rows || exact[0].cols !== cols)
      throw new RangeError(
        `${name}.exact must hold ${heads.length} head${heads.length === 1 ? '' : 's'} of ${rows} x ${cols}, as the attention, got ${exact.length} of ${exact[0].rows} x ${exact[0].cols}`,
      );
    out.exact = exact;
  }
  return out;
}

/** Reformer buckets, [round][head][position], whole numbers, one per position of every head. */
function readBuckets(value: unknown, name: string, heads: readonly Matrix[]): Int32Array[][] {
  const [{ rows, cols }] = heads;
  if (rows !== cols)
    throw new RangeError(`${name} are for self-attention; the attention is ${rows} x ${cols}`);
  if (!Array.isArray(value) || value.length === 0 || value.length > MOST_ROUNDS)
    throw new RangeError(
      `${name} must be 1 to ${MOST_ROUNDS} rounds of [head][position] buckets, got ${describe(value)}`,
    );
  return (value as unknown[]).map((round, r) => {
    if (!Array.isArray(round) || round.length !== heads.length)
      throw new RangeError(
        `${name}[${r}] must hold ${heads.length} head${heads.length === 1 ? '' : 's'}, got ${describe(round)}`,
      );
    return (round as unknown[]).map((head, h) => {
      const list = head as ArrayLike<unknown>;
      const ok =
        (Array.isArray(head) || head instanceof Int32Array) &&
        list.length === rows &&
        Array.prototype.every.call(
          list,
          (b: unknown) => Number.isInteger(b) && (b as number) >= 0 && (b as number) < MOST_BUCKETS,
        );
      if (!ok)
        throw new RangeError(
          `${name}[${r}][${h}] must hold ${rows} buckets, whole numbers from 0 to ${MOST_BUCKETS - 1}, got ${describe(head)}`,
        );
      return Int32Array.from(list as ArrayLike<number>);
    });
  });
}

/** The variant and its parameters the heatmap computes on a followed viewer's sample. */
export interface SampleVariant {
  attention: string;
  window: number;
  stride: number;
  globals: number[];
  span: number;
  features: number;
  projected: number;
  buckets: number;
  hashes: number;
  chunk: number;
}

/** The seed of the random rotations, features and projections drawn on the sample. */
export const SAMPLE_SEED = 1;
/** On the sample, adaptive span shows four heads, their spans these shares of `span`. */
export const SAMPLE_SPAN_SHARES = [0.25, 0.5, 0.75, 1] as const;

/**
 * The variant's pattern on a 1D sample, through core: queries and keys are the sample's local
 * shapes (as `local-shape` attention, sharpness 2), so the figure shows what the variant does to
 * attention by content. Returns the heads and their internals.
 */
export function sampleVariantAttention(
  input: ArrayLike<number>,
  variant: SampleVariant,
): { heads: Matrix[]; variant: VariantInternals } {
  const keys = localShapeFeatures1D(input);
  const scale = 2 * Math.sqrt(keys.cols);
  const queries = { ...keys, data: keys.data.map((v) => v * scale) };
  const { attention, window, stride, globals, span } = variant;
  const pattern = variantPattern(attention, queries, keys, {
    window,
    stride,
    globals,
    spans: SAMPLE_SPAN_SHARES.map((share) => share * span),
    ramp: VARIANT_DEFAULTS.ramp,
    projected: variant.projected,
    features: variant.features,
    buckets: variant.buckets,
    hashes: variant.hashes,
    chunk: variant.chunk,
    seed: SAMPLE_SEED,
  });
  return {
    heads: pattern.heads,
    variant: {
      attention,
      buckets: pattern.buckets,
      chunk: variant.chunk,
      causal: false,
      spans: pattern.spans,
      maxSpan: pattern.spans ? span : undefined,
      ramp: VARIANT_DEFAULTS.ramp,
      projected: pattern.projected,
      exact: pattern.exact,
    },
  };
}
