import {
  VegaChartController,
  fittedWidth,
  nextTask,
  type Chart,
  type ChartHost,
  type ThemeColors,
} from '@decoding-attention/ui';
import type { ReactiveController } from 'lit';
import {
  AMPLITUDE_SIGNALS,
  ANY_SAMPLE_AMPLITUDES,
  amplitudeDomain,
  baselineRows,
  legendColumns,
  lossSpec,
  predictionSpec,
  type Baselines,
  type LossRow,
} from './charts.js';

/** A validation sample as the prediction chart shows it. */
export interface ChartSample {
  input: Float32Array;
  target: Float32Array;
}

/** What a new pair of charts is drawn from. */
export interface ChartsDrawing {
  loss: HTMLElement;
  /** Where the prediction chart goes: series only (images have figures of their own). */
  prediction: HTMLElement | undefined;
  colors: ThemeColors;
  /** Samples per series: the prediction chart's position axis. */
  length: number;
  /** The validation sample shown, if the settings make one. */
  sample: ChartSample | undefined;
  /** The baselines' rules, if measured. */
  baselines: Baselines | undefined;
}

/**
 * The narrowest the charts are drawn: below it the axes leave the plot too little room (a page
 * of 320 px still gives them about 280).
 */
const MIN_CHART_WIDTH = 240;

/** How often, at most, the charts take what training reported: each update is page work. */
const UPDATE_INTERVAL = 400;

const points = (values: ArrayLike<number>) =>
  Array.from(values, (value, position) => ({ position, value }));

/**
 * The loss and prediction charts of a `<trainable-model>`, each through a `VegaChartController`:
 * the loss rows and the latest prediction they plot, updates coalesced to one every 400 ms with
 * only the new loss points inserted, the hover marks, and a warm-up of each new chart so that
 * vega's slow first updates happen before training, not during it. Pointer positions on the
 * prediction chart go to `hovered` (-1 when the pointer leaves).
 */
export class TrainingCharts implements ReactiveController {
  readonly loss: VegaChartController;
  readonly prediction: VegaChartController;

  /** Every loss point of this training, for export and for redrawn charts. */
  rows: LossRow[] = [];
  /** Loss points not yet in the chart, and whether the chart must be cleared first. */
  private unplotted: LossRow[] = [];
  private clearPlot = false;
  private sample: ChartSample | undefined;
  private sampleShown = false;
  private predicted: Float32Array | undefined;
  private predictionShown = false;
  private marks: number[] = [];
  private length = 0;
  private timer = 0;
  /** The models the loss legend names, and the loss chart's width its columns were fitted to. */
  private legendNames: string[] = [];
  private lossWidth = 0;

  constructor(
    private readonly host: ChartHost,
    private readonly hovered: (position: number) => void,
  ) {
    host.addController(this);
    this.loss = new VegaChartController(host, 'the loss chart');
    this.prediction = new VegaChartController(host, 'the prediction chart');
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.timer = 0;
  }

  /**
   * Draws both charts afresh (new settings or colours), one after the other, each warmed up and
   * then given everything there is to plot. Resolves when both are drawn or a newer draw won.
   */
  redraw(drawing: ChartsDrawing): Promise<void> {
    const drawn = this.drawBoth(drawing);
    this.host.trackWork(drawn);
    return drawn;
  }

  /** Removes both charts (while the settings are bad). */
  clear(): void {
    this.loss.clear();
    this.prediction.clear();
  }

  /** A new point of a loss curve; the chart takes it at its next update. */
  addLoss(row: LossRow): void {
    this.rows.push(row);
    this.unplotted.push(row);
    this.scheduleUpdate();
  }

  /** Forgets the curves (and the prediction) of the last training. */
  clearTraining(): void {
    this.rows = [];
    this.unplotted = [];
    this.clearPlot = true;
    this.showPrediction(undefined);
  }

  /** The model's latest prediction on the sample (or none); the chart takes it at its next update. */
  showPrediction(prediction: Float32Array | undefined): void {
    this.predicted = prediction;
    this.predictionShown = false;
    this.scheduleUpdate();
  }

  /**
   * Marks positions of the prediction plot at once, not at the next update (they follow the
   * pointer); false if they were marked already.
   */
  mark(positions: number[]): boolean {
    if (positions.length === this.marks.length && positions.every((p, i) => p === this.marks[i]))
      return false;
    this.marks = positions;
    void this.prediction.update(async (chart) => {
      await this.plotMarks(chart).runAsync();
    });
    return true;
  }

  /** The baselines' rules, measured after the chart was drawn. */
  showBaselines(scores: Baselines): void {
    void this.loss.update(async (chart) => {
      await chart.view.data('baselines', baselineRows(scores)).runAsync();
    });
  }

  /** Both charts as SVG, once everything queued is drawn ('' for a chart not drawn). */
  async svg(): Promise<{ loss: string; prediction: string }> {
    await Promise.all([this.loss.settled, this.prediction.settled]);
    return {
      loss: (await this.loss.chart?.toSvg()) ?? '',
      prediction: (await this.prediction.chart?.toSvg()) ?? '',
    };
  }

  private async drawBoth(drawing: ChartsDrawing): Promise<void> {
    const { colors } = drawing;
    const lossWidth = fittedWidth(drawing.loss, MIN_CHART_WIDTH);
    const loss = await this.loss.draw({
      container: drawing.loss,
      spec: lossSpec(lossWidth, colors, drawing.baselines),
      colors,
      renderer: 'canvas',
      // Both charts fill their panels at every width: drawn at the panel's, then following it.
      followWidth: {
        minimum: MIN_CHART_WIDTH,
        resized: (chart, width) => {
          this.lossWidth = width;
          chart.view.signal('legendColumns', legendColumns(this.legendNames, width));
        },
      },
      setUp: async (chart) => {
        this.lossWidth = lossWidth;
        this.legendNames = [];
        await this.warmLoss(chart);
        // A new chart: every point is to be plotted again.
        this.unplotted = this.rows.slice();
        this.clearPlot = true;
        await this.plotLoss(chart);
      },
    });
    if (!loss) return;
    if (!drawing.prediction) {
      this.prediction.clear();
      return;
    }
    const predictionContainer = drawing.prediction;
    await nextTask();
    this.sample = drawing.sample;
    this.length = drawing.length;
    await this.prediction.draw({
      container: predictionContainer,
      spec: predictionSpec(
        fittedWidth(predictionContainer, MIN_CHART_WIDTH),
        drawing.length,
        colors,
      ),
      colors,
      renderer: 'canvas',
      followWidth: { minimum: MIN_CHART_WIDTH },
      setUp: async (chart) => {
        // Hovering the prediction shows that position's query row in the attention maps.
        chart.view.addEventListener('pointermove', (event) =>
          this.hovered(this.positionAt(chart, event as PointerEvent)),
        );
        chart.view.addEventListener('pointerleave', () => this.hovered(-1));
        await this.warmPrediction(chart, drawing.sample);
        this.sampleShown = false;
        this.predictionShown = false;
        await this.plotPrediction(chart);
      },
    });
  }

  /**
   * Runs a few throwaway updates through a new chart, each in its own task: vega's first updates
   * (compiling its code paths, growing its caches) are several times slower than later ones,
   * and they should happen now, not in the middle of training.
   */
  private async warmLoss(chart: Chart): Promise<void> {
    for (let round = 1; round <= 8 && this.loss.chart === chart; round++) {
      const rows = Array.from({ length: 20 * round }, (_, i) => ({
        model: 'warm',
        samples: 128 * (i + 1),
        loss: 300 / (i + 1),
      }));
      await chart.view.data('train', rows).data('validation', rows).runAsync();
      await nextTask();
    }
  }

  /** The same for the prediction chart, with the sample's own series. */
  private async warmPrediction(chart: Chart, sample: ChartSample | undefined): Promise<void> {
    if (!sample) return;
    const series = points(sample.input);
    for (let round = 1; round <= 8 && this.prediction.chart === chart; round++) {
      await chart.view
        .data('prediction', series)
        .data('input', series)
        .data('target', series)
        .runAsync();
      await nextTask();
    }
    await chart.view.data('prediction', []).runAsync();
  }

  /** Coalesces chart updates to at most one every UPDATE_INTERVAL ms. */
  /** Brings both charts up to date now, not at the next scheduled update. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = 0;
    const update = this.update();
    this.host.trackWork(update);
    return update;
  }

  private scheduleUpdate(): void {
    if (this.timer) return;
    this.timer = window.setTimeout(() => {
      this.timer = 0;
      this.host.trackWork(this.update());
    }, UPDATE_INTERVAL);
  }

  /** Brings both charts up to date, each in a task of its own so that neither holds the page long. */
  private async update(): Promise<void> {
    await this.loss.update((chart) => this.plotLoss(chart));
    await nextTask();
    await this.prediction.update((chart) => this.plotPrediction(chart));
  }

  /** Inserts the new loss points (clearing the curves first where a training started afresh). */
  private async plotLoss(chart: Chart): Promise<void> {
    const rows = this.unplotted;
    this.unplotted = [];
    // A dataset takes one change per run: replacing its rows, or inserting after the last run's.
    const change = this.clearPlot ? 'data' : 'insert';
    this.clearPlot = false;
    for (const split of ['train', 'validation'] as const)
      chart.view[change](
        split,
        rows.filter((r) => r.split === split),
      );
    if (change === 'data') this.legendNames = [];
    const names = [...new Set(rows.map((r) => r.model))].filter(
      (name) => !this.legendNames.includes(name),
    );
    if (names.length > 0 || change === 'data') {
      this.legendNames.push(...names);
      chart.view.signal('legendColumns', legendColumns(this.legendNames, this.lossWidth));
      // New names: the legend is laid out again, and the plot fitted beside it.
      chart.view.resize();
    }
    await chart.view.runAsync();
  }

  /**
   * Plots what changed of the prediction chart: the sample with the amplitude range it spans
   * (set once per sample, so the axis holds still while the model learns), the prediction, the
   * marks.
   */
  private async plotPrediction(chart: Chart): Promise<void> {
    const { view } = chart;
    if (!this.sampleShown) {
      const sample = this.sample;
      const domain = sample ? amplitudeDomain(sample.input, sample.target) : ANY_SAMPLE_AMPLITUDES;
      AMPLITUDE_SIGNALS.forEach((name, i) => view.signal(name, domain[i]));
      view
        .data('input', sample ? points(sample.input) : [])
        .data('target', sample ? points(sample.target) : []);
      this.sampleShown = true;
    }
    if (!this.predictionShown) {
      view.data('prediction', this.predicted ? points(this.predicted) : []);
      this.predictionShown = true;
    }
    await this.plotMarks(chart).runAsync();
  }

  private plotMarks(chart: Chart): Chart['view'] {
    return chart.view.data(
      'marks',
      this.marks.map((position) => ({ position })),
    );
  }

  /** The series position under the pointer, or -1 outside the series. */
  private positionAt(chart: Chart, event: PointerEvent): number {
    const surface = chart.view.container()?.querySelector('canvas, svg');
    if (!surface) return -1;
    const left = surface.getBoundingClientRect().left + chart.view.origin()[0];
    const x = chart.view.scale('x') as ((value: number) => number) & {
      invert(pixel: number): number;
    };
    const position = Math.round(x.invert(event.clientX - left));
    return position >= 0 && position < this.length ? position : -1;
  }
}
