import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import {
  DecodingElement,
  composeSideBySide,
  defineElement,
  embedChart,
  readThemeColors,
  themeStyles,
  toJsonText,
  type VersionedElement,
} from '../src/index.js';

function capturingWarnings(body: () => void): string[] {
  const original = console.warn;
  const warnings: string[] = [];
  console.warn = (...args: unknown[]) => warnings.push(args.join(' '));
  try {
    body();
  } finally {
    console.warn = original;
  }
  return warnings;
}

describe('defineElement', () => {
  it('registers a tag once; the same class or version again is a quiet no-op', () => {
    class First extends HTMLElement {
      static readonly version = '1.2.3';
    }
    class SameVersion extends HTMLElement {
      static readonly version = '1.2.3';
    }
    const warnings = capturingWarnings(() => {
      defineElement('da-guard-one', First);
      defineElement('da-guard-one', First);
      defineElement('da-guard-one', SameVersion);
    });
    expect(customElements.get('da-guard-one')).to.equal(First);
    expect(warnings).to.deep.equal([]);
  });

  it('keeps the first version and warns when another version is registered', () => {
    class Old extends HTMLElement {
      static readonly version = '1.0.0';
    }
    class New extends HTMLElement {
      static readonly version = '2.0.0';
    }
    const warnings = capturingWarnings(() => {
      defineElement('da-guard-two', Old as VersionedElement);
      defineElement('da-guard-two', New as VersionedElement);
    });
    expect(customElements.get('da-guard-two')).to.equal(Old);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain(
      '<da-guard-two> is already defined by version 1.0.0; version 2.0.0 was not registered',
    );
  });
});

describe('toJsonText', () => {
  it('writes typed arrays as arrays', () => {
    expect(
      JSON.parse(toJsonText({ a: Float32Array.of(1.5, 2), b: Uint8ClampedArray.of(3) })),
    ).to.deep.equal({
      a: [1.5, 2],
      b: [3],
    });
  });
});

describe('composeSideBySide', () => {
  it('places canvases side by side at a scale, pixels kept crisp', () => {
    const red = document.createElement('canvas');
    red.width = 2;
    red.height = 2;
    const context = red.getContext('2d')!;
    context.fillStyle = '#ff0000';
    context.fillRect(0, 0, 1, 1);
    const blue = document.createElement('canvas');
    blue.width = 3;
    blue.height = 1;
    blue.getContext('2d')!.fillStyle = '#0000ff';
    blue.getContext('2d')!.fillRect(0, 0, 3, 1);
    const out = composeSideBySide([red, blue], { scale: 2, gap: 4, background: '#ffffff' });
    expect([out.width, out.height]).to.deep.equal([2 * 2 + 4 + 3 * 2, 4]);
    const pixel = (x: number, y: number) => [
      ...out.getContext('2d')!.getImageData(x, y, 1, 1).data,
    ];
    expect(pixel(0, 0)).to.deep.equal([255, 0, 0, 255]);
    expect(pixel(1, 1)).to.deep.equal([255, 0, 0, 255]);
    expect(pixel(2, 2)).to.deep.equal([255, 255, 255, 255]);
    expect(pixel(5, 0)).to.deep.equal([255, 255, 255, 255]);
    expect(pixel(8, 1)).to.deep.equal([0, 0, 255, 255]);
  });
});

class ThemedProbe extends LitElement {
  static override styles = [themeStyles];
}
customElements.define('da-themed-probe', ThemedProbe);

describe('themeStyles', () => {
  it('resolves light and dark colours, and authors override them with --da-* properties', async () => {
    const light = await fixture<ThemedProbe>(
      html`<da-themed-probe theme="light"></da-themed-probe>`,
    );
    expect(readThemeColors(light.shadowRoot!).background).to.equal('rgb(255, 255, 255)');
    const dark = await fixture<ThemedProbe>(html`<da-themed-probe theme="dark"></da-themed-probe>`);
    expect(readThemeColors(dark.shadowRoot!).background).to.equal('rgb(13, 17, 23)');
    const custom = await fixture<ThemedProbe>(
      html`<da-themed-probe style="--da-color-accent: rgb(1, 2, 3)"></da-themed-probe>`,
    );
    expect(readThemeColors(custom.shadowRoot!).accent).to.equal('rgb(1, 2, 3)');
  });
});

describe('embedChart', () => {
  it('draws a vega-lite chart without eval, and finalize empties the container', async () => {
    const container = document.createElement('div');
    document.body.append(container);
    // vega's CSP-safe mode must not reach for the Function constructor.
    const OriginalFunction = window.Function;
    let evaluated = 0;
    window.Function = new Proxy(OriginalFunction, {
      construct(target, args) {
        evaluated++;
        return Reflect.construct(target, args);
      },
      apply(target, self, args) {
        evaluated++;
        return Reflect.apply(target, self, args);
      },
    });
    try {
      const colors = readThemeColors(document.body);
      const chart = await embedChart(
        container,
        {
          data: {
            values: [
              { x: 1, y: 2 },
              { x: 2, y: 5 },
            ],
          },
          mark: 'line',
          transform: [{ filter: 'datum.y > 1' }],
          encoding: {
            x: { field: 'x', type: 'quantitative' },
            y: { field: 'y', type: 'quantitative' },
          },
        },
        { colors },
      );
      expect(container.querySelector('svg')).to.exist;
      expect(await chart.toSvg()).to.match(/^<svg/);
      chart.finalize();
      expect(container.children.length).to.equal(0);
    } finally {
      window.Function = OriginalFunction;
      container.remove();
    }
    expect(evaluated).to.equal(0);
  });
});

describe('embed code', () => {
  class EmbedProbe extends DecodingElement {
    static override properties = {
      count: { type: Number },
      label: {},
      wide: { type: Boolean, reflect: true },
      sizes: { attribute: 'sizes' },
      hiddenData: { attribute: false },
      widthPx: { attribute: 'width-px', type: Number },
    };
    declare count: number;
    declare label: string;
    declare wide: boolean;
    declare sizes: number[];
    declare hiddenData: number[];
    declare widthPx?: number;
    constructor() {
      super();
      this.count = 3;
      this.label = 'Attention';
      this.wide = false;
      this.sizes = [1, 2];
      this.hiddenData = [];
    }
    override render() {
      return html`<div class="toolbar">${this.renderEmbedButton()}</div>`;
    }
  }
  customElements.define('da-embed-probe', EmbedProbe);

  it('writes the tag with the attributes that differ from the defaults, escaped', async () => {
    const el = await fixture<EmbedProbe>(html`<da-embed-probe></da-embed-probe>`);
    expect(el.embedCode()).to.equal('<da-embed-probe></da-embed-probe>');
    el.id = 'probe';
    el.count = 5;
    el.label = 'Say "hi" & <go>';
    el.wide = true;
    el.sizes = [4, 8, 16];
    el.hiddenData = [1];
    el.widthPx = 320;
    el.theme = 'dark';
    expect(el.embedCode()).to.equal(
      [
        '<da-embed-probe',
        '  id="probe"',
        '  theme="dark"',
        '  count="5"',
        '  label="Say &quot;hi&quot; &amp; &lt;go>"',
        '  wide',
        '  sizes="4 8 16"',
        '  width-px="320"',
        '></da-embed-probe>',
      ].join('\n'),
    );
    // Pasted into a page, the tag gives back the same settings.
    const container = document.createElement('div');
    container.innerHTML = el.embedCode();
    const copy = container.firstElementChild as EmbedProbe;
    expect([copy.count, copy.label, copy.wide, copy.widthPx, copy.theme]).to.deep.equal([
      5,
      'Say "hi" & <go>',
      true,
      320,
      'dark',
    ]);
  });

  it('copies from its button, or shows the code selected where the clipboard is closed', async () => {
    const el = await fixture<EmbedProbe>(html`<da-embed-probe count="7"></da-embed-probe>`);
    const clipboard = navigator.clipboard;
    const written: string[] = [];
    const button = el.shadowRoot!.querySelector('button')!;
    try {
      Object.defineProperty(navigator, 'clipboard', {
        configurable: true,
        value: { writeText: (text: string) => (written.push(text), Promise.resolve()) },
      });
      button.click();
      await new Promise((resolve) => setTimeout(resolve));
      await el.updateComplete;
      expect(written).to.deep.equal(['<da-embed-probe count="7"></da-embed-probe>']);
      expect(button.textContent!.trim()).to.equal('Copied ✓');
      expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.equal(
        'Embed code copied to the clipboard',
      );

      Object.defineProperty(navigator, 'clipboard', {
        configurable: true,
        value: { writeText: () => Promise.reject(new Error('denied')) },
      });
      button.click();
      await new Promise((resolve) => setTimeout(resolve));
      await el.updateComplete;
      const field = el.shadowRoot!.querySelector('textarea')!;
      expect(field.value).to.equal('<da-embed-probe count="7"></da-embed-probe>');
      expect(el.shadowRoot!.activeElement).to.equal(field);
      expect([field.selectionStart, field.selectionEnd]).to.deep.equal([0, field.value.length]);
    } finally {
      Object.defineProperty(navigator, 'clipboard', { configurable: true, value: clipboard });
    }
  });
});
