import type { ReactiveController } from 'lit';
import type { ChartHost } from './chart-controller.js';

/**
 * Whether the element has come near the reader's view yet, so that costly drawing (a vega chart)
 * waits until it may be seen: a long post with 80 figures drew 80 charts on load, and the page
 * stalled. Once seen, always seen. `updateComplete` waits for the first report of the browser's
 * IntersectionObserver, so a visible element is complete with its chart, an element off-screen
 * without it.
 */
export class FirstSightController implements ReactiveController {
  private observer: IntersectionObserver | undefined;
  private isSeen = false;
  /** Resolves the work `updateComplete` waits for: the first report, or leaving the page. */
  private reported: (() => void) | undefined;

  constructor(
    private readonly host: ChartHost,
    /** How far outside the viewport counts as near. */
    private readonly margin = '200px',
  ) {
    host.addController(this);
  }

  /** The element has been near the view (or was asked to draw everything, as an export is). */
  get seen(): boolean {
    return this.isSeen;
  }

  /** Counts the element as seen from now on, and renders it so. */
  see(): void {
    if (this.isSeen) return;
    this.isSeen = true;
    this.stop();
    this.host.requestUpdate();
  }

  hostConnected(): void {
    if (this.isSeen || this.observer) return;
    this.host.trackWork(new Promise<void>((resolve) => (this.reported = resolve)));
    this.observer = new IntersectionObserver(
      (entries) => {
        const near = entries.some((entry) => entry.isIntersecting);
        // In a task of its own: every element's observer calls back in one task, and the
        // charts of the viewers in view drawn there made one task of 400 ms.
        setTimeout(() => {
          if (near && this.observer) this.see();
          this.report();
        });
      },
      { rootMargin: this.margin },
    );
    this.observer.observe(this.host);
  }

  hostDisconnected(): void {
    this.stop();
  }

  private stop(): void {
    this.observer?.disconnect();
    this.observer = undefined;
    this.report();
  }

  private report(): void {
    this.reported?.();
    this.reported = undefined;
  }
}
