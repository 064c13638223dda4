import { css } from 'lit';

/**
 * The design tokens every element shares. Authors theme through the public `--da-*` custom
 * properties; the private `--_*` ones resolve them with defaults for light and dark schemes.
 * `theme="light"` or `theme="dark"` on an element overrides the reader's preference.
 */
export const themeStyles = css`
  :host {
    color-scheme: light dark;
    --_text: var(--da-color-text, light-dark(#1f2328, #e6edf3));
    --_muted: var(--da-color-muted, light-dark(#59636e, #9198a1));
    --_background: var(--da-color-background, light-dark(#ffffff, #0d1117));
    --_surface: var(--da-color-surface, light-dark(#f6f8fa, #161b22));
    --_border: var(--da-color-border, light-dark(#d1d9e0, #3d444d));
    --_accent: var(--da-color-accent, light-dark(#0969da, #4493f8));
    --_focus: var(--da-color-focus, light-dark(#0969da, #4493f8));
    --_error: var(--da-color-error, light-dark(#d1242f, #f85149));
    --_input: var(--da-color-input, light-dark(#8c959f, #6e7681));
    --_target: var(--da-color-target, light-dark(#1f2328, #e6edf3));
    --_radius: var(--da-radius, 6px);
    --_gap: var(--da-gap, 0.75rem);
    display: block;
    box-sizing: border-box;
    max-width: 100%;
    font-family: var(--da-font-family, system-ui, -apple-system, 'Segoe UI', sans-serif);
    font-size: var(--da-font-size, 0.9375rem);
    line-height: 1.4;
    color: var(--_text);
    background: var(--_background);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--_gap);
  }
  :host([theme='light']) {
    color-scheme: light;
  }
  :host([theme='dark']) {
    color-scheme: dark;
  }
  :host([hidden]),
  [hidden] {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  button,
  select,
  input {
    font: inherit;
    color: inherit;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) - 2px);
    padding: 0.25rem 0.6rem;
    min-height: 2rem;
  }
  button {
    cursor: pointer;
  }
  button:hover:not(:disabled) {
    border-color: var(--_accent);
  }
  button:disabled {
    opacity: 0.5;
    cursor: default;
  }
  :focus-visible {
    outline: 2px solid var(--_focus);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    padding: 0;
    margin: -1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }
  .vega-embed {
    position: relative;
    display: inline-block;
    box-sizing: border-box;
  }
  .vega-embed.fit-x {
    display: block;
    width: 100%;
  }
  .embed-fallback {
    display: flex;
    flex-direction: column;
    gap: 0.25rem;
    flex-basis: 100%;
    font-size: 0.85em;
  }
  .embed-code {
    font:
      0.85em / 1.4 ui-monospace,
      SFMono-Regular,
      Menlo,
      Consolas,
      monospace;
    width: 100%;
    box-sizing: border-box;
    color: inherit;
    background: var(--_surface, transparent);
  }
  .error {
    color: var(--_error);
    border: 1px solid var(--_error);
    border-radius: var(--_radius);
    padding: 0.5rem 0.75rem;
    margin-block: 0.5rem;
  }
  .toolbar {
    display: flex;
    flex-wrap: wrap;
    gap: 0.4rem;
    align-items: center;
  }
  @media (prefers-reduced-motion: reduce) {
    *,
    *::before,
    *::after {
      transition-duration: 0s !important;
      animation-duration: 0s !important;
    }
  }
`;

/** The colour tokens of `themeStyles` that canvas and chart drawing need as resolved colours. */
export const THEME_TOKENS = [
  'text',
  'muted',
  'background',
  'surface',
  'border',
  'accent',
  'error',
  'input',
  'target',
] as const;
export type ThemeToken = (typeof THEME_TOKENS)[number];
export type ThemeColors = Record<ThemeToken, string>;

/**
 * The theme's colours as the browser resolved them for `root` (light or dark, with the author's
 * overrides), read through a probe element, since custom properties are not computed values.
 */
export function readThemeColors(root: ShadowRoot | HTMLElement): ThemeColors {
  const probe = document.createElement('span');
  probe.style.display = 'none';
  root.appendChild(probe);
  const colors = {} as ThemeColors;
  for (const token of THEME_TOKENS) {
    probe.style.color = `var(--_${token})`;
    colors[token] = getComputedStyle(probe).color;
  }
  probe.remove();
  return colors;
}

/** A colour as `readThemeColors` gives it (`rgb(r, g, b)`), as numbers for a pixel buffer. */
export function rgbOf(color: string): [number, number, number] {
  const [r = 200, g = 200, b = 200] = (color.match(/\d+(\.\d+)?/g) ?? []).map(Number);
  return [r, g, b];
}
