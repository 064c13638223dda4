import { LitElement, html, nothing, type PropertyDeclaration, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import { checkOneOf } from '@decoding-attention/core';
import { copyText, embedCode } from './embed.js';
import { themeStyles, type ThemeColors } from './theme.js';
import { ThemeColorsController } from './theme-colors.js';
import { word } from './converters.js';

/** The values of the `theme` attribute. */
export const THEMES = ['auto', 'light', 'dark'] as const;

/**
 * What every decoding-attention element shares: the theme, the `theme` attribute, and how bad
 * input is reported (a visible message inside the element and one console warning, never an
 * uncaught exception; the message goes when the input is fixed).
 */
export class DecodingElement extends LitElement {
  static override styles = [themeStyles];

  /** `light` or `dark` forces a colour scheme; by default the reader's preference is followed. */
  @property({ reflect: true, converter: word }) theme: (typeof THEMES)[number] = 'auto';

  /** Checks the `theme` attribute; each element's `validate()` calls it first. */
  protected validateTheme(): void {
    checkOneOf('theme', this.theme, THEMES);
  }

  /** The message shown for bad input, or '' when all is well. */
  @state() protected errorMessage = '';

  /** After "Copy embed code": `copied`, or the code itself where the clipboard refused it. */
  @state() private embedStatus: { copied: boolean; code: string } | undefined;

  private readonly warned = new Set<string>();

  /** Work that `updateComplete` waits for besides rendering: charts, loads, draws in slices. */
  private readonly pendingWork = new Set<Promise<unknown>>();

  /**
   * The theme's colours for canvas and chart drawing, resolved again when the reader's colour
   * scheme or the `theme` attribute changes; `themeChanged` then redraws.
   */
  protected readonly theming = new ThemeColorsController(this, (colors) =>
    this.themeChanged(colors),
  );

  /** The theme's resolved colours (see `theming`). */
  protected get colors(): ThemeColors {
    return this.theming.colors;
  }

  /**
   * Called when the theme's colours change. By default the element renders again; elements that
   * paint canvases or charts redraw them here.
   */
  protected themeChanged(_colors: ThemeColors): void {
    this.requestUpdate();
  }

  /**
   * Folds `work` into `updateComplete`, so that awaiting the element waits for what it draws
   * outside rendering (charts, slices, loads). Failures are the work's own to report.
   * @internal
   */
  trackWork(work: Promise<unknown>): void {
    const settled = work.then(
      () => undefined,
      () => undefined,
    );
    this.pendingWork.add(settled);
    void settled.then(() => this.pendingWork.delete(settled));
  }

  /**
   * Resolves when the element has rendered, its tracked work is done, and so are the elements
   * it renders (a figure's heatmaps render in tasks of their own, after it).
   */
  protected override async getUpdateComplete(): Promise<boolean> {
    await super.getUpdateComplete();
    let result: boolean;
    // Work may start more work (a draw after a load): wait until none is left.
    do {
      const nested = [...this.renderRoot.querySelectorAll('*')].filter(
        (child): child is DecodingElement => child instanceof DecodingElement,
      );
      await Promise.all([...this.pendingWork, ...nested.map((child) => child.updateComplete)]);
      result = await super.getUpdateComplete();
    } while (this.pendingWork.size > 0);
    return result;
  }

  /**
   * Attributes behave as the platform's do: removing one, or setting its property to `undefined`
   * or `null` (as frameworks do when a bound value goes away), restores the documented default,
   * the value a fresh element has.
   */
  override requestUpdate(
    name?: PropertyKey,
    oldValue?: unknown,
    options?: PropertyDeclaration,
    useNewValue?: boolean,
    newValue?: unknown,
  ): void {
    if (name !== undefined && !useNewValue) {
      const fallback = defaultFor(this, name);
      if (fallback) {
        (this as unknown as Record<PropertyKey, unknown>)[name] = fallback.value;
        return;
      }
    }
    super.requestUpdate(name, oldValue, options, useNewValue, newValue);
  }

  /**
   * Each element's first render runs in a task of its own: a page with many elements renders
   * them one task each, not all in one long task that freezes the page.
   */
  protected override async scheduleUpdate(): Promise<void> {
    if (!this.hasUpdated) await new Promise((resolve) => setTimeout(resolve, 0));
    super.scheduleUpdate();
  }

  /** Dispatches a bubbling, composed `CustomEvent`: every event of every element goes through here. */
  emit<T>(name: string, detail: T, init: Omit<CustomEventInit<T>, 'detail'> = {}): boolean {
    return this.dispatchEvent(
      new CustomEvent<T>(name, { bubbles: true, composed: true, ...init, detail }),
    );
  }

  /**
   * Shows `error` inside the element and warns in the console (once per distinct message). The
   * message is shown as it is: an element's `validate()` names its attributes as authors wrote
   * them before any value reaches code that speaks of options.
   */
  protected reportError(error: unknown): void {
    const message = error instanceof Error ? error.message : String(error);
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
}

/** Per element class: each attribute-backed property's value on a fresh element. */
const defaultsByClass = new WeakMap<CustomElementConstructor, Map<PropertyKey, unknown>>();
/** Set while a fresh element is being made to read the defaults from. */
let readingDefaults = false;

/**
 * A copy of the default of `element`'s property `name`, when that property is attribute-backed,
 * is now `undefined` or `null`, and its default is something else; otherwise undefined.
 */
function defaultFor(element: DecodingElement, name: PropertyKey): { value: unknown } | undefined {
  const value = (element as unknown as Record<PropertyKey, unknown>)[name];
  if ((value !== undefined && value !== null) || readingDefaults) return undefined;
  const type = element.constructor as typeof DecodingElement & CustomElementConstructor;
  const options = type.elementProperties.get(name);
  if (!options || options.state || options.attribute === false) return undefined;
  let defaults = defaultsByClass.get(type);
  if (!defaults) {
    readingDefaults = true;
    try {
      const fresh = new type() as unknown as Record<PropertyKey, unknown>;
      defaults = new Map([...type.elementProperties.keys()].map((key) => [key, fresh[key]]));
    } finally {
      readingDefaults = false;
    }
    defaultsByClass.set(type, defaults);
  }
  const fallback = defaults.get(name);
  if (fallback === value) return undefined;
  return { value: Array.isArray(fallback) ? [...(fallback as unknown[])] : fallback };
}
