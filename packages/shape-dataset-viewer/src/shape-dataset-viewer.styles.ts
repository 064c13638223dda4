import { css } from 'lit';
import { PLOT_HEIGHT } from './plot1d.js';

/** The styles of `<shape-dataset-viewer>`'s own parts; the shared theme and legend come first. */
export const shapeDatasetViewerStyles = css`
  .header {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_gap);
    align-items: baseline;
    justify-content: space-between;
    margin-bottom: 0.5rem;
  }
  .title {
    font-weight: 600;
  }
  .seed {
    width: 7rem;
  }
  .plot {
    position: relative;
    min-height: ${PLOT_HEIGHT}px;
    margin-block: 0.5rem;
  }
  .plot canvas {
    display: block;
    width: 100%;
    height: ${PLOT_HEIGHT}px;
  }
  .plot .chart[hidden],
  .plot canvas[hidden] {
    display: none;
  }
  .legend {
    font-size: 0.85em;
  }
  .images {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_gap);
    margin-block: 0.5rem;
  }
  figure {
    margin: 0;
  }
  figcaption {
    color: var(--_muted);
    font-size: 0.85em;
  }
  .frame {
    position: relative;
    width: var(--da-image-size, 256px);
    max-width: 100%;
    aspect-ratio: var(--aspect);
  }
  .frame canvas,
  .frame svg {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
  }
  .frame canvas {
    image-rendering: pixelated;
    border: 1px solid var(--_border);
  }
  .frame svg {
    pointer-events: none;
    overflow: visible;
  }
  .outline {
    fill: none;
    stroke: var(--_accent);
    stroke-width: 1.5px;
    vector-effect: non-scaling-stroke;
  }
  .outline.halo {
    stroke: var(--_background);
    stroke-width: 4px;
  }
  .outline.filtered {
    stroke: var(--_muted);
    stroke-dasharray: 3 3;
  }
  .details {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(16rem, 1fr));
    gap: var(--_gap);
  }
  /* Section titles are not headings: the page's own headings set the outline around the element. */
  .section-title {
    font-size: 0.85em;
    font-weight: 600;
    margin: 0 0 0.25rem;
    color: var(--_muted);
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }
  [role='listbox'],
  .groups {
    list-style: none;
    margin: 0;
    padding: 0;
    max-height: 14rem;
    overflow: auto;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
  }
  [role='option'],
  .groups li {
    display: flex;
    gap: 0.5rem;
    align-items: center;
    padding: 0.2rem 0.5rem;
    font-variant-numeric: tabular-nums;
  }
  [role='option'] {
    cursor: default;
  }
  [role='option'][aria-selected='true'] {
    background: var(--_surface);
    box-shadow: inset 3px 0 0 var(--_accent);
  }
  .swatch {
    flex: none;
    width: 0.9rem;
    height: 0.9rem;
    border-radius: 3px;
    border: 1px solid var(--_border);
  }
  .note {
    color: var(--_muted);
    font-size: 0.85em;
  }
  kbd {
    font: inherit;
    font-size: 0.8em;
    border: 1px solid var(--_border);
    border-radius: 3px;
    padding: 0 0.25em;
  }
`;
