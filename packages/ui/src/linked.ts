import type { Sample1D, Sample2D } from '@decoding-attention/core';

/**
 * What linked elements expose to each other (`for="other-id"`), as interfaces instead of casts:
 * an element is used for what it offers, whichever tag it is.
 */

/** An element whose sample others follow: it has a `sample` and fires `sample-change`. */
export interface SampleSource extends HTMLElement {
  readonly sample: Sample1D | Sample2D | undefined;
}

/** An element that can mark positions of its series (a query and a key, say). */
export interface PositionMarker extends HTMLElement {
  markPositions(positions: readonly number[]): void;
}

/** An element that highlights one cell of its matrix (an attention heatmap). */
export interface CellHighlighter extends Element {
  highlightCell(query: number, key: number): void;
}

export function isSampleSource(element: Element | undefined | null): element is SampleSource {
  return !!element && 'sample' in element;
}

export function isPositionMarker(element: Element | undefined | null): element is PositionMarker {
  return (
    typeof (element as Partial<PositionMarker> | null | undefined)?.markPositions === 'function'
  );
}

/**
 * The detail of a linked element's event, or undefined where the event carries none (an event
 * from another script may have a null detail): listeners ignore such events.
 */
export function eventDetail<T extends object>(event: Event): Partial<T> | undefined {
  const detail = (event as CustomEvent<unknown>).detail;
  return detail !== null && typeof detail === 'object' ? (detail as Partial<T>) : undefined;
}

/**
 * Highlights one cell in every heatmap of `heatmaps` except `except` (the one the reader is
 * pointing at, which highlighted itself). `key` may depend on the heatmap, such as its own
 * active key.
 */
export function highlightCells<T extends CellHighlighter>(
  heatmaps: Iterable<T>,
  query: number,
  key: number | ((heatmap: T) => number),
  except?: EventTarget | null,
): void {
  for (const heatmap of heatmaps) {
    if (heatmap === except) continue;
    heatmap.highlightCell(query, typeof key === 'function' ? key(heatmap) : key);
  }
}
