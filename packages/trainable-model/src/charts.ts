import type { ThemeColors } from '@decoding-attention/ui';
import type { VisualizationSpec } from 'vega-embed';

/** One point of a loss curve. */
export interface LossRow {
  model: string;
  split: 'train' | 'validation';
  samples: number;
  loss: number;
}

/**
 * What predictions that need no training score on a validation set: `zeros` and `copy` on
 * series; `black`, `copy` and `channelMean` on images (MSE x 1,000).
 */
export type Baselines = Partial<Record<'zeros' | 'copy' | 'black' | 'channelMean', number>>;

/** The baselines' names on the loss chart, and the digits their values are shown with. */
const BASELINE_LABELS: [keyof Baselines, string, number][] = [
  ['zeros', 'predict zeros', 0],
  ['black', 'predict black', 1],
  ['copy', 'copy the input', 1],
  ['channelMean', 'per-channel mean', 1],
];

/** The baselines as the chart's dashed rules, labelled with their values. */
export function baselineRows(baselines: Baselines): { label: string; loss: number }[] {
  return BASELINE_LABELS.flatMap(([name, label, digits]) => {
    const loss = baselines[name];
    return loss === undefined || Number.isNaN(loss)
      ? []
      : [{ label: `${label}: ${loss.toFixed(digits)}`, loss }];
  });
}

/**
 * Loss curves on a log scale: training (thin, faint) and validation (thick) MSE against samples
 * seen, one colour per model, with the two baselines as dashed rules. The curves arrive through
 * the `train` and `validation` datasets; no expression is evaluated per point, since vega's
 * CSP-safe interpreter is slow and these charts update while training runs.
 */
export function lossSpec(
  width: number,
  colors: ThemeColors,
  baselines?: Baselines,
): VisualizationSpec {
  const x = {
    field: 'samples',
    type: 'quantitative' as const,
    axis: { title: 'Samples seen', format: '~s' },
  };
  const y = {
    field: 'loss',
    type: 'quantitative' as const,
    scale: { type: 'log' as const, domain: [1, 1000], clamp: true },
    axis: { title: 'MSE (log): thin train, thick validation' },
  };
  // Below the plot, in as many columns as fit (the `legendColumns` signal, see `legendColumns`):
  // a legend beside a narrow plot either cuts the names or squeezes the plot to nothing.
  const color = {
    field: 'model',
    type: 'nominal' as const,
    legend: {
      title: null,
      orient: 'bottom' as const,
      direction: 'horizontal' as const,
      columns: { expr: 'legendColumns' },
      labelLimit: 0,
      labelFontSize: LEGEND_FONT_SIZE,
    },
    scale: { scheme: 'tableau10' },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Training and validation loss (MSE, log scale) against samples seen',
    width,
    height: 200,
    autosize: { type: 'fit-x', contains: 'padding' },
    datasets: { train: [], validation: [], baselines: baselines ? baselineRows(baselines) : [] },
    params: [{ name: 'legendColumns', value: 0 }],
    layer: [
      {
        data: { name: 'baselines', format: { parse: null } },
        mark: { type: 'rule', strokeDash: [4, 4], color: colors.muted, aria: false },
        encoding: { y: { field: 'loss', type: 'quantitative' } },
      },
      {
        data: { name: 'baselines', format: { parse: null } },
        mark: {
          type: 'text',
          align: 'left',
          dx: 4,
          dy: -6,
          color: colors.muted,
          fontSize: 10,
          aria: false,
        },
        encoding: {
          y: { field: 'loss', type: 'quantitative' },
          x: { value: 0 },
          text: { field: 'label' },
        },
      },
      {
        data: { name: 'train', format: { parse: null } },
        mark: { type: 'line', clip: true, strokeWidth: 1, strokeOpacity: 0.45 },
        encoding: { x, y, color },
      },
      {
        data: { name: 'validation', format: { parse: null } },
        mark: { type: 'line', clip: true, strokeWidth: 2.5, point: { size: 16 } },
        encoding: { x, y, color },
      },
    ],
  } as VisualizationSpec;
}

/** The loss legend's label size, in pixels. */
const LEGEND_FONT_SIZE = 11;
/** A legend entry's width besides its label: the symbol, its gap, the space to the next entry. */
const LEGEND_ENTRY_EXTRA = 34;
/** The legend starts below the plot, right of the amplitude axis and its title. */
const LEGEND_INSET = 60;

/**
 * How many columns the loss legend takes in a chart `width` pixels wide: one row (0) when every
 * name fits beside the others right of the axis, else as many columns of the longest name as fit
 * (at least 1).
 * `measure` gives a label's width in pixels.
 */
export function legendColumns(
  names: string[],
  width: number,
  measure: (label: string) => number = measureLegendLabel,
): number {
  const room = width - LEGEND_INSET;
  const widths = names.map((name) => measure(name) + LEGEND_ENTRY_EXTRA);
  if (widths.reduce((sum, w) => sum + w, 0) <= room) return 0;
  return Math.max(1, Math.floor(room / Math.max(...widths)));
}

let labelContext: CanvasRenderingContext2D | null | undefined;

/** A legend label's width in the font vega draws it in (ui's chart config: system-ui). */
function measureLegendLabel(label: string): number {
  labelContext ??= document.createElement('canvas').getContext('2d');
  if (!labelContext) return label.length * LEGEND_FONT_SIZE * 0.6;
  labelContext.font = `${LEGEND_FONT_SIZE}px system-ui, sans-serif`;
  return Math.ceil(labelContext.measureText(label).width);
}

/** The series of the prediction chart, each its own dataset of `{ position, value }`. */
export const PREDICTION_SERIES = ['input', 'target', 'prediction'] as const;

/**
 * The prediction chart's amplitude range for one sample: its input and target (and 0), with a
 * margin of 5, out to multiples of 10. It is set once per sample, not fitted to each prediction:
 * the axis then holds still while the model learns, and a new prediction costs vega no new axis
 * layout, the larger part of a redraw's page time.
 */
export function amplitudeDomain(...series: ArrayLike<number>[]): [number, number] {
  let [low, high] = [0, 0];
  for (const values of series)
    for (let i = 0; i < values.length; i++) {
      if (values[i] < low) low = values[i];
      if (values[i] > high) high = values[i];
    }
  return [Math.floor((low - 5) / 10) * 10, Math.ceil((high + 5) / 10) * 10];
}

/** The signals that hold the prediction chart's amplitude range (see `amplitudeDomain`). */
export const AMPLITUDE_SIGNALS = ['amplitudeLow', 'amplitudeHigh'] as const;

/** An amplitude range that spans any sample (shapes reach 50 either way, plus noise): used until one is drawn. */
export const ANY_SAMPLE_AMPLITUDES: readonly [number, number] = [-60, 60];

/**
 * Input, target and the model's prediction on one validation sample; marked positions as rules.
 * The amplitude axis spans the `AMPLITUDE_SIGNALS`; a prediction beyond it is cut off at the
 * plot's edge.
 */
export function predictionSpec(
  width: number,
  length: number,
  colors: ThemeColors,
): VisualizationSpec {
  const x = {
    field: 'position',
    type: 'quantitative' as const,
    scale: { domain: [0, length - 1], nice: false },
    axis: { title: 'Position' },
  };
  const y = {
    field: 'value',
    type: 'quantitative' as const,
    scale: { domain: AMPLITUDE_SIGNALS.map((name) => ({ expr: name })), nice: false },
    axis: { title: 'Amplitude' },
  };
  const style = {
    input: [colors.input, 1],
    target: [colors.target, 2],
    prediction: [colors.accent, 2],
  } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    description: 'Input, target and prediction on a validation sample',
    width,
    height: 180,
    autosize: { type: 'fit-x', contains: 'padding' },
    datasets: { input: [], target: [], prediction: [], marks: [] },
    params: AMPLITUDE_SIGNALS.map((name, i) => ({ name, value: ANY_SAMPLE_AMPLITUDES[i] })),
    layer: [
      {
        data: { name: 'marks', format: { parse: null } },
        mark: {
          type: 'rule',
          strokeDash: [4, 3],
          strokeWidth: 2,
          color: colors.accent,
          aria: false,
        },
        encoding: { x },
      },
      ...PREDICTION_SERIES.map((series) => ({
        data: { name: series, format: { parse: null } },
        mark: {
          type: 'line',
          interpolate: 'linear',
          color: style[series][0],
          strokeWidth: style[series][1],
          clip: true,
        },
        encoding: { x, y },
      })),
    ],
  } as VisualizationSpec;
}
