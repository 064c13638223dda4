import { css } from 'lit';

/** The tokenizer's own styles, on top of the shared theme: its image, grid, strip and bars. */
export const tokenizerStyles = css`
  :host {
    --_image-size: var(--da-patch-image-size, 256px);
  }
  .controls {
    margin-bottom: 0.75rem;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: 1rem;
    align-items: flex-start;
  }
  figure {
    margin: 0;
    width: var(--_image-size);
    max-width: 100%;
  }
  figcaption,
  .about,
  .note {
    color: var(--_muted);
    font-size: 0.85em;
    margin: 0.25rem 0;
    max-width: 70ch;
  }
  .frame {
    position: relative;
    width: 100%;
    aspect-ratio: var(--aspect, 1);
    touch-action: none;
  }
  .frame canvas,
  .frame svg {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
  }
  canvas {
    image-rendering: pixelated;
    display: block;
  }
  .grid-line {
    stroke: rgba(255, 255, 255, 0.75);
    stroke-width: 1px;
    vector-effect: non-scaling-stroke;
  }
  .numbers text {
    fill: #ffffff;
    paint-order: stroke;
    stroke: rgba(0, 0, 0, 0.8);
    stroke-width: 2px;
    dominant-baseline: hanging;
    font-family: inherit;
    vector-effect: non-scaling-stroke;
  }
  .shown {
    fill: none;
    stroke: var(--_accent);
    stroke-width: 3px;
    vector-effect: non-scaling-stroke;
    transition:
      x 120ms ease-out,
      y 120ms ease-out;
  }
  @media (prefers-reduced-motion: reduce) {
    .shown {
      transition: none;
    }
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
  .planes {
    display: inline-grid;
    width: min(100%, calc(var(--_image-size) * 1.5));
  }
  canvas.planes {
    width: 100%;
    aspect-ratio: 3 / 1;
  }
  .plane-labels,
  .strip-labels {
    display: grid;
    grid-template-columns: repeat(3, 1fr);
    text-align: center;
    font-size: 0.8em;
    color: var(--_muted);
  }
  canvas.strip {
    width: 100%;
    height: 1.5rem;
    margin-top: 0.5rem;
    border: 1px solid var(--_border);
  }
  .bars {
    display: grid;
    gap: 0.25rem;
    justify-items: start;
  }
  .bars canvas {
    max-width: 100%;
  }
  .bars span {
    font-size: 0.85em;
  }
`;
