import { css, unsafeCSS } from 'lit';

/** The side of a head's thumbnail, in CSS pixels. */
export const THUMBNAIL_SIZE = 72;

/** `<attention-heatmap>`'s own styles, after the shared theme's and the toolbar's labels. */
export const attentionHeatmapStyles = css`
  :host {
    --_size: var(--da-heatmap-size, 420px);
    --_image-size: var(--da-heatmap-image-size, 240px);
  }
  :host([compare]:not([compare=''])) {
    --_size: var(--da-heatmap-size, 270px);
  }
  .toolbar {
    margin-bottom: 0.5rem;
  }
  .panels {
    display: flex;
    flex-wrap: wrap;
    gap: 1.5rem;
    align-items: flex-start;
  }
  .panel {
    display: grid;
    grid-template-columns: auto auto minmax(0, var(--_size)) auto;
    grid-template-areas:
      'title title title title'
      'ytitle yticks frame bar'
      '. . xticks .'
      '. . xtitle .'
      '. . row .';
    column-gap: 0.4rem;
    max-width: 100%;
  }
  /* Patch-grid mode: the picture over the image beside the matrix. */
  .panel.with-picture {
    grid-template-columns: auto auto minmax(0, var(--_size)) auto auto;
    grid-template-areas:
      'title title title title title'
      'ytitle yticks frame bar picture'
      '. . xticks . picture'
      '. . xtitle . picture'
      '. . row . picture';
  }
  .patches {
    grid-area: picture;
    margin: 0 0 0 1rem;
    width: var(--_image-size);
    max-width: 100%;
    align-self: start;
  }
  .picture {
    position: relative;
    width: 100%;
    aspect-ratio: var(--aspect);
    outline: 1px solid var(--_border);
  }
  .picture.pickable {
    cursor: pointer;
    touch-action: none;
  }
  .picture:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  .picture canvas {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    image-rendering: pixelated;
  }
  .patch-lines {
    position: absolute;
    inset: 0;
    pointer-events: none;
    background-image:
      linear-gradient(
        to right,
        color-mix(in srgb, var(--_background) 55%, transparent) 1px,
        transparent 1px
      ),
      linear-gradient(
        to bottom,
        color-mix(in srgb, var(--_background) 55%, transparent) 1px,
        transparent 1px
      );
    background-size: calc(100% / var(--key-cols)) calc(100% / var(--key-rows));
  }
  .query-box {
    position: absolute;
    display: none;
    pointer-events: none;
    outline: 2px solid var(--_accent);
    box-shadow:
      0 0 0 3px var(--_background),
      inset 0 0 0 1px var(--_background);
  }
  .patches .caption {
    font-size: 0.75em;
    color: var(--_muted);
    margin-top: 0.3rem;
  }
  .panel-title {
    grid-area: title;
    font-weight: 600;
    margin-bottom: 0.3rem;
  }
  .y-title {
    grid-area: ytitle;
    writing-mode: vertical-rl;
    transform: rotate(180deg);
    text-align: center;
    color: var(--_muted);
    font-size: 0.8em;
  }
  .y-ticks {
    grid-area: yticks;
    position: relative;
    min-width: 1.8rem;
  }
  .x-ticks {
    grid-area: xticks;
    position: relative;
    height: 1.1rem;
  }
  .tick {
    position: absolute;
    font-size: 0.7em;
    color: var(--_muted);
    white-space: nowrap;
    line-height: 1;
  }
  .x-ticks .tick {
    transform: translateX(-50%);
    top: 0.2rem;
  }
  .y-ticks .tick {
    right: 0.2rem;
    transform: translateY(-50%);
  }
  .x-title {
    grid-area: xtitle;
    text-align: center;
    color: var(--_muted);
    font-size: 0.8em;
  }
  .frame {
    grid-area: frame;
    position: relative;
    width: var(--_size);
    max-width: 100%;
    aspect-ratio: var(--cols) / var(--rows);
    max-height: calc(var(--_size) * 2);
    outline: 1px solid var(--_border);
    cursor: crosshair;
    touch-action: none;
  }
  .frame:focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  .frame canvas {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
  }
  .frame canvas.crisp {
    image-rendering: pixelated;
  }
  .line,
  .box,
  .band {
    position: absolute;
    pointer-events: none;
    display: none;
  }
  .line {
    background: color-mix(in srgb, var(--_accent) 35%, transparent);
  }
  .line.row {
    left: 0;
    right: 0;
    min-height: 1px;
  }
  .line.col {
    top: 0;
    bottom: 0;
    min-width: 1px;
  }
  .box {
    outline: 2px solid var(--_accent);
    box-shadow: 0 0 0 3px var(--_background);
    min-width: 3px;
    min-height: 3px;
  }
  .frame[data-locked] .box {
    outline-style: double;
    outline-width: 3px;
  }
  .band {
    background: color-mix(in srgb, var(--_accent) 18%, transparent);
    border: 1px dashed var(--_accent);
  }
  .colorbar {
    grid-area: bar;
    position: relative;
    min-width: 3rem;
    align-self: stretch;
    font-size: 0.7em;
    color: var(--_muted);
  }
  .colorbar canvas {
    /* Out of the flow: the bar takes the frame's height, never sets it. */
    position: absolute;
    left: 0;
    top: 0;
    width: 0.7rem;
    height: 100%;
    border: 1px solid var(--_border);
  }
  .colorbar .values {
    position: absolute;
    left: 0.95rem;
    top: 0;
    bottom: 0;
    display: flex;
    flex-direction: column;
    justify-content: space-between;
    font-variant-numeric: tabular-nums;
  }
  .row-chart {
    grid-area: row;
    margin-top: 0.4rem;
  }
  .row-chart canvas {
    display: block;
    width: 100%;
    height: 56px;
  }
  .row-chart .caption {
    font-size: 0.75em;
    color: var(--_muted);
  }
  .tooltip {
    position: fixed;
    z-index: 10;
    pointer-events: none;
    background: var(--_surface);
    color: var(--_text);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: 0.2rem 0.45rem;
    font-size: 0.8em;
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
    display: none;
  }
  .heads {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-top: 0.75rem;
  }
  .heads button {
    display: grid;
    gap: 0.2rem;
    padding: 0.3rem;
    justify-items: center;
    font-size: 0.75em;
  }
  .heads button[aria-checked='true'] {
    border-color: var(--_accent);
    box-shadow: inset 0 0 0 1px var(--_accent);
  }
  .heads canvas {
    width: ${unsafeCSS(THUMBNAIL_SIZE)}px;
    height: ${unsafeCSS(THUMBNAIL_SIZE)}px;
    object-fit: fill;
  }
  table {
    border-collapse: collapse;
    font-size: 0.75em;
    font-variant-numeric: tabular-nums;
    margin-top: 0.75rem;
    overflow-x: auto;
    display: block;
  }
  th,
  td {
    border: 1px solid var(--_border);
    padding: 0.1rem 0.3rem;
    text-align: right;
  }
  td.masked {
    color: var(--_muted);
  }
  /* Adaptive span: each head's soft window edges over its map. */
  .spans {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    pointer-events: none;
    overflow: hidden;
  }
  .spans line {
    stroke: var(--_accent);
    stroke-width: 2;
    vector-effect: non-scaling-stroke;
  }
  .spans .span-start {
    stroke-dasharray: 5 4;
  }
  .head-span {
    color: var(--_muted);
  }
  /* What is inside an efficient attention variant, below the heatmap. */
  .variant {
    display: flex;
    flex-wrap: wrap;
    gap: 1.5rem;
    margin-top: 1rem;
  }
  .variant-block {
    max-width: 100%;
  }
  .variant-title {
    font-weight: 600;
    margin-bottom: 0.3rem;
  }
  .variant-note {
    font-size: 0.8em;
    color: var(--_muted);
    max-width: 36rem;
    margin: 0 0 0.5rem;
  }
  .variant figure {
    margin: 0;
  }
  .variant figcaption {
    font-size: 0.75em;
    color: var(--_muted);
    margin-top: 0.2rem;
  }
  .rounds,
  .compare {
    display: flex;
    flex-wrap: wrap;
    gap: 1rem;
  }
  .bucket-canvas,
  .exact-canvas,
  .error-canvas {
    display: block;
    width: calc(var(--_size) * 0.6);
    max-width: 100%;
    aspect-ratio: 1;
    image-rendering: pixelated;
    outline: 1px solid var(--_border);
  }
  .bucket-legend {
    display: flex;
    flex-wrap: wrap;
    gap: 0.3rem 0.9rem;
    list-style: none;
    padding: 0;
    margin: 0.5rem 0 0;
    font-size: 0.75em;
  }
  .swatch {
    display: inline-block;
    width: 0.8em;
    height: 0.8em;
    margin-right: 0.3em;
    vertical-align: -0.05em;
    outline: 1px solid var(--_border);
  }
  .spans-list ul {
    margin: 0;
    padding-left: 1.2rem;
    font-size: 0.85em;
  }
  .spans-list li.current {
    font-weight: 600;
  }
  .projected-figure {
    position: relative;
    width: max-content;
    max-width: 100%;
  }
  .projected-canvas {
    display: block;
    height: calc(var(--_size) * 0.6);
    width: clamp(6rem, calc(var(--k) * 2.6rem), var(--_size));
    max-width: 100%;
    image-rendering: pixelated;
    outline: 1px solid var(--_border);
  }
  .projected-ticks {
    position: relative;
    height: 1.1rem;
  }
  .projected-ticks .tick {
    transform: translateX(-50%);
    top: 0.2rem;
  }
  .projected-title {
    font-size: 0.8em;
    color: var(--_muted);
  }
`;
