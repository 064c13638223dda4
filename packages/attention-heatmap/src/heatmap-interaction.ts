import type { MaskKind } from '@decoding-attention/core';
import type { ThemeColors } from '@decoding-attention/ui';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { formatWeight, type Panel } from './panels.js';
import { drawRowChart } from './row-chart.js';

/** A cell of the heatmap, as `attention-hover` and `attention-select` report it. */
export interface AttentionCellDetail {
  /** Query (row) index, or -1 when the pointer left or the selection was released. */
  query: number;
  /** Key (column) index, or -1: no cell, or a whole query row (`row: true`). */
  key: number;
  /**
   * The weight shown in that cell (0 where masked); undefined when there is no single cell (a
   * whole row, or the pointer left).
   */
  weight: number | undefined;
  /**
   * `true` when a whole query row is picked rather than a cell: a query patch picked on the
   * image in patch-grid mode (`key` is then -1 and `weight` undefined).
   */
  row?: true;
  /** The head shown: its index, or `average`. */
  head: number | 'average';
  /** The mask of the panel the cell belongs to. */
  mask: MaskKind;
}

export type AttentionHoverEvent = CustomEvent<AttentionCellDetail>;
export type AttentionSelectEvent = CustomEvent<AttentionCellDetail & { locked: boolean }>;

/** A cell by query and key; key -1 stands for the query's whole row. */
export interface Cell {
  query: number;
  key: number;
}

/** What the interaction reads of the heatmap as drawn: its size, panels and labels. */
export interface HeatmapView {
  rows: number;
  cols: number;
  panels: readonly Panel[];
  head: number | 'average';
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  queryLabel: string;
  keyLabel: string;
}

/** The element the interaction serves: it renders the frames and dispatches the events. */
export interface InteractionHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  emit<T>(name: string, detail: T): boolean;
}

export interface InteractionOptions {
  /** The heatmap as drawn now, or undefined when there is nothing to show. */
  view: () => HeatmapView | undefined;
  /** The theme's colours, for the row chart. */
  colors: () => ThemeColors;
  /** After each move the reader makes (pointer or keyboard): for elements linked to this one. */
  moved?: (cell: Cell | undefined) => void;
  /** After the cursor was placed anew (any move, lock or redraw): for views of the same cell. */
  shown?: (cell: Cell | undefined) => void;
}

type Pointer = { x: number; y: number };

/**
 * The reader's cursor on the heatmap: the cell under the pointer or keyboard focus, its
 * crosshair, box, tooltip and row chart, the lock (click, Enter, Space), the band of a linked
 * element's shape, the grid's keyboard moves, and what screen readers announce. It moves only
 * styles and text of what the element rendered, never renders again: hovering stays cheap.
 */
export class HeatmapInteraction implements ReactiveController {
  private cell: Cell | undefined;
  private locked = false;
  private band: { start: number; end: number } | undefined;
  /** The panel the pointer or keyboard is on, where the tooltip goes. */
  private activePanel = 0;
  /** Alternates the active cell's id: screen readers announce a changed aria-activedescendant. */
  private cellTick = 0;

  constructor(
    private readonly host: InteractionHost,
    private readonly options: InteractionOptions,
  ) {
    host.addController(this);
  }

  hostDisconnected(): void {
    this.hideTooltip();
  }

  /** The cell under the pointer or keyboard focus, if any. */
  get activeCell(): Cell | undefined {
    return this.cell ? { ...this.cell } : undefined;
  }

  /** Shows `query` and `key` without events, for another element (see the element's `highlightCell`). */
  highlight(query: number, key: number): void {
    const view = this.options.view();
    if (this.locked || !view) return;
    this.cell =
      query >= 0 && query < view.rows
        ? { query, key: key < 0 ? -1 : clamp(key, 0, view.cols - 1) }
        : undefined;
    this.showCell();
    // The pointer is on the other element: its tooltip is the one to read.
    this.hideTooltip();
  }

  /** Whether a cell (or a query) is locked. */
  get isLocked(): boolean {
    return this.locked;
  }

  /**
   * Picks query `query`, its whole row (key -1), as its patch on the image does: `hover` follows
   * the pointer (not while a cell is locked); `move` comes from the keyboard, and moves a lock
   * too; `lock` locks the query, or releases it if it was the one locked.
   */
  pickQuery(query: number, panelIndex: number, how: 'hover' | 'move' | 'lock'): void {
    const view = this.options.view();
    if (!view || query < 0 || query >= view.rows) return;
    if (how === 'hover' && this.locked) return;
    const same = this.cell?.query === query && this.cell.key < 0;
    if (how === 'hover' && same) return;
    this.cell = { query, key: -1 };
    this.activePanel = panelIndex;
    if (how === 'lock') {
      this.setLocked(!(this.locked && same), panelIndex);
      return;
    }
    this.showCell();
    this.announce(this.locked ? 'attention-select' : 'attention-hover', panelIndex);
  }

  /** Lets go of the cell or query, as Escape does. */
  release(panelIndex: number): void {
    this.cell = undefined;
    this.setLocked(false, panelIndex);
  }

  /** Lets go of a cell that new data of `rows x cols` no longer has. */
  keepWithin(rows: number, cols: number): void {
    if (this.cell && (this.cell.query >= rows || this.cell.key >= cols)) {
      this.cell = undefined;
      this.locked = false;
    }
  }

  /** Shows a linked element's shape, positions `[start, end)`, as a band on each panel; undefined hides it. */
  showBand(band: { start: number; end: number } | undefined): void {
    this.band = band;
    this.placeBand();
  }

  /** Places everything again, after the panels were rendered or drawn anew. */
  refresh(): void {
    this.placeBand();
    this.showCell();
  }

  // ---- Pointer and keyboard (bound in the element's template) ----

  pointerMove(event: PointerEvent, panelIndex: number): void {
    if (this.locked) return;
    const cell = this.cellAt(event);
    if (!cell) return;
    const pointer = { x: event.clientX, y: event.clientY };
    if (this.cell && cell.query === this.cell.query && cell.key === this.cell.key) {
      // Still on the same cell: only the tooltip follows the pointer.
      this.showTooltip(pointer);
      return;
    }
    this.cell = cell;
    this.activePanel = panelIndex;
    this.showCell(pointer);
    this.announce('attention-hover', panelIndex);
  }

  readonly pointerLeave = (): void => {
    if (this.locked) return;
    this.cell = undefined;
    this.showCell();
    this.announce('attention-hover', 0);
  };

  click(event: PointerEvent, panelIndex: number): void {
    const cell = this.cellAt(event);
    if (!cell) return;
    const sameCell =
      this.locked && this.cell && cell.query === this.cell.query && cell.key === this.cell.key;
    this.cell = cell;
    this.setLocked(!sameCell, panelIndex, { x: event.clientX, y: event.clientY });
  }

  keyDown(event: KeyboardEvent, panelIndex: number): void {
    const view = this.options.view();
    if (!view) return;
    const { rows, cols } = view;
    const { query, key: rawKey } = this.cell ?? { query: 0, key: 0 };
    const key = Math.max(0, rawKey);
    const page = Math.max(1, Math.round(rows / 10));
    const moves: Record<string, [number, number]> = {
      ArrowUp: [query - 1, key],
      ArrowDown: [query + 1, key],
      ArrowLeft: [query, key - 1],
      ArrowRight: [query, key + 1],
      PageUp: [query - page, key],
      PageDown: [query + page, key],
      Home: event.ctrlKey ? [0, 0] : [query, 0],
      End: event.ctrlKey ? [rows - 1, cols - 1] : [query, cols - 1],
    };
    this.activePanel = panelIndex;
    if (event.key in moves) {
      const [q, k] = moves[event.key];
      this.cell = { query: clamp(q, 0, rows - 1), key: clamp(k, 0, cols - 1) };
      this.showCell();
      this.announce(this.locked ? 'attention-select' : 'attention-hover', panelIndex);
    } else if (event.key === 'Enter' || event.key === ' ') {
      this.cell = { query, key };
      this.setLocked(!this.locked, panelIndex);
    } else if (event.key === 'Escape') {
      this.cell = undefined;
      this.setLocked(false, panelIndex);
    } else {
      return;
    }
    event.preventDefault();
  }

  /** Focus from Tab lands on a cell, so the grid announces one. */
  readonly focus = (): void => {
    if ((!this.cell || this.cell.key < 0) && this.options.view()) {
      this.cell = { query: this.cell?.query ?? 0, key: 0 };
      this.showCell();
    }
  };

  private cellAt(event: PointerEvent): Cell | undefined {
    const { rows, cols } = this.options.view() ?? { rows: 0, cols: 0 };
    const rect = (event.currentTarget as HTMLElement).getBoundingClientRect();
    const key = Math.floor(((event.clientX - rect.left) / rect.width) * cols);
    const query = Math.floor(((event.clientY - rect.top) / rect.height) * rows);
    return query >= 0 && query < rows && key >= 0 && key < cols ? { query, key } : undefined;
  }

  private setLocked(locked: boolean, panelIndex: number, pointer?: Pointer): void {
    this.locked = locked;
    this.showCell(pointer);
    this.announce('attention-select', panelIndex);
  }

  /** Fires `attention-hover` or `attention-select` for the cell, and tells linked elements. */
  private announce(type: 'attention-hover' | 'attention-select', panelIndex: number): void {
    const view = this.options.view();
    const panel = view?.panels[panelIndex] ?? view?.panels[0];
    if (!view || !panel) return;
    const cell = this.cell;
    const detail: AttentionCellDetail & { locked?: boolean } = {
      query: cell?.query ?? -1,
      key: cell?.key ?? -1,
      weight: cell && cell.key >= 0 ? weightAt(panel, cell.query, cell.key) : undefined,
      head: view.head,
      mask: panel.mask,
    };
    if (cell && cell.key < 0) detail.row = true;
    if (type === 'attention-select') detail.locked = this.locked;
    this.host.emit(type, detail);
    this.options.moved?.(cell);
  }

  // ---- Placing the cursor ----

  private get frames(): HTMLElement[] {
    return [...this.host.renderRoot.querySelectorAll<HTMLElement>('.frame')];
  }

  private get tooltip(): HTMLElement | null {
    return this.host.renderRoot.querySelector<HTMLElement>('.tooltip');
  }

  /** Places the crosshair, box, tooltip and row chart for the active cell: no re-render, just styles. */
  private showCell(pointer?: Pointer): void {
    const view = this.options.view();
    const { rows, cols } = view ?? { rows: 0, cols: 0 };
    this.cellTick++;
    this.frames.forEach((frame, index) => {
      const [rowLine, colLine, box] = [
        ...frame.querySelectorAll<HTMLElement>('.line.row, .line.col, .box'),
      ];
      const visible = this.cell !== undefined;
      // key -1: the whole query row, from a linked element, without a key.
      const wholeRow = visible && this.cell!.key < 0;
      rowLine.style.display = visible ? 'block' : 'none';
      for (const element of [colLine, box])
        element.style.display = visible && !wholeRow ? 'block' : 'none';
      frame.toggleAttribute('data-locked', this.locked);
      if (!this.cell) {
        frame.removeAttribute('aria-activedescendant');
        return;
      }
      const { query, key } = this.cell;
      const top = `${(query / rows) * 100}%`;
      const left = `${(key / cols) * 100}%`;
      const height = `${100 / rows}%`;
      const width = `${100 / cols}%`;
      Object.assign(rowLine.style, { top, height });
      Object.assign(colLine.style, { left, width });
      Object.assign(box.style, { top, left, width, height });
      const panel = view?.panels[index];
      const cell = frame.querySelector<HTMLElement>('[role="gridcell"]');
      if (cell && panel && !wholeRow) {
        cell.id = `cell-${index}-${this.cellTick % 2}`;
        cell.parentElement!.setAttribute('aria-rowindex', String(query + 1));
        cell.setAttribute('aria-colindex', String(key + 1));
        cell.textContent = this.describeCell(panel, query, key);
        frame.setAttribute('aria-activedescendant', cell.id);
      }
      if (panel) this.showRowChart(frame.closest('.panel'), panel, query, key);
    });
    this.showTooltip(pointer);
    this.options.shown?.(this.cell);
  }

  private showRowChart(container: Element | null, panel: Panel, query: number, key: number): void {
    const canvas = container?.querySelector<HTMLCanvasElement>('.row-chart canvas');
    const caption = container?.querySelector<HTMLElement>('.row-chart .caption');
    if (!canvas || !caption) return;
    const { data, cols } = panel.shown;
    const row = data.subarray(query * cols, (query + 1) * cols);
    // Theme colours are cached: hover must not force a style recalculation.
    const peak = drawRowChart(canvas, row, key, this.options.colors());
    caption.textContent = `${this.name('query', query)} attends to (peak ${formatWeight(peak)})`;
  }

  private placeBand(): void {
    const { rows, cols } = this.options.view() ?? { rows: 0, cols: 0 };
    for (const frame of this.frames) {
      const [bandCols, bandRows] = [...frame.querySelectorAll<HTMLElement>('.band')];
      if (!this.band || !cols) {
        bandCols.style.display = 'none';
        bandRows.style.display = 'none';
        continue;
      }
      const { start, end } = this.band;
      Object.assign(bandCols.style, {
        display: 'block',
        top: '0',
        bottom: '0',
        left: `${(start / cols) * 100}%`,
        width: `${((end - start) / cols) * 100}%`,
      });
      Object.assign(bandRows.style, {
        display: 'block',
        left: '0',
        right: '0',
        top: `${(start / rows) * 100}%`,
        height: `${((end - start) / rows) * 100}%`,
      });
    }
  }

  private showTooltip(pointer?: Pointer): void {
    const tooltip = this.tooltip;
    const view = this.options.view();
    if (!tooltip) return;
    if (!view || !this.cell || this.cell.key < 0 || view.panels.length === 0) {
      this.hideTooltip();
      return;
    }
    const { query, key } = this.cell;
    const { panels } = view;
    tooltip.textContent = panels
      .map(
        (panel) =>
          `${panels.length > 1 ? `${panel.channel ?? panel.mask}: ` : ''}${formatWeight(weightAt(panel, query, key))}`,
      )
      .join(' · ');
    tooltip.prepend(`${this.name('query', query)} → ${this.name('key', key)}: `);
    let x = pointer?.x;
    let y = pointer?.y;
    if (x === undefined || y === undefined) {
      const frame = this.frames[this.activePanel] ?? this.frames[0];
      const rect = frame.getBoundingClientRect();
      x = rect.left + ((key + 1) / view.cols) * rect.width;
      y = rect.top + (query / view.rows) * rect.height;
    }
    tooltip.style.display = 'block';
    tooltip.style.left = `${x + 12}px`;
    tooltip.style.top = `${y + 12}px`;
  }

  private hideTooltip(): void {
    const tooltip = this.tooltip;
    if (tooltip) tooltip.style.display = 'none';
  }

  // ---- What is said ----

  /** `Query 3` or, with labels, `Query 3 (cat)`. */
  name(axis: 'query' | 'key', index: number): string {
    const view = this.options.view();
    const labels = axis === 'query' ? view?.rowLabels : view?.colLabels;
    const title = axis === 'query' ? view?.queryLabel : view?.keyLabel;
    return labels ? `${title} ${index} (${labels[index]})` : `${title} ${index}`;
  }

  /** What a screen reader announces for the active cell. */
  private describeCell(panel: Panel, query: number, key: number): string {
    const masked = panel.allowed?.[query * panel.shown.cols + key] === 0;
    const value = masked ? 'masked' : `weight ${formatWeight(weightAt(panel, query, key))}`;
    return `${this.name('query', query)}, ${this.name('key', key)}: ${value}`;
  }
}

function weightAt(panel: Panel, query: number, key: number): number {
  return panel.shown.data[query * panel.shown.cols + key];
}

function clamp(value: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, value));
}
