import { expect, fixture, html } from '@open-wc/testing';
import { property } from 'lit/decorators.js';
import { DecodingElement, numberList } from '../src/index.js';

/** An element with one attribute of each kind the real elements have. */
class DefaultsProbe extends DecodingElement {
  @property() mode: 'one' | 'two' = 'one';
  @property({ type: Number }) size = 3;
  @property({ converter: numberList }) globals: number[] = [0];
  @property() optional?: string;
  @property({ attribute: false }) data: number[] | undefined = [1];

  /** The theme check every element's validate() starts with, as its message. */
  themeProblem(): string {
    try {
      this.validateTheme();
      return '';
    } catch (error) {
      return (error as Error).message;
    }
  }
}
customElements.define('da-defaults-probe', DefaultsProbe);

describe('DecodingElement attribute defaults', () => {
  it('restores the default when an attribute is removed', async () => {
    const el = await fixture<DefaultsProbe>(
      html`<da-defaults-probe mode="two" size="9" globals="4 5" optional="x"></da-defaults-probe>`,
    );
    expect([el.mode, el.size, el.globals, el.optional]).to.deep.equal(['two', 9, [4, 5], 'x']);
    for (const name of ['mode', 'size', 'globals', 'optional']) el.removeAttribute(name);
    await el.updateComplete;
    expect([el.mode, el.size, el.globals, el.optional]).to.deep.equal(['one', 3, [0], undefined]);
    // Nothing is written back: the attributes stay removed.
    expect(el.getAttributeNames().filter((name) => name !== 'theme')).to.deep.equal([]);
  });

  it('restores the default when a property is set to undefined or null, as frameworks do', async () => {
    const el = await fixture<DefaultsProbe>(html`<da-defaults-probe></da-defaults-probe>`);
    el.mode = 'two';
    el.size = 8;
    await el.updateComplete;
    (el as unknown as Record<string, unknown>).mode = undefined;
    (el as unknown as Record<string, unknown>).size = null;
    (el as unknown as Record<string, unknown>).globals = undefined;
    await el.updateComplete;
    expect([el.mode, el.size, el.globals]).to.deep.equal(['one', 3, [0]]);
    // Each element gets its own copy of a list default.
    el.globals.push(7);
    const other = await fixture<DefaultsProbe>(html`<da-defaults-probe></da-defaults-probe>`);
    (other as unknown as Record<string, unknown>).globals = null;
    expect(other.globals).to.deep.equal([0]);
  });

  it('leaves data properties (no attribute) and the theme attribute as the platform would', async () => {
    const el = await fixture<DefaultsProbe>(
      html`<da-defaults-probe theme="dark"></da-defaults-probe>`,
    );
    el.data = undefined;
    el.removeAttribute('theme');
    await el.updateComplete;
    expect(el.data).to.equal(undefined);
    expect(el.theme).to.equal('auto');
    expect(el.hasAttribute('theme')).to.equal(false);
  });
});

describe('DecodingElement theme check', () => {
  it('accepts auto, light and dark and names the attribute for anything else', async () => {
    const el = await fixture<DefaultsProbe>(html`<da-defaults-probe></da-defaults-probe>`);
    for (const theme of ['auto', 'light', 'dark']) {
      el.setAttribute('theme', theme);
      expect(el.themeProblem()).to.equal('');
    }
    el.setAttribute('theme', 'sepia');
    expect(el.themeProblem()).to.equal('theme must be one of auto, light, dark, got "sepia"');
  });

  it('settles and names the attribute for a theme of NaN or an object without a prototype', async () => {
    const el = await fixture<DefaultsProbe>(html`<da-defaults-probe></da-defaults-probe>`);
    const target = el as unknown as { theme: unknown };
    target.theme = NaN;
    // NaN never equals itself: the theme colours must not see a change on every update.
    await el.updateComplete;
    expect(el.themeProblem()).to.equal('theme must be one of auto, light, dark, got "NaN"');
    target.theme = Object.create(null);
    await el.updateComplete;
    expect(el.themeProblem()).to.equal(
      'theme must be one of auto, light, dark, got "[object Object]"',
    );
    target.theme = 'dark';
    await el.updateComplete;
    expect(el.themeProblem()).to.equal('');
  });
});

describe('DecodingElement first render', () => {
  it('renders each element in a task of its own, so many on one page never add up to one long task', async () => {
    const host = await fixture<HTMLDivElement>(html`<div></div>`);
    const order: string[] = [];
    class Counted extends DefaultsProbe {
      override firstUpdated(): void {
        order.push('render');
        // Runs before the next element renders only if that render is in a later task.
        queueMicrotask(() => order.push('done'));
      }
    }
    customElements.define('da-counted-probe', Counted);
    const elements = Array.from({ length: 3 }, () => document.createElement('da-counted-probe'));
    host.append(...elements);
    await Promise.all(elements.map((element) => (element as Counted).updateComplete));
    expect(order).to.deep.equal(['render', 'done', 'render', 'done', 'render', 'done']);
    expect(elements.every((element) => element.shadowRoot?.childNodes.length)).to.equal(true);
  });
});
