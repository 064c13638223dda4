import '@decoding-attention/shape-dataset-viewer/shape-dataset-viewer.js';
import { colormapTable } from '@decoding-attention/core';
import type { ShapeDatasetViewer } from '@decoding-attention/shape-dataset-viewer';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendKeys, sendMouse } from '@web/test-runner-commands';
import { $, $$, capturingWarnings } from '../../ui/test/helpers.js';
import { settle, shownError } from '../../ui/test/reliability.js';
import type { AttentionCellDetail, AttentionHeatmap } from '../src/index.js';
import '../src/attention-heatmap.js';

const pixel = (canvas: HTMLCanvasElement, x: number, y: number) => [
  ...canvas.getContext('2d')!.getImageData(x, y, 1, 1).data,
];
const viridis = (index: number) => {
  const table = colormapTable('viridis');
  return [table[3 * index], table[3 * index + 1], table[3 * index + 2]];
};
/** A pixel tinted 0.6 by colour-map entry `index` over image colour `under`, as the docs say. */
const tinted = (under: number[], index: number) => [
  ...viridis(index).map((color, c) => Math.round(under[c] * 0.4 + color * 0.6)),
  255,
];

/**
 * Self-attention over a 2 x 2 grid of patches (tokens 0 1 / 2 3). Its largest weight is 0.8,
 * so the colours span [0, 0.8]: weight w takes entry floor(w / 0.8 * 256 + 0.5).
 */
const SELF = [
  [0.4, 0.2, 0.2, 0.2],
  [0.1, 0.1, 0.0, 0.8],
  [0.25, 0.25, 0.25, 0.25],
  [0.0, 0.5, 0.5, 0.0],
];

/** A 4 x 4 RGBA image: pixel (x, y) is (10x + 40, 10y + 80, 200, 255); 2 x 2 pixel patches. */
function image4(): ImageData {
  const data = new Uint8ClampedArray(4 * 4 * 4);
  for (let y = 0; y < 4; y++)
    for (let x = 0; x < 4; x++) data.set([10 * x + 40, 10 * y + 80, 200, 255], 4 * (4 * y + x));
  return new ImageData(data, 4, 4);
}
const under = (x: number, y: number) => [10 * x + 40, 10 * y + 80, 200];

const picture = (el: AttentionHeatmap, index = 0) => $$(el, '.picture')[index];
const pictureCanvas = (el: AttentionHeatmap, index = 0) =>
  picture(el, index).querySelector('canvas')!;
const queryBox = (el: AttentionHeatmap, index = 0) =>
  picture(el, index).querySelector<HTMLElement>('.query-box')!;

/** The viewport point at fractions (fx, fy) of `element`'s box. */
function at(element: Element, fx: number, fy: number): [number, number] {
  const rect = element.getBoundingClientRect();
  return [Math.round(rect.left + fx * rect.width), Math.round(rect.top + fy * rect.height)];
}

async function selfAttention(): Promise<AttentionHeatmap> {
  const el = await fixture<AttentionHeatmap>(
    html`<attention-heatmap grid="2x2" .matrix=${SELF} .image=${image4()}></attention-heatmap>`,
  );
  await settle(el);
  return el;
}

afterEach(async () => {
  await sendMouse({ type: 'move', position: [0, 0] });
});

describe('<attention-heatmap> patch grid', () => {
  it("draws the average over queries until one is picked, then the query's weights, its patch outlined", async () => {
    const el = await selfAttention();
    const canvas = pictureCanvas(el);
    expect([canvas.width, canvas.height]).to.deep.equal([4, 4]);
    // No query: what each patch receives on average: 0.1875, 0.2625, 0.2375, 0.3125.
    expect(pixel(canvas, 0, 0)).to.deep.equal(tinted(under(0, 0), 60));
    expect(pixel(canvas, 3, 3)).to.deep.equal(tinted(under(3, 3), 100));
    expect(queryBox(el).style.display).to.equal('none');
    expect($(el, '.patches .caption').textContent).to.equal(
      'Average over all queries: most received by Key patch 3: 0.313',
    );

    // Hovering cell (query 1, key 2) of the matrix picks query 1: its row over the image.
    const frame = $(el, '.frame');
    await sendMouse({ type: 'move', position: at(frame, 2.5 / 4, 1.5 / 4) });
    expect(el.activeCell).to.deep.equal({ query: 1, key: 2 });
    // 0.1 -> entry 32, 0 -> 0, 0.8 -> 256 (the top of the map).
    expect(pixel(canvas, 1, 1)).to.deep.equal(tinted(under(1, 1), 32));
    expect(pixel(canvas, 0, 2)).to.deep.equal(tinted(under(0, 2), 0));
    expect(pixel(canvas, 3, 3)).to.deep.equal(tinted(under(3, 3), 256));
    const box = queryBox(el);
    expect(box.style.display).to.equal('block');
    expect(box.dataset.patch).to.equal('1');
    expect([box.style.left, box.style.top, box.style.width, box.style.height]).to.deep.equal([
      '50%',
      '0%',
      '50%',
      '50%',
    ]);
    expect($(el, '.patches .caption').textContent).to.equal(
      'Query patch 1 (row 1, column 2) attends most to Key patch 3: 0.800',
    );
    expect($(el, '.y-title').textContent).to.equal('Query patch');
    expect($(el, '.x-title').textContent).to.equal('Key patch');
  });

  it('picks the query under the pointer on the image, and locks it on click', async () => {
    const el = await selfAttention();
    const image = picture(el);
    // The lower-right patch is token 3 (raster order).
    const hovered = oneEvent(el, 'attention-hover');
    await sendMouse({ type: 'move', position: at(image, 0.75, 0.8) });
    const { detail } = (await hovered) as CustomEvent<AttentionCellDetail>;
    // A whole query row: no single weight, and said so.
    expect(detail).to.deep.equal({
      query: 3,
      key: -1,
      weight: undefined,
      row: true,
      head: 'average',
      mask: 'full',
    });
    expect(el.activeCell).to.deep.equal({ query: 3, key: -1 });
    expect(queryBox(el).dataset.patch).to.equal('3');
    // Query 3 gives 0.5 to patches 1 and 2: entry 160.
    expect(pixel(pictureCanvas(el), 2, 0)).to.deep.equal(tinted(under(2, 0), 160));
    // The matrix marks the whole row of query 3.
    const row = $(el, '.frame .line.row');
    expect([row.style.display, row.style.top]).to.deep.equal(['block', '75%']);
    expect($(el, '.frame .box').style.display).to.equal('none');

    // Every patch maps to its token.
    const tokens: number[] = [];
    for (const [fx, fy] of [
      [0.1, 0.1],
      [0.9, 0.1],
      [0.1, 0.9],
      [0.6, 0.6],
    ]) {
      await sendMouse({ type: 'move', position: at(image, fx, fy) });
      tokens.push(el.activeCell!.query);
    }
    expect(tokens).to.deep.equal([0, 1, 2, 3]);

    const locked = oneEvent(el, 'attention-select');
    await sendMouse({ type: 'click', position: at(image, 0.25, 0.75) });
    const selected = ((await locked) as CustomEvent<AttentionCellDetail & { locked: boolean }>)
      .detail;
    expect([
      selected.query,
      selected.key,
      selected.weight,
      selected.row,
      selected.locked,
    ]).to.deep.equal([2, -1, undefined, true, true]);
    await sendMouse({ type: 'move', position: at(image, 0.9, 0.1) });
    expect(el.activeCell!.query).to.equal(2);
  });

  it('moves the query patch by patch with the keyboard and says what it attends to', async () => {
    const el = await selfAttention();
    const image = picture(el);
    expect(image.getAttribute('role')).to.equal('grid');
    image.focus();
    await settle(el);
    expect(el.activeCell).to.deep.equal({ query: 0, key: -1 });
    await sendKeys({ press: 'ArrowRight' });
    expect(el.activeCell!.query).to.equal(1);
    await sendKeys({ press: 'ArrowDown' });
    expect(el.activeCell!.query).to.equal(3);
    await sendKeys({ press: 'ArrowDown' });
    expect(el.activeCell!.query, 'stays within the grid').to.equal(3);
    await sendKeys({ press: 'Home' });
    expect(el.activeCell!.query).to.equal(2);
    const active = image.querySelector(`#${image.getAttribute('aria-activedescendant')}`)!;
    expect(active.textContent).to.equal(
      'Query patch 2 (row 2, column 1) attends most to Key patch 0: 0.250',
    );
    expect([
      active.parentElement!.getAttribute('aria-rowindex'),
      active.getAttribute('aria-colindex'),
    ]).to.deep.equal(['2', '1']);
    const locked = oneEvent(el, 'attention-select');
    await sendKeys({ press: 'Enter' });
    expect(((await locked) as CustomEvent<{ locked: boolean }>).detail.locked).to.equal(true);
    await sendMouse({ type: 'move', position: at(image, 0.9, 0.1) });
    expect(el.activeCell!.query, 'locked').to.equal(2);
    await sendKeys({ press: 'Escape' });
    expect(el.activeCell).to.equal(undefined);
    expect(queryBox(el).style.display).to.equal('none');
  });

  it('draws the patches in the colours alone without an image', async () => {
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap grid="2x2" .matrix=${SELF}></attention-heatmap>`,
    );
    await settle(el);
    el.highlightCell(1, 0);
    const canvas = pictureCanvas(el);
    expect([canvas.width, canvas.height]).to.deep.equal([2, 2]);
    expect([0, 1, 2, 3].map((k) => pixel(canvas, k % 2, Math.floor(k / 2)))).to.deep.equal(
      [32, 32, 0, 256].map((i) => [...viridis(i), 255]),
    );
  });

  it('shows cross-attention with its own axes: decoder queries on their grid, encoder patches', async () => {
    // 2 decoder queries (a 1 x 2 grid) over 4 encoder patches.
    const cross = [
      [0.7, 0.1, 0.1, 0.1],
      [0.0, 0.0, 0.2, 0.8],
    ];
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap
        grid="2x2"
        .layers=${[{ kind: 'cross', heads: [cross] }]}
        .image=${image4()}
      ></attention-heatmap>`,
    );
    await settle(el);
    expect($(el, '.y-title').textContent).to.equal('Decoder query');
    expect($(el, '.x-title').textContent).to.equal('Encoder patch');
    expect($(el, '.panel-title').textContent).to.equal('Attention weights (cross 1)');
    // Two queries are not the grid's four patches: the image shows, but picks nothing.
    expect(picture(el).getAttribute('role')).to.equal('img');
    el.highlightCell(1, -1);
    expect(pixel(pictureCanvas(el), 3, 3)).to.deep.equal(tinted(under(3, 3), 256));
    expect(queryBox(el).style.display).to.equal('none');

    el.setAttribute('query-grid', '1x2');
    await settle(el);
    expect(picture(el).getAttribute('role')).to.equal('grid');
    await sendMouse({ type: 'move', position: at(picture(el), 0.8, 0.9) });
    expect(el.activeCell).to.deep.equal({ query: 1, key: -1 });
    // Query 1's patch on its own 1 x 2 grid: the right half of the image.
    const box = queryBox(el);
    expect([box.style.left, box.style.top, box.style.width, box.style.height]).to.deep.equal([
      '50%',
      '0%',
      '50%',
      '100%',
    ]);
    // Attributes name the axes over the layer's kind.
    el.setAttribute('query-label', 'Output patch');
    await settle(el);
    expect($(el, '.y-title').textContent).to.equal('Output patch');
  });

  it('shows the layers of a vision model, one at a time, picked from a menu', async () => {
    const encoder = [SELF, SELF];
    const decoder = [
      [
        [1, 0],
        [0.5, 0.5],
      ],
    ];
    const cross = [
      [
        [0.7, 0.1, 0.1, 0.1],
        [0, 0, 0.2, 0.8],
      ],
    ];
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap
        grid="2x2"
        query-grid="1x2"
        .layers=${[
          { kind: 'encoder', heads: encoder },
          { kind: 'decoder', heads: decoder },
          { kind: 'cross', heads: cross, label: 'cross-attention' },
        ]}
      ></attention-heatmap>`,
    );
    await settle(el);
    const select = $<HTMLSelectElement>(el, 'select');
    expect([...select.options].map((o) => o.textContent!.trim())).to.deep.equal([
      '1: encoder 1',
      '2: decoder 1',
      '3: cross-attention',
    ]);
    expect(el.shown[0].rows).to.equal(4);
    expect($$(el, '.heads button')).to.have.length(3);
    select.value = '1';
    select.dispatchEvent(new Event('change'));
    await settle(el);
    expect(el.layer).to.equal(1);
    // Decoder self-attention: its keys are the decoder's queries, on query-grid.
    expect($(el, '.x-title').textContent).to.equal('Decoder key');
    expect([pictureCanvas(el).width, pictureCanvas(el).height]).to.deep.equal([2, 1]);
    el.setAttribute('layer', '2');
    await settle(el);
    expect(el.shown[0].cols).to.equal(4);
    expect(el.toJSON().layer).to.deep.equal({ index: 2, kind: 'cross', name: 'cross-attention' });
  });

  it('shows channel-specific maps beside the full attention, labelled, each over its plane', async () => {
    const channel = (k: number) => SELF.map((row) => row.map((_, c) => (c === k ? 1 : 0)));
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap
        grid="2x2"
        .matrix=${SELF}
        .channels=${[channel(0), channel(1), channel(2)]}
        .image=${image4()}
      ></attention-heatmap>`,
    );
    await settle(el);
    expect($$(el, '.panel-title').map((t) => t.textContent)).to.deep.equal([
      'Attention weights (full attention)',
      'Attention weights (R channel)',
      'Attention weights (G channel)',
      'Attention weights (B channel)',
    ]);
    expect($$(el, '.picture')).to.have.length(4);
    el.highlightCell(0, -1);
    // The G map over the image's green plane, in grey: patch 1 takes all of query 0's weight.
    const green = under(2, 0)[1];
    expect(pixel(pictureCanvas(el, 2), 2, 0)).to.deep.equal(tinted([green, green, green], 256));
    expect(pixel(pictureCanvas(el, 2), 0, 0)).to.deep.equal(
      tinted([under(0, 0)[1], under(0, 0)[1], under(0, 0)[1]], 0),
    );
    // Hovering one matrix picks the query in all of them.
    $$(el, '.frame')[3].scrollIntoView({ block: 'center' });
    await sendMouse({ type: 'move', position: at($$(el, '.frame')[3], 0.1, 0.9) });
    expect(queryBox(el, 0).dataset.patch).to.equal('3');
    expect(queryBox(el, 1).dataset.patch).to.equal('3');
    expect($(el, '.tooltip').textContent).to.equal(
      'Query patch 3 → Key patch 0: full: 0 · R: 1.000 · G: 0 · B: 0',
    );
    const json = el.toJSON() as { panels: { channel?: string }[] };
    expect(json.panels.map((p) => p.channel)).to.deep.equal([undefined, 'R', 'G', 'B']);
  });

  it("draws over the sample of a linked <shape-dataset-viewer mode='2d'>", async () => {
    const container = await fixture<HTMLDivElement>(html`
      <div>
        <shape-dataset-viewer id="image-sample" mode="2d" seed="3"></shape-dataset-viewer>
        <attention-heatmap for="image-sample"></attention-heatmap>
      </div>
    `);
    const viewer = container.querySelector<ShapeDatasetViewer>('shape-dataset-viewer')!;
    const el = container.querySelector<AttentionHeatmap>('attention-heatmap')!;
    await settle(viewer);
    await settle(el);
    expect(shownError(el)).to.equal('');
    expect($(el, '.note').textContent).to.equal(
      'for="image-sample" shows an image: set grid and the attention over its patches (matrix, heads or layers) to draw it there.',
    );
    const uniform = { data: new Float32Array(16 * 16).fill(1 / 16), rows: 16, cols: 16 };
    el.grid = [4, 4];
    el.matrix = uniform;
    await settle(el);
    const sample = viewer.sample as { input: Uint8ClampedArray; width: number; height: number };
    const canvas = pictureCanvas(el);
    expect([canvas.width, canvas.height]).to.deep.equal([sample.width, sample.height]);
    // Equal weights: every patch the top colour over the sample's own pixel.
    const [x, y] = [37, 90];
    const p = 4 * (y * sample.width + x);
    expect(pixel(canvas, x, y)).to.deep.equal(tinted([...sample.input.slice(p, p + 3)], 256));
    // A grid that does not cut the image into whole patches is named.
    await capturingWarnings(async () => {
      el.grid = [3, 3];
      el.matrix = { data: new Float32Array(81).fill(1 / 9), rows: 9, cols: 9 };
      await settle(el);
    });
    expect(shownError(el)).to.equal(
      `the image of for="image-sample" is ${sample.width} x ${sample.height} pixels, which grid="3x3" does not cut into whole patches: its width must divide by 3 and its height by 3`,
    );
  });

  it("follows a vision model's attention-change: its layers, grids and image", async () => {
    const container = await fixture<HTMLDivElement>(html`<div></div>`);
    const cross = [
      [0.7, 0.1, 0.1, 0.1],
      [0, 0, 0.2, 0.8],
    ];
    const model = Object.assign(document.createElement('div'), {
      id: 'vision-model',
      currentAttention: {
        layers: [
          { kind: 'encoder', heads: [SELF] },
          { kind: 'cross', heads: [cross] },
        ],
        grid: [2, 2],
        queryGrid: [1, 2],
        image: image4(),
      },
    });
    container.append(model);
    const el = document.createElement('attention-heatmap') as AttentionHeatmap;
    el.setAttribute('for', 'vision-model');
    container.append(el);
    await settle(el);
    expect(shownError(el)).to.equal('');
    expect($(el, '.panel-title').textContent).to.equal('Attention weights (encoder 1)');
    expect(pixel(pictureCanvas(el), 3, 3)).to.deep.equal(tinted(under(3, 3), 100));
    el.setAttribute('layer', '1');
    await settle(el);
    expect($(el, '.x-title').textContent).to.equal('Encoder patch');
    expect(picture(el).getAttribute('role')).to.equal('grid');
    // The next step's layers replace them; a bad one is named as the event's.
    await capturingWarnings(async () => {
      model.dispatchEvent(
        new CustomEvent('attention-change', {
          detail: { layers: [{ kind: 'pooling', heads: [SELF] }], grid: [2, 2] },
        }),
      );
      await settle(el);
    });
    expect(shownError(el)).to.equal(
      'attention-change layers[0].kind must be one of encoder, decoder, cross, channel-within, channel-across, self, encoder-self, decoder-self, got "pooling"',
    );
    model.dispatchEvent(
      new CustomEvent('attention-change', {
        detail: { layers: [{ kind: 'encoder', heads: [SELF] }], grid: [2, 2] },
      }),
    );
    el.removeAttribute('layer');
    await settle(el);
    expect(shownError(el)).to.equal('');
    expect([pictureCanvas(el).width, pictureCanvas(el).height]).to.deep.equal([2, 2]);
  });

  it('keeps a layer picked from the menu within a followed model that has fewer layers', async () => {
    const container = await fixture<HTMLDivElement>(html`<div></div>`);
    const layersOf = (count: number) =>
      Array.from({ length: count }, () => ({ kind: 'encoder', heads: [SELF] }));
    const model = Object.assign(document.createElement('div'), {
      id: 'changing-model',
      currentAttention: { layers: layersOf(6), grid: [2, 2] },
    });
    container.append(model);
    const el = document.createElement('attention-heatmap') as AttentionHeatmap;
    el.setAttribute('for', 'changing-model');
    container.append(el);
    await settle(el);
    const pick = async (value: string) => {
      const select = $<HTMLSelectElement>(el, 'select');
      select.value = value;
      select.dispatchEvent(new Event('change'));
      await settle(el);
    };
    await pick('5');
    expect($(el, '.panel-title').textContent).to.equal('Attention weights (encoder 6)');
    // The followed model becomes one of two layers: the picked layer moves to the last.
    const change = (count: number) =>
      model.dispatchEvent(
        new CustomEvent('attention-change', { detail: { layers: layersOf(count), grid: [2, 2] } }),
      );
    change(2);
    await settle(el);
    expect(shownError(el)).to.equal('');
    expect(el.layer).to.equal(1);
    expect($(el, '.panel-title').textContent).to.equal('Attention weights (encoder 2)');
    expect($<HTMLSelectElement>(el, 'select').value).to.equal('1');
    // A layer the author set is kept and named, the menu still there to pick one that exists.
    change(6);
    el.setAttribute('layer', '4');
    await settle(el);
    await capturingWarnings(async () => {
      change(3);
      await settle(el);
    });
    expect(shownError(el)).to.equal('layer must be a whole number in [0, 2], got 4');
    expect($$<HTMLSelectElement>(el, 'select')[0].options).to.have.length(3);
    await pick('2');
    expect(shownError(el)).to.equal('');
    expect($(el, '.panel-title').textContent).to.equal('Attention weights (encoder 3)');
  });

  it("shows core's layer kinds as they come in a training snapshot, with their axes", async () => {
    // A snapshot's layers: [heads, length, keys] weights, head after head.
    const encoderSelf = {
      kind: 'encoder-self',
      heads: 1,
      length: 4,
      keys: 4,
      data: new Float32Array(SELF.flat()),
    };
    const twoHeads = new Float32Array([1, 0, 0.5, 0.5, 0, 1, 0.25, 0.75]);
    const decoderSelf = { kind: 'decoder-self', heads: 2, length: 2, keys: 2, data: twoHeads };
    const cross = {
      kind: 'cross',
      heads: 1,
      length: 2,
      keys: 4,
      data: new Float32Array(8).fill(0.25),
    };
    // Colour-plane tokens of a 2 x 2 grid: 12, all R planes first.
    const planes = new Float32Array(144).fill(1 / 12);
    const within = { kind: 'channel-within', heads: 1, length: 12, keys: 12, data: planes };
    const across = { kind: 'channel-across', heads: 1, length: 12, keys: 12, data: planes };
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap
        grid="2x2"
        query-grid="1x2"
        .layers=${[encoderSelf, decoderSelf, cross, within, across]}
        .image=${image4()}
      ></attention-heatmap>`,
    );
    await settle(el);
    expect(shownError(el)).to.equal('');
    expect(
      [...$<HTMLSelectElement>(el, 'select').options].map((o) => o.textContent!.trim()),
    ).to.deep.equal([
      '1: encoder 1',
      '2: decoder 1',
      '3: cross 1',
      '4: channel-within 1',
      '5: channel-across 1',
    ]);
    const axes = () => [$(el, '.y-title').textContent, $(el, '.x-title').textContent];
    expect(axes()).to.deep.equal(['Query patch', 'Key patch']);
    expect([...el.shown[0].data].map((v) => Math.round(v * 100) / 100)).to.deep.equal(SELF.flat());
    expect($$(el, '.picture')).to.have.length(1);
    el.layer = 1;
    await settle(el);
    expect(axes()).to.deep.equal(['Decoder query', 'Decoder key']);
    // The average of the two heads: [[0.5, 0.5], [0.375, 0.625]].
    expect([...el.shown[0].data]).to.deep.equal([0.5, 0.5, 0.375, 0.625]);
    el.head = '1';
    await settle(el);
    expect([...el.shown[0].data]).to.deep.equal([0, 1, 0.25, 0.75]);
    el.head = 'average';
    el.layer = 2;
    await settle(el);
    expect(axes()).to.deep.equal(['Decoder query', 'Encoder patch']);
    expect(el.toJSON().layer).to.deep.equal({ index: 2, kind: 'cross', name: 'cross 1' });
    // Colour-plane tokens, three per patch, are not drawn over the image's patches.
    el.layer = 3;
    await settle(el);
    expect(shownError(el)).to.equal('');
    expect(axes()).to.deep.equal(['Query plane', 'Key plane']);
    expect([el.shown[0].rows, el.shown[0].cols]).to.deep.equal([12, 12]);
    expect($$(el, '.picture')).to.have.length(0);
    expect(el.toJSON().layer).to.deep.equal({
      index: 3,
      kind: 'channel-within',
      name: 'channel-within 1',
    });
    // A snapshot layer whose data is not its heads' size is named.
    await capturingWarnings(async () => {
      el.layers = [{ kind: 'cross', heads: 2, length: 2, keys: 4, data: new Float32Array(8) }];
      el.layer = 0;
      await settle(el);
    });
    expect(shownError(el)).to.equal(
      'layers[0].data must hold 2 heads of 2 x 4 weights (16 values), got a Float32Array',
    );
  });

  it('exports the pictures in its PNG and the grid in its JSON', async () => {
    const el = await selfAttention();
    const json = el.toJSON();
    expect(json.grid).to.deep.equal({
      keys: { rows: 2, cols: 2 },
      queries: { rows: 2, cols: 2 },
      image: { width: 4, height: 4 },
    });
    const png = await el.toPNG();
    const bitmap = await createImageBitmap(png);
    // The 4 x 4 matrix and the 4 x 4 image, each enlarged to 512 wide, 16 apart.
    expect([bitmap.width, bitmap.height]).to.deep.equal([512 + 16 + 512, 512]);
  });
});

describe('<attention-heatmap> patch grid with bad input', () => {
  const cases: [string, (el: AttentionHeatmap) => void, string][] = [
    [
      'a grid of the wrong size',
      (el) => el.setAttribute('grid', '3x3'),
      'grid="3x3" has 9 patches, but the attention has 4 keys (columns); use a grid of 4 patches, such as "2x2"',
    ],
    [
      'a grid that is not one',
      (el) => el.setAttribute('grid', 'big'),
      'grid must be rows x cols, two whole numbers from 1 (such as "4x4"), got "big"',
    ],
    [
      'a grid of zero rows',
      (el) => el.setAttribute('grid', '0x4'),
      'grid must be rows x cols, two whole numbers from 1 (such as "4x4"), got 0 x 4',
    ],
    [
      'a query grid of the wrong size',
      (el) => el.setAttribute('query-grid', '1x3'),
      'query-grid="1x3" has 3 patches, but the attention has 4 queries (rows); use a grid of 4 patches, such as "2x2"',
    ],
    [
      'an image of the wrong size',
      (el) => (el.image = new ImageData(5, 4)),
      'image is 5 x 4 pixels, which grid="2x2" does not cut into whole patches: its width must divide by 2 and its height by 2',
    ],
    [
      'an image whose data is short',
      (el) => (el.image = { data: new Uint8ClampedArray(10), width: 4, height: 4 }),
      'image data holds 10 values; 4 x 4 pixels of RGBA take 64',
    ],
    [
      'an image that is not one',
      (el) => (el.image = 'cat.png' as never),
      'image must be { data: Uint8ClampedArray, width, height } (RGBA, as an ImageData), got "cat.png"',
    ],
    [
      'NaN in a layer',
      (el) => (el.layers = [{ kind: 'encoder', heads: [[[0.5, NaN, 0, 0.5], ...SELF.slice(1)]] }]),
      'layers[0].heads[0][0][1] is NaN, not a finite number',
    ],
    [
      'a layer of an unknown kind',
      (el) => (el.layers = [{ kind: 'vision' as never, heads: [SELF] }]),
      'layers[0].kind must be one of encoder, decoder, cross, channel-within, channel-across, self, encoder-self, decoder-self, got "vision"',
    ],
    [
      'a layer that is not there',
      (el) => {
        el.layers = [{ kind: 'encoder', heads: [SELF] }];
        el.layer = 1;
      },
      'layer must be a whole number in [0, 0], got 1',
    ],
    [
      'channel maps of another shape',
      (el) => (el.channels = [SELF, SELF, [[1]]]),
      'channels[2] is 1 x 1; the attention it is shown beside is 4 x 4',
    ],
    [
      'two channel maps',
      (el) => (el.channels = [SELF, SELF] as never),
      'channels must be three attention maps [R, G, B], each a matrix or a list of heads, got 2 maps',
    ],
  ];
  for (const [what, change, message] of cases) {
    it(`says so for ${what}, warns, and recovers`, async () => {
      const el = await selfAttention();
      const warnings = await capturingWarnings(async () => {
        change(el);
        await settle(el);
      });
      expect(shownError(el)).to.equal(message);
      expect(warnings.join('\n')).to.contain(message);
      expect($$(el, '.picture')).to.have.length(0);
      // Fixed: back to the self-attention drawn over the image.
      el.removeAttribute('grid');
      el.removeAttribute('query-grid');
      el.layers = undefined;
      el.layer = 0;
      el.channels = undefined;
      el.image = image4();
      el.setAttribute('grid', '2x2');
      await settle(el);
      expect(shownError(el)).to.equal('');
      expect($$(el, '.picture')).to.have.length(1);
      expect(pixel(pictureCanvas(el), 3, 3)).to.deep.equal(tinted(under(3, 3), 100));
    });
  }

  it('names a decoder layer whose queries are not on any grid', async () => {
    const el = await selfAttention();
    await capturingWarnings(async () => {
      el.layers = [
        {
          kind: 'decoder',
          heads: [
            [
              [1, 0, 0],
              [0, 1, 0],
              [0, 0, 1],
            ],
          ],
        },
      ];
      await settle(el);
    });
    expect(shownError(el)).to.equal(
      'grid="2x2" has 4 patches, but this decoder self-attention has 3 queries; set query-grid to the decoder\'s grid, such as "1x3"',
    );
  });
});

describe('<attention-heatmap> patch grid accessibility', () => {
  it('passes axe with pictures, channel maps, and cross-attention', async () => {
    const container = await fixture<HTMLDivElement>(html`
      <div>
        <h1>Attention over an image</h1>
        <attention-heatmap
          grid="2x2"
          .matrix=${SELF}
          .channels=${[SELF, SELF, SELF]}
          .image=${image4()}
        ></attention-heatmap>
        <attention-heatmap
          grid="2x2"
          theme="dark"
          .layers=${[{ kind: 'cross', heads: [[[0.7, 0.1, 0.1, 0.1]]] }]}
        ></attention-heatmap>
      </div>
    `);
    for (const el of container.querySelectorAll<AttentionHeatmap>('attention-heatmap'))
      await settle(el);
    picture(container.querySelector<AttentionHeatmap>('attention-heatmap')!).focus();
    await expect(container).to.be.accessible();
  });
});
