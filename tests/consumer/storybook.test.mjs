// Storybook as a teacher browses it: built as `npm run build-storybook` builds it, every story
// opened, every element on it rendered with no console error (stories tagged `expect-warnings`
// show bad input on purpose and may warn).
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

describe('Storybook', () => {
  const out = mkdtempSync(join(tmpdir(), 'storybook-'));
  let server;
  let browser;
  let stories;

  before(async () => {
    execFileSync('npx', ['storybook', 'build', '--quiet', '-o', out], { cwd: root, stdio: 'pipe' });
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
    stories = Object.values(index.entries).filter((entry) => entry.type === 'story');
    server = await startStaticServer({ root: out, pages: { '/favicon.ico': '' } });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('renders every story with no console error', async () => {
    assert.ok(stories.length >= 8, `found ${stories.length} stories`);
    const failures = [];
    for (const story of stories) {
      const { page, problems } = await openPage(
        browser,
        `${server.url}/iframe.html?id=${story.id}&viewMode=story`,
      );
      const rendered = await page.waitForFunction(
        async () => {
          const elements = [...document.querySelectorAll('#storybook-root *')].filter((el) =>
            el.localName.includes('-'),
          );
          if (elements.length === 0 || elements.some((el) => !customElements.get(el.localName)))
            return false;
          await Promise.all(elements.map((el) => el.updateComplete));
          return elements.map((el) => `${el.localName}:${el.shadowRoot?.childElementCount ?? 0}`);
        },
        { timeout: 30_000, polling: 200 },
      );
      const summary = await rendered.jsonValue();
      const allowed = story.tags.includes('expect-warnings')
        ? problems.filter((p) => !p.startsWith('console.warn: <'))
        : problems;
      if (allowed.length > 0) failures.push(`${story.id}: ${allowed.join('; ')}`);
      if (summary.some((entry) => entry.endsWith(':0')))
        failures.push(`${story.id}: empty element ${summary}`);
      await page.close();
    }
    assert.deepEqual(failures, []);
  });
});
