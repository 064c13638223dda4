// React 19 and Vue 3 pages using the elements: attributes, properties and custom events through
// each framework's own bindings, bundled as an app would be.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { launchBrowser, openPage } from '../../scripts/browser.js';
import { startStaticServer } from '../../scripts/static-server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const APPS = {
  react: 'tests/consumer/frameworks/react-app.jsx',
  vue: 'tests/consumer/frameworks/vue-app.js',
};

describe('React 19 and Vue 3 pages', () => {
  let out;
  let server;
  let browser;

  before(async () => {
    out = mkdtempSync(join(tmpdir(), 'da-frameworks-'));
    await build({
      entryPoints: Object.entries(APPS).map(([name, file]) => ({
        out: name,
        in: join(root, file),
      })),
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outdir: out,
      jsx: 'automatic',
      conditions: ['browser', 'import', 'default'],
      define: {
        'process.env.NODE_ENV': '"production"',
        __VUE_OPTIONS_API__: 'true',
        __VUE_PROD_DEVTOOLS__: 'false',
        __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
      },
      logLevel: 'warning',
    });
    const page = (name) => `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>${name}</title><link rel="icon" href="data:,"><script type="module" src="/${name}.js"></script>
</head><body><div id="root"></div></body></html>`;
    server = await startStaticServer({
      root: out,
      pages: Object.fromEntries(Object.keys(APPS).map((name) => [`/${name}.html`, page(name)])),
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  for (const name of Object.keys(APPS)) {
    it(`${name}: attributes, properties and events reach the elements and come back`, async () => {
      const { page, problems } = await openPage(browser, `${server.url}/${name}.html`);
      await page.waitForSelector('attention-heatmap');
      const first = await page.evaluate(async () => {
        const viewer = document.querySelector('#viewer');
        const heatmap = document.querySelector('#heatmap');
        await customElements.whenDefined('attention-heatmap');
        await viewer.updateComplete;
        await heatmap.updateComplete;
        await new Promise((resolve) => setTimeout(resolve, 50));
        return {
          seed: viewer.seed,
          shapes: document.querySelector('#shapes').textContent,
          expected: String(viewer.sample.shapes.length),
          matrix: heatmap.shown[0] && [heatmap.shown[0].rows, heatmap.shown[0].cols],
          ticks: [...heatmap.shadowRoot.querySelectorAll('.x-ticks .tick')].map(
            (t) => t.textContent,
          ),
          colormap: heatmap.colormap,
        };
      });
      assert.deepEqual(first, {
        seed: 7,
        shapes: first.expected,
        expected: first.expected,
        matrix: [3, 3],
        ticks: ['the', 'cat', 'sat'],
        colormap: 'magma',
      });
      // The framework's state changes an attribute; the element's event updates the state.
      await page.click('#next');
      const next = await page.evaluate(async () => {
        const viewer = document.querySelector('#viewer');
        await new Promise((resolve) => setTimeout(resolve, 50));
        await viewer.updateComplete;
        await new Promise((resolve) => setTimeout(resolve, 50));
        return {
          seed: viewer.seed,
          shapes: document.querySelector('#shapes').textContent,
          expected: String(viewer.sample.shapes.length),
        };
      });
      assert.equal(next.seed, 8);
      assert.equal(next.shapes, next.expected);
      // Hovering a cell: the element's event reaches the framework's handler.
      const frame = await page.evaluateHandle(() =>
        document.querySelector('#heatmap').shadowRoot.querySelector('.frame'),
      );
      const box = await frame.boundingBox();
      await page.mouse.move(box.x + box.width * (2.5 / 3), box.y + box.height * (1.5 / 3));
      await page.waitForFunction(() => document.querySelector('#cell').textContent !== '');
      assert.equal(await page.$eval('#cell', (p) => p.textContent), '1,2');
      assert.deepEqual(problems, []);
      await page.close();
    });
  }
});
