// Test helpers the packages' browser tests share: import from '../../ui/test/helpers.js'.
import { expect } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { defineElement, type VersionedElement } from '../src/define.js';

/** The first match of `selector` in the element's shadow root (null where none, typed as found). */
export const $ = <T extends Element = HTMLElement>(host: Element, selector: string): T =>
  host.shadowRoot!.querySelector<T>(selector)!;

/** Every match of `selector` in the element's shadow root. */
export const $$ = <T extends Element = HTMLElement>(host: Element, selector: string): T[] => [
  ...host.shadowRoot!.querySelectorAll<T>(selector),
];

/** The console warnings (each as one line of text) given while `body` runs. */
export async function capturingWarnings(body: () => unknown): Promise<string[]> {
  const original = console.warn;
  const warnings: string[] = [];
  console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
  try {
    await body();
  } finally {
    console.warn = original;
  }
  return warnings;
}

/** Moves the real mouse (through the browser's input pipeline) to the centre of `element`. */
export async function hover(element: Element): Promise<void> {
  const box = element.getBoundingClientRect();
  await sendMouse({
    type: 'move',
    position: [Math.round(box.x + box.width / 2), Math.round(box.y + box.height / 2)],
  });
}

/**
 * The packaging checks every element package passes: the class carries its package.json version,
 * importing the class registers nothing, the registration entry registers the tag, and
 * registering again is a quiet no-op. Call it from the package's own `test/package.test.ts`.
 */
export function describeElementPackage(
  {
    name,
    tag,
    elementClass,
    version,
    register,
  }: {
    /** The npm name, e.g. `@decoding-attention/attention-heatmap`. */
    name: string;
    tag: string;
    elementClass: VersionedElement;
    /** The VERSION the package exports. */
    version: string;
    /** Imports the registration entry. */
    register: () => Promise<unknown>;
  },
  packageJsonUrl: URL,
): void {
  describe(`${name} package`, () => {
    it('carries its package.json version on the class, for the define guard', async () => {
      const manifest = (await (await fetch(packageJsonUrl)).json()) as { version: string };
      expect(version).to.equal(manifest.version);
      expect(elementClass.version).to.equal(manifest.version);
    });

    it('registers nothing when only the class is imported', () => {
      expect(customElements.get(tag)).to.equal(undefined);
    });

    it('registers the tag from its registration entry; registering again is a quiet no-op', async () => {
      await register();
      expect(customElements.get(tag)).to.equal(elementClass);
      const warnings = await capturingWarnings(() => defineElement(tag, elementClass));
      expect(customElements.get(tag)).to.equal(elementClass);
      expect(warnings).to.deep.equal([]);
    });
  });
}
