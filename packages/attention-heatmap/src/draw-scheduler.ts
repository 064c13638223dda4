import { nextTask } from '@decoding-attention/ui';

/** What the scheduler needs of its element: a way to fold pending draws into `updateComplete`. */
export interface DrawHost {
  trackWork(work: Promise<unknown>): void;
}

/**
 * When the heatmap's canvases are drawn. A draw starts in the task after it is asked for, so the
 * DOM update and the canvas work never add up to one long task (a new 400 x 400 matrix arriving
 * mid-training stays two short ones). The newest draw wins: one asked for while another is
 * pending or in progress makes the older stop at its next check of `cancelled` (the sliced
 * drawing checks between slices). Every draw is tracked, so `updateComplete` resolves once the
 * newest is on the canvases. A draw that throws goes to `failed` (the element shows the message).
 */
export class DrawScheduler {
  /** Counts draws asked for; a draw whose number is not the newest is cancelled. */
  private generation = 0;

  constructor(
    private readonly host: DrawHost,
    private readonly draw: (cancelled: () => boolean) => Promise<void>,
    private readonly failed: (error: unknown) => void,
  ) {}

  /** Asks for a draw in the next task; any earlier draw stops. */
  schedule(): void {
    const generation = ++this.generation;
    const cancelled = () => generation !== this.generation;
    this.host.trackWork(
      nextTask()
        .then(async () => {
          if (!cancelled()) await this.draw(cancelled);
        })
        .catch(this.failed),
    );
  }
}
