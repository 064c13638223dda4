import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { readThemeColors, type ThemeColors } from './theme.js';

/** What the theme-colours controller needs of its element. */
export interface ThemedHost extends ReactiveControllerHost, HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  /** `auto`, `light` or `dark`: a change of it changes the resolved colours. */
  theme: string;
}

/**
 * The element's theme colours as canvas and chart drawing need them: resolved once, kept, and
 * resolved again when the reader's `prefers-color-scheme` or the element's `theme` attribute
 * changes, at which point `onChange` runs so the element can redraw what it painted.
 */
export class ThemeColorsController implements ReactiveController {
  private resolved: ThemeColors | undefined;
  private resolvedTheme: string | undefined;
  private readonly query = window.matchMedia('(prefers-color-scheme: dark)');

  constructor(
    private readonly host: ThemedHost,
    private readonly onChange: (colors: ThemeColors) => void,
  ) {
    host.addController(this);
  }

  /** The colours in force (resolved now if they have not been, or were invalidated). */
  get colors(): ThemeColors {
    this.resolved ??= readThemeColors(this.host.renderRoot as ShadowRoot | HTMLElement);
    return this.resolved;
  }

  hostConnected(): void {
    this.query.addEventListener('change', this.refresh);
    // The scheme may have changed while the element was away from the page.
    if (this.resolved) this.refresh();
  }

  hostDisconnected(): void {
    this.query.removeEventListener('change', this.refresh);
  }

  hostUpdated(): void {
    // `theme` reflects to the attribute during the update, so its colours resolve after it.
    if (this.resolvedTheme === undefined) this.resolvedTheme = this.host.theme;
    // Object.is: a theme of NaN (refused by validation) must not look changed on every update.
    else if (!Object.is(this.resolvedTheme, this.host.theme)) {
      this.resolvedTheme = this.host.theme;
      this.refresh();
    }
  }

  /** Forgets the resolved colours and tells the element, which redraws with the new ones. */
  readonly refresh = (): void => {
    this.resolved = undefined;
    this.onChange(this.colors);
  };
}
