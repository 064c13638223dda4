import type { ThemeColors } from '@decoding-attention/ui';
import type { VisualizationSpec } from 'vega-embed';
import type { SpanSnapshot } from './adaptive.js';
import type { LinformerPoint } from './linformer.js';
import type { PerformerPoint } from './performer.js';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A chart's width in its container: the container's, less a margin, never under 260 pixels. */
export function chartWidth(container: HTMLElement): number {
  return Math.max(260, Math.floor(container.clientWidth) - 10);
}

/** The signal a chart's marker follows: the slider's value, changed without drawing the chart anew. */
export const MARKER_SIGNAL = 'marker';

/** A vertical rule at the `marker` signal, in the accent colour: the slider's value on a curve. */
function marker(colors: ThemeColors): Record<string, unknown> {
  return {
    data: { values: [{}] },
    mark: { type: 'rule', color: colors.accent, strokeWidth: 2, strokeDash: [4, 3], aria: false },
    encoding: { x: { datum: { expr: MARKER_SIGNAL }, type: 'quantitative' } },
  };
}

/** Performer's relative error against m, one line per draw and kernel, log-log, with the m shown. */
export function performerSpec(
  points: readonly PerformerPoint[],
  features: number,
  width: number,
  colors: ThemeColors,
): VisualizationSpec {
  const values = points
    .filter((p) => p.relative > 0)
    .map((p) => ({ ...p, features: p.features, series: `${p.draw}, ${p.kernel}` }))
    .sort((a, b) => a.features - b.features);
  return {
    $schema: SCHEMA,
    description:
      "Performer's relative error against exact attention, by the number of random features",
    width,
    height: 200,
    autosize: { type: 'fit-x', contains: 'padding' },
    params: [{ name: MARKER_SIGNAL, value: features }],
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: true, strokeWidth: 1.5 },
        encoding: {
          x: {
            field: 'features',
            type: 'quantitative',
            scale: { type: 'log', base: 2 },
            axis: { title: 'Random features m' },
          },
          y: {
            field: 'relative',
            type: 'quantitative',
            scale: { type: 'log' },
            axis: { title: 'Relative error |Â − A| / |A|' },
          },
          color: {
            field: 'series',
            type: 'nominal',
            legend: { title: 'Features', orient: 'right' },
            scale: { scheme: 'tableau10' },
          },
          strokeDash: { field: 'series', type: 'nominal', legend: null },
          tooltip: [
            { field: 'series', title: 'Features' },
            { field: 'features', title: 'm' },
            { field: 'relative', title: 'relative error', format: '.4f' },
          ],
        },
      },
      marker(colors),
    ],
  } as VisualizationSpec;
}

/** The exact attention matrix's singular values, largest first, on a log scale. */
export function spectrumSpec(singular: Float64Array, width: number): VisualizationSpec {
  const top = singular[0] || 1;
  const values = Array.from(singular, (value, i) => ({ index: i + 1, value })).filter(
    (p) => p.value > top * 1e-12,
  );
  return {
    $schema: SCHEMA,
    description: 'Singular values of the exact attention matrix, largest first',
    width,
    height: 180,
    autosize: { type: 'fit-x', contains: 'padding' },
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'index', type: 'quantitative', axis: { title: 'Singular value number i' } },
      y: {
        field: 'value',
        type: 'quantitative',
        scale: { type: 'log' },
        axis: { title: 'σᵢ' },
      },
      tooltip: [
        { field: 'index', title: 'i' },
        { field: 'value', title: 'σ', format: '.3g' },
      ],
    },
  } as VisualizationSpec;
}

/** Linformer's error against k beside the best rank-k error, with the k shown. */
export function linformerSpec(
  lowRank: readonly { rank: number; relative: number }[],
  points: readonly LinformerPoint[],
  projected: number,
  width: number,
  colors: ThemeColors,
): VisualizationSpec {
  const values = [
    ...lowRank
      .filter((p) => p.relative > 0)
      .map((p) => ({ k: p.rank, relative: p.relative, series: 'best rank k (SVD)' })),
    ...[...points]
      .sort((a, b) => a.projected - b.projected)
      .map((p) => ({ k: p.projected, relative: p.relative, series: 'Linformer, random E and F' })),
  ];
  return {
    $schema: SCHEMA,
    description: "Linformer's relative error against k, beside the best rank-k approximation's",
    width,
    height: 200,
    autosize: { type: 'fit-x', contains: 'padding' },
    params: [{ name: MARKER_SIGNAL, value: projected }],
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: { filled: true, size: 20 }, strokeWidth: 1.5 },
        encoding: {
          x: {
            field: 'k',
            type: 'quantitative',
            scale: { type: 'log', base: 2 },
            axis: { title: 'Rows k' },
          },
          y: {
            field: 'relative',
            type: 'quantitative',
            scale: { type: 'log' },
            axis: { title: 'Relative error' },
          },
          color: {
            field: 'series',
            type: 'nominal',
            legend: { title: null, orient: 'bottom' },
            scale: { scheme: 'tableau10' },
          },
          strokeDash: { field: 'series', type: 'nominal', legend: null },
          tooltip: [
            { field: 'series', title: 'error of' },
            { field: 'k', title: 'k' },
            { field: 'relative', title: 'relative error', format: '.4f' },
          ],
        },
      },
      marker(colors),
    ],
  } as VisualizationSpec;
}

/** The spans chart's dataset: its values are replaced as snapshots come, the chart kept. */
export const SPANS_DATA = 'spans';

/** Each head's span at each snapshot, as the spans chart's rows. */
export function spansValues(
  history: readonly SpanSnapshot[],
): { samples: number; span: number; head: string }[] {
  return history.flatMap((s) =>
    s.spans.map((span, h) => ({ samples: s.samples, span, head: `head ${h + 1}` })),
  );
}

/**
 * Each head's adaptive span against samples seen, up to the largest span; its rows come in
 * `SPANS_DATA` (`spansValues`), so a new snapshot changes the data, not the chart.
 */
export function spansSpec(maxSpan: number | undefined, width: number): VisualizationSpec {
  return {
    $schema: SCHEMA,
    description: "Each head's adaptive span as the model trains",
    width,
    height: 200,
    autosize: { type: 'fit-x', contains: 'padding' },
    data: { name: SPANS_DATA },
    mark: { type: 'line', point: { size: 12 }, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'samples', type: 'quantitative', axis: { title: 'Samples seen' } },
      y: {
        field: 'span',
        type: 'quantitative',
        scale: maxSpan ? { domain: [0, maxSpan] } : {},
        axis: { title: 'Span (tokens)' },
      },
      color: {
        field: 'head',
        type: 'nominal',
        legend: { title: 'Head', orient: 'right' },
        scale: { scheme: 'tableau10' },
      },
      strokeDash: { field: 'head', type: 'nominal', legend: null },
      tooltip: [
        { field: 'head' },
        { field: 'samples', title: 'samples seen' },
        { field: 'span', title: 'span', format: '.1f' },
      ],
    },
  } as VisualizationSpec;
}
