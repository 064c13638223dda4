/** A custom element class that carries the version of the package that defines it. */
export type VersionedElement = CustomElementConstructor & { readonly version?: string };

/**
 * Registers `tag` unless it is already registered. Registering the same class, or another copy
 * of the same version, twice is a no-op; a different version already registered wins, with a
 * console warning, since two copies of an element on one page is almost always a bundling slip.
 */
export function defineElement(tag: string, element: VersionedElement): void {
  const registry = globalThis.customElements;
  if (!registry) return;
  const existing = registry.get(tag) as VersionedElement | undefined;
  if (!existing) {
    registry.define(tag, element);
    return;
  }
  if (existing !== element && existing.version !== element.version) {
    console.warn(
      `<${tag}> is already defined by version ${existing.version ?? 'unknown'}; ` +
        `version ${element.version ?? 'unknown'} was not registered. Load one copy of the element.`,
    );
  }
}
