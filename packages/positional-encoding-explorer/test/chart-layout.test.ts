import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { $$ } from '../../ui/test/helpers.js';
import type { PositionalEncodingExplorer } from '../src/index.js';
import '../src/positional-encoding-explorer.js';

afterEach(async () => {
  await setViewport({ width: 800, height: 600 });
});

describe('<positional-encoding-explorer> charts: layout', () => {
  for (const viewport of [320, 1200])
    it(`draws the curves and the RoPE offsets as wide as their panels, inside the element, at ${viewport} px`, async function () {
      this.timeout(60_000);
      await setViewport({ width: viewport, height: 900 });
      const el = await fixture<PositionalEncodingExplorer>(
        html`<positional-encoding-explorer encoding="rope"></positional-encoding-explorer>`,
      );
      await waitUntil(
        () => $$(el, '.chart canvas, .chart svg.marks').length === 2,
        'both charts drawn',
        {
          timeout: 30_000,
        },
      );
      const style = getComputedStyle(el);
      const contentRight = el.getBoundingClientRect().right - parseFloat(style.paddingRight);
      const panels = () =>
        $$(el, '.curves, .offsets').map((panel) => {
          const chart = panel.querySelector('canvas, svg.marks')!.getBoundingClientRect();
          const box = panel.getBoundingClientRect();
          return {
            gap: Math.round(box.width - chart.width),
            inside: box.right <= contentRight + 0.5,
          };
        });
      // The heatmap beside the curves lays out after the first draw: the charts follow their
      // panels, each then as wide as its panel to the pixel (its width floored), inside the element.
      const fitted = () => panels().every((p) => p.gap >= 0 && p.gap <= 1 && p.inside);
      await waitUntil(fitted, `charts fill their panels: ${JSON.stringify(panels())}`, {
        timeout: 5_000,
      }).catch(() => undefined);
      const measured = panels();
      expect(measured.map((p) => p.inside)).to.deep.equal([true, true]);
      for (const { gap } of measured) expect(gap).to.be.within(0, 1);
    });
});
