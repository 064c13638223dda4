import { styleProps, type HeatmapStyle } from '@decoding-attention/ui';
import { html, nothing, type TemplateResult } from 'lit';
import type { Cell, HeatmapInteraction } from './heatmap-interaction.js';
import { formatWeight, type Panel } from './panels.js';
import {
  movePatch,
  patchAt,
  patchBox,
  type PatchGrid,
  type PatchImage,
  type PatchLayout,
} from './patch-grid.js';
import { drawPicture, pictureDomain, queryWeights } from './patch-picture.js';

/** What the pictures over the image are drawn from, as the element shows it now. */
export interface PatchState {
  layout: PatchLayout;
  image: PatchImage | undefined;
  panels: readonly Panel[];
  style: HeatmapStyle;
  /** Each panel's title, for the pictures' accessible names. */
  title: (panel: Panel) => string;
}

/** The element the pictures are rendered in. */
export interface PatchViewHost {
  readonly renderRoot: HTMLElement | DocumentFragment;
}

/**
 * The image beside each matrix in patch-grid mode: the selected query's weights over the
 * image's patches (each key patch tinted by its weight with the colour map), the query's own
 * patch outlined; with no query, what each patch receives on average. Pointer and keyboard on
 * the image pick the query, through the heatmap's interaction, so the matrix, its events and
 * linked elements follow. It only draws canvases and moves styles, never renders anew.
 */
export class PatchView {
  /** Alternates the active patch's id: screen readers announce a changed aria-activedescendant. */
  private tick = 0;

  constructor(
    private readonly host: PatchViewHost,
    private readonly interaction: HeatmapInteraction,
    private readonly state: () => PatchState | undefined,
  ) {}

  /** The picture of panel `index`, rendered beside its matrix. */
  render(panel: Panel, index: number): TemplateResult | typeof nothing {
    const state = this.state();
    if (!state) return nothing;
    const { keyGrid, queryGrid } = state.layout;
    const { width, height } = state.image ?? { width: keyGrid.cols, height: keyGrid.rows };
    const title = state.title(panel);
    const style = styleProps({
      '--key-rows': String(keyGrid.rows),
      '--key-cols': String(keyGrid.cols),
      '--aspect': `${width} / ${height}`,
    });
    const over = state.image ? 'over the image' : 'over the patch grid';
    if (!queryGrid) {
      return html`<figure class="patches" part="patches">
        <div class="picture" role="img" aria-label=${`${title}: weights ${over}`} style=${style}>
          ${this.renderLayers()}
        </div>
        <figcaption class="caption"></figcaption>
      </figure>`;
    }
    return html`<figure class="patches" part="patches">
      <div
        class="picture pickable"
        role="grid"
        tabindex="0"
        aria-label=${`${title}: weights ${over}, ${queryGrid.rows} by ${queryGrid.cols} query patches. Arrow keys pick the query, Enter locks.`}
        aria-rowcount=${queryGrid.rows}
        aria-colcount=${queryGrid.cols}
        style=${style}
        @pointermove=${(e: PointerEvent) => this.pointerMove(e, index)}
        @pointerleave=${this.interaction.pointerLeave}
        @click=${(e: PointerEvent) => this.click(e, index)}
        @keydown=${(e: KeyboardEvent) => this.keyDown(e, index, queryGrid)}
        @focus=${() => this.focus(index)}
      >
        ${this.renderLayers()}
        <div role="row" class="visually-hidden" aria-rowindex="1">
          <div role="gridcell" aria-colindex="1"></div>
        </div>
      </div>
      <figcaption class="caption" aria-hidden="true"></figcaption>
    </figure>`;
  }

  private renderLayers(): TemplateResult {
    return html`<canvas aria-hidden="true"></canvas>
      <div class="patch-lines" aria-hidden="true"></div>
      <div class="query-box" aria-hidden="true"></div>`;
  }

  /** Draws every picture for `cell`'s query (none: the average), outlines it, says it. */
  show(cell: Cell | undefined): void {
    const state = this.state();
    if (!state) return;
    const figures = this.host.renderRoot.querySelectorAll<HTMLElement>('.patches');
    const query = cell?.query ?? -1;
    this.tick++;
    state.panels.forEach((panel, index) => {
      const figure = figures[index];
      if (!figure) return;
      const { weights, allowed } = queryWeights(panel.shown, panel.allowed, query);
      const domain = pictureDomain(panel.shown, state.style, panel.allowed, weights, allowed);
      const canvas = figure.querySelector('canvas')!;
      const { keyGrid, queryGrid } = state.layout;
      drawPicture(canvas, {
        weights,
        allowed,
        grid: keyGrid,
        image: state.image,
        plane: panel.channel ? 'RGB'.indexOf(panel.channel) : undefined,
        style: state.style,
        domain,
      });
      const box = figure.querySelector<HTMLElement>('.query-box')!;
      const outlined = queryGrid && query >= 0;
      box.style.display = outlined ? 'block' : 'none';
      if (outlined) Object.assign(box.style, patchBox(queryGrid, query));
      box.dataset.patch = outlined ? String(query) : '';
      const text = this.describe(query, weights, allowed, queryGrid);
      figure.querySelector('.caption')!.textContent = text;
      this.placeActive(figure, query, queryGrid, text, index);
    });
  }

  /** The grid's active cell, for screen readers: the query patch and what it attends to. */
  private placeActive(
    figure: HTMLElement,
    query: number,
    grid: PatchGrid | undefined,
    text: string,
    index: number,
  ): void {
    const picture = figure.querySelector<HTMLElement>('.picture.pickable');
    const cell = picture?.querySelector<HTMLElement>('[role="gridcell"]');
    if (!picture || !cell || !grid) return;
    if (query < 0) {
      picture.removeAttribute('aria-activedescendant');
      return;
    }
    cell.id = `patch-${index}-${this.tick % 2}`;
    cell.parentElement!.setAttribute('aria-rowindex', String(Math.floor(query / grid.cols) + 1));
    cell.setAttribute('aria-colindex', String((query % grid.cols) + 1));
    cell.textContent = text;
    picture.setAttribute('aria-activedescendant', cell.id);
  }

  /** `Query patch 5 (row 2, column 2) attends most to Key patch 6: 0.412`, or the average's. */
  private describe(
    query: number,
    weights: ArrayLike<number>,
    allowed: ArrayLike<number> | undefined,
    grid: PatchGrid | undefined,
  ): string {
    let top = -1;
    for (let k = 0; k < weights.length; k++)
      if ((!allowed || allowed[k]) && (top < 0 || weights[k] > weights[top])) top = k;
    const most =
      top < 0
        ? 'sees no key'
        : `${this.interaction.name('key', top)}: ${formatWeight(weights[top])}`;
    if (query < 0) return `Average over all queries: most received by ${most}`;
    const where = grid
      ? ` (row ${Math.floor(query / grid.cols) + 1}, column ${(query % grid.cols) + 1})`
      : '';
    return `${this.interaction.name('query', query)}${where} attends most to ${most}`;
  }

  // ---- Pointer and keyboard ----

  private queryAt(event: PointerEvent): number | undefined {
    const grid = this.state()?.layout.queryGrid;
    if (!grid) return undefined;
    const rect = (event.currentTarget as HTMLElement).getBoundingClientRect();
    return patchAt(
      grid,
      (event.clientX - rect.left) / rect.width,
      (event.clientY - rect.top) / rect.height,
    );
  }

  private pointerMove(event: PointerEvent, index: number): void {
    const query = this.queryAt(event);
    if (query !== undefined) this.interaction.pickQuery(query, index, 'hover');
  }

  private click(event: PointerEvent, index: number): void {
    const query = this.queryAt(event);
    if (query !== undefined) this.interaction.pickQuery(query, index, 'lock');
  }

  private keyDown(event: KeyboardEvent, index: number, grid: PatchGrid): void {
    const query = Math.max(0, this.interaction.activeCell?.query ?? 0);
    const next = movePatch(grid, query, event.key, event.ctrlKey);
    if (next !== undefined) this.interaction.pickQuery(next, index, 'move');
    else if (event.key === 'Enter' || event.key === ' ')
      this.interaction.pickQuery(query, index, 'lock');
    else if (event.key === 'Escape') this.interaction.release(index);
    else return;
    event.preventDefault();
  }

  /** Focus from Tab lands on a query patch, so the grid announces one. */
  private focus(index: number): void {
    if (!this.interaction.activeCell) this.interaction.pickQuery(0, index, 'move');
  }
}
