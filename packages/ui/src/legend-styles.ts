import { css } from 'lit';

/**
 * The legend of a series chart: `<span class="legend">` holding, per series, a short
 * `<span class="line">` in the target's colour (`line input` in the input's) beside its name.
 * Elements add their own variants (a prediction line) and font size.
 */
export const seriesLegendStyles = css`
  .legend {
    display: flex;
    gap: 1rem;
    color: var(--_muted);
  }
  .legend .line {
    display: inline-block;
    width: 1.5em;
    vertical-align: middle;
    border-top: 2px solid var(--_target);
  }
  .legend .line.input {
    border-top: 1px solid var(--_input);
  }
`;
