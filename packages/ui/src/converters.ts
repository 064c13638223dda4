import type { ComplexAttributeConverter } from 'lit';

/** `value` as attribute text; never throws (a prototype-less object or a symbol has no text). */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  try {
    return typeof value === 'symbol' ? value.toString() : String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/** The entries of a list attribute: separated by spaces or commas, blanks dropped. */
function listEntries(value: string | null): string[] {
  return (value ?? '').split(/[\s,]+/).filter(Boolean);
}

/**
 * The one converter for list attributes (`models="cnn lstm"`, `globals="0, 10"`): entries
 * separated by spaces or commas, each read by `parse`; written back space-separated. A removed
 * attribute reads as `undefined`, so the property goes back to its default.
 */
export function listConverter<T>(
  parse: (entry: string) => T,
): ComplexAttributeConverter<T[] | undefined> {
  return {
    fromAttribute: (value) => (value === null ? undefined : listEntries(value).map(parse)),
    toAttribute: (value) =>
      Array.isArray(value)
        ? value.map(asText).join(' ')
        : value === null || value === undefined
          ? value
          : asText(value),
  };
}

/** A list of words, such as model ids or view names. */
export const wordList = listConverter((entry) => entry);

/** A list of numbers; entries that are not numbers read as NaN, for validation to name. */
export const numberList = listConverter(Number);

/**
 * A reflected word attribute (`mode`, `theme`): read as written; written back as text whatever
 * the property was set to from script (a prototype-less object or a symbol has no text of its
 * own and would throw), so validation, not reflection, reports a wrong value.
 */
export const word: ComplexAttributeConverter<unknown> = {
  fromAttribute: (value) => value,
  toAttribute: (value) => (value === null || value === undefined ? value : asText(value)),
};
