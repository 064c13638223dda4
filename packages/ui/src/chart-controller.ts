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
  /**
   * What the chart shows, apart from what its own updates move (a marker's position): a draw
   * whose `same` equals that of the last draw, into the same container, keeps that chart rather
   * than embedding it again (vega's parse and render take tens of milliseconds).
   */
  same?: string;
  /**
   * The chart's width follows its container's (a spec with `autosize: fit-x` whose `width` is
   * `fittedWidth(container, minimum)`); `resized` adjusts what depends on the width in the same run.
   */
  followWidth?: { minimum?: number; resized?: (chart: Chart, width: number) => void };
}

/**
 * The width a chart that follows its container is drawn at: the container's, in whole pixels,
 * and at least `minimum`.
 */
export function fittedWidth(container: HTMLElement, minimum = 0): number {
  return Math.max(minimum, Math.floor(container.getBoundingClientRect().width));
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
  /** The `same` and container of the last draw, while its chart stands or is on its way. */
  private last: { same: string; container: HTMLElement } | undefined;
  private generation = 0;
  private queue: Promise<void> = Promise.resolve();
  /** Watches the container of a chart that follows its width. */
  private resizeObserver: ResizeObserver | undefined;
  /** The width the chart has, or will have once the queued resize runs. */
  private width = 0;
  private resizeQueued = false;

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

  /**
   * Whether `drawing` would keep the chart there is (its `same` and container are the last
   * draw's), or, for none, whether there is no chart: drawing it would change nothing.
   */
  shows(drawing: ChartDrawing | undefined): boolean {
    if (!drawing) return this.last === undefined && this.current === undefined;
    return (
      drawing.same !== undefined &&
      this.last?.same === drawing.same &&
      this.last.container === drawing.container
    );
  }

  /** Embeds a new chart in place of the current one; resolves with it, or undefined if overtaken. */
  draw(drawing: ChartDrawing): Promise<Chart | undefined> {
    const { same, container } = drawing;
    if (same !== undefined && this.last?.same === same && this.last.container === container) {
      const generation = this.generation;
      return this.queue.then(() => (generation === this.generation ? this.current : undefined));
    }
    this.clear();
    if (same !== undefined) this.last = { same, container };
    const generation = this.generation;
    let drawn: Chart | undefined;
    this.enqueue(async () => {
      const chart = await embedChart(drawing.container, drawing.spec, {
        colors: drawing.colors,
        renderer: drawing.renderer,
      }).catch((error: unknown) => {
        // A chart that failed is drawn again by the next draw, however alike.
        if (generation === this.generation) this.last = undefined;
        throw error;
      });
      if (generation !== this.generation || !this.host.isConnected) {
        chart.finalize();
        return;
      }
      this.current = chart;
      if (drawing.followWidth) this.follow(drawing.container, drawing.followWidth);
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
    this.last = undefined;
    this.resizeObserver?.disconnect();
    this.resizeObserver = undefined;
    this.current?.finalize();
    this.current = undefined;
  }

  hostDisconnected(): void {
    this.clear();
  }

  /**
   * Fits the chart to its container whenever the container's width changes: one resize queued
   * at a time, at the latest width when it runs, so a window dragged wider costs a few layouts,
   * not one per frame.
   */
  private follow(
    container: HTMLElement,
    { minimum, resized }: NonNullable<ChartDrawing['followWidth']>,
  ): void {
    this.width = fittedWidth(container, minimum);
    this.resizeQueued = false;
    const observer = new ResizeObserver(() => {
      if (this.resizeQueued) return;
      this.resizeQueued = true;
      void this.update(async (chart) => {
        this.resizeQueued = false;
        // Hidden (no width) or unchanged: nothing to lay out.
        if (container.getBoundingClientRect().width === 0) return;
        const width = fittedWidth(container, minimum);
        if (width === this.width) return;
        this.width = width;
        resized?.(chart, width);
        await chart.view.width(width).runAsync();
      });
    });
    observer.observe(container);
    this.resizeObserver = observer;
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    this.queue = this.queue.then(work).catch((error: unknown) => {
      console.warn(`<${this.host.localName}>: ${this.name} could not be drawn.`, error);
    });
    this.host.trackWork(this.queue);
    return this.queue;
  }
}
