import '@decoding-attention/shape-dataset-viewer/shape-dataset-viewer.js';
import {
  attentionMask,
  colormapTable,
  localShapeAttention1D,
  matrixToArrays,
  softmaxRows,
  toMatrix,
  type Sample1D,
} from '@decoding-attention/core';
import type { ShapeDatasetViewer } from '@decoding-attention/shape-dataset-viewer';
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendKeys, sendMouse } from '@web/test-runner-commands';
import { $, $$, capturingWarnings } from '../../ui/test/helpers.js';
import type { AttentionHeatmap } from '../src/index.js';
import '../src/attention-heatmap.js';

const pixel = (canvas: HTMLCanvasElement, x: number, y: number) => [
  ...canvas.getContext('2d')!.getImageData(x, y, 1, 1).data,
];
const viridis = (index: number) => {
  const table = colormapTable('viridis');
  return [table[3 * index], table[3 * index + 1], table[3 * index + 2], 255];
};
const close = (actual: number[][], expected: number[][]) =>
  actual.forEach((row, r) =>
    row.forEach((v, c) => expect(v, `[${r}][${c}]`).to.be.closeTo(expected[r][c], 1e-6)),
  );

/** The viewport position of the centre of cell (query, key) of panel `index`. */
function cellCentre(el: AttentionHeatmap, query: number, key: number, index = 0): [number, number] {
  const frame = $$(el, '.frame')[index];
  const rect = frame.getBoundingClientRect();
  const [rows, cols] = [
    Number(frame.getAttribute('aria-rowcount')),
    Number(frame.getAttribute('aria-colcount')),
  ];
  return [
    Math.round(rect.left + ((key + 0.5) / cols) * rect.width),
    Math.round(rect.top + ((query + 0.5) / rows) * rect.height),
  ];
}

/**
 * A heatmap following a plain element that computes attention (it has `currentAttention`, here
 * [[1, 0], [0.5, 0.5]]), both in a fixture container.
 */
async function followingAttentionSource(id: string) {
  const container = await fixture<HTMLDivElement>(html`<div></div>`);
  const source = Object.assign(document.createElement('div'), {
    id,
    currentAttention: {
      heads: [
        [
          [1, 0],
          [0.5, 0.5],
        ],
      ],
    },
  });
  container.append(source);
  const el = document.createElement('attention-heatmap') as AttentionHeatmap;
  el.setAttribute('for', id);
  container.append(el);
  await el.updateComplete;
  return { container, source, el };
}

afterEach(async () => {
  await sendMouse({ type: 'move', position: [0, 0] });
});

describe('<attention-heatmap> drawing', () => {
  it('draws one canvas pixel per cell through the colour map', async () => {
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap
        .matrix=${[
          [0, 1],
          [0.5, 0.25],
        ]}
      ></attention-heatmap>`,
    );
    const canvas = $<HTMLCanvasElement>(el, '.frame canvas');
    expect([canvas.width, canvas.height]).to.deep.equal([2, 1 + 1]);
    expect(pixel(canvas, 0, 0)).to.deep.equal(viridis(0));
    expect(pixel(canvas, 1, 0)).to.deep.equal(viridis(256));
    expect(pixel(canvas, 0, 1)).to.deep.equal(viridis(128));
    expect(pixel(canvas, 1, 1)).to.deep.equal(viridis(64));
    expect(getComputedStyle(canvas).imageRendering).to.equal('pixelated');
    // The colour bar is labelled with the domain.
    expect($$(el, '.colorbar .values span').map((s) => s.textContent)).to.deep.equal([
      '1.000',
      '0.500',
      '0',
    ]);
  });

  it('draws cross-attention, 64 queries by 256 keys, in its own aspect', async () => {
    const matrix = { data: new Float32Array(64 * 256).fill(1 / 256), rows: 64, cols: 256 };
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap .matrix=${matrix}></attention-heatmap>`,
    );
    const canvas = $<HTMLCanvasElement>(el, '.frame canvas');
    expect([canvas.width, canvas.height]).to.deep.equal([256, 64]);
    const frame = $(el, '.frame').getBoundingClientRect();
    expect(frame.width / frame.height).to.be.closeTo(4, 0.05);
  });

  it('spreads small weights out on a log scale, and scales each row to its maximum', async () => {
    const el = await fixture<AttentionHeatmap>(html`
      <attention-heatmap scale="log" .matrix=${[[0.001, 0.01, 0.1, 1]]}></attention-heatmap>
    `);
    const canvas = $<HTMLCanvasElement>(el, '.frame canvas');
    // log10 spans 3 decades evenly: 0, 1/3, 2/3, 1 of the table.
    expect([0, 1, 2, 3].map((x) => pixel(canvas, x, 0))).to.deep.equal(
      [0, 85, 171, 256].map(viridis),
    );
    el.scale = 'linear';
    el.normalization = 'row';
    el.matrix = [
      [0.5, 0.25],
      [0.1, 0.05],
    ];
    await el.updateComplete;
    expect(pixel(canvas, 0, 1)).to.deep.equal(viridis(256));
    expect(pixel(canvas, 1, 1)).to.deep.equal(viridis(128));
  });
});

describe('<attention-heatmap> toolbar', () => {
  it('keeps its menus in step with the properties, after the reader has used them too', async () => {
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap .matrix=${[[1]]}></attention-heatmap>`,
    );
    const [colormap, scale, normalize] = $$<HTMLSelectElement>(el, 'select');
    expect([colormap.value, scale.value, normalize.value]).to.deep.equal([
      'viridis',
      'linear',
      'global',
    ]);
    colormap.value = 'magma';
    colormap.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(el.colormap).to.equal('magma');
    // Set from script after the reader's choice: the menu shows it.
    el.colormap = 'viridis';
    el.scale = 'log';
    el.normalization = 'row';
    await el.updateComplete;
    expect([colormap.value, scale.value, normalize.value]).to.deep.equal(['viridis', 'log', 'row']);
  });
});

describe('<attention-heatmap> masks', () => {
  const uniform = [
    [1 / 3, 1 / 3, 1 / 3],
    [1 / 3, 1 / 3, 1 / 3],
    [1 / 3, 1 / 3, 1 / 3],
  ];

  it('applies a causal mask: masked cells distinct, the rest renormalised', async () => {
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap mask="causal" .matrix=${uniform}></attention-heatmap>`,
    );
    close(matrixToArrays(el.shown[0]), [
      [1, 0, 0],
      [0.5, 0.5, 0],
      [1 / 3, 1 / 3, 1 / 3],
    ]);
    const canvas = $<HTMLCanvasElement>(el, '.frame canvas');
    const masked = pixel(canvas, 2, 0);
    const table = colormapTable('viridis');
    const inMap = Array.from({ length: 257 }, (_, i) =>
      [table[3 * i], table[3 * i + 1], table[3 * i + 2]].join(),
    );
    expect(inMap).not.to.include(masked.slice(0, 3).join());
    expect(pixel(canvas, 1, 0)).not.to.deep.equal(masked);
  });

  it('compares two masks side by side', async () => {
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap compare="causal" .matrix=${uniform}></attention-heatmap>`,
    );
    expect($$(el, '.panel')).to.have.length(2);
    expect($$(el, '.panel-title').map((t) => t.textContent)).to.deep.equal([
      'Attention weights (full)',
      'Attention weights (causal)',
    ]);
    close(matrixToArrays(el.shown[0]), uniform);
    expect(el.shown[1].data[1]).to.equal(0);
  });

  it('masks raw scores before the softmax', async () => {
    const scores = [
      [0, Math.log(3), 9],
      [1, 2, 3],
      [0, 0, 0],
    ];
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap mask="causal" .scores=${scores}></attention-heatmap>`,
    );
    const expected = softmaxRows(toMatrix(scores), attentionMask('causal', 3, 3));
    close(matrixToArrays(el.shown[0]), matrixToArrays(expected));
    expect(el.shown[0].data[1]).to.equal(0);
  });

  it('draws local, sparse and global masks with their options', async () => {
    const matrix = { data: new Float32Array(100).fill(0.1), rows: 10, cols: 10 };
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap mask="local" window="1" .matrix=${matrix}></attention-heatmap>`,
    );
    const allowed = (m: { data: Float32Array }) => Array.from(m.data, (v) => (v > 0 ? 1 : 0));
    expect(allowed(el.shown[0])).to.deep.equal(
      Array.from(attentionMask('local', 10, 10, { window: 1 })),
    );
    el.mask = 'sparse';
    el.stride = 4;
    await el.updateComplete;
    expect(allowed(el.shown[0])).to.deep.equal(
      Array.from(attentionMask('sparse', 10, 10, { window: 1, stride: 4 })),
    );
    el.setAttribute('globals', '3 7');
    el.mask = 'global';
    await el.updateComplete;
    expect(allowed(el.shown[0])).to.deep.equal(
      Array.from(attentionMask('global', 10, 10, { window: 1, globals: [3, 7] })),
    );
  });
});

describe('<attention-heatmap> heads', () => {
  const heads = [0, 1, 2, 3].map((h) => [
    [h === 0 ? 1 : 0.25, h === 0 ? 0 : 0.75],
    [0.5, 0.5],
  ]);

  it('shows the average, small multiples of every head, and one head when chosen', async () => {
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap .heads=${heads}></attention-heatmap>`,
    );
    const choices = $$(el, '.heads [role="radio"]');
    expect(choices.map((c) => c.textContent!.trim())).to.deep.equal([
      'Average',
      'Head 1',
      'Head 2',
      'Head 3',
      'Head 4',
    ]);
    close(matrixToArrays(el.shown[0]), [
      [(1 + 0.75) / 4, (0 + 2.25) / 4],
      [0.5, 0.5],
    ]);
    choices[1].click();
    await el.updateComplete;
    expect(el.head).to.equal('0');
    close(matrixToArrays(el.shown[0]), heads[0]);
    // The radio group moves with the arrow keys.
    $(el, '.heads [aria-checked="true"]').focus();
    await sendKeys({ press: 'ArrowRight' });
    await el.updateComplete;
    expect(el.head).to.equal('1');
    expect(el.shadowRoot!.activeElement?.textContent?.trim()).to.equal('Head 2');
    expect($$<HTMLCanvasElement>(el, '.heads canvas').every((c) => c.width === 2)).to.equal(true);
  });

  it('draws the thumbnail of a long head pooled to its size on screen, a pixel the mean of its cells', async () => {
    // 300 x 300 weights in stripes four keys wide: 1/152 on keys 0-3, 8-11, ..., 0 between.
    const stripes = Float32Array.from({ length: 300 * 300 }, (_, i) =>
      (i % 300) % 8 < 4 ? 1 / 152 : 0,
    );
    const head = { data: stripes, rows: 300, cols: 300 };
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap .heads=${[head, head]}></attention-heatmap>`,
    );
    // 72 CSS pixels a side: the fewest whole-factor cells not under the device pixels.
    const factor = Math.floor(300 / (72 * devicePixelRatio));
    const size = Math.ceil(300 / factor);
    const thumbnails = $$<HTMLCanvasElement>(el, '.heads canvas');
    expect(thumbnails.map((c) => [c.width, c.height])).to.deep.equal([
      [size, size],
      [size, size],
      [size, size],
    ]);
    // Pooled blocks fall within one stripe: the top of the colour map, then the bottom.
    const [average] = thumbnails;
    expect(pixel(average, 0, 0)).to.deep.equal(viridis(256));
    expect(pixel(average, 4 / factor, size - 1)).to.deep.equal(viridis(0));
    // The large panel keeps a pixel per cell.
    expect($<HTMLCanvasElement>(el, '.frame canvas').width).to.equal(300);
    // Under a causal mask, a block with no key a query may see is masked in the thumbnail too.
    el.mask = 'causal';
    await el.updateComplete;
    const masked = (size - 1) % 2 === 1 ? 1 : 2;
    expect(pixel(average, size - 1, 0)).to.deep.equal(
      pixel($<HTMLCanvasElement>(el, '.frame canvas'), masked, 0),
    );
    expect(pixel(average, size - 1, 0)).not.to.deep.equal(pixel(average, 0, 0));
  });

  it('takes raw scores as a list of { data, rows, cols }, one per head, as it takes nested arrays', async () => {
    const nested = [
      [
        [0, Math.log(3)],
        [0, 0],
      ],
      [
        [Math.log(3), 0],
        [1, 1],
      ],
    ];
    const flat = nested.map((m) => ({ data: Float32Array.from(m.flat()), rows: 2, cols: 2 }));
    for (const scores of [nested, flat]) {
      const el = await fixture<AttentionHeatmap>(
        html`<attention-heatmap .scores=${scores}></attention-heatmap>`,
      );
      expect($(el, '[role="alert"]')?.textContent).to.equal(undefined);
      expect($$(el, '.heads [role="radio"]').map((c) => c.textContent!.trim())).to.deep.equal([
        'Average',
        'Head 1',
        'Head 2',
      ]);
      close(matrixToArrays(el.shown[0]), [
        [0.5, 0.5],
        [0.5, 0.5],
      ]);
      el.head = '1';
      await el.updateComplete;
      close(matrixToArrays(el.shown[0]), [
        [0.75, 0.25],
        [0.5, 0.5],
      ]);
    }
  });

  it('is accessible with heads, comparison and the table open', async () => {
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap compare="causal" .heads=${heads}></attention-heatmap>`,
    );
    $$<HTMLButtonElement>(el, 'button')
      .find((b) => b.textContent!.trim() === 'Table')!
      .click();
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });
});

describe('<attention-heatmap> pointer and keyboard', () => {
  const matrix = Array.from({ length: 20 }, (_, r) =>
    Array.from({ length: 20 }, (_, c) => (r === c ? 0.5 : 0.5 / 19)),
  );

  it('reports the cell under the pointer, with a tooltip, and locks it on click', async () => {
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap .matrix=${matrix}></attention-heatmap>`,
    );
    setTimeout(() => void sendMouse({ type: 'move', position: cellCentre(el, 3, 7) }));
    const hover = await oneEvent(el, 'attention-hover');
    expect(hover.detail).to.deep.include({ query: 3, key: 7, head: 'average', mask: 'full' });
    expect(hover.detail.weight).to.be.closeTo(0.5 / 19, 1e-7);
    expect('row' in hover.detail, 'a cell, not a row').to.equal(false);
    const tooltip = $(el, '.tooltip');
    expect(getComputedStyle(tooltip).display).to.equal('block');
    expect(tooltip.textContent).to.equal('Query 3 → Key 7: 0.026');
    expect($(el, '.row-chart .caption').textContent).to.contain('Query 3 attends to');

    setTimeout(() => void sendMouse({ type: 'click', position: cellCentre(el, 3, 7) }));
    const select = await oneEvent(el, 'attention-select');
    expect(select.detail).to.deep.include({ query: 3, key: 7, locked: true });
    await sendMouse({ type: 'move', position: cellCentre(el, 10, 10) });
    expect(el.activeCell).to.deep.equal({ query: 3, key: 7 });
  });

  it('moves cell by cell with the keyboard and announces each value', async () => {
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap .matrix=${matrix}></attention-heatmap>`,
    );
    const grid = $(el, '[role="grid"]');
    grid.focus();
    expect(el.activeCell).to.deep.equal({ query: 0, key: 0 });
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'ArrowDown' });
    expect(el.activeCell).to.deep.equal({ query: 1, key: 1 });
    const cell = $(el, '[role="gridcell"]');
    expect(grid.getAttribute('aria-activedescendant')).to.equal(cell.id);
    expect(cell.textContent).to.equal('Query 1, Key 1: weight 0.500');
    expect(cell.getAttribute('aria-colindex')).to.equal('2');
    // Each move points aria-activedescendant at a new id, so screen readers announce it.
    const before = cell.id;
    await sendKeys({ press: 'ArrowLeft' });
    expect(cell.id).to.not.equal(before);
    expect(grid.getAttribute('aria-activedescendant')).to.equal(cell.id);
    expect(cell.textContent).to.equal('Query 1, Key 0: weight 0.026');
    await sendKeys({ press: 'ArrowRight' });
    await sendKeys({ press: 'PageDown' });
    expect(el.activeCell).to.deep.equal({ query: 3, key: 1 });
    await sendKeys({ press: 'End' });
    expect(el.activeCell).to.deep.equal({ query: 3, key: 19 });
    await sendKeys({ press: 'Home' });
    expect(el.activeCell).to.deep.equal({ query: 3, key: 0 });
    await sendKeys({ down: 'Control' });
    await sendKeys({ press: 'End' });
    await sendKeys({ up: 'Control' });
    expect(el.activeCell).to.deep.equal({ query: 19, key: 19 });
    await sendKeys({ press: 'ArrowDown' });
    expect(el.activeCell).to.deep.equal({ query: 19, key: 19 });
    setTimeout(() => void sendKeys({ press: 'Enter' }));
    const select = await oneEvent(el, 'attention-select');
    expect(select.detail).to.deep.include({ query: 19, key: 19, locked: true });
    await sendKeys({ press: 'Escape' });
    expect(el.activeCell).to.equal(undefined);
  });

  it('marks a whole query row for a linked element, and puts the tooltip on the panel in use', async () => {
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap .matrix=${matrix} compare="causal"></attention-heatmap>`,
    );
    el.highlightCell(4, -1);
    const [first] = $$(el, '.frame');
    const visible = (selector: string) => first.querySelector<HTMLElement>(selector)!.style.display;
    expect(el.activeCell).to.deep.equal({ query: 4, key: -1 });
    expect([visible('.line.row'), visible('.line.col'), visible('.box')]).to.deep.equal([
      'block',
      'none',
      'none',
    ]);
    expect(parseFloat(first.querySelector<HTMLElement>('.line.row')!.style.top)).to.equal(20);
    expect(getComputedStyle($(el, '.tooltip')).display).to.equal('none');
    el.highlightCell(-1, -1);
    expect(el.activeCell).to.equal(undefined);
    expect(visible('.line.row')).to.equal('none');

    // The keyboard on the second panel: the tooltip sits beside that panel's cell.
    const second = $$(el, '.frame')[1];
    second.focus();
    await sendKeys({ press: 'ArrowDown' });
    const tooltip = $(el, '.tooltip').getBoundingClientRect();
    const panel = second.getBoundingClientRect();
    expect(tooltip.left).to.be.greaterThan(panel.left);
    expect(tooltip.left).to.be.lessThan(panel.right + 20);
  });

  it('offers its values as a table for small matrices only', async () => {
    const el = await fixture<AttentionHeatmap>(html`
      <attention-heatmap
        .matrix=${[
          [0.25, 0.75],
          [1, 0],
        ]}
        .rowLabels=${['a', 'b']}
        .colLabels=${['x', 'y']}
      ></attention-heatmap>
    `);
    const button = $$<HTMLButtonElement>(el, 'button').find(
      (b) => b.textContent!.trim() === 'Table',
    )!;
    button.click();
    await el.updateComplete;
    const cells = $$(el, 'tbody tr').map((tr) =>
      [...tr.children].map((c) => c.textContent!.trim()),
    );
    expect(cells).to.deep.equal([
      ['a', '0.250', '0.750'],
      ['b', '1.000', '0'],
    ]);
    el.rowLabels = undefined;
    el.colLabels = undefined;
    el.matrix = matrix.concat(matrix).map((row) => row.concat(row));
    await el.updateComplete;
    expect(el.shown[0].rows).to.equal(40);
    expect(button.disabled).to.equal(true);
    expect($(el, 'table')).to.equal(null);
  });
});

describe('<attention-heatmap> labels', () => {
  it('labels its axes from row-labels and col-labels written in HTML', async () => {
    const el = await fixture<AttentionHeatmap>(html`
      <attention-heatmap
        row-labels="the cat"
        col-labels="sat, on, mats"
        .matrix=${[
          [0.5, 0.25, 0.25],
          [0, 1, 0],
        ]}
      ></attention-heatmap>
    `);
    expect(el.rowLabels).to.deep.equal(['the', 'cat']);
    expect($$(el, '.y-ticks .tick').map((t) => t.textContent)).to.deep.equal(['the', 'cat']);
    expect($$(el, '.x-ticks .tick').map((t) => t.textContent)).to.deep.equal(['sat', 'on', 'mats']);
    $(el, '[role="grid"]').focus();
    await sendKeys({ press: 'ArrowDown' });
    expect($(el, '[role="gridcell"]').textContent).to.equal('Query 1 (cat), Key 0 (sat): weight 0');
    // The labels travel in the embed code; removed, the axes count again.
    expect(el.embedCode()).to.contain('row-labels="the cat"');
    expect(el.embedCode()).to.contain('col-labels="sat on mats"');
    el.removeAttribute('row-labels');
    await el.updateComplete;
    expect(el.rowLabels).to.equal(undefined);
    expect($$(el, '.y-ticks .tick').map((t) => t.textContent)).to.deep.equal(['0', '1']);
  });
});

describe('<attention-heatmap> data sources', () => {
  it('loads a JSON matrix with labels from src', async () => {
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap
        src="/packages/attention-heatmap/test/fixtures/matrix.json"
      ></attention-heatmap>`,
    );
    await el.updateComplete;
    close(matrixToArrays(el.shown[0]), [
      [0.5, 0.25, 0.25],
      [0.1, 0.8, 0.1],
      [0, 0.3, 0.7],
    ]);
    expect($$(el, '.x-ticks .tick').map((t) => t.textContent)).to.deep.equal(['the', 'cat', 'sat']);
  });

  it('follows a <shape-dataset-viewer>: attention on its sample, linked hover both ways', async () => {
    const container = await fixture<HTMLDivElement>(html`
      <div>
        <attention-heatmap for="viewer"></attention-heatmap>
        <shape-dataset-viewer id="viewer" seed="21"></shape-dataset-viewer>
      </div>
    `);
    const el = container.querySelector('attention-heatmap')!;
    const viewer = container.querySelector<ShapeDatasetViewer>('shape-dataset-viewer')!;
    await viewer.updateComplete;
    await el.updateComplete;
    const expected = localShapeAttention1D((viewer.sample as Sample1D).input).average;
    expect(el.shown[0].rows).to.equal(400);
    expect(el.shown[0].data).to.deep.equal(expected.data);

    // Hovering the heatmap marks the query and key in the viewer's plot.
    await sendMouse({ type: 'move', position: cellCentre(el, 120, 300) });
    await viewer.updateComplete;
    const rules = viewer.shadowRoot!.querySelectorAll('.chart .role-mark.mark-rule line');
    expect(rules).to.have.length(2);

    // Hovering a shape in the viewer shows its span on the heatmap.
    viewer.highlightShape(0);
    const band = $(el, '.band');
    expect(band.style.display).to.equal('block');
    const shape = viewer.sample!.shapes[0] as { start: number };
    expect(parseFloat(band.style.left)).to.be.closeTo((shape.start / 400) * 100, 1e-9);

    // A new sample in the viewer, new attention in the heatmap.
    viewer.seed = 22;
    await viewer.updateComplete;
    await el.updateComplete;
    expect(el.shown[0].data).to.deep.equal(
      localShapeAttention1D((viewer.sample as Sample1D).input).average.data,
    );

    // Removed, it lets go: the viewer's marks are cleared and its samples no longer followed.
    el.remove();
    await viewer.updateComplete;
    expect(viewer.shadowRoot!.querySelectorAll('.chart .role-mark.mark-rule line')).to.have.length(
      0,
    );
    viewer.seed = 23;
    await viewer.updateComplete;
    await el.updateComplete;
    expect(el.shown).to.deep.equal([]);
    // Put back, it follows again.
    container.append(el);
    await el.updateComplete;
    expect(el.shown[0].data).to.deep.equal(
      localShapeAttention1D((viewer.sample as Sample1D).input).average.data,
    );
  });

  it('follows any element that computes attention, from the moment it attaches, and lets go when it leaves', async () => {
    const { container, source, el } = await followingAttentionSource('attention-source');
    // What the source shows now, without waiting for its next event.
    expect(matrixToArrays(el.shown[0])).to.deep.equal([
      [1, 0],
      [0.5, 0.5],
    ]);
    source.dispatchEvent(
      new CustomEvent('attention-change', {
        detail: {
          heads: [
            [
              [0, 1],
              [1, 0],
            ],
          ],
        },
      }),
    );
    await el.updateComplete;
    expect(matrixToArrays(el.shown[0])).to.deep.equal([
      [0, 1],
      [1, 0],
    ]);
    // The source leaves the page: the heatmap lets go of it.
    source.remove();
    await el.updateComplete;
    expect(el.shown).to.deep.equal([]);
    source.dispatchEvent(
      new CustomEvent('attention-change', {
        detail: {
          heads: [
            [
              [1, 0],
              [1, 0],
            ],
          ],
        },
      }),
    );
    await el.updateComplete;
    expect(el.shown).to.deep.equal([]);
    // Another element takes the id: the heatmap follows it.
    const replacement = Object.assign(document.createElement('div'), {
      currentAttention: {
        heads: [
          [
            [0.25, 0.75],
            [0.75, 0.25],
          ],
        ],
      },
    });
    replacement.id = 'attention-source';
    container.append(replacement);
    await new Promise((resolve) => setTimeout(resolve));
    await el.updateComplete;
    expect(matrixToArrays(el.shown[0])).to.deep.equal([
      [0.25, 0.75],
      [0.75, 0.25],
    ]);
  });

  it('ignores events from the followed element that carry no detail', async () => {
    const { source, el } = await followingAttentionSource('detail-less-source');
    source.dispatchEvent(
      new CustomEvent('shape-highlight', { detail: { shape: { start: 1, width: 1 } } }),
    );
    const errors: unknown[] = [];
    const onError = (event: ErrorEvent) => {
      errors.push(event.error);
      event.preventDefault();
    };
    window.addEventListener('error', onError);
    try {
      for (const type of ['shape-highlight', 'sample-change', 'attention-change'])
        source.dispatchEvent(new CustomEvent(type, { detail: null }));
      await el.updateComplete;
    } finally {
      window.removeEventListener('error', onError);
    }
    expect(errors).to.deep.equal([]);
    expect($(el, '[role="alert"]')).to.equal(null);
    expect(matrixToArrays(el.shown[0])).to.deep.equal([
      [1, 0],
      [0.5, 0.5],
    ]);
    // The band of the last shape stays until the viewer says otherwise.
    expect($(el, '.band').style.display).to.equal('block');
  });

  it('loads src again when put back on the page before the load finished', async () => {
    const container = await fixture<HTMLDivElement>(html`<div></div>`);
    const el = document.createElement('attention-heatmap') as AttentionHeatmap;
    el.src = '/packages/attention-heatmap/test/fixtures/matrix.json';
    // A slow network: the file arrives 300 ms after it is asked for.
    const fetchNow = window.fetch;
    window.fetch = async (...args) => {
      await new Promise((resolve) => setTimeout(resolve, 300));
      return fetchNow(...args);
    };
    try {
      container.append(el);
      // The first update (in a task of its own) starts the fetch; leave while it is in flight.
      const external = (el as unknown as { external: { loading: boolean } }).external;
      await waitUntil(() => external.loading, 'the load never started');
      expect(el.shown).to.deep.equal([]);
      el.remove();
      container.append(el);
      await el.updateComplete;
    } finally {
      window.fetch = fetchNow;
    }
    expect(el.shown[0]?.rows).to.equal(3);
  });

  it('shows what a perfect model attends to with source="groups"', async () => {
    const container = await fixture<HTMLDivElement>(html`
      <div>
        <shape-dataset-viewer id="v2" seed="5"></shape-dataset-viewer>
        <attention-heatmap for="v2" source="groups" mask="causal"></attention-heatmap>
      </div>
    `);
    const el = container.querySelector('attention-heatmap')!;
    await el.updateComplete;
    const row = el.shown[0].data.subarray(399 * 400, 400 * 400);
    const weights = [
      ...new Set(
        Array.from(row)
          .filter((v) => v > 0)
          .map((v) => v.toFixed(6)),
      ),
    ];
    expect(weights).to.have.length(1);
    expect(row.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-5);

    // Switching the source recomputes from the same sample.
    el.source = 'local-shape';
    await el.updateComplete;
    const viewer = container.querySelector<ShapeDatasetViewer>('shape-dataset-viewer')!;
    const local = localShapeAttention1D((viewer.sample as Sample1D).input).average;
    const causal = el.shown[0];
    expect(causal.data[0]).to.equal(1);
    expect(causal.data[399 * 400 + 10]).to.be.closeTo(local.data[399 * 400 + 10], 1e-6);
  });
});

describe('<attention-heatmap> with bad input', () => {
  /** A heatmap of a 2 x 2 matrix once `change` is made and rendered, its warnings kept quiet. */
  async function twoByTwoAfter(change: (el: AttentionHeatmap) => void) {
    let el!: AttentionHeatmap;
    await capturingWarnings(async () => {
      el = await fixture<AttentionHeatmap>(
        html`<attention-heatmap
          .matrix=${[
            [0.5, 0.5],
            [1, 0],
          ]}
        ></attention-heatmap>`,
      );
      change(el);
      await el.updateComplete;
    });
    return el;
  }

  it('says what is wrong, warns, and recovers when fixed', async () => {
    let el!: AttentionHeatmap;
    const warnings = await capturingWarnings(async () => {
      el = await fixture<AttentionHeatmap>(
        html`<attention-heatmap .matrix=${[[1, 2], [3]]}></attention-heatmap>`,
      );
    });
    expect($(el, '[role="alert"]').textContent).to.equal('matrix row 1 has 1 values; row 0 has 2');
    expect(warnings).to.have.length(1);
    el.matrix = [[1, 0]];
    await el.updateComplete;
    expect($(el, '[role="alert"]')).to.equal(null);
    expect($$(el, '.frame')).to.have.length(1);
  });

  it('names the attribute for every kind of bad value', async () => {
    const cases: [Partial<AttentionHeatmap>, RegExp][] = [
      [
        { mask: 'diagonal' as never },
        /mask must be one of full, causal, local, sparse, global, got "diagonal"/,
      ],
      [{ compare: 'upper' as never }, /compare must be one of/],
      [{ mask: 'local', window: -1 }, /window must be a whole number in \[0, 1024\], got -1/],
      [{ colormap: 'jet' as never }, /colormap must be one of viridis/],
      [{ normalization: 'column' as never }, /normalize must be one of global, row/],
      [{ head: '3' }, /head must be "average" or a whole number from 0 to 0/],
      [{ matrix: [[Number.NaN]] }, /matrix\[0\]\[0\] is NaN/],
      [{ rowLabels: ['a'] }, /row-labels must hold 2 labels, got 1/],
    ];
    for (const [properties, message] of cases) {
      const el = await twoByTwoAfter((el) => Object.assign(el, properties));
      expect($(el, '[role="alert"]')?.textContent, JSON.stringify(properties)).to.match(message);
    }
  });

  it('names list attributes written in HTML, as written', async () => {
    const cases: [string, string, string][] = [
      ['col-labels', 'a b c', 'col-labels must hold 2 labels, got 3'],
      ['row-labels', 'a', 'row-labels must hold 2 labels, got 1'],
      ['globals', '0 ten', 'globals must be whole numbers from 0 to 1, got NaN'],
      ['globals', '0 2', 'globals must be whole numbers from 0 to 1, got 2'],
      ['normalize', 'column', 'normalize must be one of global, row, got "column"'],
    ];
    for (const [name, value, message] of cases) {
      const el = await twoByTwoAfter((el) => el.setAttribute(name, value));
      expect($(el, '[role="alert"]')?.textContent).to.equal(message);
      el.removeAttribute(name);
      await el.updateComplete;
      expect($(el, '[role="alert"]'), `${name} removed`).to.equal(null);
    }
  });

  it('reports a src that fails to load or holds no matrix', async () => {
    let el!: AttentionHeatmap;
    await capturingWarnings(async () => {
      el = await fixture<AttentionHeatmap>(
        html`<attention-heatmap
          src="/packages/attention-heatmap/test/fixtures/missing.json"
        ></attention-heatmap>`,
      );
      await el.updateComplete;
    });
    expect($(el, '[role="alert"]').textContent).to.equal(
      'src: could not load "/packages/attention-heatmap/test/fixtures/missing.json": HTTP 404',
    );
    await capturingWarnings(async () => {
      el.src = '/packages/attention-heatmap/test/fixtures/bad.json';
      await el.updateComplete;
    });
    expect($(el, '[role="alert"]').textContent).to.equal(
      'src: could not load "/packages/attention-heatmap/test/fixtures/bad.json": the JSON must be a matrix, or an object with "matrix", "heads" or "scores"',
    );
  });
});

describe('<attention-heatmap> export', () => {
  it('exports what it shows as JSON and PNG', async () => {
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap
        compare="causal"
        .matrix=${[
          [0.5, 0.5],
          [0.25, 0.75],
        ]}
      ></attention-heatmap>`,
    );
    const json = el.toJSON() as { panels: { mask: string; shown: number[][] }[] };
    expect(json.panels.map((p) => p.mask)).to.deep.equal(['full', 'causal']);
    expect(json.panels[1].shown).to.deep.equal([
      [1, 0],
      [0.25, 0.75],
    ]);
    const image = await createImageBitmap(await el.toPNG());
    // Two 2 x 2 panels scaled by 256 to 512 pixels, 16 apart.
    expect([image.width, image.height]).to.deep.equal([512 * 2 + 16, 512]);
  });
});

describe('<attention-heatmap> embed code', () => {
  it('gives the tag with its settings; pasted, it draws the same', async () => {
    const container = await fixture<HTMLDivElement>(html`
      <div>
        <shape-dataset-viewer id="embed-viewer" seed="3"></shape-dataset-viewer>
        <attention-heatmap for="embed-viewer"></attention-heatmap>
      </div>
    `);
    const el = container.querySelector<AttentionHeatmap>('attention-heatmap')!;
    el.mask = 'local';
    el.window = 12;
    el.compare = 'causal';
    el.colormap = 'magma';
    el.normalization = 'row';
    el.globals = [0, 100];
    await el.updateComplete;
    // Data set from script (matrix, heads) cannot travel in a tag; for= and src do.
    expect(el.embedCode()).to.equal(
      [
        '<attention-heatmap',
        '  for="embed-viewer"',
        '  mask="local"',
        '  compare="causal"',
        '  window="12"',
        '  globals="0 100"',
        '  colormap="magma"',
        '  normalize="row"',
        '></attention-heatmap>',
      ].join('\n'),
    );
    const copyHolder = document.createElement('div');
    copyHolder.innerHTML = el.embedCode();
    container.append(copyHolder);
    const copy = copyHolder.firstElementChild as AttentionHeatmap;
    await copy.updateComplete;
    expect(copy.shown.map((m) => m.data)).to.deep.equal(el.shown.map((m) => m.data));
  });
});

describe('<attention-heatmap> theme', () => {
  // The masked-cell checkerboard takes the theme's border and surface colours; the row chart's
  // bars its muted colour (see packages/ui/src/theme.ts).
  const LIGHT = {
    border: [209, 217, 224, 255],
    surface: [246, 248, 250, 255],
    muted: [89, 99, 110, 255],
  };
  const DARK = {
    border: [61, 68, 77, 255],
    surface: [22, 27, 34, 255],
    muted: [145, 152, 161, 255],
  };
  const uniform = [
    [1 / 3, 1 / 3, 1 / 3],
    [1 / 3, 1 / 3, 1 / 3],
    [1 / 3, 1 / 3, 1 / 3],
  ];

  /** The colours drawn: two masked cells of the first row, and the row chart's first bar. */
  function drawnColours(el: AttentionHeatmap) {
    const canvas = $<HTMLCanvasElement>(el, '.frame canvas');
    const chart = $<HTMLCanvasElement>(el, '.row-chart canvas');
    const bar = pixel(chart, Math.floor(chart.width / 6), chart.height - 2);
    return { border: pixel(canvas, 2, 0), surface: pixel(canvas, 1, 0), muted: bar };
  }

  beforeEach(() => emulateMedia({ colorScheme: 'light' }));
  afterEach(() => emulateMedia({ colorScheme: 'light' }));

  it("follows the reader's colour scheme: switched to dark, its canvases are redrawn dark", async () => {
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap mask="causal" .matrix=${uniform}></attention-heatmap>`,
    );
    el.highlightCell(2, 1);
    expect(drawnColours(el)).to.deep.equal(LIGHT);
    expect(getComputedStyle($(el, '.colorbar')).color).to.equal('rgb(89, 99, 110)');
    await emulateMedia({ colorScheme: 'dark' });
    await waitUntil(() => drawnColours(el).border[0] !== LIGHT.border[0], 'redrawn dark');
    await el.updateComplete;
    expect(drawnColours(el)).to.deep.equal(DARK);
    expect(getComputedStyle($(el, '.colorbar')).color).to.equal('rgb(145, 152, 161)');
    await emulateMedia({ colorScheme: 'light' });
    await waitUntil(() => drawnColours(el).border[0] === LIGHT.border[0], 'redrawn light');
    expect(drawnColours(el)).to.deep.equal(LIGHT);
  });

  it('takes the colours of theme="dark" set as an attribute, whatever the reader\'s scheme', async () => {
    const el = await fixture<AttentionHeatmap>(
      html`<attention-heatmap mask="causal" .matrix=${uniform}></attention-heatmap>`,
    );
    el.highlightCell(2, 1);
    expect(drawnColours(el)).to.deep.equal(LIGHT);
    el.setAttribute('theme', 'dark');
    await el.updateComplete;
    expect(drawnColours(el)).to.deep.equal(DARK);
    el.setAttribute('theme', 'light');
    await emulateMedia({ colorScheme: 'dark' });
    await el.updateComplete;
    expect(drawnColours(el)).to.deep.equal(LIGHT);
  });
});
