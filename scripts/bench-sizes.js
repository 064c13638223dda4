// The `sizes` bench: each element's own code against its budget, and what a page with one element
// loads before the element first renders, against everything it could load (lazy chunks included).
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { openPage } from './browser.js';
import { buildBundles, ELEMENT_TAGS } from './build-bundles.js';
import { OWN_CODE_BUDGET, ownCodeSizes } from './sizes.js';
import { startStaticServer } from './static-server.js';

const KB = 1024;

/** Bytes of `file` as served gzipped (what crosses the network from a compressing server). */
function gzipped(file) {
  return gzipSync(readFileSync(file), { level: 9 }).length;
}

export async function sizesSuite(root, browser) {
  const rows = [];
  const problems = [];
  for (const { name, gzip, min, withShared } of await ownCodeSizes(root)) {
    rows.push({
      figure: `${name}: own code, min+gzip (${(min / KB).toFixed(1)} KB min)`,
      value: gzip / KB,
      unit: 'KB',
      against: 'the budget',
      reference: OWN_CODE_BUDGET / KB,
      ratio: OWN_CODE_BUDGET / gzip,
      note: `with the core and ui code it uses: ${(withShared.gzip / KB).toFixed(1)} KB min+gzip (lit, vega, tfjs excluded)`,
    });
    if (gzip > OWN_CODE_BUDGET) problems.push(`${name} is over its budget`);
  }

  const out = mkdtempSync(join(tmpdir(), 'da-sizes-'));
  const metafile = await buildBundles(root, out);
  const pages = Object.fromEntries(
    ELEMENT_TAGS.map((tag) => [
      `/${tag}.html`,
      `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${tag}</title>
<link rel="icon" href="data:,"><script type="module" src="/${tag}.js"></script></head>
<body><${tag} id="element" seed="7"></${tag}></body></html>`,
    ]),
  );
  const server = await startStaticServer({ root: out, pages });
  try {
    for (const tag of ELEMENT_TAGS) {
      const { page, problems: pageProblems } = await openPage(browser, `${server.url}/${tag}.html`);
      // Files requested until the element has rendered once (its first paint follows).
      const files = await page.evaluate(async (name) => {
        await customElements.whenDefined(name);
        const element = document.getElementById('element');
        await new Promise((resolve) => requestAnimationFrame(resolve));
        void element;
        return performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname);
      }, tag);
      await page.close();
      problems.push(...pageProblems);
      const before = files.filter((file) => file.endsWith('.js'));
      const bytesBefore = before.reduce((sum, file) => sum + gzipped(join(out, file)), 0);
      // Everything the element's entry can reach, static and dynamic imports, wasm and Worker.
      const entry = Object.keys(metafile.outputs).find((file) => file.endsWith(`/${tag}.js`));
      const reached = new Set();
      const visit = (file) => {
        if (reached.has(file)) return;
        reached.add(file);
        for (const edge of metafile.outputs[file]?.imports ?? []) visit(edge.path);
      };
      visit(entry);
      if (tag === 'trainable-model') {
        visit(Object.keys(metafile.outputs).find((file) => file.endsWith('/worker.js')));
      }
      const everything = [...reached].reduce(
        (sum, file) => sum + gzipped(join(out, file.split('/').pop())),
        0,
      );
      const wasm =
        tag === 'trainable-model' ? statSync(join(out, 'tfjs-backend-wasm-simd.wasm')).size : 0;
      rows.push({
        figure: `<${tag}>: JavaScript loaded before its first paint (gzip, ${before.length} files)`,
        value: bytesBefore / KB,
        unit: 'KB',
        against: 'all it can load, lazy chunks included',
        reference: (everything + wasm) / KB,
        ratio: (everything + wasm) / bytesBefore,
      });
    }
  } finally {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
  return { title: 'Bundle sizes and what a page loads first', rows, problems };
}
