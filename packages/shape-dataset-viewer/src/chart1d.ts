import { SHAPE_TYPES_1D, type Sample1D } from '@decoding-attention/core';
import {
  VegaChartController,
  nextTask,
  type Chart,
  type ChartHost,
  type ThemeColors,
} from '@decoding-attention/ui';
import type { ReactiveController } from 'lit';
import type { VisualizationSpec } from 'vega-embed';
import { PLOT_HEIGHT, groupColor1D } from './plot1d.js';

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

/**
 * The most points of one line the chart is given. Vega's work grows with its rows (a 2,000-long
 * series took 200 ms in one task, 20,000 over 700 ms): a longer line is given, per bucket of
 * positions, its lowest and its highest point in order, which draws the same envelope at the
 * plot's few hundred pixels. The fast canvas plot and the exports keep every point.
 */
export const CHART_POINTS = 600;

/** The positions of `values` the chart draws: all of them, or each bucket's extremes in order. */
export function chartPositions(values: Float32Array): number[] {
  const length = values.length;
  if (length <= CHART_POINTS) return Array.from({ length }, (_, i) => i);
  const buckets = CHART_POINTS / 2;
  const positions: number[] = [];
  for (let bucket = 0; bucket < buckets; bucket++) {
    const start = Math.floor((bucket * length) / buckets);
    const end = Math.floor(((bucket + 1) * length) / buckets);
    let low = start;
    let high = start;
    for (let i = start + 1; i < end; i++) {
      if (values[i] < values[low]) low = i;
      if (values[i] > values[high]) high = i;
    }
    positions.push(Math.min(low, high));
    if (low !== high) positions.push(Math.max(low, high));
  }
  return positions;
}

/** The rows the chart's named datasets hold for a sample. */
export function chartData1D(sample: Sample1D): ChartData1D {
  const series: { position: number; value: number; series: 'input' | 'target' }[] = [];
  for (const name of ['input', 'target'] as const) {
    const values = sample[name];
    for (const position of chartPositions(values))
      series.push({ position, value: values[position], series: name });
  }
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
    height: PLOT_HEIGHT,
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

/** What the 1D chart shows, and where. */
export interface Chart1DView {
  container: HTMLElement;
  sample: Sample1D;
  /** The highlighted shape's index in `sample.shapes`, or -1. */
  highlight: number;
  /** Positions marked with dashed rules. */
  marks: readonly number[];
  /** The plot's width in CSS pixels. */
  width: number;
  colors: ThemeColors;
}

/**
 * The 1D sample as a vega-lite chart, through the shared VegaChartController: drawn anew when its
 * container, the series length or the theme's colours change; otherwise the sample's data, the
 * highlight and the marks are replaced in the chart drawn. `ready` turns true once the chart
 * shows the current view (until then the element shows its fast canvas plot), and false again
 * while a new chart is drawn or after it is cleared.
 */
export class Chart1DController implements ReactiveController {
  private readonly vega: VegaChartController;
  private isReady = false;
  /** What the chart on screen (or being drawn) was drawn for. */
  private drawnFor:
    { container: HTMLElement; length: number; colors: ThemeColors; width: number } | undefined;
  /** The last view asked for; an equal view is not sent again. */
  private requested: Pick<Chart1DView, 'sample' | 'highlight' | 'marks'> | undefined;
  /** The sample whose data the chart holds (changed only inside the controller's queue). */
  private chartSample: Sample1D | undefined;

  constructor(
    private readonly host: ChartHost,
    /** Hovering a shape's span in the chart highlights it (-1 when leaving). */
    private readonly onHover: (index: number) => void,
  ) {
    this.vega = new VegaChartController(host, 'the 1D chart');
    host.addController(this);
  }

  /** The chart shows the current view (the fast plot can give way). */
  get ready(): boolean {
    return this.isReady;
  }

  /** The chart on screen, once drawn. */
  get chart(): Chart | undefined {
    return this.vega.chart;
  }

  /** Brings the chart to `view`: a new chart where needed, else the changed data only. */
  show(view: Chart1DView): void {
    // Off the page the chart would be finalised as soon as drawn: it is drawn on return.
    if (!this.host.isConnected) return;
    const { container, sample, colors } = view;
    const length = sample.input.length;
    const drawn = this.drawnFor;
    if (drawn?.container !== container || drawn.length !== length || drawn.colors !== colors) {
      this.drawnFor = { container, length, colors, width: view.width };
      this.requested = undefined;
      this.setReady(false);
      void this.vega.draw({
        container,
        colors,
        // Embedded empty, its data loaded by the update below in a task of its own: one
        // chart's compile and first run together made tasks of 100-600 ms on a loaded machine.
        spec: chartSpec1D(length, view.width, colors, { series: [], shapes: [] }),
        setUp: (chart) => {
          this.chartSample = undefined;
          chart.view.addEventListener('pointermove', (_event, item) => {
            const datum = (item as { datum?: { index?: number; type?: string } } | null)?.datum;
            this.onHover(datum?.type !== undefined && datum.index !== undefined ? datum.index : -1);
          });
          chart.view.addEventListener('pointerleave', () => this.onHover(-1));
        },
      });
    } else this.resize(view.width);
    const last = this.requested;
    if (last?.sample === sample && last.highlight === view.highlight && last.marks === view.marks)
      return;
    this.requested = { sample, highlight: view.highlight, marks: view.marks };
    void this.vega.update(async (chart) => {
      if (this.chartSample !== sample) {
        await nextTask();
        // Cleared or drawn anew meanwhile: the newer chart has its own update queued.
        if (this.vega.chart !== chart) return;
        const data = chartData1D(sample);
        chart.view.data('series', data.series).data('shapes', data.shapes);
        this.chartSample = sample;
      }
      chart.view.data(
        'marks',
        view.marks.map((position) => ({ position })),
      );
      chart.view.signal('highlight', view.highlight);
      await chart.view.runAsync();
      this.setReady(true);
    });
  }

  /** Fits the chart to a new width (nothing to do when it has that width already). */
  resize(width: number): void {
    if (!this.drawnFor || this.drawnFor.width === width) return;
    this.drawnFor.width = width;
    void this.vega.update(async (chart) => {
      await chart.view.width(width).runAsync();
    });
  }

  /** Finalises the chart; the next `show` draws a new one. */
  clear(): void {
    if (!this.drawnFor) return;
    this.vega.clear();
    this.drawnFor = undefined;
    this.requested = undefined;
    this.chartSample = undefined;
    this.setReady(false);
  }

  hostConnected(): void {
    // Back on the page after the chart was finalised: render, and `show` draws it again.
    this.host.requestUpdate();
  }

  hostDisconnected(): void {
    // The shared controller finalises the chart on disconnect: draw anew when back on the page.
    this.clear();
  }

  private setReady(ready: boolean): void {
    if (ready === this.isReady) return;
    this.isReady = ready;
    this.host.requestUpdate();
  }
}
