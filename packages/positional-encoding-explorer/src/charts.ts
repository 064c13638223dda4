import type { ThemeColors } from '@decoding-attention/ui';
import type { VisualizationSpec } from 'vega-embed';

/** Rows of the curves chart: one per position and plotted feature (and encoding, comparing). */
export interface CurveRow {
  position: number;
  value: number;
  feature: string;
  encoding: string;
}

/** The curves' rows: `features` of each encoding's `length x dim` table, over position. */
export function curveRows(
  encodings: readonly { kind: string; pe: Float32Array }[],
  features: readonly number[],
  length: number,
  dim: number,
): CurveRow[] {
  const rows: CurveRow[] = [];
  for (const { kind, pe } of encodings) {
    for (const feature of features) {
      for (let p = 0; p < length; p++) {
        rows.push({
          position: p,
          value: pe[p * dim + feature],
          feature: `f${feature}`,
          encoding: kind,
        });
      }
    }
  }
  return rows;
}

/**
 * Chosen features of an encoding as curves over position, a dashed line per compared encoding,
 * with a rule at the position hovered (the `position` parameter, -1 for none).
 */
export function curvesSpec(
  rows: CurveRow[],
  length: number,
  width: number,
  colors: ThemeColors,
): VisualizationSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Chosen features of the encoding as curves over position',
    width,
    height: 180,
    autosize: { type: 'fit-x', contains: 'padding' },
    // The hover layer has one point per position, not per curve point: its nearest-point search
    // (a Voronoi diagram) over every curve point took seconds at the limits.
    datasets: { curves: rows, positions: Array.from({ length }, (_, position) => ({ position })) },
    params: [{ name: 'position', value: -1 }],
    layer: [
      {
        data: { name: 'curves', format: { parse: null } },
        mark: { type: 'line', strokeWidth: 1.5, interpolate: 'linear' },
        encoding: {
          x: {
            field: 'position',
            type: 'quantitative',
            scale: { domain: [0, length - 1], nice: false },
            axis: { title: 'Position' },
          },
          y: { field: 'value', type: 'quantitative', axis: { title: 'Value' } },
          color: {
            field: 'feature',
            type: 'nominal',
            legend: { title: 'Feature', orient: 'right' },
            scale: { scheme: 'tableau10' },
          },
          strokeDash: {
            field: 'encoding',
            type: 'nominal',
            legend: { title: 'Encoding', orient: 'right' },
          },
        },
      },
      {
        // Invisible points carry the hover: the position nearest the pointer, for the other views to show.
        data: { name: 'positions', format: { parse: null } },
        params: [
          {
            name: 'hover',
            select: {
              type: 'point',
              on: 'pointermove',
              nearest: true,
              encodings: ['x'],
              clear: 'pointerleave',
            },
          },
        ],
        mark: { type: 'point', opacity: 0, aria: false },
        encoding: {
          x: { field: 'position', type: 'quantitative' },
          y: { datum: 0, type: 'quantitative' },
        },
      },
      {
        data: { values: [{}] },
        mark: { type: 'rule', color: colors.accent, strokeWidth: 1.5, aria: false },
        encoding: {
          x: { datum: { expr: 'position' }, type: 'quantitative' },
          opacity: { condition: { test: 'position >= 0', value: 1 }, value: 0 },
        },
      },
    ],
  } as VisualizationSpec;
}

/** Rows of the RoPE offset chart: the score at each offset, for each starting position. */
export interface OffsetRow {
  offset: number;
  score: number;
  start: string;
}

/** q . k under RoPE against the offset m - n, one line per absolute starting position m. */
export function offsetSpec(rows: OffsetRow[], width: number): VisualizationSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description:
      'Scores of the same query and key under RoPE against their offset, from several absolute positions',
    width,
    height: 160,
    autosize: { type: 'fit-x', contains: 'padding' },
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 2, interpolate: 'linear' },
    encoding: {
      x: { field: 'offset', type: 'quantitative', axis: { title: 'Offset m − n' } },
      y: { field: 'score', type: 'quantitative', axis: { title: 'q · k after RoPE' } },
      color: {
        field: 'start',
        type: 'nominal',
        legend: { title: 'Query at m =', orient: 'right' },
        scale: { scheme: 'tableau10' },
      },
      // Dashes differ, so lines lying exactly on one another stay visible.
      strokeDash: {
        field: 'start',
        type: 'nominal',
        legend: { title: 'Query at m =', orient: 'right' },
      },
    },
  } as VisualizationSpec;
}
