import { css } from 'lit';

/** `<attention-cost>`'s own styles, on top of the shared theme: toolbar, charts, table, panels. */
export const costStyles = css`
  .controls {
    margin-bottom: 0.5rem;
  }
  .status {
    min-height: 1.4em;
    margin: 0.25rem 0;
    color: var(--_muted);
    font-size: 0.9em;
  }
  .pulse {
    display: inline-block;
    width: 0.6em;
    height: 0.6em;
    margin-right: 0.3em;
    border-radius: 50%;
    background: var(--_accent);
    animation: pulse 1.2s ease-in-out infinite;
  }
  @keyframes pulse {
    50% {
      opacity: 0.3;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .pulse {
      animation: none;
    }
  }
  .chart {
    min-height: 1rem;
  }
  .stops {
    margin: 0.5rem 0;
    padding-left: 1.2rem;
    font-size: 0.85em;
    color: var(--_muted);
  }
  .stops strong {
    color: var(--_text);
  }
  .table-wrap {
    overflow-x: auto;
    container-type: inline-size;
  }
  table {
    border-collapse: collapse;
    font-size: 0.85em;
    width: 100%;
  }
  caption {
    text-align: left;
    color: var(--_muted);
    padding-bottom: 0.3rem;
  }
  th,
  td {
    border-bottom: 1px solid var(--_border);
    padding: 0.25rem 0.4rem;
    text-align: left;
    vertical-align: top;
  }
  td.measured {
    font-variant-numeric: tabular-nums;
    white-space: nowrap;
    background: var(--_surface);
  }
  /* On a phone the ten columns do not fit: each variant becomes a block of labelled lines. */
  @container (max-width: 40rem) {
    table,
    caption,
    tbody,
    tr,
    th,
    td {
      display: block;
    }
    thead {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
    }
    tr {
      border-bottom: 1px solid var(--_border);
      padding: 0.4rem 0;
    }
    th,
    td {
      border: 0;
      padding: 0.1rem 0;
    }
    td::before {
      content: attr(data-label) ': ';
      color: var(--_muted);
    }
    td.measured {
      white-space: normal;
      background: none;
    }
    td[data-empty] {
      display: none;
    }
  }
  section.kv {
    border-top: 1px solid var(--_border);
    margin-top: 0.75rem;
    padding-top: 0.5rem;
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
`;
