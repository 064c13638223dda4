/// <reference types="mocha" />
// Every story of every element, rendered at a phone's and a laptop's width and compared with the
// baseline picture committed beside this file: a layout change shows up as a failed test with a
// diff picture. `npm run test:screenshots:update` takes new baselines (see the README).
import { fixture } from '@open-wc/testing';
import { emulateMedia, setViewport } from '@web/test-runner-commands';
import { visualDiff } from '@web/test-runner-visual-regression';
import type { TemplateResult } from 'lit';
import * as attentionCost from '../../stories/attention-cost.stories.js';
import * as attentionHeatmap from '../../stories/attention-heatmap.stories.js';
import * as efficientAttentionExplorer from '../../stories/efficient-attention-explorer.stories.js';
import * as patchTokenizer from '../../stories/patch-tokenizer.stories.js';
import * as positionalEncodingExplorer from '../../stories/positional-encoding-explorer.stories.js';
import * as shapeDatasetViewer from '../../stories/shape-dataset-viewer.stories.js';
import * as trainableModel from '../../stories/trainable-model.stories.js';

/** The widths every story is drawn at: a phone's and a laptop's. */
export const WIDTHS = [360, 1024] as const;

type Render = (args: Record<string, unknown>) => TemplateResult;
interface StoryLike {
  name?: string;
  args?: Record<string, unknown>;
  render?: Render;
}
interface StoriesModule {
  default: { args?: Record<string, unknown>; render?: Render };
  [story: string]: unknown;
}

/** The elements' stories files, by element (a new element's join once it has baselines). */
const STORIES: Record<string, StoriesModule> = {
  'shape-dataset-viewer': shapeDatasetViewer as unknown as StoriesModule,
  'attention-heatmap': attentionHeatmap as unknown as StoriesModule,
  'positional-encoding-explorer': positionalEncodingExplorer as unknown as StoriesModule,
  'patch-tokenizer': patchTokenizer as unknown as StoriesModule,
  'trainable-model': trainableModel as unknown as StoriesModule,
  'efficient-attention-explorer': efficientAttentionExplorer as unknown as StoriesModule,
  'attention-cost': attentionCost as unknown as StoriesModule,
};

/** The custom elements under `root`, their shadow roots included. */
function customElementsIn(root: ParentNode): HTMLElement[] {
  const found: HTMLElement[] = [];
  for (const el of root.querySelectorAll<HTMLElement>('*')) {
    if (el.localName.includes('-')) found.push(el);
    if (el.shadowRoot) found.push(...customElementsIn(el.shadowRoot));
  }
  return found;
}

const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));

/**
 * Waits until the story is still: every element seen (scrolled near), rendered with its tracked
 * work (charts, data, warm-ups) done, and what a `<trainable-model>` measures on first sight (the
 * baselines its charts and note show) measured.
 */
async function settle(root: HTMLElement): Promise<void> {
  for (let round = 0; round < 3; round++) {
    const elements = customElementsIn(root) as (HTMLElement & {
      updateComplete?: Promise<unknown>;
      baselines?: Record<string, number>;
    })[];
    // A reader scrolling through the story: every element comes near the view, so the ones that
    // draw their charts on first sight draw them (else whether an element below the fold was near
    // enough depended on how far the ones above it had laid out when the browser first looked).
    for (const el of elements) {
      el.scrollIntoView({ block: 'center' });
      await frame();
      await frame();
    }
    window.scrollTo(0, 0);
    await Promise.all(elements.map((el) => el.updateComplete));
    const deadline = performance.now() + 20_000;
    for (const el of elements.filter((e) => e.localName === 'trainable-model'))
      while (
        Object.values(el.baselines ?? {}).some((v) => Number.isNaN(v)) &&
        performance.now() < deadline
      )
        await new Promise((resolve) => setTimeout(resolve, 100));
    await frame();
    await frame();
  }
}

before(async () => {
  // Still pictures: no motion, the light scheme, no pointer over anything.
  await emulateMedia({ reducedMotion: 'reduce', colorScheme: 'light' });
});

after(async () => {
  await setViewport({ width: 800, height: 600 });
});

/** The stories to run: those whose `element/Story` name matches SCREENSHOTS, if set. */
const only = new RegExp(await (await fetch('/__screenshots__/filter')).text());

for (const [element, stories] of Object.entries(STORIES)) {
  const meta = stories.default;
  const entries = Object.entries(stories).filter(
    ([key, value]) => key !== 'default' && typeof value === 'object' && value !== null,
  ) as [string, StoryLike][];
  describe(`${element} stories`, () => {
    for (const [key, story] of entries) {
      const render = story.render ?? meta.render;
      if (!only.test(`${element}/${key}`)) continue;
      for (const width of WIDTHS)
        it(`${story.name ?? key} at ${width} px`, async function () {
          this.timeout(60_000);
          await setViewport({ width, height: 900 });
          const args = { ...meta.args, ...story.args };
          const root = await fixture<HTMLElement>(render!(args));
          // The fixture's wrapper holds the story (some stories are several elements).
          const wrapper = root.parentElement!;
          await settle(wrapper);
          await visualDiff(wrapper, `${element}/${key}-${width}`);
        });
    }
  });
}
