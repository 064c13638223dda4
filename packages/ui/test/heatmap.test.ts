import { colormapTable, toMatrix } from '@decoding-attention/core';
import { expect, fixture, html } from '@open-wc/testing';
import { LitElement } from 'lit';
import {
  ElementLink,
  drawColorBar,
  drawHeatmap,
  drawHeatmapInSlices,
  heatmapDomain,
  heatmapPixels,
  niceTicks,
  packRgb,
  rgbOf,
  type HeatmapStyle,
} from '../src/index.js';

const rgba = (pixels: Uint8ClampedArray, i: number) => [...pixels.subarray(4 * i, 4 * i + 4)];
const viridis = (index: number) => {
  const table = colormapTable('viridis');
  return [table[3 * index], table[3 * index + 1], table[3 * index + 2], 255];
};

describe('heatmapPixels', () => {
  it('maps values through the colour map, masked cells to a checkerboard', () => {
    const matrix = toMatrix([
      [0, 0.5],
      [1, 0.25],
    ]);
    const mask = Uint8Array.of(1, 0, 1, 0);
    const pixels = heatmapPixels(
      matrix,
      {
        colormap: 'viridis',
        scale: 'linear',
        normalize: 'global',
        maskColors: [
          [1, 2, 3],
          [4, 5, 6],
        ],
      },
      mask,
    );
    expect(rgba(pixels, 0)).to.deep.equal(viridis(0));
    expect(rgba(pixels, 1)).to.deep.equal([4, 5, 6, 255]);
    expect(rgba(pixels, 2)).to.deep.equal(viridis(256));
    expect(rgba(pixels, 3)).to.deep.equal([1, 2, 3, 255]);
  });

  it('centres diverging maps on 0 and starts weights at 0', () => {
    const signed = toMatrix([[-0.5, 0.25]]);
    expect(
      heatmapDomain(signed, { colormap: 'rdbu', scale: 'linear', normalize: 'global' }),
    ).to.deep.equal([-0.5, 0.5]);
    const weights = toMatrix([[0.2, 0.8]]);
    expect(
      heatmapDomain(weights, { colormap: 'viridis', scale: 'linear', normalize: 'global' }),
    ).to.deep.equal([0, 0.800000011920929]);
    expect(
      heatmapDomain(weights, {
        colormap: 'viridis',
        scale: 'linear',
        normalize: 'global',
        domain: [0, 2],
      }),
    ).to.deep.equal([0, 2]);
  });
});

describe('colours as pixels', () => {
  it('reads a resolved colour and packs it as one pixel word', () => {
    expect(rgbOf('rgb(13, 17, 23)')).to.deep.equal([13, 17, 23]);
    expect(rgbOf('rgba(255, 0, 128, 0.5)')).to.deep.equal([255, 0, 128]);
    const image = new ImageData(1, 1);
    new Uint32Array(image.data.buffer)[0] = packRgb(13, 17, 23);
    expect([...image.data]).to.deep.equal([13, 17, 23, 255]);
  });

  it('draws a colour bar high at the top, and leaves one already showing its map', () => {
    const canvas = document.createElement('canvas');
    drawColorBar(canvas, 'viridis');
    const context = canvas.getContext('2d')!;
    const at = (y: number) => [...context.getImageData(0, y, 1, 1).data];
    expect([canvas.width, canvas.height]).to.deep.equal([1, 257]);
    expect(at(0)).to.deep.equal(viridis(256));
    expect(at(256)).to.deep.equal(viridis(0));
    // Drawn over, then asked for the same map: left alone (no clearing, no new frame's work).
    context.fillStyle = 'rgb(1, 2, 3)';
    context.fillRect(0, 0, 1, 1);
    drawColorBar(canvas, 'viridis');
    expect(at(0)).to.deep.equal([1, 2, 3, 255]);
    drawColorBar(canvas, 'magma');
    const magma = colormapTable('magma');
    expect(at(0)).to.deep.equal([magma[3 * 256], magma[3 * 256 + 1], magma[3 * 256 + 2], 255]);
  });
});

describe('drawHeatmapInSlices', () => {
  const style: HeatmapStyle = { colormap: 'viridis', scale: 'log', normalize: 'row' };
  const square = (n: number, seed: number) =>
    toMatrix(
      Array.from({ length: n }, (_, r) =>
        Array.from({ length: n }, (_, c) => ((r * 31 + c * 17 + seed) % 97) / 97),
      ),
    );
  const canvasPixels = (canvas: HTMLCanvasElement) =>
    canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;

  it('draws the same pixels as heatmapPixels, yielding between slices, the canvas changing only at the end', async () => {
    const canvas = document.createElement('canvas');
    const before = square(20, 0);
    drawHeatmap(canvas, before, style);
    const matrix = square(300, 5);
    let yields = 0;
    const drawn = drawHeatmapInSlices(canvas, matrix, style, undefined, {
      budget: 0,
      yieldTask: async () => {
        yields++;
        // Mid-draw the canvas still shows the previous matrix, whole.
        expect([canvas.width, canvas.height]).to.deep.equal([20, 20]);
        expect([...canvasPixels(canvas)]).to.deep.equal([...heatmapPixels(before, style)]);
      },
    });
    expect(await drawn).to.equal(true);
    // 300 columns: 13 rows (about 4,000 cells) a slice, 24 slices, a yield between each two.
    expect(yields).to.equal(23);
    expect([canvas.width, canvas.height]).to.deep.equal([300, 300]);
    expect([...canvasPixels(canvas)]).to.deep.equal([...heatmapPixels(matrix, style)]);
  });

  it('stops when cancelled or overtaken by a newer draw on the canvas, which wins', async () => {
    const canvas = document.createElement('canvas');
    // 200 columns: 20 rows a slice, 10 slices.
    const [a, b] = [square(200, 1), square(200, 2)];
    let cancel = false;
    const cancelled = drawHeatmapInSlices(canvas, a, style, undefined, {
      budget: 0,
      cancelled: () => cancel,
    });
    cancel = true;
    expect(await cancelled).to.equal(false);
    // Never drawn: the canvas keeps its default size.
    expect([canvas.width, canvas.height]).to.deep.equal([300, 150]);

    const older = drawHeatmapInSlices(canvas, a, style, undefined, { budget: 0 });
    const newer = drawHeatmapInSlices(canvas, b, style, undefined, { budget: 0 });
    expect(await older).to.equal(false);
    expect(await newer).to.equal(true);
    expect([...canvasPixels(canvas)]).to.deep.equal([...heatmapPixels(b, style)]);
    // A synchronous draw overtakes a sliced one too.
    const overtaken = drawHeatmapInSlices(canvas, b, style, undefined, { budget: 0 });
    drawHeatmap(canvas, a, style);
    expect(await overtaken).to.equal(false);
    expect([...canvasPixels(canvas)]).to.deep.equal([...heatmapPixels(a, style)]);
  });
});

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 times a power of ten', () => {
    expect(niceTicks(400)).to.deep.equal([0, 100, 200, 300]);
    expect(niceTicks(10)).to.deep.equal([0, 2, 4, 6, 8]);
    expect(niceTicks(1024)).to.deep.equal([0, 200, 400, 600, 800, 1000]);
    expect(niceTicks(3)).to.deep.equal([0, 1, 2]);
    expect(niceTicks(1)).to.deep.equal([0]);
  });
});

class LinkHost extends LitElement {
  attached: Element[] = [];
  detached: Element[] = [];
  readonly link = new ElementLink(
    this,
    (target) => this.attached.push(target),
    (target) => this.detached.push(target),
  );
}
customElements.define('da-link-host', LinkHost);

describe('ElementLink', () => {
  it('finds its target now or when it is added later, and lets go on disconnect', async () => {
    const container = await fixture<HTMLDivElement>(html`<div><da-link-host></da-link-host></div>`);
    const host = container.querySelector<LinkHost>('da-link-host')!;
    host.link.follow('later');
    expect(host.attached).to.deep.equal([]);
    const target = document.createElement('span');
    target.id = 'later';
    container.append(target);
    await new Promise((resolve) => setTimeout(resolve));
    expect(host.attached).to.deep.equal([target]);
    expect(host.link.element).to.equal(target);
    host.remove();
    expect(host.detached).to.deep.equal([target]);
    container.append(host);
    expect(host.attached).to.deep.equal([target, target]);
    host.link.follow('');
    expect(host.detached).to.deep.equal([target, target]);
    expect(host.link.element).to.equal(undefined);
  });
});

class PickyLinkHost extends LitElement {
  readonly link = new ElementLink(
    this,
    () => undefined,
    () => undefined,
    (element): element is HTMLSpanElement => element.localName === 'span',
    'a <span>',
  );
}
customElements.define('da-picky-link-host', PickyLinkHost);

describe('ElementLink problems', () => {
  it('says when for= names nothing, itself or the wrong kind, and clears once it is right', async () => {
    const container = await fixture<HTMLDivElement>(
      html`<div><da-picky-link-host id="me"></da-picky-link-host></div>`,
    );
    const host = container.querySelector<PickyLinkHost>('da-picky-link-host')!;
    const tick = () => new Promise((resolve) => setTimeout(resolve));
    host.link.follow('nowhere');
    expect(host.link.problem).to.equal(
      'for="nowhere" names no element on this page; give a <span> id="nowhere"',
    );
    host.link.follow('me');
    expect(host.link.problem).to.equal('for="me" names this element itself; name a <span>');
    const div = Object.assign(document.createElement('div'), { id: 'target' });
    container.append(div);
    host.link.follow('target');
    expect(host.link.problem).to.equal(
      'for="target" names a <div>, which cannot be followed; name a <span>',
    );
    expect(host.link.element).to.equal(undefined);
    div.remove();
    const span = Object.assign(document.createElement('span'), { id: 'target' });
    container.append(span);
    await tick();
    expect(host.link.problem).to.equal(undefined);
    expect(host.link.element).to.equal(span);
    host.link.follow('');
    expect(host.link.problem).to.equal(undefined);
  });
});

/** Follows spans, and `<da-later-span>` once it is defined (as a lazily loaded tag is). */
class LateLinkHost extends LitElement {
  readonly link = new ElementLink(
    this,
    () => undefined,
    () => undefined,
    (element): element is HTMLElement =>
      element.localName === 'span' ||
      (element.localName === 'da-later-span' && customElements.get('da-later-span') !== undefined),
    'a <span>',
  );
}
customElements.define('da-late-link-host', LateLinkHost);

describe('ElementLink and elements defined later', () => {
  it('waits for a followed custom element to be defined before judging it', async function () {
    this.timeout(15_000);
    const container = await fixture<HTMLDivElement>(
      html`<div><da-late-link-host></da-late-link-host></div>`,
    );
    const host = container.querySelector<LateLinkHost>('da-late-link-host')!;
    const later = Object.assign(document.createElement('da-later-span'), { id: 'later' });
    container.append(later);
    host.link.follow('later');
    expect(host.link.problem).to.equal(undefined);
    expect(host.link.element).to.equal(undefined);
    customElements.define('da-later-span', class extends HTMLElement {});
    await new Promise((resolve) => setTimeout(resolve));
    expect(host.link.problem).to.equal(undefined);
    expect(host.link.element).to.equal(later);
    // A tag never defined is named once the grace period is over.
    const typo = Object.assign(document.createElement('da-never-defined'), { id: 'typo' });
    container.append(typo);
    host.link.follow('typo');
    expect(host.link.problem).to.equal(undefined);
    await new Promise((resolve) => setTimeout(resolve, 5100));
    expect(host.link.problem).to.equal(
      'for="typo" names a <da-never-defined>, which is not defined on this page; name a <span>',
    );
  });
});
