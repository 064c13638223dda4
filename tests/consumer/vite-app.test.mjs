// A Vite app that installs the packed tarballs, as someone installing from npm would: its
// dependencies come from the registry (or npm's cache), Vite bundles the elements, emits the
// training Worker and tfjs's wasm files, and the built app trains a model.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage } from '../../scripts/browser.js';
import { startStaticServer } from '../../scripts/static-server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
// Every package the elements need, as npm would fetch them: core brings wasm-kernels.
const PACKAGES = [
  'wasm-kernels',
  'core',
  'ui',
  'shape-dataset-viewer',
  'attention-heatmap',
  'positional-encoding-explorer',
  'patch-tokenizer',
  'trainable-model',
];

describe('a Vite app installing the packed tarballs', () => {
  let app;
  let server;
  let browser;

  before(async () => {
    app = mkdtempSync(join(tmpdir(), 'da-vite-app-'));
    const packs = join(app, 'packs');
    mkdirSync(packs);
    for (const name of PACKAGES)
      execFileSync('npm', ['pack', '--silent', '--pack-destination', packs], {
        cwd: join(root, 'packages', name),
        stdio: 'pipe',
      });
    const tarballs = Object.fromEntries(
      readdirSync(packs).map((file) => [
        `@decoding-attention/${file.replace(/^decoding-attention-/, '').replace(/-\d+\.\d+\.\d+\.tgz$/, '')}`,
        `file:packs/${file}`,
      ]),
    );
    writeFileSync(
      join(app, 'package.json'),
      JSON.stringify({
        name: 'a-blog-with-vite',
        private: true,
        type: 'module',
        dependencies: tarballs,
        // The element packages pin each other's exact versions: point those at the tarballs too.
        overrides: tarballs,
      }),
    );
    writeFileSync(
      join(app, 'index.html'),
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A blog built with Vite</title>
<link rel="icon" href="data:,"><script type="module" src="/main.js"></script></head>
<body>
<shape-dataset-viewer id="sample" seed="7"></shape-dataset-viewer>
<attention-heatmap id="heatmap" for="sample" compare="causal"></attention-heatmap>
<positional-encoding-explorer id="rope" encoding="rope" view="encoding"></positional-encoding-explorer>
<shape-dataset-viewer id="image" mode="2d" seed="3"></shape-dataset-viewer>
<patch-tokenizer id="tokens" for="image" encoding="learnable"></patch-tokenizer>
<trainable-model id="model" model="attention" length="48" hidden-size="16" batch-size="16"
  validation-size="32" learning-rate="0.003" budget="10 steps"></trainable-model>
</body></html>`,
    );
    writeFileSync(
      join(app, 'main.js'),
      `import '@decoding-attention/shape-dataset-viewer/shape-dataset-viewer.js';
import '@decoding-attention/attention-heatmap/attention-heatmap.js';
import '@decoding-attention/positional-encoding-explorer/positional-encoding-explorer.js';
import '@decoding-attention/patch-tokenizer/patch-tokenizer.js';
import '@decoding-attention/trainable-model/trainable-model.js';
`,
    );
    execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--silent'], {
      cwd: app,
      stdio: 'pipe',
      timeout: 10 * 60 * 1000,
    });
    // Vite itself from this repository: the app under test is the elements, not Vite's install.
    execFileSync(
      process.execPath,
      [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'error'],
      {
        cwd: app,
        stdio: 'pipe',
      },
    );
    server = await startStaticServer({ root: join(app, 'dist') });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (app) rmSync(app, { recursive: true, force: true });
  });

  it('renders every element and trains in the Worker Vite emitted', async () => {
    const { page, problems } = await openPage(browser, `${server.url}/index.html`);
    const state = await page.evaluate(async () => {
      await customElements.whenDefined('trainable-model');
      const viewer = document.querySelector('#sample');
      const heatmap = document.querySelector('#heatmap');
      const rope = document.querySelector('#rope');
      const image = document.querySelector('#image');
      const tokens = document.querySelector('#tokens');
      const model = document.querySelector('#model');
      await Promise.all(
        [viewer, heatmap, rope, image, tokens, model].map((el) => el.updateComplete),
      );
      const pixels = (canvas) =>
        canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data.join();
      const tokenized = {
        followed: tokens.image === image.sample,
        sameImage:
          pixels(tokens.shadowRoot.querySelector('canvas.image')) ===
          pixels(image.shadowRoot.querySelector('canvas.input-image')),
        numbers: tokens.shadowRoot.querySelectorAll('[part="image"] .overlay .numbers text').length,
        tokens: tokens.tokens.length,
        alert: tokens.shadowRoot.querySelector('[role="alert"]')?.textContent ?? '',
      };
      const done = new Promise((resolve) =>
        model.addEventListener('training-done', (event) => resolve(event.detail), { once: true }),
      );
      model.train();
      const detail = await done;
      return {
        chart: viewer.shadowRoot.querySelector('.chart svg, .chart canvas') !== null,
        heatmap: heatmap.shown.map((m) => [m.rows, m.cols]),
        curves: rope.shadowRoot.querySelectorAll('.curves .mark-line path').length,
        tokenized,
        runsOn: model.runsOn,
        backend: detail.results[0].backend,
        samples: detail.results[0].samplesSeen,
        attention: model.attentionMaps.length,
      };
    });
    assert.deepEqual(problems, []);
    assert.equal(state.chart, true);
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
      alert: '',
    });
    assert.equal(state.runsOn, 'worker');
    assert.ok(['wasm', 'cpu', 'webgl'].includes(state.backend), state.backend);
    assert.equal(state.samples, 160);
    assert.equal(state.attention, 1);
  });
});
