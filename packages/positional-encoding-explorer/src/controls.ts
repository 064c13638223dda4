import { ENCODING_KINDS, type EncodingKind } from '@decoding-attention/core';
import { html, nothing, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';

/**
 * The explorer's form controls: a menu of encodings, a number field, the feature toggles. Each
 * reports the reader's choice through a callback; the element decides what it changes.
 */

/** A labelled menu of the encodings; with `allowNone`, `none` (the empty value) first. */
export function encodingMenu(
  label: string,
  current: string,
  onChange: (kind: EncodingKind | '') => void,
  allowNone = false,
): TemplateResult {
  return html`
    <label>
      ${label}
      <select
        .value=${live(current)}
        @change=${(e: Event) => onChange((e.target as HTMLSelectElement).value as EncodingKind | '')}
      >
        ${allowNone ? html`<option value="" ?selected=${!current}>none</option>` : nothing}
        ${ENCODING_KINDS.map((kind) => html`<option value=${kind} ?selected=${kind === current}>${kind}</option>`)}
      </select>
    </label>
  `;
}

/** A labelled number field (blank for a value that is not a number); an emptied field is not reported. */
export function numberField(
  label: string,
  value: unknown,
  onChange: (value: number) => void,
  min: number,
): TemplateResult {
  return html`
    <label>
      ${label}
      <input
        type="number"
        min=${min}
        .value=${typeof value === 'number' ? String(value) : ''}
        @change=${(e: Event) => {
          const v = (e.target as HTMLInputElement).valueAsNumber;
          if (Number.isFinite(v)) onChange(v);
        }}
      />
    </label>
  `;
}

/** One toggle button per feature, pressed for those drawn as curves. */
export function featureToggles(
  dim: number,
  shown: readonly number[],
  onToggle: (feature: number) => void,
): TemplateResult {
  return html`
    <div class="features" role="group" aria-label="Features drawn as curves">
      ${Array.from(
        { length: dim },
        (_, f) => html`
          <button
            part="button"
            aria-pressed=${shown.includes(f) ? 'true' : 'false'}
            @click=${() => onToggle(f)}
          >
            f${f}
          </button>
        `,
      )}
    </div>
  `;
}
