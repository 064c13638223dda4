import { SHAPE_TYPES_1D, categoricalColor, type Sample1D } from '@decoding-attention/core';
import type { ThemeColors } from '@decoding-attention/ui';
import type { VisualizationSpec } from 'vega-embed';

/** The colour of a 1D group: one palette colour per signed shape type, the same everywhere. */
export function groupColor1D(type: string): string {
  return categoricalColor(SHAPE_TYPES_1D.indexOf(type as (typeof SHAPE_TYPES_1D)[number]));
}

/** The rows of the chart's named datasets. */
export interface ChartData1D {
  series: { position: number; value: number; series: 'input' | 'target' }[];
  shapes: {
    index: number;
    type: string;
    start: number;
    end: number;
    amplitude: number;
    groupAmplitude: number;
  }[];
}

/** The rows the chart's named datasets hold for a sample. */
export function chartData1D(sample: Sample1D): ChartData1D {
  const series: { position: number; value: number; series: 'input' | 'target' }[] = [];
  sample.input.forEach((value, position) => series.push({ position, value, series: 'input' }));
  sample.target.forEach((value, position) => series.push({ position, value, series: 'target' }));
  const shapes = sample.shapes.map((s, index) => ({
    index,
    type: s.type,
    // Shapes cover [start, start + width); the last covered sample is start + width - 1.
    start: s.start - 0.5,
    end: s.start + s.width - 0.5,
    amplitude: s.amplitude,
    groupAmplitude: s.groupAmplitude,
  }));
  return { series, shapes };
}

/**
 * A layered vega-lite chart of a 1D sample: each shape's span shaded in its group's colour
 * (stronger when highlighted), marked positions as rules, the input and the target as lines.
 * The named datasets `series`, `shapes` and `marks` start with `data` and are replaced in place
 * as the sample changes, so the chart is compiled once.
 */
export function chartSpec1D(
  length: number,
  width: number,
  colors: ThemeColors,
  data: ChartData1D,
): VisualizationSpec {
  const x = {
    type: 'quantitative' as const,
    scale: { domain: [0, length - 1], nice: false, zero: false },
    axis: { title: 'Position', tickCount: 8 },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Input and target of a 1D sample, each shape shaded by its group',
    width,
    height: 220,
    autosize: { type: 'fit-x', contains: 'padding' },
    datasets: { series: data.series, shapes: data.shapes, marks: [] },
    params: [{ name: 'highlight', value: -1 }],
    layer: [
      {
        data: { name: 'shapes', format: { parse: null } },
        mark: { type: 'rect', cursor: 'pointer', description: 'Shape spans' },
        encoding: {
          x: { field: 'start', ...x },
          x2: { field: 'end' },
          color: {
            field: 'type',
            type: 'nominal',
            scale: { domain: [...SHAPE_TYPES_1D], range: SHAPE_TYPES_1D.map(groupColor1D) },
            legend: null,
          },
          opacity: { condition: { test: 'datum.index === highlight', value: 0.45 }, value: 0.16 },
        },
      },
      {
        data: { name: 'marks', format: { parse: null } },
        mark: {
          type: 'rule',
          strokeWidth: 2,
          strokeDash: [4, 3],
          color: colors.accent,
          aria: false,
        },
        encoding: { x: { field: 'position', ...x } },
      },
      {
        data: { name: 'series', format: { parse: null } },
        transform: [{ filter: "datum.series === 'input'" }],
        mark: { type: 'line', strokeWidth: 1, color: colors.input, interpolate: 'linear' },
        encoding: {
          x: { field: 'position', ...x },
          y: { field: 'value', type: 'quantitative', axis: { title: 'Amplitude' } },
        },
      },
      {
        data: { name: 'series', format: { parse: null } },
        transform: [{ filter: "datum.series === 'target'" }],
        mark: { type: 'line', strokeWidth: 2, color: colors.target, interpolate: 'linear' },
        encoding: {
          x: { field: 'position', ...x },
          y: { field: 'value', type: 'quantitative' },
        },
      },
    ],
  } as VisualizationSpec;
}

/**
 * The fast first paint: the same picture as the chart, drawn on a canvas in a few milliseconds,
 * shown until vega has loaded (and used when it cannot).
 */
export function drawPlot1D(
  canvas: HTMLCanvasElement,
  sample: Sample1D,
  colors: ThemeColors,
  { highlight = -1, marks = [] }: { highlight?: number; marks?: readonly number[] } = {},
): void {
  const context = canvas.getContext('2d');
  if (!context) return;
  const { width, height } = canvas;
  const pad = Math.round(8 * (canvas.width / Math.max(1, canvas.clientWidth || canvas.width)));
  const length = sample.input.length;
  let low = 0;
  let high = 0;
  for (let i = 0; i < length; i++) {
    low = Math.min(low, sample.input[i], sample.target[i]);
    high = Math.max(high, sample.input[i], sample.target[i]);
  }
  const span = high - low || 1;
  const xOf = (position: number) => pad + ((position + 0.5) / length) * (width - 2 * pad);
  const yOf = (value: number) => height - pad - ((value - low) / span) * (height - 2 * pad);
  context.clearRect(0, 0, width, height);
  sample.shapes.forEach((shape, index) => {
    context.globalAlpha = index === highlight ? 0.45 : 0.16;
    context.fillStyle = groupColor1D(shape.type);
    context.fillRect(
      xOf(shape.start - 0.5),
      pad,
      xOf(shape.start + shape.width - 0.5) - xOf(shape.start - 0.5),
      height - 2 * pad,
    );
  });
  context.globalAlpha = 1;
  context.strokeStyle = colors.border;
  context.beginPath();
  context.moveTo(pad, yOf(0));
  context.lineTo(width - pad, yOf(0));
  context.stroke();
  context.strokeStyle = colors.accent;
  context.setLineDash([4, 3]);
  for (const position of marks) {
    context.beginPath();
    context.moveTo(xOf(position), pad);
    context.lineTo(xOf(position), height - pad);
    context.stroke();
  }
  context.setLineDash([]);
  for (const [values, color, lineWidth] of [
    [sample.input, colors.input, 1],
    [sample.target, colors.target, 2],
  ] as const) {
    context.strokeStyle = color;
    context.lineWidth = lineWidth * (width / Math.max(1, canvas.clientWidth || width));
    context.beginPath();
    for (let i = 0; i < length; i++) {
      if (i === 0) context.moveTo(xOf(i), yOf(values[i]));
      else context.lineTo(xOf(i), yOf(values[i]));
    }
    context.stroke();
  }
}
