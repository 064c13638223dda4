import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { VisualizationSpec } from 'vega-embed';
import { embedChart, type Chart } from './chart.js';
import type { ThemeColors } from './theme.js';

/** What a chart controller needs of its element: a host that can wait for the chart's work. */
export interface ChartHost extends ReactiveControllerHost, HTMLElement {
  /** Folds `work` into the element's `updateComplete` (DecodingElement's `trackWork`). */
  trackWork(work: Promise<unknown>): void;
}

/** How to draw a chart: where, what, in which colours. */
export interface ChartDrawing {
  container: HTMLElement;
  spec: VisualizationSpec;
  colors: ThemeColors;
  renderer?: 'svg' | 'canvas';
  /** Runs once on the new chart before any queued update (listeners, first data). */
  setUp?: (chart: Chart) => void | Promise<void>;
}

/**
 * One lazily embedded vega-lite chart of an element, from first draw to finalise:
 * - `draw()` embeds a chart (vega loads then, not before), replacing the one before;
 * - a generation token drops a draw that a newer draw or `clear()` overtook, so a stale chart
 *   never lands;
 * - `update()` runs changes to the chart one at a time, in order, after any pending draw;
 * - everything pending is folded into the element's `updateComplete`;
 * - the chart is finalised when the element disconnects.
 * A chart that fails to draw warns once in the console and leaves `chart` undefined, so the
 * element can keep showing its fallback.
 */
export class VegaChartController implements ReactiveController {
  private current: Chart | undefined;
  private generation = 0;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly host: ChartHost,
    /** Named in the console warning when a draw fails, e.g. "the loss chart". */
    private readonly name = 'a chart',
  ) {
    host.addController(this);
  }

  /** The chart on screen, once drawn. */
  get chart(): Chart | undefined {
    return this.current;
  }

  /** Everything queued so far has run. */
  get settled(): Promise<void> {
    return this.queue;
  }

  /** Embeds a new chart in place of the current one; resolves with it, or undefined if overtaken. */
  draw(drawing: ChartDrawing): Promise<Chart | undefined> {
    this.clear();
    const generation = this.generation;
    let drawn: Chart | undefined;
    this.enqueue(async () => {
      const chart = await embedChart(drawing.container, drawing.spec, {
        colors: drawing.colors,
        renderer: drawing.renderer,
      });
      if (generation !== this.generation || !this.host.isConnected) {
        chart.finalize();
        return;
      }
      this.current = chart;
      await drawing.setUp?.(chart);
      drawn = chart;
    });
    return this.queue.then(() => (generation === this.generation ? drawn : undefined));
  }

  /**
   * Runs `change` on the current chart after everything queued before it; skipped when there is
   * no chart by then.
   */
  update(change: (chart: Chart) => void | Promise<void>): Promise<void> {
    return this.enqueue(async () => {
      if (this.current) await change(this.current);
    });
  }

  /** Finalises the chart and drops every draw still under way. */
  clear(): void {
    this.generation++;
    this.current?.finalize();
    this.current = undefined;
  }

  hostDisconnected(): void {
    this.clear();
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work).catch((error: unknown) => {
      console.warn(`<${this.host.localName}>: ${this.name} could not be drawn.`, error);
    });
    this.host.trackWork(this.queue);
    return this.queue;
  }
}
