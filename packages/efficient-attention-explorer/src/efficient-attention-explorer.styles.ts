import { css } from 'lit';

/** The explorer's own styles, on top of the shared theme: controls, readouts, strips and charts. */
export const explorerStyles = css`
  :host {
    --da-heatmap-size: 260px;
  }
  .controls {
    margin-bottom: 0.5rem;
  }
  .settings {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem 1.25rem;
    align-items: center;
    margin: 0.5rem 0;
  }
  .settings label {
    display: inline-flex;
    gap: 0.4rem;
    align-items: center;
  }
  .settings input[type='range'] {
    width: 12rem;
    accent-color: var(--_accent);
  }
  .settings input[type='number'],
  .settings input[type='text'] {
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
  h3 {
    margin: 0.5rem 0 0.25rem;
    font-size: 0.95em;
  }
  .about,
  .note,
  figcaption {
    color: var(--_muted);
    margin: 0 0 0.5rem;
    max-width: 72ch;
    font-size: 0.9em;
  }
  .readout {
    font-weight: 600;
    font-variant-numeric: tabular-nums;
    margin: 0.25rem 0 0.5rem;
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
    min-width: 280px;
  }
  figure {
    margin: 0;
  }
  .strips canvas {
    display: block;
    width: 100%;
    max-width: 48rem;
    image-rendering: pixelated;
    border: 1px solid var(--_border);
  }
  .spread canvas {
    display: block;
    width: 100%;
    max-width: 48rem;
    image-rendering: pixelated;
    border: 1px solid var(--_border);
  }
  .steps {
    display: inline-flex;
    gap: 0.25rem;
  }
  .steps button[aria-pressed='true'] {
    border-color: var(--_accent);
    box-shadow: inset 0 0 0 1px var(--_accent);
  }
  .shares {
    margin: 0.25rem 0;
    padding-left: 1.25rem;
    font-variant-numeric: tabular-nums;
  }
  .pending {
    color: var(--_muted);
    font-style: italic;
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      transition: none !important;
      animation: none !important;
    }
  }
`;
