import type { Sample1D, Sample2D, Shape1D, Shape2D } from '@decoding-attention/core';
import type { ReactiveControllerHost } from 'lit';
import { shapeIndexAt } from './images2d.js';
import { isSample2D } from './shape-summary.js';

/** What `shape-highlight` carries: the highlighted shape's index in `sample.shapes`, or -1. */
export interface ShapeHighlightDetail {
  index: number;
  shape: Shape1D | Shape2D | undefined;
}

export type ShapeHighlightEvent = CustomEvent<ShapeHighlightDetail>;

/** What the highlight controller needs of its element. */
export interface ShapeHighlightHost extends ReactiveControllerHost, HTMLElement {
  readonly sample: Sample1D | Sample2D | undefined;
  readonly renderRoot: HTMLElement | DocumentFragment;
  emit<T>(name: string, detail: T): boolean;
}

/**
 * The highlighted shape of the sample shown, and the pointer and keyboard handling that moves
 * it: hovering a shape in the list or in a 2D image, the arrow keys, Home and End in the list.
 * Every change fires `shape-highlight`, so linked elements can follow.
 */
export class ShapeHighlightController {
  private current = -1;

  constructor(private readonly host: ShapeHighlightHost) {}

  /** The highlighted shape's index in `sample.shapes`, or -1 for none. */
  get index(): number {
    return this.current;
  }

  /** Highlights shape `index` of the sample shown; anything that is not one of its shapes clears. */
  set(index: number): void {
    const count = this.host.sample?.shapes.length ?? 0;
    this.change(Number.isInteger(index) && index >= 0 && index < count ? index : -1);
  }

  /** Drops the highlight of a sample that is going away, telling followers it is gone. */
  clear(): void {
    this.change(-1);
  }

  /** ↑ ↓ Home End in the shape list move the highlight; the sample stays. */
  readonly onListKeyDown = (event: KeyboardEvent): void => {
    const count = this.host.sample?.shapes.length ?? 0;
    if (count === 0) return;
    const moves: Record<string, number> = {
      ArrowDown: Math.min(count - 1, this.current + 1),
      ArrowUp: Math.max(0, this.current < 0 ? 0 : this.current - 1),
      Home: 0,
      End: count - 1,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    event.stopPropagation();
    this.set(moves[event.key]);
    this.host.renderRoot
      .querySelector(`#shape-${moves[event.key]}`)
      ?.scrollIntoView({ block: 'nearest' });
  };

  /** Leaving the list clears the hover highlight, unless the keyboard is moving through it. */
  readonly onListPointerLeave = (event: PointerEvent): void => {
    if ((event.currentTarget as HTMLElement).matches(':focus-visible')) return;
    this.clear();
  };

  /** The shape under the pointer in a 2D image (its frame is the event's current target). */
  readonly onImagePointerMove = (event: PointerEvent): void => {
    const sample = this.host.sample;
    if (!sample || !isSample2D(sample)) return;
    const rect = (event.currentTarget as HTMLElement).getBoundingClientRect();
    const x = ((event.clientX - rect.left) / rect.width) * sample.width;
    const y = ((event.clientY - rect.top) / rect.height) * sample.height;
    this.set(shapeIndexAt(sample, x, y));
  };

  readonly onPointerLeave = (): void => this.clear();

  private change(index: number): void {
    if (index === this.current) return;
    this.current = index;
    this.host.requestUpdate();
    this.host.emit<ShapeHighlightDetail>('shape-highlight', {
      index,
      shape: index >= 0 ? this.host.sample?.shapes[index] : undefined,
    });
  }
}
