import type { LitElement, PropertyDeclaration } from 'lit';

/** Escapes a value for a double-quoted HTML attribute. */
function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((v, i) => same(v, b[i]));
  return false;
}

/** The attribute text of `value` as the property's converter (or Lit's default) would read it back. */
function attributeText(value: unknown, options: PropertyDeclaration): string | undefined {
  const converter = options.converter;
  if (converter && typeof converter === 'object' && converter.toAttribute)
    return converter.toAttribute(value, options.type) as string | undefined;
  if (typeof value === 'boolean') return value ? '' : undefined;
  if (Array.isArray(value)) return value.join(' ');
  if (typeof value === 'number' || typeof value === 'string') return String(value);
  return undefined;
}

/**
 * The element as a tag to paste into a post: its id and every attribute-backed property whose
 * value differs from the element's default, in declaration order. Properties without an
 * attribute (data set from script) are left out: a pasted tag cannot carry them.
 */
export function embedCode(element: LitElement): string {
  const constructor = element.constructor as typeof LitElement;
  const fresh = document.createElement(element.localName) as unknown as Record<string, unknown>;
  const current = element as unknown as Record<string, unknown>;
  const attributes: string[] = [];
  if (element.id) attributes.push(`id="${escapeAttribute(element.id)}"`);
  for (const [key, options] of constructor.elementProperties) {
    if (options.state || options.attribute === false || typeof key !== 'string') continue;
    const value = current[key];
    if (value === undefined || value === null || same(value, fresh[key])) continue;
    const text = attributeText(value, options);
    if (text === undefined) continue;
    const name = typeof options.attribute === 'string' ? options.attribute : key.toLowerCase();
    attributes.push(text === '' ? name : `${name}="${escapeAttribute(text)}"`);
  }
  const tag = element.localName;
  const oneLine = `<${[tag, ...attributes].join(' ')}></${tag}>`;
  return oneLine.length <= 80 || attributes.length < 2
    ? oneLine
    : `<${tag}\n${attributes.map((a) => `  ${a}`).join('\n')}\n></${tag}>`;
}

/** Copies `text` to the clipboard; false where the page may not (no permission, no secure context). */
export async function copyText(text: string): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}
