/**
 * The figures of what is inside an efficient attention variant, drawn beside its attention
 * matrix: Reformer's buckets per round, adaptive spans over each head's map, Linformer's weights
 * over its projected rows, Performer's estimate against exact attention. Shared by the elements
 * that show variants (docs/design/models.md, "Attention variants").
 */
import {
  approximationError,
  averageMatrices,
  bucketMask,
  type Matrix,
} from '@decoding-attention/core';
import { html, nothing, svg, type TemplateResult } from 'lit';
import { drawHeatmap, heatmapDomain, niceTicks, type HeatmapStyle } from './heatmap.js';
import { styleProps } from './style-props.js';

/** A weight as figures print it: three decimals, or an exponent for the very small and large. */
export function formatWeight(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 0.01 && magnitude < 1000 ? value.toFixed(3) : value.toExponential(2);
}

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

/** What the variant figures are drawn from, as the element shows it now. */
export interface VariantState {
  variant: VariantInternals;
  /** The matrix drawn large, and which cells its mask allows (undefined: all). */
  panel: { shown: Matrix; allowed?: Uint8Array };
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

/** The last bucket masks worked out, by chunk, causality and buckets (an L x L mask each). */
const masks = new Map<string, Uint8Array>();
/** The last bucket figures drawn, by the same and their background. */
const figures = new Map<string, ImageData>();

/** `kept`'s value for `key`, made by `make` when missing; the oldest of 16 goes first. */
function keptOrMade<T>(kept: Map<string, T>, key: string, make: () => T): T {
  let value = kept.get(key);
  if (value === undefined) {
    value = make();
    if (kept.size >= 16) kept.delete(kept.keys().next().value!);
    kept.set(key, value);
  }
  return value;
}

/**
 * core's `bucketMask`, kept for the few rounds last drawn: a heatmap redrawn with more rounds, or
 * its seen cells and its bucket figures, need the same masks again (L² work each).
 */
function roundMask(bucket: Int32Array, chunk: number, causal: boolean): Uint8Array {
  return keptOrMade(masks, `${chunk} ${causal} ${bucket.join(',')}`, () =>
    bucketMask(bucket, chunk, causal),
  );
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
      const mask = roundMask(round[h], variant.chunk, variant.causal);
      if (!seen) seen = mask.slice();
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
  const key = `${variant.chunk} ${variant.causal} ${background.join(' ')} ${bucket.join(',')}`;
  context.putImageData(
    keptOrMade(figures, key, () => bucketFigure(bucket, variant, background)),
    0,
    0,
  );
}

/** The pixels of one round's figure (see drawBuckets). */
function bucketFigure(
  bucket: Int32Array,
  variant: VariantInternals,
  background: readonly [number, number, number],
): ImageData {
  const length = bucket.length;
  const side = length + 2;
  const image = new ImageData(side, side);
  // One 32-bit word a pixel, in the byte order of the platform (RGBA in memory).
  const pixels = new Uint32Array(image.data.buffer);
  const little = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
  const word = ([r, g, b]: readonly number[]) =>
    little
      ? ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0
      : ((r << 24) | (g << 16) | (b << 8) | 255) >>> 0;
  const colors = BUCKET_COLORS.map(word);
  const colorOf = (p: number) => colors[bucket[p] % colors.length];
  pixels.fill(word(background));
  const seen = roundMask(bucket, variant.chunk, variant.causal);
  for (let p = 0; p < length; p++) {
    pixels[p + 2] = colorOf(p);
    pixels[(p + 2) * side] = colorOf(p);
  }
  for (let i = 0; i < length; i++) {
    const color = colorOf(i);
    const row = (i + 2) * side + 2;
    for (let j = 0; j < length; j++) if (seen[i * length + j]) pixels[row + j] = color;
  }
  return image;
}
