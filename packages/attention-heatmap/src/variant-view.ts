import {
  ATTENTION_VARIANTS,
  VARIANT_DEFAULTS,
  approximationError,
  averageMatrices,
  bucketMask,
  checkOneOf,
  localShapeFeatures1D,
  variantPattern,
  type Matrix,
} from '@decoding-attention/core';
import {
  drawHeatmap,
  heatmapDomain,
  niceTicks,
  styleProps,
  type HeatmapStyle,
} from '@decoding-attention/ui';
import { html, nothing, svg, type TemplateResult } from 'lit';
import { describe, readHeads } from './limits.js';
import { formatWeight, type Panel } from './panels.js';

/** What `variant-view` may be: the variant's internals beside its pattern, or the pattern alone. */
export const VARIANT_VIEWS = ['internals', 'pattern'] as const;
export type VariantViewName = (typeof VARIANT_VIEWS)[number];

/** Hashing rounds a figure shows at most. */
const MOST_ROUNDS = 16;
/** Buckets a figure tells apart at most. */
const MOST_BUCKETS = 1024;

/**
 * The colours of the Reformer's buckets, bucket b in `BUCKET_COLORS[b % 12]`: the Okabe-Ito
 * palette (told apart with every colour vision) and four more.
 */
export const BUCKET_COLORS: readonly (readonly [number, number, number])[] = [
  [230, 159, 0],
  [86, 180, 233],
  [0, 158, 115],
  [240, 228, 66],
  [0, 114, 178],
  [213, 94, 0],
  [204, 121, 167],
  [0, 0, 0],
  [148, 103, 189],
  [140, 86, 75],
  [23, 190, 207],
  [188, 189, 34],
];

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

/** A variant's internals as the heatmap holds them, checked against the attention's heads. */
export interface VariantInternals {
  attention: string;
  /** reformer: [round][head] each position's bucket. */
  buckets?: Int32Array[][];
  /** reformer: the chunk of sorted positions a query attends within (with the chunk before). */
  chunk: number;
  causal: boolean;
  /** adaptive: each head's span, in tokens, the largest span, and the soft edge's ramp. */
  spans?: number[];
  maxSpan?: number;
  ramp: number;
  /** linformer: each head's [position x k] weights over the projected rows. */
  projected?: Matrix[];
  /** performer: each head's exact attention. */
  exact?: Matrix[];
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

// ---- Figures ----

/** What the variant figures are drawn from, as the element shows it now. */
export interface VariantState {
  variant: VariantInternals;
  panel: Panel;
  /** The head shown, or the average. */
  head: number | 'average';
  style: HeatmapStyle;
  /** The theme's background, for cells a round does not see. */
  background: readonly [number, number, number];
  /** The query and key axis titles. */
  query: string;
  key: string;
}

/** `span 12.5 tokens`, as labels and descriptions say a head's span. */
export function spanText(variant: VariantInternals | undefined, head: number): string {
  const span = variant?.spans?.[head];
  if (span === undefined) return '';
  const most = variant?.maxSpan !== undefined ? ` of at most ${formatTokens(variant.maxSpan)}` : '';
  return `span ${formatTokens(span)} tokens${most}`;
}

function formatTokens(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

/** The heads a figure draws: the one shown, or all (for the average). */
function shownHeads(head: number | 'average', count: number): number[] {
  return head === 'average' ? Array.from({ length: count }, (_, h) => h) : [head];
}

/** A matrix of each head, the one shown or their average. */
export function shownMatrix(list: readonly Matrix[], head: number | 'average'): Matrix {
  return head === 'average' ? (list.length === 1 ? list[0] : averageMatrices(list)) : list[head];
}

/**
 * Reformer: which keys each query sees in any round (for the heads drawn), to mark the rest of
 * the matrix as unseen; undefined for other variants.
 */
export function reformerSeen(
  variant: VariantInternals | undefined,
  head: number | 'average',
): Uint8Array | undefined {
  if (!variant?.buckets) return undefined;
  let seen: Uint8Array | undefined;
  for (const round of variant.buckets)
    for (const h of shownHeads(head, round.length)) {
      const mask = bucketMask(round[h], variant.chunk, variant.causal);
      if (!seen) seen = mask;
      else for (let i = 0; i < mask.length; i++) seen[i] |= mask[i];
    }
  return seen;
}

/**
 * Adaptive span, over a head's map: the soft window's edges, where a key's weight starts to fade
 * (`span` tokens from the query, dashed) and where it has none left (`span + ramp`, solid); for
 * the average, every head's.
 */
export function spanOverlay(
  variant: VariantInternals | undefined,
  head: number | 'average',
  rows: number,
  cols: number,
): TemplateResult | typeof nothing {
  const spans = variant?.spans;
  if (!spans) return nothing;
  const lines = shownHeads(head, spans.length).flatMap((h) =>
    [spans[h], spans[h] + variant.ramp].flatMap((offset, edge) =>
      // Cell (i, j) spans [j, j + 1] x [i, i + 1]; distance |i - j| = offset on the diagonals
      // x - y = +-offset, through cell centres.
      [offset, -offset].map(
        (d) =>
          svg`<line class=${edge === 0 ? 'span-start' : 'span-end'} data-head=${h} x1=${d + 0.5} y1="0.5" x2=${d + 0.5 + Math.max(rows, cols)} y2=${0.5 + Math.max(rows, cols)}></line>`,
      ),
    ),
  );
  return html`<svg
    class="spans"
    aria-hidden="true"
    viewBox=${`0 0 ${cols} ${rows}`}
    preserveAspectRatio="none"
  >
    ${lines}
  </svg>`;
}

/**
 * The figures of what is inside the variant, below the heatmap: Reformer's buckets per round,
 * adaptive spans per head, Linformer's weights over its k projected rows, Performer's exact
 * attention and its error. Rendered as markup; `draw` fills their canvases.
 */
export function renderVariant(state: VariantState | undefined): TemplateResult | typeof nothing {
  if (!state) return nothing;
  const { variant } = state;
  const parts = [
    variant.buckets ? renderBuckets(state) : nothing,
    variant.spans ? renderSpans(state) : nothing,
    variant.projected ? renderProjected(state) : nothing,
    variant.exact ? renderExact(state) : nothing,
  ];
  if (!variant.buckets && !variant.spans && !variant.projected && !variant.exact) return nothing;
  return html`<section
    class="variant"
    part="variant"
    aria-label=${`Inside ${variant.attention} attention`}
  >
    ${parts}
  </section>`;
}

/** Bucket lists as screen readers hear them: `bucket 1: positions 0, 3, 7`, or counts beyond 64 positions. */
function bucketSummary(bucket: Int32Array): string {
  const members = new Map<number, number[]>();
  bucket.forEach((b, p) => members.set(b, [...(members.get(b) ?? []), p]));
  const list = [...members.entries()].sort(([a], [b]) => a - b);
  return list
    .map(([b, positions]) =>
      bucket.length <= 64
        ? `bucket ${b + 1}: ${positions.length === 1 ? 'position' : 'positions'} ${positions.join(', ')}`
        : `bucket ${b + 1}: ${positions.length} positions`,
    )
    .join('; ');
}

function renderBuckets({ variant, head, query, key }: VariantState): TemplateResult {
  const rounds = variant.buckets!;
  const h = head === 'average' ? 0 : head;
  const headNote = rounds[0].length > 1 ? ` (head ${h + 1})` : '';
  const used = [...new Set(rounds.flatMap((round) => [...round[h]]))].sort((a, b) => a - b);
  return html`<div class="variant-block buckets">
    <div class="variant-title">LSH buckets per hashing round${headNote}</div>
    <p class="variant-note">
      Each ${query.toLowerCase()} and ${key.toLowerCase()} is coloured by its bucket along the top
      and left; a cell is coloured where the query sees the key in that round (same bucket, within
      its chunk of ${variant.chunk} sorted positions or the chunk before).
    </p>
    <div class="rounds">
      ${rounds.map(
        (round, r) =>
          html`<figure class="round">
            <canvas
              class="bucket-canvas"
              role="img"
              data-round=${r}
              aria-label=${`Round ${r + 1}${headNote}: ${bucketSummary(round[h])}`}
            ></canvas>
            <figcaption>Round ${r + 1}</figcaption>
          </figure>`,
      )}
    </div>
    <ul class="bucket-legend" aria-label="Buckets">
      ${used.map((b) => {
        const [red, green, blue] = BUCKET_COLORS[b % BUCKET_COLORS.length];
        const counts = rounds.map((round) => round[h].filter((x) => x === b).length);
        return html`<li>
          <span
            class="swatch"
            style=${styleProps({ background: `rgb(${red}, ${green}, ${blue})` })}
          ></span>
          Bucket ${b + 1}: ${counts.join(' / ')} position${counts.every((c) => c === 1) ? '' : 's'}
        </li>`;
      })}
    </ul>
  </div>`;
}

function renderSpans({ variant, head }: VariantState): TemplateResult {
  const spans = variant.spans!;
  return html`<div class="variant-block spans-list">
    <div class="variant-title">Adaptive span per head</div>
    <p class="variant-note">
      Over the map, the dashed lines mark where a key's weight starts to fade (the span from the
      query) and the solid lines where none is left (span + ramp of ${formatTokens(variant.ramp)}).
    </p>
    <ul>
      ${spans.map(
        (_, h) =>
          html`<li class=${head === h ? 'current' : ''}>
            Head ${h + 1}: ${spanText(variant, h)}
          </li>`,
      )}
    </ul>
  </div>`;
}

function renderProjected({ variant, head, query }: VariantState): TemplateResult {
  const matrix = shownMatrix(variant.projected!, head);
  const { rows, cols: k } = matrix;
  const labelled = k <= 8;
  const columns = labelled ? Array.from({ length: k }, (_, i) => i) : niceTicks(k);
  const summary = Array.from({ length: Math.min(rows, 64) }, (_, i) => {
    let top = 0;
    for (let r = 1; r < k; r++) if (matrix.data[i * k + r] > matrix.data[i * k + top]) top = r;
    return `${i}: row ${top + 1}`;
  }).join(', ');
  return html`<div class="variant-block projected">
    <div class="variant-title">Attention over the k = ${k} projected rows</div>
    <p class="variant-note">
      Linformer projects the ${rows} keys along the sequence to ${k} rows (E K): each
      ${query.toLowerCase()} attends over these ${k} rows, not over ${rows} keys.
    </p>
    <div class="projected-figure">
      <canvas
        class="projected-canvas"
        role="img"
        style=${styleProps({ '--k': String(k), '--positions': String(rows) })}
        aria-label=${`Weights over the projected rows: ${rows} ${query.toLowerCase()} positions by ${k} projected rows. Row attended most, by position: ${summary}${rows > 64 ? ', ...' : ''}`}
      ></canvas>
      <div class="projected-ticks" aria-hidden="true">
        ${columns.map(
          (c) =>
            html`<span class="tick" style=${styleProps({ left: `${((c + 0.5) / k) * 100}%` })}
              >${labelled ? `row ${c + 1}` : String(c + 1)}</span
            >`,
        )}
      </div>
      <div class="projected-title">Projected row (1 to ${k})</div>
    </div>
  </div>`;
}

function renderExact({ variant, head, panel }: VariantState): TemplateResult {
  const exact = shownMatrix(variant.exact!, head);
  const { mean, max } = approximationError(panel.shown, exact);
  const text = `Performer's estimate against exact softmax: mean absolute error ${formatWeight(mean)}, largest ${formatWeight(max)}`;
  return html`<div class="variant-block exact">
    <div class="variant-title">Exact softmax attention, and the estimate's error</div>
    <p class="variant-note error-text">${text}</p>
    <div class="compare">
      <figure>
        <canvas
          class="exact-canvas"
          role="img"
          aria-label="Exact softmax attention on the same queries and keys"
        ></canvas>
        <figcaption>Exact</figcaption>
      </figure>
      <figure>
        <canvas
          class="error-canvas"
          role="img"
          aria-label=${`Absolute error of the estimate, from 0 to ${formatWeight(max)}`}
        ></canvas>
        <figcaption>|estimate - exact|, 0 to ${formatWeight(max)}</figcaption>
      </figure>
    </div>
  </div>`;
}

/** Fills the variant figures' canvases in `root`. */
export function drawVariant(root: ParentNode, state: VariantState | undefined): void {
  if (!state) return;
  const { variant, head, style, panel, background } = state;
  if (variant.buckets) {
    const h = head === 'average' ? 0 : head;
    root.querySelectorAll<HTMLCanvasElement>('.bucket-canvas').forEach((canvas, r) => {
      const round = variant.buckets![r];
      if (round) drawBuckets(canvas, round[h], variant, background);
    });
  }
  if (variant.projected) {
    const canvas = root.querySelector<HTMLCanvasElement>('.projected-canvas');
    if (canvas)
      drawHeatmap(canvas, shownMatrix(variant.projected, head), { ...style, domain: undefined });
  }
  if (variant.exact) {
    const exact = shownMatrix(variant.exact, head);
    // The exact matrix in the colours of the estimate beside it, so that they compare by eye.
    const domain = heatmapDomain(panel.shown, style, panel.allowed);
    const canvas = root.querySelector<HTMLCanvasElement>('.exact-canvas');
    if (canvas)
      drawHeatmap(canvas, exact, { ...style, domain: domain[0] < domain[1] ? domain : undefined });
    const error = root.querySelector<HTMLCanvasElement>('.error-canvas');
    if (error) {
      const data = panel.shown.data.map((v, i) => Math.abs(v - exact.data[i]));
      const max = data.reduce((a, b) => Math.max(a, b), 0);
      drawHeatmap(
        error,
        { data, rows: exact.rows, cols: exact.cols },
        { ...style, normalize: 'global', scale: 'linear', domain: [0, max > 0 ? max : 1] },
      );
    }
  }
}

/**
 * One round's figure, (L + 2) pixels square: row 0 the keys' buckets, column 0 the queries',
 * a line of background, then cell (i, j) at (j + 2, i + 2) in the bucket's colour where query i
 * sees key j in the round, in the background colour elsewhere.
 */
function drawBuckets(
  canvas: HTMLCanvasElement,
  bucket: Int32Array,
  variant: VariantInternals,
  background: readonly [number, number, number],
): void {
  const length = bucket.length;
  const side = length + 2;
  canvas.width = side;
  canvas.height = side;
  const context = canvas.getContext('2d');
  if (!context) return;
  const image = context.createImageData(side, side);
  const put = (x: number, y: number, [r, g, b]: readonly number[]) => {
    const at = (y * side + x) * 4;
    image.data[at] = r;
    image.data[at + 1] = g;
    image.data[at + 2] = b;
    image.data[at + 3] = 255;
  };
  const colorOf = (p: number) => BUCKET_COLORS[bucket[p] % BUCKET_COLORS.length];
  for (let x = 0; x < side; x++) for (let y = 0; y < side; y++) put(x, y, background);
  const seen = bucketMask(bucket, variant.chunk, variant.causal);
  for (let p = 0; p < length; p++) {
    put(p + 2, 0, colorOf(p));
    put(0, p + 2, colorOf(p));
  }
  for (let i = 0; i < length; i++)
    for (let j = 0; j < length; j++) if (seen[i * length + j]) put(j + 2, i + 2, colorOf(i));
  context.putImageData(image, 0, 0);
}
