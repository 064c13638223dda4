// The script-tag builds as a blogger uses them: files copied to a site, loaded with
// <script type="module" src>, served with a strict Content-Security-Policy. Also the size budgets:
// each element's own code, and which chunks load when.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage } from '../../scripts/browser.js';
import { buildBundles, ELEMENT_TAGS } from '../../scripts/build-bundles.js';
import { ownCodeSizes, OWN_CODE_BUDGET } from '../../scripts/sizes.js';
import { startStaticServer } from '../../scripts/static-server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
// No inline script, no eval: what a careful blog serves.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:";

/** The output files (chunks) holding any input whose path matches `pattern`. */
function outputsWith(metafile, pattern) {
  return new Set(
    Object.entries(metafile.outputs)
      .filter(([, output]) => Object.keys(output.inputs).some((input) => pattern.test(input)))
      .map(([file]) => file.split('/').pop()),
  );
}

/** Every output an entry reaches through static imports alone (what loads before it runs). */
function staticClosure(metafile, entryFile) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const edge of metafile.outputs[file]?.imports ?? [])
      if (edge.kind === 'import-statement') visit(edge.path);
  };
  visit(entryFile);
  return new Set([...seen].map((file) => file.split('/').pop()));
}

describe('script-tag bundles', () => {
  let out;
  let metafile;
  let server;
  let browser;

  before(async () => {
    out = mkdtempSync(join(tmpdir(), 'da-bundles-'));
    metafile = await buildBundles(root, out);
    const page = (body, scripts) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>A post</title><link rel="icon" href="data:,">
${scripts.map((src) => `<script type="module" src="/${src}"></script>`).join('\n')}
</head><body><h1>A post about attention</h1>${body}</body></html>`;
    server = await startStaticServer({
      root: out,
      pages: {
        '/all.html': page(
          `<shape-dataset-viewer id="one" seed="7"></shape-dataset-viewer>
           <shape-dataset-viewer id="two" mode="2d" seed="3" filter="channel"></shape-dataset-viewer>
           <patch-tokenizer id="tokens" for="two"></patch-tokenizer>
           <attention-heatmap id="heatmap" for="one" compare="causal"></attention-heatmap>
           <positional-encoding-explorer id="rope" encoding="rope" compare="linear"></positional-encoding-explorer>
           <trainable-model id="model" model="mha" length="48" hidden-size="16" heads="2"
             batch-size="16" validation-size="32" learning-rate="0.003" budget="12 steps"></trainable-model>`,
          ['elements.js'],
        ),
        '/heatmap.html': page(
          `<attention-heatmap id="heatmap" colormap="magma"></attention-heatmap>`,
          ['attention-heatmap.js'],
        ),
        '/viewer.html': page(`<shape-dataset-viewer id="one" seed="7"></shape-dataset-viewer>`, [
          'shape-dataset-viewer.js',
        ]),
        '/tokenizer.html': page(
          `<patch-tokenizer id="tokens" seed="5" patch-size="32" encoding="rope"></patch-tokenizer>`,
          ['patch-tokenizer.js'],
        ),
        '/cost.html': page(
          `<attention-cost id="cost" variants="full local" lengths="64 128" kv-tokens="16" budget="60000"></attention-cost>`,
          ['attention-cost.js'],
        ),
        '/explorer.html': page(
          `<efficient-attention-explorer id="explorer" method="patterns" length="64" window="4"></efficient-attention-explorer>`,
          ['efficient-attention-explorer.js'],
        ),
        '/twice.html': page(`<attention-heatmap id="heatmap"></attention-heatmap>`, [
          'attention-heatmap.js',
          'patch-tokenizer.js',
          'efficient-attention-explorer.js',
          'elements.js',
          'trainable-model.js',
        ]),
      },
      headers: { 'content-security-policy': CSP },
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  /** Opens a page, recording the name of every file it requests. */
  async function open(path) {
    const requested = [];
    const { page, problems } = await openPage(browser, `${server.url}${path}`);
    page.on('request', (request) => requested.push(new URL(request.url()).pathname.slice(1)));
    return { page, problems, requested };
  }

  it('keeps each element’s own code within its budget, min+gzip, lit excluded', async () => {
    const sizes = await ownCodeSizes(root);
    for (const { name, gzip } of sizes) {
      assert.ok(
        gzip <= OWN_CODE_BUDGET,
        `${name}: ${(gzip / 1024).toFixed(1)} KB min+gzip, over ${OWN_CODE_BUDGET / 1024} KB`,
      );
    }
    assert.deepEqual(
      sizes.map((s) => s.name),
      ELEMENT_TAGS.map((tag) => `@decoding-attention/${tag}`),
    );
  });

  it('never loads tfjs for elements that do not train, nor vega before a chart is shown', () => {
    const tfjs = outputsWith(metafile, /@tensorflow/);
    const vega = outputsWith(metafile, /node_modules[\\/]vega/);
    assert.ok(tfjs.size > 0 && vega.size > 0);
    for (const tag of [
      'shape-dataset-viewer',
      'attention-heatmap',
      'positional-encoding-explorer',
      'patch-tokenizer',
      'efficient-attention-explorer',
    ]) {
      // Through static and dynamic imports alike: no tfjs for these five.
      const entry = Object.keys(metafile.outputs).find((file) => file.endsWith(`/${tag}.js`));
      const reached = new Set();
      const visit = (file) => {
        if (reached.has(file)) return;
        reached.add(file);
        for (const edge of metafile.outputs[file]?.imports ?? []) visit(edge.path);
      };
      visit(entry);
      const names = [...reached].map((file) => file.split('/').pop());
      assert.deepEqual(
        names.filter((name) => tfjs.has(name)),
        [],
        `${tag} reaches tfjs`,
      );
    }
    for (const tag of [...ELEMENT_TAGS, 'elements']) {
      const entry = Object.keys(metafile.outputs).find((file) => file.endsWith(`/${tag}.js`));
      const before = staticClosure(metafile, entry);
      assert.deepEqual(
        [...before].filter((name) => vega.has(name) || tfjs.has(name)),
        [],
        `${tag} loads vega or tfjs before it runs`,
      );
    }
  });

  it('works under a strict CSP (no inline script, no eval): every element, training included', async () => {
    const { page, problems } = await open('/all.html');
    await page.waitForFunction(() => customElements.get('trainable-model') !== undefined, {
      timeout: 30_000,
    });
    const state = await page.evaluate(async () => {
      const one = document.querySelector('#one');
      const two = document.querySelector('#two');
      const tokens = document.querySelector('#tokens');
      const heatmap = document.querySelector('#heatmap');
      const rope = document.querySelector('#rope');
      const model = document.querySelector('#model');
      await Promise.all([one, two, tokens, heatmap, rope, model].map((el) => el.updateComplete));
      // The tokenizer cuts the followed viewer's sample into 8 x 8 patches of 16 pixels.
      const pixels = (canvas) =>
        canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data.join();
      const tokenized = {
        followed: tokens.image === two.sample,
        sameImage:
          pixels(tokens.shadowRoot.querySelector('canvas.image')) ===
          pixels(two.shadowRoot.querySelector('canvas.input-image')),
        numbers: tokens.shadowRoot.querySelectorAll('[part="image"] .overlay .numbers text').length,
        tokens: tokens.tokens.length,
      };
      const done = new Promise((resolve) =>
        model.addEventListener('training-done', (event) => resolve(event.detail), { once: true }),
      );
      model.train();
      const detail = await done;
      await model.updateComplete;
      const svg = await model.chartsSVG();
      return {
        viewerChart: one.shadowRoot.querySelector('.chart svg, .chart canvas') !== null,
        heatmap: heatmap.shown.map((m) => [m.rows, m.cols]),
        curves: rope.shadowRoot.querySelectorAll('.curves .mark-line path').length,
        tokenized,
        runsOn: model.runsOn,
        samples: detail.results[0].samplesSeen,
        lossDrawn: svg.loss.includes('mark-line'),
        alerts: [...document.querySelectorAll('*')]
          .map((el) => el.shadowRoot?.querySelector('[role="alert"]')?.textContent)
          .filter(Boolean),
      };
    });
    assert.deepEqual(problems, []);
    assert.equal(state.viewerChart, true, 'vega draws in its CSP-safe mode');
    assert.deepEqual(state.heatmap, [
      [400, 400],
      [400, 400],
    ]);
    assert.ok(state.curves > 0);
    assert.deepEqual(state.tokenized, {
      followed: true,
      sameImage: true,
      numbers: 64,
      tokens: 64 * 16,
    });
    assert.equal(state.runsOn, 'worker');
    assert.equal(state.samples, 12 * 16);
    assert.equal(state.lossDrawn, true);
    assert.deepEqual(state.alerts, []);
  });

  it('loads vega only when a chart is shown, and tfjs never, for a page without training', async () => {
    const tfjs = outputsWith(metafile, /@tensorflow/);
    const vega = outputsWith(metafile, /node_modules[\\/]vega/);
    const heatmapPage = await open('/heatmap.html');
    await heatmapPage.page.evaluate(async () => {
      await customElements.whenDefined('attention-heatmap');
      const heatmap = document.querySelector('#heatmap');
      heatmap.matrix = [
        [0.5, 0.5],
        [0.2, 0.8],
      ];
      await heatmap.updateComplete;
    });
    assert.deepEqual(heatmapPage.problems, []);
    assert.deepEqual(
      heatmapPage.requested.filter((name) => vega.has(name) || tfjs.has(name)),
      [],
      'a heatmap page loads neither vega nor tfjs',
    );
    const viewerPage = await open('/viewer.html');
    const drawn = await viewerPage.page.evaluate(async () => {
      await customElements.whenDefined('shape-dataset-viewer');
      const viewer = document.querySelector('#one');
      await viewer.updateComplete;
      return viewer.shadowRoot.querySelector('.chart svg, .chart canvas') !== null;
    });
    assert.equal(drawn, true);
    assert.deepEqual(viewerPage.problems, []);
    assert.ok(
      viewerPage.requested.some((name) => vega.has(name)),
      'the 1D chart loads vega',
    );
    assert.deepEqual(
      viewerPage.requested.filter((name) => tfjs.has(name)),
      [],
    );
    // The tokenizer's own file registers its tag and draws on canvas: neither vega nor tfjs.
    const tokenizerPage = await open('/tokenizer.html');
    const tokenized = await tokenizerPage.page.evaluate(async () => {
      await customElements.whenDefined('patch-tokenizer');
      const tokens = document.querySelector('#tokens');
      await tokens.updateComplete;
      return {
        grid: tokens.toJSON().grid,
        tokens: tokens.tokens.length,
        alert: tokens.shadowRoot.querySelector('[role="alert"]')?.textContent ?? '',
      };
    });
    assert.deepEqual(tokenized, {
      grid: { rows: 4, cols: 4, patches: 16, valuesPerPatch: 32 * 32 * 3 },
      tokens: 16 * 16,
      alert: '',
    });
    assert.deepEqual(tokenizerPage.problems, []);
    assert.deepEqual(
      tokenizerPage.requested.filter((name) => vega.has(name) || tfjs.has(name)),
      [],
      'a tokenizer page loads neither vega nor tfjs',
    );
    // The explorer's own file, showing a pattern (no chart): its cost and reach, neither vega nor tfjs.
    const explorerPage = await open('/explorer.html');
    const explored = await explorerPage.page.evaluate(async () => {
      await customElements.whenDefined('efficient-attention-explorer');
      const explorer = document.querySelector('#explorer');
      await explorer.updateComplete;
      const { cells, full, reach } = explorer.toJSON().summary;
      return {
        cells,
        full,
        reach,
        heatmaps: explorer.shadowRoot.querySelectorAll('attention-heatmap').length,
        alert: explorer.shadowRoot.querySelector('[role="alert"]')?.textContent ?? '',
      };
    });
    // A window of 4 on 64 positions: 64 + 2 x (63 + 62 + 61 + 60) cells, 63 / 4 rounded up steps.
    assert.deepEqual(explored, { cells: 556, full: 4096, reach: 16, heatmaps: 1, alert: '' });
    assert.deepEqual(explorerPage.problems, []);
    assert.deepEqual(
      explorerPage.requested.filter((name) => vega.has(name) || tfjs.has(name)),
      [],
      'an explorer page showing a pattern loads neither vega nor tfjs',
    );
  });

  it('measures attention costs in the bundled Worker under a strict CSP, loading tfjs only then', async () => {
    const tfjs = outputsWith(metafile, /@tensorflow/);
    const { page, problems, requested } = await open('/cost.html');
    const before = await page.evaluate(async () => {
      await customElements.whenDefined('attention-cost');
      await document.querySelector('#cost').updateComplete;
      return performance.getEntriesByType('resource').length;
    });
    assert.ok(before > 0);
    assert.deepEqual(
      requested.filter((name) => tfjs.has(name)),
      [],
      'nothing of tfjs loads before measuring',
    );
    const state = await page.evaluate(async () => {
      const cost = document.querySelector('#cost');
      const done = new Promise((resolve) =>
        cost.addEventListener('cost-done', (event) => resolve(event.detail), { once: true }),
      );
      cost.start();
      const detail = await done;
      await cost.updateComplete;
      const data = cost.toJSON();
      return {
        cancelled: detail.cancelled,
        points: data.points.map((p) => `${p.variant} ${p.length}`),
        sameTokens: data.kvCache.sameTokens,
        rows: cost.shadowRoot.querySelectorAll('tbody tr').length,
        chart: cost.shadowRoot.querySelector('.sweep-chart svg') !== null,
        tensors: await cost.tensorsInUse(),
        alert: cost.shadowRoot.querySelector('[role="alert"]')?.textContent ?? '',
      };
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(state, {
      cancelled: false,
      points: ['full 64', 'local 64', 'full 128', 'local 128'],
      sameTokens: true,
      rows: 2,
      chart: true,
      tensors: 0,
      alert: '',
    });
  });

  it('registers each tag once when several bundles are loaded', async () => {
    const { page, problems } = await open('/twice.html');
    const tags = await page.evaluate(async () => {
      await customElements.whenDefined('trainable-model');
      return [
        'shape-dataset-viewer',
        'attention-heatmap',
        'positional-encoding-explorer',
        'patch-tokenizer',
        'trainable-model',
        'efficient-attention-explorer',
      ].map((tag) => customElements.get(tag)?.version);
    });
    assert.deepEqual(problems, []);
    assert.ok(
      tags.every((version) => /^\d+\.\d+\.\d+/.test(version)),
      JSON.stringify(tags),
    );
  });
});
