/**
 * `<trainable-model>`'s attention variant attributes (post 2, docs/design/models.md, "Attention
 * variants"): `attention` and its parameters, checked under their attribute names with core's
 * `resolveAttentionOptions`, turned into the trainer's options, named in labels; and what a
 * variant did on the validation sample, as `attention-change` carries it.
 */
import {
  ATTENTION_VARIANTS,
  VARIANT_DEFAULTS,
  checkInteger,
  checkNumber,
  checkOneOf,
  resolveAttentionOptions,
  shownValue,
  type AnyModelId,
  type AttentionModelOptions,
  type AttentionVariant,
  type ModelId,
  type ModelOptions,
} from '@decoding-attention/core';
import {
  VARIANT_MODELS,
  VARIANT_PARAMETERS,
  type AttentionSnapshot,
} from '@decoding-attention/core/train';
import type { ComplexAttributeConverter } from 'lit';

/** The element's variant settings, as its properties hold them. */
export interface VariantSettings {
  /** The attention variant of the attention models. */
  attention: AttentionVariant;
  /** Comparison mode: these variants of the model, one run each. */
  attentions?: string[];
  window: number;
  stride: number;
  /** A count, or the positions themselves. */
  globals: number | number[];
  span: number;
  ramp: number;
  spanPenalty: number;
  projected: number;
  features: number;
  redraw: number;
  buckets: number;
  hashes: number;
  chunk: number;
}

/** Each variant parameter's attribute, by property (the rest are spelt alike). */
const ATTRIBUTES: Record<string, string> = { spanPenalty: 'span-penalty' };

/** A variant parameter's attribute name. */
export const attributeOf = (name: string): string => ATTRIBUTES[name] ?? name;

/** The variants' parameters with the smallest value each takes (checked as whole numbers but `spanPenalty`). */
const PARAMETER_MINIMA = {
  window: 1,
  stride: 1,
  span: 1,
  ramp: 1,
  projected: 1,
  features: 1,
  redraw: 0,
  buckets: 1,
  hashes: 1,
  chunk: 1,
} as const;

/**
 * `globals`: one number is a count of global tokens (`globals="4"`); a list, or a number with
 * a comma (`globals="0, 200"`, `globals="5,"`), the positions themselves. Entries that are not
 * numbers read as NaN, for validation to name; a removed attribute goes back to the default.
 */
export const globalsConverter: ComplexAttributeConverter<number | number[] | undefined> = {
  fromAttribute: (value) => {
    if (value === null) return undefined;
    const entries = value
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number);
    return entries.length === 1 && !value.includes(',') ? entries[0] : entries;
  },
  toAttribute: (value) => (Array.isArray(value) ? value.join(', ') : value),
};

/** The runs of a variant comparison for `model`: each of `attentions`, or the one `attention`. */
export function attentionsOf(settings: VariantSettings, model: AnyModelId): AttentionVariant[] {
  if (!(VARIANT_MODELS as readonly unknown[]).includes(model)) return [];
  return (
    Array.isArray(settings.attentions) && settings.attentions.length
      ? settings.attentions
      : [settings.attention]
  ) as AttentionVariant[];
}

/** The trainer's options for `attention` from the element's (checked) variant settings. */
export function variantOptions(
  settings: VariantSettings,
  attention: AttentionVariant,
): AttentionModelOptions {
  return {
    attention,
    window: settings.window,
    stride: settings.stride,
    globals: Array.isArray(settings.globals) ? [...settings.globals] : settings.globals,
    span: settings.span,
    ramp: settings.ramp,
    spanPenalty: settings.spanPenalty,
    projected: settings.projected,
    features: settings.features,
    redraw: settings.redraw,
    buckets: settings.buckets,
    hashes: settings.hashes,
    chunk: settings.chunk,
  };
}

/** Core's message with each option named by its attribute (`spanPenalty` is `span-penalty`). */
function asAttributes(message: string): string {
  return message.replace(/\bspanPenalty\b/g, 'span-penalty');
}

/**
 * Checks the variant settings under their attribute names for the attention models trained
 * (`models`, with each of `attentions`); throws a RangeError naming the first bad one. Models
 * without attention ignore them (see `variantNote`).
 */
export function checkVariantSettings(
  settings: VariantSettings,
  models: readonly AnyModelId[],
  model: (id: ModelId) => ModelOptions,
  length: number,
): void {
  checkOneOf('attention', settings.attention, ATTENTION_VARIANTS);
  if (settings.attentions !== undefined) {
    if (!Array.isArray(settings.attentions))
      throw new RangeError(
        `attentions must be a list of variants such as "full local performer", got ${shownValue(settings.attentions)}`,
      );
    if (settings.attentions.length > ATTENTION_VARIANTS.length)
      throw new RangeError(
        `attentions lists ${settings.attentions.length} variants; at most ${ATTENTION_VARIANTS.length}, each once`,
      );
    for (const a of settings.attentions) checkOneOf('attentions', a, ATTENTION_VARIANTS);
    if (new Set(settings.attentions).size !== settings.attentions.length)
      throw new RangeError(`attentions lists a variant twice: ${settings.attentions.join(', ')}`);
  }
  for (const [name, min] of Object.entries(PARAMETER_MINIMA))
    checkInteger(name, (settings as unknown as Record<string, number>)[name], min);
  checkNumber('span-penalty', settings.spanPenalty, 0);
  const { globals } = settings;
  if (typeof globals !== 'number' && !(Array.isArray(globals) && globals.length > 0))
    throw new RangeError(
      `globals must be a count such as "4" or positions such as "0, 200", got ${shownValue(globals)}`,
    );
  // Positions are distinct and below the length: a longer list cannot be right (and is not walked).
  if (Array.isArray(globals) && globals.length > length)
    throw new RangeError(
      `globals lists ${globals.length} positions; at most length (${length}), each once`,
    );
  for (const id of models) {
    for (const attention of attentionsOf(settings, id)) {
      try {
        resolveAttentionOptions(id as ModelId, {
          ...model(id as ModelId),
          ...variantOptions(settings, attention),
        });
      } catch (error) {
        if (!(error instanceof RangeError)) throw error;
        const which = attention === settings.attention ? 'attention' : 'attentions';
        let message = asAttributes(error.message);
        if (message.includes('cannot be causal')) message += ': use mask="full" with it';
        // Core names the option (window, globals, ...) or the variant ("linformer" cannot be causal).
        throw new RangeError(
          /^attention "/.test(message) && !message.includes(which)
            ? `${which}: ${message}`
            : message,
          { cause: error },
        );
      }
    }
  }
}

/** Short names of the parameters in labels: `local w=8`. */
const SHORT: Record<string, string> = {
  window: 'w',
  stride: 's',
  globals: 'g',
  span: 'span',
  ramp: 'ramp',
  spanPenalty: 'penalty',
  projected: 'k',
  features: 'm',
  redraw: 'redraw',
  buckets: 'buckets',
  hashes: 'hashes',
  chunk: 'chunk',
};

/**
 * A variant as a results row names it: `local w=8`, `performer m=64`, `reformer buckets=8
 * hashes=2 chunk=32`; `full`, `causal` and `binary` by name alone (a redraw of 0, never, is left
 * out; a count of globals as `g=4`, positions as `g=0,200`).
 */
export function variantLabel(attention: AttentionVariant, settings: VariantSettings): string {
  const parts = (VARIANT_PARAMETERS[attention] ?? []).flatMap((name) => {
    const value = (settings as unknown as Record<string, number | number[]>)[name];
    if (name === 'redraw' && value === 0) return [];
    if (name === 'spanPenalty' && value === VARIANT_DEFAULTS.spanPenalty) return [];
    if (name === 'ramp' && value === VARIANT_DEFAULTS.ramp) return [];
    return [`${SHORT[name]}=${Array.isArray(value) ? value.join(',') : String(value)}`];
  });
  return [attention, ...parts].join(' ');
}

/**
 * What a 1D model's `attention-change` (and `currentAttention`) carries beside `heads` when the
 * model trains with an efficient attention variant (docs/design/models.md, "Attention
 * variants"). Any field may be absent (e.g. past the display cell limit).
 */
export interface VariantDetail {
  /** `local`, `sparse`, `global`, `adaptive`, `linformer`, `performer`, `reformer` or `binary`. */
  attention: string;
  /** The resolved variant parameters (window, features, ...) and `causal`. */
  options?: Record<string, number | number[] | boolean>;
  /** reformer: [round][head][position], bucket ids. */
  buckets?: number[][][];
  /** adaptive: each head's learned span, in tokens. */
  spans?: number[];
  /** adaptive: the largest span a head can learn. */
  maxSpan?: number;
  /** linformer: [head][position][k], weights over the k projected rows. */
  projected?: number[][][];
  /** linformer: the learned projections of the keys (`e`) and values (`f`), each [k][position]. */
  projections?: { e: number[][]; f: number[][] };
  /** performer: [head][query][key], exact softmax attention on the same q, k. */
  exact?: number[][][];
}

/** `flat` [a, b, c] row-major as nested arrays. */
function nested(flat: ArrayLike<number>, a: number, b: number, c: number): number[][][] {
  return Array.from({ length: a }, (_, i) =>
    Array.from({ length: b }, (_, j) =>
      Array.from(
        Array.prototype.slice.call(flat, (i * b + j) * c, (i * b + j + 1) * c) as number[],
      ),
    ),
  );
}

/** A snapshot layer's variant as the detail carries it, or undefined for full attention. */
export function variantDetail(layer: AttentionSnapshot | undefined): VariantDetail | undefined {
  const v = layer?.variant;
  if (!layer || !v) return undefined;
  const { heads, length } = layer;
  const detail: VariantDetail = { attention: v.attention };
  if (v.options) detail.options = { ...v.options };
  if (v.buckets && v.hashes) detail.buckets = nested(v.buckets, v.hashes, heads, length);
  if (v.spans) detail.spans = Array.from(v.spans);
  if (v.maxSpan !== undefined) detail.maxSpan = v.maxSpan;
  if (v.projected && v.rows) detail.projected = nested(v.projected, heads, length, v.rows);
  if (v.e && v.f && v.rows) {
    const [e, f] = [v.e, v.f].map((m) => nested(m, 1, v.rows!, m.length / v.rows!)[0]);
    detail.projections = { e, f };
  }
  if (v.exact) detail.exact = nested(v.exact, heads, length, length);
  return detail;
}

/**
 * A sentence for the note when variant settings do not apply to the model trained: the models
 * without attention (fcn, cnn, lstm) and the vision models build as they are. Empty otherwise.
 */
export function variantNote(settings: VariantSettings, models: readonly AnyModelId[]): string {
  const set = settings.attention !== 'full' || (settings.attentions?.length ?? 0) > 0;
  if (!set) return '';
  const without = models.filter((id) => !(VARIANT_MODELS as readonly unknown[]).includes(id));
  if (without.length === 0) return '';
  const variant = settings.attentions?.length
    ? `attentions="${settings.attentions.join(' ')}"`
    : `attention="${settings.attention}"`;
  return ` ${variant} applies to the attention models (${VARIANT_MODELS.join(', ')}); ${without.join(', ')} ${without.length > 1 ? 'have' : 'has'} no attention and train${without.length > 1 ? '' : 's'} as ${without.length > 1 ? 'they are' : 'it is'}.`;
}
