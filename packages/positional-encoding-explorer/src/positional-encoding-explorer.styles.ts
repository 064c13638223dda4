import { css } from 'lit';

/** The explorer's own styles, on top of the shared theme: its controls, parts, charts and dial. */
export const explorerStyles = css`
  :host {
    --da-heatmap-size: 260px;
  }
  .controls {
    margin-bottom: 0.75rem;
  }
  .controls input[type='number'] {
    width: 5.5rem;
  }
  section {
    border-top: 1px solid var(--_border);
    padding-top: 0.75rem;
    margin-top: 0.75rem;
  }
  h2 {
    margin: 0 0 0.25rem;
    font-size: 1em;
  }
  .about {
    color: var(--_muted);
    margin: 0 0 0.5rem;
    max-width: 70ch;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 1rem;
    align-items: flex-start;
  }
  .row > * {
    flex: 0 1 auto;
    min-width: 0;
  }
  attention-heatmap {
    border: none;
    padding: 0;
  }
  .chart {
    flex: 1 1 320px;
    /* Never wider than the element, on a phone too. */
    min-width: min(280px, 100%);
  }
  .features {
    display: flex;
    flex-wrap: wrap;
    gap: 0.25rem;
    margin: 0.25rem 0;
    font-size: 0.8em;
  }
  .features button {
    min-height: 1.6rem;
    padding: 0 0.4rem;
  }
  .features button[aria-pressed='true'] {
    border-color: var(--_accent);
    box-shadow: inset 0 0 0 1px var(--_accent);
  }
  .verdict {
    font-weight: 600;
  }
  .dial {
    display: grid;
    gap: 0.4rem;
    justify-items: start;
  }
  .dial svg {
    width: 180px;
    height: 180px;
  }
  .dial .circle {
    fill: none;
    stroke: var(--_border);
  }
  .dial .axis {
    stroke: var(--_border);
  }
  .dial .trail {
    fill: var(--_muted);
  }
  .dial .vector {
    stroke: var(--_accent);
    stroke-width: 3;
    stroke-linecap: round;
  }
  .dial .tip {
    fill: var(--_accent);
  }
  .note {
    color: var(--_muted);
    font-size: 0.85em;
  }
  output {
    font-variant-numeric: tabular-nums;
  }
`;
