import { css } from 'lit';

/**
 * Labels in an element's toolbar (`.toolbar label`): the caption in the muted colour, a little
 * smaller, beside its menu or field.
 */
export const toolbarLabelStyles = css`
  .toolbar label {
    display: inline-flex;
    gap: 0.3rem;
    align-items: center;
    color: var(--_muted);
    font-size: 0.85em;
  }
`;
