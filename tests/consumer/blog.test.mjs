// The blog in docs/, built by Eleventy and served as static files with a strict CSP: a reader
// scrolls through each post and every figure comes to life, with nothing fetched from any other
// origin (the network beyond the site is cut) and no console error.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage } from '../../scripts/browser.js';
import { startStaticServer } from '../../scripts/static-server.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const POSTS = {
  foundations: {
    'shape-dataset-viewer': 1,
    'attention-heatmap': 4,
    'positional-encoding-explorer': 1,
    'trainable-model': 6,
  },
  'efficient-attention': {
    'positional-encoding-explorer': 1,
    'shape-dataset-viewer': 1,
    'attention-heatmap': 9,
    'efficient-attention-explorer': 5,
    'trainable-model': 3,
    'attention-cost': 1,
  },
  vision: {
    'shape-dataset-viewer': 3,
    'patch-tokenizer': 3,
    'trainable-model': 3,
    'attention-heatmap': 1,
  },
};

describe('the blog, built', () => {
  let out;
  let server;
  let browser;

  before(async () => {
    out = mkdtempSync(join(tmpdir(), 'da-blog-'));
    execFileSync('npx', ['eleventy', `--output=${out}`, '--quiet'], { cwd: root, stdio: 'pipe' });
    server = await startStaticServer({
      root: out,
      headers: { 'content-security-policy': "script-src 'self'; object-src 'none'" },
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  for (const [slug, expected] of Object.entries(POSTS)) {
    it(`${slug}: every figure comes to life as the reader scrolls, offline beyond the site`, async () => {
      // The network beyond the site is cut: any other origin is refused, and noted.
      const foreign = [];
      const { page: tab, problems } = await openPage(browser, `${server.url}/posts/${slug}/`, {
        setup: async (page) => {
          await page.setRequestInterception(true);
          page.on('request', (request) => {
            const url = request.url();
            if (url.startsWith(server.url) || url.startsWith('data:') || url.startsWith('blob:'))
              void request.continue();
            else {
              foreign.push(url);
              void request.abort();
            }
          });
        },
      });
      // Before scrolling, the figures near the top come to life; in a long post the rest wait.
      const initially = await tab.evaluate(async () => {
        await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 200)));
        return document.querySelectorAll('.da-lazy').length;
      });
      const total = Object.values(expected).reduce((a, b) => a + b, 0);
      assert.ok(initially < total, 'the first figures are shown without scrolling');
      if (slug === 'foundations') assert.ok(initially > total / 2, `${initially} of ${total} wait`);
      // Scroll to the end, a screen at a time, as a reader would.
      for (let step = 0; step < 80; step++) {
        const left = await tab.evaluate(async () => {
          window.scrollBy(0, window.innerHeight * 0.8);
          await new Promise((resolve) => setTimeout(resolve, 150));
          return document.querySelectorAll('.da-lazy').length;
        });
        if (left === 0) break;
      }
      const figures = await tab.evaluate(async (tags) => {
        const counts = {};
        const broken = [];
        for (const tag of tags) {
          await customElements.whenDefined(tag);
          const elements = [...document.querySelectorAll(tag)];
          counts[tag] = elements.length;
          for (const element of elements) {
            await element.updateComplete;
            const alert = element.shadowRoot?.querySelector('[role="alert"]')?.textContent;
            const rendered = (element.shadowRoot?.childElementCount ?? 0) > 0;
            // A heatmap following a viewer has attention at once; one following a model, after training.
            const followed = document.getElementById(element.getAttribute('for') ?? '');
            const empty =
              tag === 'attention-heatmap' &&
              followed?.localName === 'shape-dataset-viewer' &&
              element.shown.length === 0;
            if (alert || !rendered || empty)
              broken.push(
                `${tag}#${element.id}: ${alert ?? (rendered ? 'no attention' : 'not rendered')}`,
              );
          }
        }
        return { counts, broken, left: document.querySelectorAll('.da-lazy').length };
      }, Object.keys(expected));
      if (slug === 'foundations') {
        // The reference results kept by the bench, drawn at build time: a row per model kept.
        const kept = JSON.parse(readFileSync(`${root}docs/data/post-1-reference.json`, 'utf8'));
        const rows = await tab.$$eval('.da-results tbody tr', (trs) =>
          trs.map((tr) => [...tr.children].map((cell) => cell.textContent)),
        );
        const best = Math.min(...Object.values(kept.models).map((m) => m.validationMSE));
        assert.equal(rows.length, Object.keys(kept.models).length);
        assert.equal(rows[0][2], best.toFixed(1));
      }
      assert.deepEqual(figures.broken, []);
      assert.equal(figures.left, 0);
      assert.deepEqual(figures.counts, expected);
      assert.deepEqual(foreign, []);
      assert.deepEqual(problems, []);
      await tab.close();
    });
  }
});
