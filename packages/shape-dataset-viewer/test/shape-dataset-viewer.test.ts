import {
  drawShape1D,
  generateShapes1D,
  generateShapes2D,
  type Sample1D,
  type Sample2D,
} from '@decoding-attention/core';
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys, sendMouse } from '@web/test-runner-commands';
import { $, $$, capturingWarnings, hover } from '../../ui/test/helpers.js';
import { CHART_POINTS, chartPositions } from '../src/chart1d.js';
import type { ShapeDatasetViewer } from '../src/index.js';
import '../src/shape-dataset-viewer.js';

afterEach(async () => {
  await sendMouse({ type: 'move', position: [0, 0] });
});

describe('<shape-dataset-viewer> in 1D', () => {
  it('shows the sample of its seed: a chart, every shape listed, every group mean', async () => {
    const el = await fixture<ShapeDatasetViewer>(
      html`<shape-dataset-viewer seed="12"></shape-dataset-viewer>`,
    );
    await el.updateComplete;
    const expected = generateShapes1D({ seed: 12 });
    const sample = el.sample as Sample1D;
    expect(sample.input).to.deep.equal(expected.input);
    expect(sample.shapes).to.deep.equal(expected.shapes);
    // The vega-lite chart has replaced the quick canvas plot.
    expect($(el, '.chart svg')).to.exist;
    expect($(el, 'canvas.fast-plot')!.hidden).to.equal(true);
    expect($$(el, '[role="option"]')).to.have.length(expected.shapes.length);
    const groups = $$(el, '.groups li').map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
    const types = [...new Set(expected.shapes.map((s) => s.type))];
    expect(groups).to.have.length(types.length);
    for (const type of types) {
      const members = expected.shapes.filter((s) => s.type === type);
      const mean = members.reduce((sum, s) => sum + s.amplitude, 0) / members.length;
      expect(groups).to.include(`${type} ×${members.length} mean ${mean.toFixed(1)}`);
    }
  });

  it('passes every generator option through its attribute', async () => {
    const el = await fixture<ShapeDatasetViewer>(html`
      <shape-dataset-viewer
        seed="3"
        length="500"
        min-width="20"
        max-width="22"
        min-amplitude="5"
        max-amplitude="6"
        noise-std="0"
        noise-sigma="2"
      ></shape-dataset-viewer>
    `);
    const sample = el.sample as Sample1D;
    expect(sample.input.length).to.equal(500);
    for (const shape of sample.shapes) {
      expect(shape.width).to.be.within(20, 22);
      expect(Math.abs(shape.amplitude)).to.be.within(5, 6);
    }
    // No noise: the input is exactly the shapes at their own amplitudes.
    const clean = new Float32Array(500);
    for (const s of sample.shapes) drawShape1D(clean, s.type, s.start, s.width, s.amplitude);
    expect(sample.input).to.deep.equal(clean);
    expect(el.options).to.include({ length: 500, minWidth: 20, noiseStd: 0, noiseSigma: 2 });
  });

  it('steps through samples with its buttons and keys, firing sample-change each time', async () => {
    const el = await fixture<ShapeDatasetViewer>(
      html`<shape-dataset-viewer seed="5"></shape-dataset-viewer>`,
    );
    const buttons = $$(el, 'button') as HTMLButtonElement[];
    const next = buttons.find((b) => b.textContent!.includes('Next'))!;
    const previous = buttons.find((b) => b.textContent!.includes('Previous'))!;

    setTimeout(() => next.click());
    const event = await oneEvent(el, 'sample-change');
    expect(event.detail.seed).to.equal(6);
    expect(event.detail.mode).to.equal('1d');
    expect((event.detail.sample as Sample1D).input).to.deep.equal(
      generateShapes1D({ seed: 6 }).input,
    );

    previous.click();
    await el.updateComplete;
    expect(el.seed).to.equal(5);

    next.focus();
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(el.seed).to.equal(6);
    await sendKeys({ press: 'p' });
    await el.updateComplete;
    expect(el.seed).to.equal(5);
    await sendKeys({ press: 'r' });
    await el.updateComplete;
    expect(el.seed).not.to.equal(5);

    const seedInput = $<HTMLInputElement>(el, 'input.seed')!;
    seedInput.value = '77';
    seedInput.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(el.seed).to.equal(77);
    expect(el.sample!.shapes).to.deep.equal(generateShapes1D({ seed: 77 }).shapes);
  });

  it('links the shape list and the chart: hovering either highlights the other', async () => {
    const el = await fixture<ShapeDatasetViewer>(
      html`<shape-dataset-viewer seed="21"></shape-dataset-viewer>`,
    );
    await el.updateComplete;
    const options = $$(el, '[role="option"]');

    setTimeout(() => hover(options[2]));
    const event = await oneEvent(el, 'shape-highlight');
    expect(event.detail.index).to.equal(2);
    expect(event.detail.shape).to.deep.equal(el.sample!.shapes[2]);
    await el.updateComplete;
    expect(options[2].getAttribute('aria-selected')).to.equal('true');
    // The chart's highlight parameter follows, so the shape's span is drawn stronger.
    const rects = $$(el, '.chart .mark-rect path');
    expect(rects).to.have.length(el.sample!.shapes.length);
    const opacities = rects.map((r) =>
      Number(r.getAttribute('fill-opacity') ?? r.getAttribute('opacity')),
    );
    expect(opacities.filter((o) => o > 0.4)).to.have.length(1);

    // And back: the real mouse over the last shape's span in the chart selects it in the list.
    const last = el.sample!.shapes.length - 1;
    const span = rects.find((_r, i) => i === last)!;
    await hover(span);
    await el.updateComplete;
    expect($$(el, '[role="option"]')[last].getAttribute('aria-selected')).to.equal('true');
  });

  it('moves through the shape list with the arrow keys', async () => {
    const el = await fixture<ShapeDatasetViewer>(
      html`<shape-dataset-viewer seed="4"></shape-dataset-viewer>`,
    );
    const list = $(el, '[role="listbox"]')!;
    list.focus();
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    await el.updateComplete;
    expect(list.getAttribute('aria-activedescendant')).to.equal('shape-1');
    await sendKeys({ press: 'End' });
    await el.updateComplete;
    expect(list.getAttribute('aria-activedescendant')).to.equal(
      `shape-${el.sample!.shapes.length - 1}`,
    );
    // Arrow keys inside the list do not change the sample.
    expect(el.seed).to.equal(4);
  });

  it('marks positions given by another element', async () => {
    const el = await fixture<ShapeDatasetViewer>(
      html`<shape-dataset-viewer seed="2"></shape-dataset-viewer>`,
    );
    el.markPositions([10, 250, 9999]);
    await el.updateComplete;
    expect($$(el, '.chart .role-mark.mark-rule line')).to.have.length(2);
    el.markPositions([]);
    await el.updateComplete;
    expect($$(el, '.chart .role-mark.mark-rule line')).to.have.length(0);
  });

  it('is accessible', async () => {
    const el = await fixture<ShapeDatasetViewer>(
      html`<shape-dataset-viewer seed="1"></shape-dataset-viewer>`,
    );
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });
});

describe('<shape-dataset-viewer> in 2D', () => {
  it('draws input and target pixel for pixel, crisp', async () => {
    const el = await fixture<ShapeDatasetViewer>(
      html`<shape-dataset-viewer mode="2d" seed="8"></shape-dataset-viewer>`,
    );
    const expected = generateShapes2D({ seed: 8 });
    const input = $<HTMLCanvasElement>(el, 'canvas.input-image')!;
    const target = $<HTMLCanvasElement>(el, 'canvas.target-image')!;
    expect([input.width, input.height]).to.deep.equal([128, 128]);
    expect(getComputedStyle(input).imageRendering).to.equal('pixelated');
    expect(input.getContext('2d')!.getImageData(0, 0, 128, 128).data).to.deep.equal(expected.input);
    expect(target.getContext('2d')!.getImageData(0, 0, 128, 128).data).to.deep.equal(
      expected.target,
    );
    expect($$(el, '[role="option"]')).to.have.length(expected.shapes.length);
  });

  it('marks shapes the filter leaves out of the target', async () => {
    const el = await fixture<ShapeDatasetViewer>(html`
      <shape-dataset-viewer mode="2d" seed="3" filter="channel"></shape-dataset-viewer>
    `);
    const sample = el.sample as Sample2D;
    const filtered = sample.shapes.filter((s) => !s.inTarget);
    expect(filtered.length).to.be.above(0);
    expect($$(el, '.outline.filtered')).to.have.length(filtered.length);
    const notes = $$(el, '[role="option"]').filter((o) => o.textContent!.includes('not in target'));
    expect(notes).to.have.length(filtered.length);
  });

  it('outlines the shape under the pointer and selects it in the list', async () => {
    const el = await fixture<ShapeDatasetViewer>(
      html`<shape-dataset-viewer mode="2d" seed="8"></shape-dataset-viewer>`,
    );
    const sample = el.sample as Sample2D;
    const shape = sample.shapes[1];
    const frame = $(el, '.frame')!;
    const box = frame.getBoundingClientRect();
    const scale = box.width / sample.width;
    await sendMouse({
      type: 'move',
      position: [
        Math.round(box.x + (shape.x + shape.width / 2) * scale),
        Math.round(box.y + (shape.y + shape.height - 2) * scale),
      ],
    });
    await el.updateComplete;
    expect($$(el, '[role="option"]')[1].getAttribute('aria-selected')).to.equal('true');
    // Outlined (with a halo) on both images.
    expect($$(el, '.outline:not(.halo):not(.filtered)')).to.have.length(2);
  });

  it('is accessible', async () => {
    const el = await fixture<ShapeDatasetViewer>(html`
      <shape-dataset-viewer mode="2d" seed="1" filter="filled-circles"></shape-dataset-viewer>
    `);
    await expect(el).to.be.accessible();
  });
});

describe('<shape-dataset-viewer> with bad input', () => {
  it('shows a specific message and warns, without throwing, and recovers when fixed', async () => {
    let el!: ShapeDatasetViewer;
    const warnings = await capturingWarnings(async () => {
      el = await fixture<ShapeDatasetViewer>(
        html`<shape-dataset-viewer length="-5"></shape-dataset-viewer>`,
      );
    });
    expect($(el, '[role="alert"]')!.textContent).to.match(/length must be a whole number/);
    expect(warnings.some((w) => w.includes('length must be'))).to.equal(true);
    expect(el.sample).to.equal(undefined);

    el.setAttribute('length', '300');
    await el.updateComplete;
    expect($(el, '[role="alert"]')).to.equal(null);
    expect((el.sample as Sample1D).input.length).to.equal(300);
  });

  it('draws its chart again after recovering from a bad value, and drops a stale highlight', async () => {
    const el = await fixture<ShapeDatasetViewer>(
      html`<shape-dataset-viewer seed="4"></shape-dataset-viewer>`,
    );
    await el.updateComplete;
    el.highlightShape(1);
    const cleared = oneEvent(el, 'shape-highlight');
    await capturingWarnings(async () => {
      el.setAttribute('length', '-1');
      await el.updateComplete;
    });
    expect((await cleared).detail.index).to.equal(-1);
    expect($(el, '.chart')).to.equal(null);
    el.setAttribute('length', '250');
    await el.updateComplete;
    // The chart is drawn again, in the container that came back with the sample.
    const chart = $(el, '.chart')!;
    expect(chart.hidden).to.equal(false);
    expect(chart.querySelector('canvas, svg')).to.not.equal(null);
    // A new seed clears a highlight too, telling followers.
    el.highlightShape(0);
    const next = oneEvent(el, 'shape-highlight');
    el.seed = 5;
    expect((await next).detail).to.deep.equal({ index: -1, shape: undefined });
  });

  it('names the attribute the author wrote, for every kind of bad value', async () => {
    const cases: [string, RegExp][] = [
      [
        '<shape-dataset-viewer min-width="50"></shape-dataset-viewer>',
        /min-width \(50\) must not exceed max-width/,
      ],
      [
        '<shape-dataset-viewer seed="abc"></shape-dataset-viewer>',
        /seed must be a whole number.*NaN/,
      ],
      [
        '<shape-dataset-viewer noise-std="-1"></shape-dataset-viewer>',
        /noise-std must be a number in \[0, 1000000\]/,
      ],
      ['<shape-dataset-viewer mode="3d"></shape-dataset-viewer>', /mode must be 1d or 2d/],
      [
        '<shape-dataset-viewer mode="2d" filter="blue"></shape-dataset-viewer>',
        /filter must be one of none, channel, filled-circles/,
      ],
      [
        '<shape-dataset-viewer mode="2d" width="0"></shape-dataset-viewer>',
        /width must be a whole number in \[1, 160\]/,
      ],
    ];
    for (const [markup, message] of cases) {
      const container = document.createElement('div');
      await capturingWarnings(async () => {
        container.innerHTML = markup;
        document.body.append(container);
        await (container.firstElementChild as ShapeDatasetViewer).updateComplete;
      });
      const el = container.firstElementChild as ShapeDatasetViewer;
      expect($(el, '[role="alert"]')?.textContent, markup).to.match(message);
      container.remove();
    }
  });
  it('names every attribute as written, never the generator option behind it', async () => {
    const cases: [string, RegExp][] = [
      ['theme="sepia"', /^theme must be one of auto, light, dark, got "sepia"$/],
      ['length="0"', /^length must be a whole number in \[1, 20000\], got 0$/],
      ['max-width="500"', /^max-width \(500\) must not exceed length \(400\)$/],
      ['min-width="1.5"', /^min-width must be a whole number >= 1, got 1\.5$/],
      ['max-width="0"', /^max-width must be a whole number >= 1, got 0$/],
      ['min-amplitude="-1"', /^min-amplitude must be a number in \[0, 1000000\], got -1$/],
      ['max-amplitude="-2"', /^max-amplitude must be a number in \[0, 1000000\], got -2$/],
      ['max-amplitude="5"', /^min-amplitude \(10\) must not exceed max-amplitude \(5\)$/],
      ['noise-std="x"', /^noise-std must be a number in \[0, 1000000\], got NaN$/],
      ['noise-sigma="2000"', /^noise-sigma must be a number in \[0, 100\], got 2000$/],
      ['mode="2d" height="5000"', /^height must be a whole number in \[1, 160\], got 5000$/],
      ['mode="2d" noise-std="-3"', /^noise-std must be a number in \[0, 1000\], got -3$/],
      ['mode="2d" blur-sigma="-1"', /^blur-sigma must be a number in \[0, 5\], got -1$/],
    ];
    for (const [attributes, message] of cases) {
      const container = document.createElement('div');
      const warnings = await capturingWarnings(async () => {
        container.innerHTML = `<shape-dataset-viewer ${attributes}></shape-dataset-viewer>`;
        document.body.append(container);
        await (container.firstElementChild as ShapeDatasetViewer).updateComplete;
      });
      const el = container.firstElementChild as ShapeDatasetViewer;
      const shown = $(el, '[role="alert"]')?.textContent;
      expect(shown, attributes).to.match(message);
      expect(warnings, attributes).to.deep.equal([`<shape-dataset-viewer>: ${shown}`]);
      // The options getter speaks of attributes too.
      expect(() => el.options, attributes).to.throw(RangeError, message);
      container.remove();
    }
  });

  it('goes back to the default when an attribute is removed', async () => {
    const el = await fixture<ShapeDatasetViewer>(html`
      <shape-dataset-viewer seed="6" min-width="20" max-amplitude="30"></shape-dataset-viewer>
    `);
    el.removeAttribute('min-width');
    el.removeAttribute('max-amplitude');
    await el.updateComplete;
    expect($(el, '[role="alert"]')).to.equal(null);
    expect(el.options).to.include({ minWidth: 10, maxAmplitude: 50 });
    expect(el.sample!.shapes).to.deep.equal(generateShapes1D({ seed: 6 }).shapes);

    el.mode = '2d';
    el.setAttribute('filter', 'channel');
    el.setAttribute('blur-sigma', '0');
    await el.updateComplete;
    el.removeAttribute('filter');
    el.removeAttribute('blur-sigma');
    await el.updateComplete;
    expect($(el, '[role="alert"]')).to.equal(null);
    expect(el.options).to.include({ filter: 'none', blurSigma: 1 });
    expect((el.sample as Sample2D).input).to.deep.equal(generateShapes2D({ seed: 6 }).input);
  });
});

describe('the 1D chart of a long series', () => {
  it('gets every point up to 600, beyond each bucket’s lowest and highest, in order', () => {
    expect(chartPositions(new Float32Array(CHART_POINTS))).to.have.length(600);
    const long = generateShapes1D({ seed: 9, length: 20_000, noiseSigma: 100 }).input;
    const positions = chartPositions(long);
    expect(positions.length).to.be.at.most(600);
    expect(positions).to.deep.equal([...positions].sort((a, b) => a - b));
    // The envelope is kept: the series' lowest and highest points are among those drawn.
    const values = [...long];
    expect(positions).to.include(values.indexOf(Math.min(...values)));
    expect(positions).to.include(values.indexOf(Math.max(...values)));
    // Bucket 0 (positions 0 to 65) of [3, 1, 2, 9, 5, 5, ...]: its lowest is at 1, its highest at 3.
    const steps = new Float32Array(20_000).fill(5);
    steps.set([3, 1, 2, 9]);
    expect(chartPositions(steps).slice(0, 2)).to.deep.equal([1, 3]);
  });
});

describe('<shape-dataset-viewer> out of view', () => {
  it('draws its chart once it comes near the view, the fast plot standing in till then', async () => {
    const container = await fixture<HTMLDivElement>(html`
      <div>
        <div style="height: 4000px"></div>
        <shape-dataset-viewer seed="3"></shape-dataset-viewer>
      </div>
    `);
    const el = container.querySelector<ShapeDatasetViewer>('shape-dataset-viewer')!;
    await el.updateComplete;
    expect($(el, 'canvas.fast-plot')!.hidden).to.equal(false);
    expect($(el, '.chart svg')).to.equal(null);
    el.scrollIntoView();
    await waitUntil(() => $(el, '.chart svg'), 'the chart is drawn once in view');
    await el.updateComplete;
    expect($(el, 'canvas.fast-plot')!.hidden).to.equal(true);
    window.scrollTo(0, 0);
  });

  it('draws its chart at once for an SVG export', async () => {
    const container = await fixture<HTMLDivElement>(html`
      <div>
        <div style="height: 4000px"></div>
        <shape-dataset-viewer seed="3"></shape-dataset-viewer>
      </div>
    `);
    const el = container.querySelector<ShapeDatasetViewer>('shape-dataset-viewer')!;
    await el.updateComplete;
    expect($(el, '.chart svg')).to.equal(null);
    expect(await el.toSVG()).to.match(/^<svg/);
  });
});

describe('<shape-dataset-viewer> export', () => {
  it('exports the sample and its options as JSON', async () => {
    const el = await fixture<ShapeDatasetViewer>(
      html`<shape-dataset-viewer seed="9" length="120"></shape-dataset-viewer>`,
    );
    const json = el.toJSON() as {
      mode: string;
      options: { seed: number; length: number };
      sample: { input: number[]; shapes: unknown[] };
    };
    expect(json.mode).to.equal('1d');
    expect(json.options).to.include({ seed: 9, length: 120 });
    expect(json.sample.input).to.deep.equal(
      Array.from(generateShapes1D({ seed: 9, length: 120 }).input),
    );
    expect(json.sample.shapes).to.deep.equal(JSON.parse(JSON.stringify(el.sample!.shapes)));
  });

  it('exports a PNG of the view, and SVG of the chart', async () => {
    const el = await fixture<ShapeDatasetViewer>(
      html`<shape-dataset-viewer seed="9"></shape-dataset-viewer>`,
    );
    const png = await el.toPNG();
    expect(png.type).to.equal('image/png');
    const bitmap = await createImageBitmap(png);
    expect(bitmap.width).to.be.above(400);
    expect(await el.toSVG()).to.match(/^<svg/);

    el.mode = '2d';
    await el.updateComplete;
    const image = await createImageBitmap(await el.toPNG(2));
    // Two 128-pixel images at scale 2, 8 pixels apart.
    expect([image.width, image.height]).to.deep.equal([2 * 256 + 8, 256]);
    expect(await el.toSVG()).to.equal(undefined);
  });

  it('downloads from its buttons with file names that say what they hold', async () => {
    const el = await fixture<ShapeDatasetViewer>(
      html`<shape-dataset-viewer mode="2d" seed="4"></shape-dataset-viewer>`,
    );
    const original = HTMLAnchorElement.prototype.click;
    const downloads: string[] = [];
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      downloads.push(this.download);
    };
    try {
      const buttons = $$(el, 'button') as HTMLButtonElement[];
      buttons.find((b) => b.textContent!.trim() === 'JSON')!.click();
      buttons.find((b) => b.textContent!.trim() === 'PNG')!.click();
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      HTMLAnchorElement.prototype.click = original;
    }
    expect(downloads).to.have.members(['shapes-2d-seed-4.json', 'shapes-2d-seed-4.png']);
  });
});

describe('<shape-dataset-viewer> theming and clean-up', () => {
  it('follows theme="dark" and the --da-* custom properties', async () => {
    const el = await fixture<ShapeDatasetViewer>(html`
      <shape-dataset-viewer
        theme="dark"
        style="--da-color-accent: rgb(255, 0, 0)"
      ></shape-dataset-viewer>
    `);
    expect(getComputedStyle(el).backgroundColor).to.equal('rgb(13, 17, 23)');
    expect(getComputedStyle(el).color).to.equal('rgb(230, 237, 243)');
    el.theme = 'light';
    await el.updateComplete;
    expect(getComputedStyle(el).backgroundColor).to.equal('rgb(255, 255, 255)');
    const list = $(el, '[role="listbox"]')!;
    el.highlightShape(0);
    await el.updateComplete;
    const selected = list.querySelector('[aria-selected="true"]')!;
    expect(getComputedStyle(selected).boxShadow).to.contain('rgb(255, 0, 0)');
  });

  it('finalises its chart and stops listening when removed', async () => {
    const original = window.matchMedia.bind(window);
    let listening = 0;
    window.matchMedia = (query: string) => {
      const list = original(query);
      const add = list.addEventListener.bind(list);
      const remove = list.removeEventListener.bind(list);
      list.addEventListener = (...args: Parameters<MediaQueryList['addEventListener']>) => {
        listening++;
        add(...args);
      };
      list.removeEventListener = (...args: Parameters<MediaQueryList['removeEventListener']>) => {
        listening--;
        remove(...args);
      };
      return list;
    };
    try {
      const el = await fixture<ShapeDatasetViewer>(
        html`<shape-dataset-viewer seed="1"></shape-dataset-viewer>`,
      );
      await el.updateComplete;
      expect(listening).to.equal(1);
      const chart = $(el, '.chart')!;
      expect(chart.children.length).to.be.above(0);
      el.remove();
      expect(listening).to.equal(0);
      expect(chart.children.length).to.equal(0);
      // Put back, it draws again.
      document.body.append(el);
      await el.updateComplete;
      expect($(el, '.chart svg')).to.exist;
      el.remove();
    } finally {
      window.matchMedia = original;
    }
  });
});

describe('<shape-dataset-viewer> following the colour scheme', () => {
  const LIGHT = {
    muted: 'rgb(89, 99, 110)',
    input: 'rgb(140, 149, 159)',
    target: 'rgb(31, 35, 40)',
  };
  const DARK = {
    muted: 'rgb(145, 152, 161)',
    input: 'rgb(110, 118, 129)',
    target: 'rgb(230, 237, 243)',
  };

  afterEach(() => emulateMedia({ colorScheme: 'light' }));

  /** Switches the reader's colour scheme and waits until the page has heard of it. */
  async function emulateScheme(colorScheme: 'light' | 'dark'): Promise<void> {
    const query = window.matchMedia('(prefers-color-scheme: dark)');
    if (query.matches === (colorScheme === 'dark')) return;
    const changed = new Promise((resolve) =>
      query.addEventListener('change', resolve, { once: true }),
    );
    await emulateMedia({ colorScheme });
    await changed;
  }

  /** How many pixels of `canvas` are exactly `color` (an `rgb(r, g, b)` string), opaque. */
  function pixelsOf(canvas: HTMLCanvasElement, color: string): number {
    const [r, g, b] = color.match(/\d+/g)!.map(Number);
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let count = 0;
    for (let i = 0; i < data.length; i += 4)
      if (data[i] === r && data[i + 1] === g && data[i + 2] === b && data[i + 3] === 255) count++;
    return count;
  }

  /**
   * Checks that the 1D sample is drawn in `scheme`'s colours: the chart's axis labels and lines
   * (its SVG), and the fast plot's target line (canvas pixels), with no pixel of the other's.
   */
  function expectDrawnIn(el: ShapeDatasetViewer, scheme: 'light' | 'dark'): void {
    const [colors, other] = scheme === 'dark' ? [DARK, LIGHT] : [LIGHT, DARK];
    const labels = $$(el, '.chart .role-axis-label text').map((t) => t.getAttribute('fill'));
    expect([...new Set(labels)], 'axis labels').to.deep.equal([colors.muted]);
    const lines = $$(el, '.chart .mark-line path').map((p) => p.getAttribute('stroke'));
    expect(lines, 'input and target lines').to.deep.equal([colors.input, colors.target]);
    const canvas = $<HTMLCanvasElement>(el, 'canvas.fast-plot');
    expect(pixelsOf(canvas, colors.target), 'target pixels').to.be.above(0);
    expect(pixelsOf(canvas, other.target), "the other scheme's target pixels").to.equal(0);
  }

  it("re-colours its chart and fast plot when the reader's scheme turns dark", async () => {
    const el = await fixture<ShapeDatasetViewer>(
      html`<shape-dataset-viewer seed="7"></shape-dataset-viewer>`,
    );
    await el.updateComplete;
    expectDrawnIn(el, 'light');

    await emulateScheme('dark');
    await el.updateComplete;
    expectDrawnIn(el, 'dark');
    // The chart is back in place of the fast plot, with the sample's shapes still linked.
    expect($(el, '.chart').hidden).to.equal(false);
    expect($$(el, '.chart .mark-rect path')).to.have.length(el.sample!.shapes.length);
  });

  it('re-colours its chart and fast plot when theme="dark" is set', async () => {
    const el = await fixture<ShapeDatasetViewer>(
      html`<shape-dataset-viewer seed="7"></shape-dataset-viewer>`,
    );
    await el.updateComplete;
    el.setAttribute('theme', 'dark');
    await el.updateComplete;
    expectDrawnIn(el, 'dark');
  });

  it('outlines the highlighted 2D shape in the dark accent once the scheme turns dark', async () => {
    const el = await fixture<ShapeDatasetViewer>(
      html`<shape-dataset-viewer mode="2d" seed="8"></shape-dataset-viewer>`,
    );
    el.highlightShape(1);
    await el.updateComplete;
    const stroke = () => getComputedStyle($(el, '.outline:not(.halo)')).stroke;
    expect(stroke()).to.equal('rgb(9, 105, 218)');
    await emulateScheme('dark');
    await el.updateComplete;
    expect(stroke()).to.equal('rgb(68, 147, 248)');
  });
});

describe('<shape-dataset-viewer> embed code', () => {
  it('gives the tag with the settings shown, which pasted shows the same sample', async () => {
    const el = await fixture<ShapeDatasetViewer>(
      html`<shape-dataset-viewer mode="2d" filter="channel"></shape-dataset-viewer>`,
    );
    el.seed = 12;
    el.noiseStd = 40;
    await el.updateComplete;
    expect(el.embedCode()).to.equal(
      [
        '<shape-dataset-viewer',
        '  mode="2d"',
        '  seed="12"',
        '  noise-std="40"',
        '  filter="channel"',
        '></shape-dataset-viewer>',
      ].join('\n'),
    );
    const container = await fixture<HTMLDivElement>(html`<div></div>`);
    container.innerHTML = el.embedCode();
    const copy = container.firstElementChild as ShapeDatasetViewer;
    await copy.updateComplete;
    expect(copy.options).to.deep.equal(el.options);
    expect((copy.sample as Sample2D).input).to.deep.equal((el.sample as Sample2D).input);
  });
});
