import type { ComplexAttributeConverter } from 'lit';

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
    toAttribute: (value) => value?.join(' '),
  };
}

/** A list of words, such as model ids or view names. */
export const wordList = listConverter((entry) => entry);

/** A list of numbers; entries that are not numbers read as NaN, for validation to name. */
export const numberList = listConverter(Number);
