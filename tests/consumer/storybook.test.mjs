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

  it('trains every model from its story: the loss falls, attention maps update', async () => {
    const storyOf = {
      fcn: 'fcn',
      cnn: 'cnn',
      lstm: 'lstm',
      attention: 'attention',
      'attention-pe': 'attention-pe',
      mha: 'multi-head',
      transformer: 'transformer',
    };
    const models = Object.keys(storyOf);
    const results = {};
    for (const model of models) {
      const id = `elements-trainable-model--${storyOf[model]}`;
      assert.ok(
        stories.some((story) => story.id === id),
        `a story ${id}`,
      );
      const started = performance.now();
      // Small sizes through the story's args, so seven models train in seconds.
      const args = `model:${model};length:48;batch-size:8;learning-rate:0.003;budget:12+steps;backend:cpu;validation-size:16;hidden-size:16`;
      const { page, problems } = await openPage(
        browser,
        `${server.url}/iframe.html?id=${id}&viewMode=story&args=${args}`,
      );
      await page.waitForFunction(() => document.querySelector('trainable-model')?.updateComplete, {
        timeout: 30_000,
      });
      results[model] = await page.evaluate(async () => {
        const element = document.querySelector('trainable-model');
        await element.updateComplete;
        const losses = [];
        element.addEventListener('training-progress', (event) =>
          losses.push(event.detail.trainLoss),
        );
        const done = new Promise((resolve) =>
          element.addEventListener('training-done', resolve, { once: true }),
        );
        element.train();
        await done;
        await element.updateComplete;
        return {
          model: element.trainingResults[0].model,
          steps: losses.length,
          falls:
            losses.slice(-3).reduce((a, b) => a + b, 0) <
            losses.slice(0, 3).reduce((a, b) => a + b, 0),
          layers: element.attentionMaps.length,
        };
      });
      results[model].problems = problems;
      console.log(`${model}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
      await page.close();
    }
    for (const model of models) {
      // One map per attention layer: the story's transformer is one block deep (the default).
      const attention = ['attention', 'attention-pe', 'mha', 'transformer'].includes(model) ? 1 : 0;
      assert.deepEqual(
        results[model],
        { model, steps: 12, falls: true, layers: attention, problems: [] },
        model,
      );
    }
  });
});
