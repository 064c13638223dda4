/**
 * What each attention variant costs, in plain JavaScript (no tfjs): the multiply-adds and memory
 * cells of its attention core by formula, the complexity table of post 2, and the readings of
 * measured curves (growth exponent, crossover with full attention) that `<attention-cost>` and
 * `npm run bench:train` share. The variants and their defaults are docs/design/models.md's
 * "Attention variants".
 */
import { VARIANT_DEFAULTS } from './models/variants/options.js';
import { checkInteger, checkOneOf } from './validation.js';

/** The variants whose cost is measured and tabled (causal and binary attention are left out). */
export const COST_VARIANTS = [
  'full',
  'local',
  'sparse',
  'global',
  'adaptive',
  'linformer',
  'performer',
  'reformer',
] as const;
export type CostVariant = (typeof COST_VARIANTS)[number];

/** The parameters the formulas read: a head's width `dimension` and the variants' own (defaults as the models'). */
export interface CostParameters {
  /** Width of one head's queries, keys and values, d (default 16: width 64 over 4 heads). */
  dimension?: number;
  /** local, sparse, global: keys within this distance of the query (default 8). */
  window?: number;
  /** sparse: every `stride`-th key is read by every query (default 8). */
  stride?: number;
  /** global: how many tokens see and are seen by all (default 1). */
  globals?: number;
  /** adaptive: the largest span (default 64); with the ramp, the band a head may read. */
  span?: number;
  /** adaptive: the soft mask's ramp (default 16). */
  ramp?: number;
  /** linformer: rows k the keys and values are projected to (default 32). */
  projected?: number;
  /** performer: random features m (default 64). */
  features?: number;
  /** reformer: hash buckets b (default 8). */
  buckets?: number;
  /** reformer: hashing rounds (default 2). */
  hashes?: number;
  /** reformer: chunk of sorted positions c, read with the chunk before (default 32). */
  chunk?: number;
  /** local, sparse, global, adaptive: a query reads no later key. */
  causal?: boolean;
}

/** A variant's attention cost for one head on one sequence. */
export interface AttentionCost {
  /** Multiply-adds of the scores, the weighted sum of values and the variant's own projections. */
  multiplyAdds: number;
  /** Cells held at once beside queries, keys and values: scores, features or projected rows. */
  memory: number;
  /** Query-key pairs scored. */
  pairs: number;
}

/** Keys a query at `i` reads in a band of `window` either side (only before it when causal), of `length`. */
function bandKeys(i: number, length: number, window: number, causal: boolean): [number, number] {
  return [Math.max(0, i - window), causal ? i : Math.min(length - 1, i + window)];
}

/** How many multiples of `stride` lie in [low, high]. */
function multiplesIn(low: number, high: number, stride: number): number {
  return high < low ? 0 : Math.floor(high / stride) - Math.ceil(low / stride) + 1;
}

/** The query-key pairs of a banded variant (local, sparse, global, adaptive), counted exactly. */
function bandedPairs(
  variant: 'local' | 'sparse' | 'global' | 'adaptive',
  length: number,
  o: Required<CostParameters>,
): number {
  const window = variant === 'adaptive' ? o.span + o.ramp : o.window;
  const globals =
    variant === 'global'
      ? Array.from({ length: o.globals }, (_, g) => Math.floor((g * length) / o.globals))
      : [];
  const isGlobal = new Set(globals);
  let pairs = 0;
  for (let i = 0; i < length; i++) {
    const last = o.causal ? i : length - 1;
    if (isGlobal.has(i)) {
      pairs += last + 1;
      continue;
    }
    const [low, high] = bandKeys(i, length, window, o.causal);
    pairs += high - low + 1;
    if (variant === 'sparse')
      pairs += multiplesIn(0, last, o.stride) - multiplesIn(low, high, o.stride);
    if (variant === 'global')
      pairs += globals.filter((g) => g <= last && (g < low || g > high)).length;
  }
  return pairs;
}

/**
 * The multiply-adds and memory cells of `variant`'s attention for one head of width d on a
 * sequence of `length` (the projections to queries, keys and values, the same for every variant,
 * left out):
 * - full: L^2 scores and L^2 weighted values, d each: 2 L^2 d; memory L^2 (the score matrix);
 * - local, sparse, global, adaptive: the same per query-key pair read (p pairs): 2 p d; memory p.
 *   Local reads keys within w; sparse adds every s-th key; global's g tokens read and are read by
 *   all; adaptive reads the band span + ramp (its largest);
 * - linformer: keys and values projected to k rows (2 k L d), then k scores and values a query
 *   (2 L k d): 4 L k d; memory L k;
 * - performer: queries and keys mapped to m features (2 L m d), K'^T V and its row sums
 *   (L m d + L m), each query's features times both (L m d + L m): 4 L m d + 2 L m; memory
 *   2 L m + m d;
 * - reformer: per round, the rotation for b buckets (L d b / 2) and each query's chunk and the one
 *   before (2 c keys, capped at L): L d b / 2 + 4 L c' d with c' = min(2c, L); memory per round
 *   L c'. (The sort, L log L comparisons a round, is not a multiply-add.)
 */
export function attentionCost(
  variant: CostVariant,
  length: number,
  parameters: CostParameters = {},
): AttentionCost {
  checkOneOf('variant', variant, COST_VARIANTS);
  checkInteger('length', length, 1);
  const o = {
    ...VARIANT_DEFAULTS,
    dimension: 16,
    globals: 1,
    ...parameters,
  } as Required<CostParameters>;
  for (const name of [
    'dimension',
    'window',
    'stride',
    'globals',
    'span',
    'ramp',
    'projected',
    'features',
    'buckets',
    'hashes',
    'chunk',
  ] as const)
    checkInteger(name, o[name], 1);
  const d = o.dimension;
  const L = length;
  switch (variant) {
    case 'full': {
      const pairs = o.causal ? (L * (L + 1)) / 2 : L * L;
      return { multiplyAdds: 2 * pairs * d, memory: pairs, pairs };
    }
    case 'linformer': {
      const k = o.projected;
      return { multiplyAdds: 4 * L * k * d, memory: L * k, pairs: L * k };
    }
    case 'performer': {
      const m = o.features;
      return { multiplyAdds: 4 * L * m * d + 2 * L * m, memory: 2 * L * m + m * d, pairs: L * m };
    }
    case 'reformer': {
      const keys = Math.min(2 * o.chunk, L);
      const round = (L * d * o.buckets) / 2 + 4 * L * keys * d;
      return {
        multiplyAdds: o.hashes * round,
        memory: o.hashes * L * keys,
        pairs: o.hashes * L * keys,
      };
    }
    default: {
      const pairs = bandedPairs(variant, L, o);
      return { multiplyAdds: 2 * pairs * d, memory: pairs, pairs };
    }
  }
}

/** A row of post 2's complexity table: what the literature says of each variant. */
export interface ComplexityRow {
  variant: CostVariant;
  name: string;
  time: string;
  memory: string;
  /** The log-log slope of its time against length at its defaults, for long sequences. */
  exponent: number;
  causal: 'yes' | 'no' | 'optional';
  exact: boolean;
  strengths: string;
  weaknesses: string;
}

/** The complexity table: L the length, d a head's width, and each variant's own parameters. */
export const COMPLEXITY_TABLE: readonly ComplexityRow[] = [
  {
    variant: 'full',
    name: 'Standard (full)',
    time: 'O(L² d)',
    memory: 'O(L²) (O(L) fused)',
    exponent: 2,
    causal: 'optional',
    exact: true,
    strengths: 'Every pair of tokens, exactly; the fastest at short lengths (one fused op)',
    weaknesses: 'Time grows with the square of the length',
  },
  {
    variant: 'local',
    name: 'Local (window w)',
    time: 'O(L w d)',
    memory: 'O(L w)',
    exponent: 1,
    causal: 'optional',
    exact: true,
    strengths: 'Linear; exact within the window; neighbours matter most in many series',
    weaknesses: 'Information needs L / w layers to cross the sequence',
  },
  {
    variant: 'sparse',
    name: 'Sparse (window w, stride s)',
    time: 'O(L (w + L / s) d)',
    memory: 'O(L (w + L / s))',
    exponent: 2,
    causal: 'optional',
    exact: true,
    strengths: 'Two steps reach any token; s times cheaper than full',
    weaknesses: 'Still quadratic (L² / s); a fixed pattern, not chosen by content',
  },
  {
    variant: 'global',
    name: 'Global (window w, g global tokens)',
    time: 'O(L (w + g) d)',
    memory: 'O(L (w + g))',
    exponent: 1,
    causal: 'optional',
    exact: true,
    strengths: 'Linear; the global tokens carry information across in two steps',
    weaknesses: 'The few global tokens are a bottleneck; which ones is a choice',
  },
  {
    variant: 'adaptive',
    name: 'Adaptive span (span z, ramp R)',
    time: 'O(L (z + R) d)',
    memory: 'O(L (z + R))',
    exponent: 1,
    causal: 'optional',
    exact: true,
    strengths: 'Each head learns how far it needs to look; short spans cost little',
    weaknesses: 'Cost bounded by the largest span; no reach beyond it',
  },
  {
    variant: 'linformer',
    name: 'Linformer (rank k)',
    time: 'O(L k d)',
    memory: 'O(L k)',
    exponent: 1,
    causal: 'no',
    exact: false,
    strengths: 'Linear; attention matrices are close to low rank',
    weaknesses: 'Approximate; not causal; the projections fix the length',
  },
  {
    variant: 'performer',
    name: 'Performer (m random features)',
    time: 'O(L m d)',
    memory: 'O(L m + m d)',
    exponent: 1,
    causal: 'optional',
    exact: false,
    strengths: 'Linear; unbiased estimate of softmax attention; no fixed pattern',
    weaknesses: 'Approximate; needs many features for peaked attention',
  },
  {
    variant: 'reformer',
    name: 'Reformer (LSH, b buckets, chunk c)',
    time: 'O(L c d + L log L)',
    memory: 'O(L c)',
    exponent: 1,
    causal: 'optional',
    exact: false,
    strengths: 'Attends by content at near-linear cost',
    weaknesses:
      'Approximate (keys hashed apart are missed); sorting and rounds cost at short lengths',
  },
];

/** 16384 as "16K", 300 as "300". */
export function shortLength(length: number): string {
  return length >= 1024 && length % 1024 === 0 ? `${length / 1024}K` : String(length);
}

/** A duration in ms as a reader says it: "2.41 ms", "35 ms", "1.2 s". */
export function formatMs(value: number): string {
  return value >= 1000
    ? `${(value / 1000).toFixed(1)} s`
    : `${value.toFixed(value < 10 ? 2 : 0)} ms`;
}

/** The least-squares slope of log y against log x: a curve's growth exponent. */
export function logLogSlope(points: readonly { x: number; y: number }[]): number {
  const xs = points.map((p) => Math.log(p.x));
  const ys = points.map((p) => Math.log(p.y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let num = 0;
  let den = 0;
  for (let i = 0; i < xs.length; i++) {
    num += (xs[i] - mx) * (ys[i] - my);
    den += (xs[i] - mx) ** 2;
  }
  return num / den;
}

/** One measured point of a curve: a length and its cost. */
export interface CostSample {
  length: number;
  forward: number;
  both: number;
}

/** Where a variant becomes cheaper than full attention, and how that was read. */
export interface Crossover {
  length?: number;
  how: string;
  kind?: 'below' | 'between' | 'extrapolated';
}

/**
 * The length where `own`'s time (`key`) falls under `full`'s for good (after the last length
 * where it was slower), interpolated on the log-log curves between the two measured lengths
 * around it; before the first measured length, or beyond the last (extrapolated on the ratio's
 * last slope, said so), or never.
 */
export function crossoverLength(
  own: readonly CostSample[],
  full: readonly CostSample[],
  key: 'forward' | 'both',
): Crossover {
  const common = own
    .map((p) => ({ p, f: full.find((q) => q.length === p.length) }))
    .filter((c): c is { p: CostSample; f: CostSample } => c.f !== undefined)
    .map(({ p, f }) => ({ length: p.length, ratio: p[key] / f[key] }));
  if (common.length === 0) return { how: 'no length measured for both' };
  const slower = common.map((c) => c.ratio > 1).lastIndexOf(true);
  if (slower === -1)
    return {
      length: common[0].length,
      kind: 'below',
      how: `cheaper already at the shortest length measured (${shortLength(common[0].length)}: ${(1 / common[0].ratio).toFixed(2)}x full's speed)`,
    };
  if (slower < common.length - 1) {
    const [a, b] = [common[slower], common[slower + 1]];
    const t = Math.log(a.ratio) / (Math.log(a.ratio) - Math.log(b.ratio));
    const length = Math.exp(Math.log(a.length) + t * (Math.log(b.length) - Math.log(a.length)));
    const earlier = common.slice(0, slower).some((c) => c.ratio <= 1);
    return {
      length,
      kind: 'between',
      how: `interpolated between ${shortLength(a.length)} (${(1 / a.ratio).toFixed(2)}x full's speed) and ${shortLength(b.length)} (${(1 / b.ratio).toFixed(2)}x)${earlier ? '; cheaper at some shorter lengths too, then slower again' : ''}`,
    };
  }
  const last = common[common.length - 1];
  if (common.length >= 2) {
    const before = common[common.length - 2];
    const fall =
      (Math.log(last.ratio) - Math.log(before.ratio)) /
      (Math.log(last.length) - Math.log(before.length));
    if (fall < 0) {
      const length = Math.exp(Math.log(last.length) - Math.log(last.ratio) / fall);
      return {
        length,
        kind: 'extrapolated',
        how: `not within the lengths measured (still ${last.ratio.toFixed(2)}x full's time at ${shortLength(last.length)}); extrapolated on the last two lengths' slopes`,
      };
    }
  }
  return {
    how: `never within the lengths measured (${last.ratio.toFixed(2)}x full's time at ${shortLength(last.length)}, not closing)`,
  };
}
