import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { themeStyles } from './theme.js';

/**
 * What every decoding-attention element shares: the theme, the `theme` attribute, and how bad
 * input is reported (a visible message inside the element and one console warning, never an
 * uncaught exception; the message goes when the input is fixed).
 */
export class DecodingElement extends LitElement {
  static override styles = [themeStyles];

  /** `light` or `dark` forces a colour scheme; by default the reader's preference is followed. */
  @property({ reflect: true }) theme: 'auto' | 'light' | 'dark' = 'auto';

  /** The message shown for bad input, or '' when all is well. */
  @state() protected errorMessage = '';

  private readonly warned = new Set<string>();

  /**
   * Shows `error` inside the element and warns in the console (once per distinct message).
   * `attributeNames` maps option names in the message to the attribute names authors wrote.
   */
  protected reportError(error: unknown, attributeNames: Record<string, string> = {}): void {
    let message = error instanceof Error ? error.message : String(error);
    for (const [option, attribute] of Object.entries(attributeNames)) {
      message = message.replace(new RegExp(`\\b${option}\\b`, 'g'), attribute);
    }
    this.errorMessage = message;
    if (!this.warned.has(message)) {
      this.warned.add(message);
      console.warn(`<${this.localName}>: ${message}`);
    }
  }

  protected clearError(): void {
    this.errorMessage = '';
  }

  /** The error banner, or nothing. */
  protected renderError(): TemplateResult | typeof nothing {
    return this.errorMessage
      ? html`<div class="error" role="alert" part="error">${this.errorMessage}</div>`
      : nothing;
  }

  /** Calls `listener` whenever the reader's colour scheme changes, until the element disconnects. */
  protected onColorSchemeChange(listener: () => void): () => void {
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    query.addEventListener('change', listener);
    return () => query.removeEventListener('change', listener);
  }
}

/** kebab-case attribute names for camelCase option names, for messages about bad attributes. */
export function attributeNamesFor(options: readonly string[]): Record<string, string> {
  return Object.fromEntries(
    options.map((name) => [name, name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)]),
  );
}
