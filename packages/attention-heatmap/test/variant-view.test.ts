import '@decoding-attention/shape-dataset-viewer/shape-dataset-viewer.js';
import {
  COLORMAP_SIZE,
  bucketMask,
  colormapTable,
  localShapeFeatures1D,
  variantPattern,
  type Matrix,
  type Sample1D,
} from '@decoding-attention/core';
import type { ShapeDatasetViewer } from '@decoding-attention/shape-dataset-viewer';
import { expect, fixture, html } from '@open-wc/testing';
import { $, $$, capturingWarnings } from '../../ui/test/helpers.js';
import { settle } from '../../ui/test/reliability.js';
import { BUCKET_COLORS, type AttentionHeatmap } from '../src/index.js';
import '../src/attention-heatmap.js';

const pixel = (canvas: HTMLCanvasElement, x: number, y: number) => [
  ...canvas.getContext('2d')!.getImageData(x, y, 1, 1).data,
];
const rgba = (color: readonly number[]) => [...color, 255];

/** The sample's queries and keys as the heatmap takes them: local shapes, sharpness 2. */
function sampleQueryKeys(input: Float32Array): [Matrix, Matrix] {
  const keys = localShapeFeatures1D(input);
  const scale = 2 * Math.sqrt(keys.cols);
  return [{ ...keys, data: keys.data.map((v) => v * scale) }, keys];
}

/** A heatmap following a viewer of a 48-long sample, with `attributes`, drawn. */
async function onSample(attributes: Record<string, string>) {
  const container = await fixture<HTMLDivElement>(html`
    <div>
      <shape-dataset-viewer id="viewer" seed="21" length="48"></shape-dataset-viewer>
    </div>
  `);
  const viewer = container.querySelector<ShapeDatasetViewer>('shape-dataset-viewer')!;
  await viewer.updateComplete;
  const el = document.createElement('attention-heatmap') as AttentionHeatmap;
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
  el.setAttribute('for', 'viewer');
  container.append(el);
  await settle(el);
  const [queries, keys] = sampleQueryKeys((viewer.sample as Sample1D).input);
  return { el, viewer, queries, keys };
}

/** A heatmap following a stand-in for `<trainable-model>` whose `currentAttention` is `detail`. */
async function following(detail: unknown) {
  const container = await fixture<HTMLDivElement>(html`<div></div>`);
  const source = Object.assign(document.createElement('div'), {
    id: 'model',
    currentAttention: detail,
  });
  container.append(source);
  const el = document.createElement('attention-heatmap') as AttentionHeatmap;
  el.setAttribute('for', 'model');
  container.append(el);
  await settle(el);
  return { el, source };
}

/** `rows x cols` weights spread evenly. */
const even = (rows: number, cols: number) =>
  Array.from({ length: rows }, () => Array.from({ length: cols }, () => 1 / cols));

describe('<attention-heatmap> attention variants', () => {
  it('reformer on the sample: the core pattern, each round coloured by bucket, unseen cells masked', async () => {
    const { el, queries, keys } = await onSample({
      attention: 'reformer',
      buckets: '4',
      hashes: '2',
      chunk: '8',
    });
    const want = variantPattern('reformer', queries, keys, {
      buckets: 4,
      hashes: 2,
      chunk: 8,
      seed: 1,
    });
    expect(el.shown[0].data).to.deep.equal(want.heads[0].data);
    const canvases = $$(el, '.bucket-canvas') as HTMLCanvasElement[];
    expect(canvases).to.have.length(2);
    canvases.forEach((canvas, r) => {
      const bucket = want.buckets![r][0];
      expect([canvas.width, canvas.height]).to.deep.equal([50, 50]);
      for (let p = 0; p < 48; p++) {
        const color = rgba(BUCKET_COLORS[bucket[p]]);
        expect(pixel(canvas, p + 2, 0), `round ${r} key ${p}`).to.deep.equal(color);
        expect(pixel(canvas, 0, p + 2), `round ${r} query ${p}`).to.deep.equal(color);
      }
      // Inside: the query's bucket colour where the round sees the key, the background elsewhere.
      const seen = bucketMask(bucket, 8);
      const empty = pixel(canvas, 1, 1);
      for (const [i, j] of [
        [0, 0],
        [5, 30],
        [20, 21],
        [47, 3],
        [33, 33],
      ])
        expect(pixel(canvas, j + 2, i + 2), `round ${r} cell ${i}, ${j}`).to.deep.equal(
          seen[i * 48 + j] ? rgba(BUCKET_COLORS[bucket[i]]) : empty,
        );
      expect(canvas.getAttribute('aria-label')).to.match(new RegExp(`^Round ${r + 1}: bucket `));
    });
    // A legend entry per bucket used, with its count of positions in each round.
    const used = new Set([...want.buckets![0][0], ...want.buckets![1][0]]);
    const items = $$(el, '.bucket-legend li');
    expect(items).to.have.length(used.size);
    const first = Math.min(...used);
    const counts = want.buckets!.map((round) => round[0].filter((b) => b === first).length);
    expect(items[0].textContent!.replace(/\s+/g, ' ').trim()).to.equal(
      `Bucket ${first + 1}: ${counts.join(' / ')} positions`,
    );
    // The matrix: a cell no round sees is drawn as masked (outside the colour map), a seen one in
    // its colour; with variant-view="pattern", the unseen cell is a plain 0.
    const seen = want.buckets!.map((round) => bucketMask(round[0], 8));
    const unseen = [...seen[0].keys()].find((c) => !seen[0][c] && !seen[1][c])!;
    const matrix = $(el, '.frame canvas') as HTMLCanvasElement;
    const table = colormapTable('viridis');
    const inMap = Array.from({ length: COLORMAP_SIZE }, (_, i) =>
      [table[3 * i], table[3 * i + 1], table[3 * i + 2]].join(),
    );
    const cellColor = () =>
      pixel(matrix, unseen % 48, Math.floor(unseen / 48))
        .slice(0, 3)
        .join();
    expect(inMap).not.to.include(cellColor());
    expect(inMap).to.include(pixel(matrix, 0, 0).slice(0, 3).join());
    el.setAttribute('variant-view', 'pattern');
    await settle(el);
    expect(cellColor()).to.equal(inMap[0]);
    expect($$(el, '.bucket-canvas')).to.have.length(0);
    const json = el.toJSON() as { variant: { buckets: number[][][]; chunk: number } };
    expect(json.variant.buckets[0][0]).to.deep.equal([...want.buckets![0][0]]);
    expect(json.variant.chunk).to.equal(8);
  });

  it('adaptive from a linked model: each head span in its label, over its map, and in what screen readers hear', async () => {
    const { el, source } = await following({
      heads: [even(6, 6), even(6, 6)],
      variant: { attention: 'adaptive', spans: [1.5, 3], maxSpan: 8, options: { ramp: 2 } },
    });
    const buttons = $$(el, '.heads button').map((b) => b.textContent!.replace(/\s+/g, ' ').trim());
    expect(buttons).to.deep.equal(['Average', 'Head 1 span 1.5 tokens', 'Head 2 span 3 tokens']);
    el.head = '1';
    await settle(el);
    expect($(el, '.panel-title').textContent).to.equal(
      'Attention weights (head 2 span 3 tokens of at most 8)',
    );
    expect($(el, '.frame').getAttribute('aria-label')).to.contain(
      'head 2 span 3 tokens of at most 8',
    );
    // Dashed where the weight starts to fade (3 tokens away), solid where none is left (3 + 2).
    const starts = $$(el, '.spans .span-start').map((l) => Number(l.getAttribute('x1')));
    const ends = $$(el, '.spans .span-end').map((l) => Number(l.getAttribute('x1')));
    expect(starts.sort((a, b) => a - b)).to.deep.equal([-2.5, 3.5]);
    expect(ends.sort((a, b) => a - b)).to.deep.equal([-4.5, 5.5]);
    expect($(el, '.spans-list').textContent!.replace(/\s+/g, ' ')).to.contain(
      'Head 1: span 1.5 tokens of at most 8 Head 2: span 3 tokens of at most 8',
    );
    // The model trains on: new spans arrive.
    source.dispatchEvent(
      new CustomEvent('attention-change', {
        detail: {
          heads: [even(6, 6), even(6, 6)],
          variant: { attention: 'adaptive', spans: [2, 4.25] },
        },
      }),
    );
    await settle(el);
    expect($(el, '.panel-title').textContent).to.equal(
      'Attention weights (head 2 span 4.3 tokens)',
    );
    el.setAttribute('variant-view', 'pattern');
    await settle(el);
    expect($$(el, '.spans line')).to.have.length(0);
    expect(el.shadowRoot!.querySelector('.variant')).to.equal(null);
  });

  it('adaptive on the sample: four heads with spans of a quarter to all of span, as core computes them', async () => {
    const { el, queries, keys } = await onSample({ attention: 'adaptive', span: '12' });
    const want = variantPattern('adaptive', queries, keys, { spans: [3, 6, 9, 12], ramp: 16 });
    expect(el.toJSON().variant).to.include({ maxSpan: 12, ramp: 16 });
    expect((el.toJSON().variant as { spans: number[] }).spans).to.deep.equal([3, 6, 9, 12]);
    el.head = '3';
    await settle(el);
    expect(el.shown[0].data).to.deep.equal(want.heads[3].data);
  });

  it('linformer: the projected view, [position x k], columns labelled as the k rows', async () => {
    const projected = [
      [0.5, 0.25, 0.25],
      [0, 1, 0],
      [0.2, 0.2, 0.6],
      [1, 0, 0],
    ];
    const { el } = await following({
      heads: [even(4, 4)],
      variant: { attention: 'linformer', projected: [projected] },
    });
    const canvas = $(el, '.projected-canvas') as HTMLCanvasElement;
    expect([canvas.width, canvas.height]).to.deep.equal([3, 4]);
    expect($$(el, '.projected-ticks .tick').map((t) => t.textContent)).to.deep.equal([
      'row 1',
      'row 2',
      'row 3',
    ]);
    expect(canvas.getAttribute('aria-label')).to.equal(
      'Weights over the projected rows: 4 query positions by 3 projected rows. Row attended most, by position: 0: row 1, 1: row 2, 2: row 3, 3: row 1',
    );
    // Colours from the data's range, 0 to 1: a weight of 1 is viridis' top, 0 its bottom.
    const table = colormapTable('viridis');
    const at = (i: number) => [table[3 * i], table[3 * i + 1], table[3 * i + 2], 255];
    expect(pixel(canvas, 1, 1)).to.deep.equal(at(COLORMAP_SIZE - 1));
    expect(pixel(canvas, 0, 1)).to.deep.equal(at(0));
  });

  it('linformer on the sample: k = projected rows over the sample positions', async () => {
    const { el, queries, keys } = await onSample({ attention: 'linformer', projected: '5' });
    const canvas = $(el, '.projected-canvas') as HTMLCanvasElement;
    expect([canvas.width, canvas.height]).to.deep.equal([5, 48]);
    const want = variantPattern('linformer', queries, keys, { projected: 5, seed: 1 });
    expect(el.shown[0].data).to.deep.equal(want.heads[0].data);
    expect((el.toJSON().variant as { projected: number[][][] }).projected[0][7]).to.deep.equal(
      Array.from(want.projected![0].data.subarray(35, 40)),
    );
  });

  it('performer: exact attention beside the estimate, with mean and largest error', async () => {
    const { el } = await following({
      heads: [
        [
          [0.5, 0.5],
          [0.25, 0.75],
        ],
      ],
      variant: {
        attention: 'performer',
        exact: [
          [
            [0.6, 0.4],
            [0.25, 0.75],
          ],
        ],
      },
    });
    expect($(el, '.error-text').textContent).to.equal(
      "Performer's estimate against exact softmax: mean absolute error 0.050, largest 0.100",
    );
    const exact = $(el, '.exact-canvas') as HTMLCanvasElement;
    expect([exact.width, exact.height]).to.deep.equal([2, 2]);
    // In the estimate's colours (weights from 0 to its 0.75): 0.75 at the top, 0.25 a third up.
    const table = colormapTable('viridis');
    const at = (i: number) => [table[3 * i], table[3 * i + 1], table[3 * i + 2], 255];
    expect(pixel(exact, 1, 1)).to.deep.equal(at(COLORMAP_SIZE - 1));
    expect(pixel(exact, 0, 1)).to.deep.equal(at(85));
    expect(pixel(exact, 0, 0)).to.deep.equal(at(205));
    const error = el.toJSON().variant as { error: { mean: number; max: number } };
    expect(error.error.mean).to.be.closeTo(0.05, 1e-7);
    expect(error.error.max).to.be.closeTo(0.1, 1e-7);
  });

  it('performer on the sample: its estimate and the exact softmax from core', async () => {
    const { el, queries, keys } = await onSample({ attention: 'performer', features: '16' });
    const want = variantPattern('performer', queries, keys, { features: 16, seed: 1 });
    expect(el.shown[0].data).to.deep.equal(want.heads[0].data);
    const json = el.toJSON().variant as { exact: number[][][] };
    expect(json.exact[0][3]).to.deep.equal(Array.from(want.exact![0].data.subarray(144, 192)));
  });

  it('names a bad variant attribute or detail, warns, and recovers once fixed', async () => {
    const { el } = await onSample({ attention: 'local', window: '2' });
    for (const [name, value, message] of [
      ['attention', 'lsh', 'attention must be one of'],
      ['variant-view', 'all', 'variant-view must be one of'],
      ['buckets', '3', 'buckets must be 1 or even'],
      ['features', '0', 'features must be a whole number in [1, 1024]'],
      ['hashes', '99', 'hashes must be a whole number in [1, 16]'],
      ['span', '2.5', 'span must be a whole number'],
      ['chunk', '-1', 'chunk must be a whole number'],
      ['projected', 'x', 'projected must be a whole number'],
    ]) {
      const warnings = await capturingWarnings(async () => {
        el.setAttribute(name, value);
        await settle(el);
      });
      expect($(el, '.error').textContent, name).to.contain(message);
      expect(warnings.join(' '), name).to.contain(message);
      el.removeAttribute(name);
      await settle(el);
      expect(el.shadowRoot!.querySelector('.error'), `${name} removed`).to.equal(null);
    }
    expect(el.shown).to.have.length(1);

    const { el: linked, source } = await following({
      heads: [even(3, 3)],
      variant: { attention: 'adaptive', spans: [1, 2] },
    });
    expect($(linked, '.error').textContent).to.contain(
      'attention-change variant.spans must hold 1 span in tokens',
    );
    source.dispatchEvent(
      new CustomEvent('attention-change', {
        detail: { heads: [even(3, 3)], variant: { attention: 'reformer', buckets: [[[0, 1]]] } },
      }),
    );
    await settle(linked);
    expect($(linked, '.error').textContent).to.contain(
      'attention-change variant.buckets[0][0] must hold 3 buckets',
    );
    source.dispatchEvent(
      new CustomEvent('attention-change', {
        detail: { heads: [even(3, 3)], variant: { attention: 'reformer', buckets: [[[0, 1, 0]]] } },
      }),
    );
    await settle(linked);
    expect(linked.shadowRoot!.querySelector('.error')).to.equal(null);
    expect($$(linked, '.bucket-canvas')).to.have.length(1);
  });
});
