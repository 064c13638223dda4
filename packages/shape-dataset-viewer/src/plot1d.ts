import { SHAPE_TYPES_1D, categoricalColor, type Sample1D } from '@decoding-attention/core';
import type { ThemeColors } from '@decoding-attention/ui';

/** Height of the 1D plot and chart, in CSS pixels. */
export const PLOT_HEIGHT = 220;

/** The colour of a 1D group: one palette colour per signed shape type, the same everywhere. */
export function groupColor1D(type: string): string {
  return categoricalColor(SHAPE_TYPES_1D.indexOf(type as (typeof SHAPE_TYPES_1D)[number]));
}

/**
 * The fast first paint: the same picture as the chart, drawn on a canvas in a few milliseconds,
 * shown until vega has loaded (and used when it cannot). The canvas is sized to its displayed
 * width and PLOT_HEIGHT, in device pixels.
 */
export function drawPlot1D(
  canvas: HTMLCanvasElement,
  sample: Sample1D,
  colors: ThemeColors,
  { highlight = -1, marks = [] }: { highlight?: number; marks?: readonly number[] } = {},
): void {
  const ratio = window.devicePixelRatio || 1;
  const displayWidth = Math.max(1, Math.round((canvas.clientWidth || 600) * ratio));
  if (canvas.width !== displayWidth) canvas.width = displayWidth;
  if (canvas.height !== Math.round(PLOT_HEIGHT * ratio))
    canvas.height = Math.round(PLOT_HEIGHT * ratio);
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
