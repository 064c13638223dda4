/**
 * The vega-lite specs of `<attention-cost>`: time and memory against length on log-log axes
 * (measured curves solid, each variant's theoretical curve dashed beside it, the crossovers with
 * full attention as rules), and the key-value cache's time per token. The data arrive through
 * named datasets, so a new point updates the chart without drawing it anew.
 */
import type { CostVariant } from '@decoding-attention/core';
import type { ThemeColors } from '@decoding-attention/ui';
import type { VisualizationSpec } from 'vega-embed';
import type { CostMode } from './results.js';

/** A point of the sweep as the chart plots it. */
export interface ChartPoint {
  variant: CostVariant;
  length: number;
  ms: number;
  mib: number;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** The sweep chart: time (left) and peak tensor memory (right) against length, both log-log. */
export function sweepSpec(
  variants: readonly CostVariant[],
  mode: CostMode,
  width: number,
  colors: ThemeColors,
): VisualizationSpec {
  const color = {
    field: 'variant',
    type: 'nominal' as const,
    scale: { domain: [...variants], scheme: 'tableau10' },
    legend: { title: null, orient: 'bottom' as const, direction: 'horizontal' as const },
  };
  const x = {
    field: 'length',
    type: 'quantitative' as const,
    scale: { type: 'log' as const, base: 2 },
    axis: { title: 'Length L (tokens, log)', format: '~s' },
  };
  const panel = (field: 'ms' | 'mib', title: string, rules: boolean) => ({
    // Each panel's axes and titles take about 90 pixels beside its plot.
    width: Math.max(160, Math.floor((width - 200) / 2)),
    height: 220,
    layer: [
      {
        data: { name: 'theory' },
        mark: { type: 'line' as const, strokeDash: [4, 3], strokeWidth: 1, opacity: 0.7 },
        encoding: {
          x,
          y: { field, type: 'quantitative' as const, scale: { type: 'log' as const } },
          color,
          detail: { field: 'variant' },
        },
      },
      {
        data: { name: 'points' },
        mark: { type: 'line' as const, point: { size: 30 }, strokeWidth: 2 },
        encoding: {
          x,
          y: {
            field,
            type: 'quantitative' as const,
            scale: { type: 'log' as const },
            axis: { title },
          },
          color,
        },
      },
      ...(rules
        ? [
            {
              data: { name: 'crossovers' },
              mark: { type: 'rule' as const, strokeDash: [2, 2], strokeWidth: 1.5 },
              encoding: { x, color },
            },
          ]
        : []),
    ],
  });
  return {
    $schema: SCHEMA,
    description: `Measured ${mode === 'forward' ? 'forward' : 'forward+backward'} time and peak tensor memory of each attention variant against length, log-log, with each variant's theoretical curve dashed and its crossover with full attention as a rule`,
    datasets: { points: [], theory: [], crossovers: [] },
    config: { legend: { labelColor: colors.text } },
    hconcat: [
      panel(
        'ms',
        `${mode === 'forward' ? 'Forward' : 'Forward+backward'} time (ms, log); dashed: theory`,
        true,
      ),
      panel('mib', 'Peak tensor memory (MiB, log)', false),
    ],
    resolve: { scale: { color: 'shared' } },
  } as VisualizationSpec;
}

/** The key-value cache chart: time per generated token against the sequence's length. */
export function kvSpec(width: number): VisualizationSpec {
  return {
    $schema: SCHEMA,
    description:
      'Time per generated token against the length of the sequence so far, with and without a key-value cache',
    width: Math.max(200, width - 90),
    height: 180,
    data: { name: 'kv' },
    mark: { type: 'line', point: { size: 20 } },
    encoding: {
      x: {
        field: 'position',
        type: 'quantitative',
        axis: { title: 'Tokens in the sequence' },
      },
      y: {
        field: 'ms',
        type: 'quantitative',
        axis: { title: 'ms per generated token' },
      },
      color: {
        field: 'cache',
        type: 'nominal',
        scale: { domain: ['without cache', 'with cache'], scheme: 'tableau10' },
        legend: { title: null, orient: 'bottom', direction: 'horizontal' },
      },
    },
    datasets: { kv: [] },
  } as VisualizationSpec;
}
