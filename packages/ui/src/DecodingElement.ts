import { LitElement, html, nothing, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { copyText, embedCode } from './embed.js';
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

  /** After "Copy embed code": `copied`, or the code itself where the clipboard refused it. */
  @state() private embedStatus: { copied: boolean; code: string } | undefined;

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

  /**
   * This element as a tag with its current attributes (those that differ from the defaults),
   * ready to paste into a post: configure it in Storybook or on the page, then paste it.
   */
  embedCode(): string {
    return embedCode(this);
  }

  /** Copies the embed code, or shows it selected for the reader to copy where the clipboard is closed. */
  protected async copyEmbedCode(): Promise<void> {
    const code = this.embedCode();
    const status = { copied: await copyText(code), code };
    this.embedStatus = status;
    if (status.copied)
      setTimeout(() => {
        if (this.embedStatus === status) this.embedStatus = undefined;
      }, 2500);
    await this.updateComplete;
    const field = this.renderRoot.querySelector<HTMLTextAreaElement>('textarea.embed-code');
    field?.focus();
    field?.select();
  }

  /** The "Copy embed code" button, and what happened when it was pressed. */
  protected renderEmbedButton(): TemplateResult {
    const status = this.embedStatus;
    return html`<button
        part="button embed-button"
        title="Copy this element's tag with its current settings, to paste into a post"
        @click=${this.copyEmbedCode}
      >
        ${status?.copied ? 'Copied ✓' : 'Embed'}
      </button>
      <span class="visually-hidden" role="status"
        >${status?.copied ? 'Embed code copied to the clipboard' : ''}</span
      >${
        status && !status.copied
          ? html`<label class="embed-fallback"
              >Copy this tag (Ctrl+C or ⌘C):
              <textarea
                class="embed-code"
                readonly
                rows=${status.code.split('\n').length}
                @blur=${() => (this.embedStatus = undefined)}
                .value=${status.code}
              ></textarea>
            </label>`
          : nothing
      }`;
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
