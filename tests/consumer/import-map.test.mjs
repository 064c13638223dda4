// A blogger's page with no bundler: the built packages and their dependencies loaded straight
// from disk through an import map. Every element must render, with no console error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage } from '../../scripts/browser.js';
import { generateImportMap } from '../../scripts/import-map.js';
import { startStaticServer } from '../../scripts/static-server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

describe('plain HTML page with an import map', () => {
  let server;
  let browser;

  before(async () => {
    const importMap = await generateImportMap(
      [
        `${root}packages/shape-dataset-viewer/dist/shape-dataset-viewer.js`,
        `${root}packages/attention-heatmap/dist/attention-heatmap.js`,
        `${root}packages/positional-encoding-explorer/dist/positional-encoding-explorer.js`,
        `${root}packages/patch-tokenizer/dist/patch-tokenizer.js`,
        `${root}packages/trainable-model/dist/trainable-model.js`,
      ],
      { root },
    );
    const page = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>Shapes, no bundler</title>
    <link rel="icon" href="data:," />
    <script type="importmap">${JSON.stringify(importMap)}</script>
    <script type="module" src="/packages/shape-dataset-viewer/dist/shape-dataset-viewer.js"></script>
    <script type="module" src="/packages/attention-heatmap/dist/attention-heatmap.js"></script>
    <script type="module" src="/packages/positional-encoding-explorer/dist/positional-encoding-explorer.js"></script>
    <script type="module" src="/packages/patch-tokenizer/dist/patch-tokenizer.js"></script>
    <script type="module" src="/packages/trainable-model/dist/trainable-model.js"></script>
  </head>
  <body>
    <h1>A post about attention</h1>
    <shape-dataset-viewer id="one" seed="7"></shape-dataset-viewer>
    <shape-dataset-viewer id="two" mode="2d" seed="3" filter="channel"></shape-dataset-viewer>
    <patch-tokenizer id="tokens" for="two" patch-size="32"></patch-tokenizer>
    <attention-heatmap id="heatmap" for="one" compare="causal"></attention-heatmap>
    <positional-encoding-explorer id="sinusoidal"></positional-encoding-explorer>
    <positional-encoding-explorer id="rope" encoding="rope" compare="linear" for="one"></positional-encoding-explorer>
    <trainable-model id="model" model="mha" length="64" hidden-size="16" heads="2" batch-size="16" validation-size="32" learning-rate="0.003" budget="30 steps"></trainable-model>
  </body>
</html>`;
    server = await startStaticServer({ root, pages: { '/consumer/import-map.html': page } });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('links a heatmap to a viewer: attention on its sample, hover marks both', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/consumer/import-map.html`);
    await page.waitForFunction(() => customElements.get('attention-heatmap') !== undefined, {
      timeout: 30_000,
    });
    const shown = await page.evaluate(async () => {
      const heatmap = document.querySelector('#heatmap');
      await document.querySelector('#one').updateComplete;
      await heatmap.updateComplete;
      heatmap.scrollIntoView();
      return heatmap.shown.map((m) => [m.rows, m.cols]);
    });
    assert.deepEqual(shown, [
      [400, 400],
      [400, 400],
    ]);
    const frame = await page.evaluateHandle(() =>
      document.querySelector('#heatmap').shadowRoot.querySelector('.frame'),
    );
    const box = await frame.boundingBox();
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height * 0.6);
    const linked = await page.evaluate(async () => {
      const viewer = document.querySelector('#one');
      await viewer.updateComplete;
      return {
        cell: document.querySelector('#heatmap').activeCell,
        rules: viewer.shadowRoot.querySelectorAll('.chart .role-mark.mark-rule line').length,
      };
    });
    assert.equal(linked.rules, 2);
    assert.ok(linked.cell.query > 200 && linked.cell.key > 100, JSON.stringify(linked.cell));
    assert.deepEqual(problems, []);
  });

  it('renders every encoding and the compare mode of the explorer', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/consumer/import-map.html`);
    await page.waitForFunction(
      () => customElements.get('positional-encoding-explorer') !== undefined,
      {
        timeout: 30_000,
      },
    );
    const state = await page.evaluate(async () => {
      const results = {};
      for (const encoding of ['linear', 'learnable', 'sinusoidal', 'sinusoidal-inverted', 'rope']) {
        const explorer = document.querySelector('#sinusoidal');
        explorer.encoding = encoding;
        await explorer.updateComplete;
        results[encoding] = {
          heatmaps: explorer.shadowRoot.querySelectorAll('attention-heatmap').length,
          curves: explorer.shadowRoot.querySelectorAll('.curves .mark-line path').length,
          alert: explorer.shadowRoot.querySelector('[role="alert"]')?.textContent ?? '',
        };
      }
      const rope = document.querySelector('#rope');
      await rope.updateComplete;
      results.compare = {
        tables: rope.shadowRoot.querySelectorAll('attention-heatmap.table').length,
        offsets: rope.shadowRoot.querySelectorAll('.offsets .mark-line path').length,
        sampleLength: rope.attentionMaps[0].rows,
      };
      return results;
    });
    for (const encoding of ['linear', 'learnable', 'sinusoidal', 'sinusoidal-inverted', 'rope']) {
      assert.deepEqual(state[encoding], { heatmaps: 4, curves: 6, alert: '' }, encoding);
    }
    assert.deepEqual(state.compare, { tables: 2, offsets: 3, sampleLength: 400 });
    assert.deepEqual(problems, []);
  });

  it('trains a model in a Worker, its loss falling and its attention updating', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/consumer/import-map.html`);
    await page.waitForFunction(() => customElements.get('trainable-model') !== undefined, {
      timeout: 30_000,
    });
    const result = await page.evaluate(async () => {
      const model = document.querySelector('#model');
      await model.updateComplete;
      const losses = [];
      const snapshots = new Set();
      model.addEventListener('training-progress', (event) => losses.push(event.detail.trainLoss));
      model.addEventListener('attention-change', (event) =>
        snapshots.add(event.detail.heads[0].data[0]),
      );
      const done = new Promise((resolve) =>
        model.addEventListener('training-done', (event) => resolve(event.detail), { once: true }),
      );
      model.train();
      const detail = await done;
      await model.updateComplete;
      const first = losses.slice(0, 5).reduce((a, b) => a + b, 0) / 5;
      const last = losses.slice(-5).reduce((a, b) => a + b, 0) / 5;
      return {
        runsOn: model.runsOn,
        steps: losses.length,
        first,
        last,
        snapshots: snapshots.size,
        results: detail.results.length,
        heads: model.attentionMaps[0].length,
      };
    });
    assert.equal(result.runsOn, 'worker');
    assert.equal(result.steps, 30);
    assert.ok(result.last < 0.8 * result.first, `loss ${result.first} -> ${result.last}`);
    assert.ok(result.snapshots >= 2, 'the attention maps updated during training');
    assert.equal(result.results, 1);
    assert.equal(result.heads, 2);
    assert.deepEqual(problems, []);
  });

  it('renders a 1D and a 2D viewer with no console error', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/consumer/import-map.html`);
    await page.waitForFunction(() => customElements.get('shape-dataset-viewer') !== undefined, {
      timeout: 30_000,
    });
    const state = await page.evaluate(async () => {
      const one = document.querySelector('#one');
      const two = document.querySelector('#two');
      await one.updateComplete;
      await two.updateComplete;
      const input = two.shadowRoot.querySelector('canvas.input-image');
      const pixels = input.getContext('2d').getImageData(0, 0, input.width, input.height).data;
      let lit = 0;
      for (let i = 0; i < pixels.length; i += 4)
        if (pixels[i] + pixels[i + 1] + pixels[i + 2] > 0) lit++;
      return {
        chart: one.shadowRoot.querySelector('.chart svg') !== null,
        oneShapes: one.shadowRoot.querySelectorAll('[role="option"]').length,
        oneExpected: one.sample.shapes.length,
        twoShapes: two.shadowRoot.querySelectorAll('[role="option"]').length,
        twoSize: [input.width, input.height],
        litPixels: lit,
        errors: [...document.querySelectorAll('shape-dataset-viewer')].map(
          (el) => el.shadowRoot.querySelector('[role="alert"]')?.textContent ?? '',
        ),
      };
    });
    assert.deepEqual(problems, []);
    assert.equal(state.chart, true, 'the 1D vega-lite chart is drawn');
    assert.equal(state.oneShapes, state.oneExpected);
    assert.ok(state.twoShapes >= 3);
    assert.deepEqual(state.twoSize, [128, 128]);
    assert.ok(state.litPixels > 128 * 128 * 0.5, 'the noisy 2D input is drawn');
    assert.deepEqual(state.errors, ['', '']);
  });

  it('tokenizes the 2D viewer’s sample: its image cut into patches, a token for each', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/consumer/import-map.html`);
    await page.waitForFunction(() => customElements.get('patch-tokenizer') !== undefined, {
      timeout: 30_000,
    });
    const state = await page.evaluate(async () => {
      const two = document.querySelector('#two');
      const tokens = document.querySelector('#tokens');
      await two.updateComplete;
      await tokens.updateComplete;
      const pixels = (canvas) =>
        canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data.join();
      const image = tokens.shadowRoot.querySelector('[part="image"]');
      // The arrow keys move patch by patch: right, then down, from patch 0 of a 4 x 4 grid.
      const frame = image.querySelector('.frame');
      frame.focus();
      for (const key of ['ArrowRight', 'ArrowDown'])
        frame.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true }));
      await tokens.updateComplete;
      return {
        followed: tokens.image === two.sample,
        sameImage:
          pixels(image.querySelector('canvas.image')) ===
          pixels(two.shadowRoot.querySelector('canvas.input-image')),
        numbers: image.querySelectorAll('.overlay .numbers text').length,
        gridLines: image.querySelectorAll('.overlay .grid-line').length,
        tokens: tokens.tokens.length,
        shown: tokens.shownPatch,
        alert: tokens.shadowRoot.querySelector('[role="alert"]')?.textContent ?? '',
      };
    });
    assert.deepEqual(state, {
      followed: true,
      sameImage: true,
      numbers: 16,
      gridLines: 6,
      tokens: 16 * 16,
      shown: 5,
      alert: '',
    });
    assert.deepEqual(problems, []);
  });
});
