import { checkInteger, checkNumber, checkOneOf, shownValue } from '../../validation.js';

/**
 * The attention variants of post 2 (docs/design/models.md, "Attention variants"): `full` and
 * `causal` as the fused attention computes them, then the efficient ones, each computed at its own
 * cost rather than as a mask over a dense score matrix.
 */
export const ATTENTION_VARIANTS = [
  'full',
  'causal',
  'local',
  'sparse',
  'global',
  'adaptive',
  'linformer',
  'performer',
  'reformer',
  'binary',
] as const;
export type AttentionVariant = (typeof ATTENTION_VARIANTS)[number];

/** The variants computed by `VariantAttention` (full and causal stay with the fused layer). */
export type EfficientVariant = Exclude<AttentionVariant, 'full' | 'causal'>;

/** The parameters of the variants; each is read only by the variants named in its comment. */
export interface VariantOptions {
  /** local, sparse, global: keys within this distance of the query are seen (default 8). */
  window?: number;
  /** sparse: every `stride`-th key (positions 0, s, 2s, ...) is seen by every query (default 8). */
  stride?: number;
  /**
   * global: the tokens that see and are seen by all: a count g (g tokens evenly spread, at
   * floor(i L / g)) or the positions themselves (default 1: token 0).
   */
  globals?: number | readonly number[];
  /** adaptive: the largest span a head can learn (default 64). */
  span?: number;
  /** adaptive: the length of the soft mask's ramp (default 16). */
  ramp?: number;
  /** adaptive: the span penalty's weight per head, in loss units per token of span (default 2e-6). */
  spanPenalty?: number;
  /** linformer: the rows k that keys and values are projected to along the sequence (default 32). */
  projected?: number;
  /** performer: the random features m (default 64). */
  features?: number;
  /** performer, reformer: redraw the random features or rotations every this many training steps; 0 never (default 0). */
  redraw?: number;
  /** reformer: hash buckets, 1 or even (default 8). */
  buckets?: number;
  /** reformer: hashing rounds combined (default 2). */
  hashes?: number;
  /** reformer: the chunk of sorted positions a query attends within, with the chunk before (default 32). */
  chunk?: number;
  /** local, sparse, global, adaptive, performer, reformer, binary: a query sees no later key. */
  causal?: boolean;
}

export type ResolvedVariantOptions = Required<Omit<VariantOptions, 'globals'>> & {
  globals: number[];
};

export const VARIANT_DEFAULTS = Object.freeze({
  window: 8,
  stride: 8,
  globals: 1,
  span: 64,
  ramp: 16,
  spanPenalty: 2e-6,
  projected: 32,
  features: 64,
  redraw: 0,
  buckets: 8,
  hashes: 2,
  chunk: 32,
  causal: false,
});

/** The variants that cannot be causal: Linformer mixes every position into its k rows. */
const NEVER_CAUSAL: readonly string[] = ['linformer'];

/** The positions of `globals` for a sequence of `length`, checked. */
export function globalPositions(globals: number | readonly number[], length: number): number[] {
  if (typeof globals === 'number') {
    checkInteger('globals', globals, 1, length);
    return Array.from({ length: globals }, (_, i) => Math.floor((i * length) / globals));
  }
  if (!Array.isArray(globals) || globals.length === 0)
    throw new RangeError(
      `globals must be a count or a non-empty list of positions, got ${shownValue(globals)}`,
    );
  const positions = [...new Set(globals as number[])].sort((a, b) => a - b);
  for (const p of positions) checkInteger('globals', p, 0, length - 1);
  return positions;
}

/**
 * Checks a variant and its parameters for a sequence of `length`, throwing a RangeError that
 * names the bad option: an unknown variant, a window or feature count that is not a positive
 * whole number, a variant that cannot be causal asked to be.
 */
export function resolveVariantOptions(
  variant: string,
  options: VariantOptions,
  length: number,
): ResolvedVariantOptions {
  checkOneOf('attention', variant, ATTENTION_VARIANTS);
  const o = { ...VARIANT_DEFAULTS } as Record<string, unknown>;
  for (const [key, value] of Object.entries(options))
    if (value !== undefined && key in VARIANT_DEFAULTS) o[key] = value;
  for (const name of ['window', 'stride', 'span', 'ramp', 'projected', 'features', 'hashes']) {
    checkInteger(name, o[name] as number, 1);
  }
  checkInteger('chunk', o.chunk as number, 1);
  checkInteger('buckets', o.buckets as number, 1);
  if ((o.buckets as number) > 1 && (o.buckets as number) % 2 !== 0)
    throw new RangeError(
      `buckets must be 1 or even (hashing by [xR, -xR]), got ${String(o.buckets)}`,
    );
  checkInteger('redraw', o.redraw as number, 0);
  checkNumber('spanPenalty', o.spanPenalty as number, 0);
  if (typeof o.causal !== 'boolean')
    throw new RangeError(`causal must be true or false, got ${shownValue(o.causal)}`);
  if (o.causal && NEVER_CAUSAL.includes(variant))
    throw new RangeError(
      `attention "${variant}" cannot be causal: it projects every position, later ones included, into its rows`,
    );
  return {
    ...(o as Omit<ResolvedVariantOptions, 'globals'>),
    globals: globalPositions(o.globals as number | number[], length),
  };
}
