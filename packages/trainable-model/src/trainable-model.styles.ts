import { css } from 'lit';

/** `<trainable-model>`'s own styles, after the shared theme's and the series legend's. */
export const trainableModelStyles = css`
  :host {
    --da-heatmap-size: 240px;
    --da-image-size: 160px;
  }
  .images {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_gap);
  }
  .images figure {
    margin: 0;
  }
  .images figcaption {
    font-size: 0.8em;
    color: var(--_muted);
    margin-top: 0.2rem;
  }
  .image-stack {
    position: relative;
    width: var(--da-image-size);
    aspect-ratio: 1;
    border: 1px solid var(--_border);
  }
  .image-stack canvas {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    image-rendering: pixelated;
  }
  .image-stack canvas.overlay {
    image-rendering: auto;
  }
  .picker {
    cursor: crosshair;
  }
  .picker:focus-visible {
    outline: 2px solid var(--_focus, var(--_accent));
    outline-offset: 2px;
  }
  .reads {
    margin: 0.3rem 0 0;
  }
  .controls {
    margin-bottom: 0.5rem;
  }
  .controls label {
    display: inline-flex;
    gap: 0.3rem;
    align-items: center;
    color: var(--_muted);
    font-size: 0.85em;
    /* On a phone the file field and the model menu shrink to the element's width. */
    max-width: 100%;
  }
  .controls input[type='file'],
  .controls select {
    min-width: 0;
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_background);
    font-weight: 600;
  }
  .bar {
    height: 0.5rem;
    border-radius: 999px;
    background: var(--_surface);
    border: 1px solid var(--_border);
    overflow: hidden;
    margin: 0.5rem 0;
  }
  .bar > div {
    height: 100%;
    background: var(--_accent);
    width: 0;
  }
  .figures {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem 1.2rem;
    margin: 0;
    font-variant-numeric: tabular-nums;
  }
  .figures div {
    display: grid;
  }
  .figures dt {
    color: var(--_muted);
    font-size: 0.75em;
  }
  .figures dd {
    margin: 0;
    font-weight: 600;
  }
  .charts {
    display: grid;
    /* One column below 2 x 300 px, two above; never wider than the element. */
    grid-template-columns: repeat(auto-fit, minmax(min(300px, 100%), 1fr));
    gap: var(--_gap);
    margin-top: 0.75rem;
  }
  .charts > div {
    /* A grid item is as wide as its chart by default: the chart could then never narrow. */
    min-width: 0;
  }
  .charts[hidden] {
    display: none;
  }
  .chart-title {
    font-size: 0.85em;
    font-weight: 600;
    margin: 0 0 0.25rem;
    color: var(--_muted);
    text-transform: uppercase;
    letter-spacing: 0.04em;
  }
  .attention {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_gap);
    margin-top: 0.75rem;
  }
  attention-heatmap {
    border: none;
    padding: 0;
  }
  table {
    border-collapse: collapse;
    margin-top: 0.75rem;
    font-variant-numeric: tabular-nums;
    font-size: 0.9em;
  }
  th,
  td {
    border-bottom: 1px solid var(--_border);
    padding: 0.25rem 0.6rem;
    text-align: right;
  }
  th:first-child,
  td:first-child {
    text-align: left;
  }
  .beats {
    color: var(--_accent);
    font-weight: 600;
  }
  .note {
    color: var(--_muted);
    font-size: 0.85em;
  }
  .legend {
    font-size: 0.8em;
  }
  .legend .line.prediction {
    border-top-color: var(--_accent);
  }
`;
