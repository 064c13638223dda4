import { html, type TemplateResult } from 'lit';

/** A range slider over `steps` (the value shown is the step's, not its index), with its value beside it. */
export function stepSlider(
  label: string,
  name: string,
  steps: readonly number[],
  value: number,
  onInput: (value: number) => void,
): TemplateResult {
  let index = steps.indexOf(value);
  if (index < 0) index = steps.findIndex((s) => s > value);
  if (index < 0) index = steps.length - 1;
  return html`<label
    >${label}
    <input
      type="range"
      name=${name}
      min="0"
      max=${steps.length - 1}
      step="1"
      .value=${String(index)}
      aria-valuetext=${`${label} ${value}`}
      @input=${(event: Event) => onInput(steps[Number((event.target as HTMLInputElement).value)])}
    />
    <output>${value}</output></label
  >`;
}

/** A range slider from `min` to `max`, with its value beside it. */
export function rangeSlider(
  label: string,
  name: string,
  min: number,
  max: number,
  value: number,
  onInput: (value: number) => void,
): TemplateResult {
  return html`<label
    >${label}
    <input
      type="range"
      name=${name}
      min=${min}
      max=${max}
      step="1"
      .value=${String(value)}
      @input=${(event: Event) => onInput(Number((event.target as HTMLInputElement).value))}
    />
    <output>${value}</output></label
  >`;
}

/** A menu of `choices`, `value` selected. */
export function choiceMenu(
  label: string,
  name: string,
  choices: readonly string[],
  value: unknown,
  onChange: (value: string) => void,
): TemplateResult {
  return html`<label
    >${label}
    <select
      name=${name}
      @change=${(event: Event) => onChange((event.target as HTMLSelectElement).value)}
    >
      ${choices.map((c) => html`<option value=${c} ?selected=${c === value}>${c}</option>`)}
    </select></label
  >`;
}

/** A short number as readouts show it: four significant digits, or a percentage. */
export const formatNumber = (value: number): string =>
  Number.isFinite(value) ? Number(value.toPrecision(4)).toString() : String(value);

export const formatShare = (share: number): string => `${(share * 100).toFixed(1)}%`;

const COUNT = new Intl.NumberFormat('en-US');
/** A count with thousands separators (one formatter: `toLocaleString` makes a new one each call). */
export const formatCount = (value: number): string => COUNT.format(value);
