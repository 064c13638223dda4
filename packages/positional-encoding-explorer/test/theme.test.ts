import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { PositionalEncodingExplorer } from '../src/index.js';
import '../src/positional-encoding-explorer.js';
import { $$ } from '../../ui/test/helpers.js';

// The theme's muted colour (axis labels) and background, as the browser resolves them.
const LIGHT_MUTED = 'rgb(89, 99, 110)';
const DARK_MUTED = 'rgb(145, 152, 161)';
const LIGHT_BACKGROUND = [255, 255, 255, 255];
const DARK_BACKGROUND = [13, 17, 23, 255];

/** The fill of every axis label in the chart inside `.{container}`. */
const axisLabelFills = (el: PositionalEncodingExplorer, container: 'curves' | 'offsets') =>
  $$(el, `.${container} svg .role-axis-label text`).map((label) => label.getAttribute('fill'));

/** The colour of the exported PNG at (x, y): the background between two heatmaps, say. */
async function pngPixel(el: PositionalEncodingExplorer, x: number, y: number): Promise<number[]> {
  const image = await createImageBitmap(await el.toPNG());
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext('2d')!;
  context.drawImage(image, 0, 0);
  return Array.from(context.getImageData(x, y, 1, 1).data);
}

/** Table (8 features, drawn 512 wide), then 16 pixels of background, then the similarity. */
const GAP_X = 512 + 8;

async function explorer(theme?: 'dark'): Promise<PositionalEncodingExplorer> {
  const el = await fixture<PositionalEncodingExplorer>(html`
    <positional-encoding-explorer
      encoding="rope"
      length="16"
      dim="8"
      view="encoding similarity rope"
      theme=${theme ?? 'auto'}
    ></positional-encoding-explorer>
  `);
  await el.updateComplete;
  return el;
}

function expectAllLabels(el: PositionalEncodingExplorer, fill: string): void {
  for (const chart of ['curves', 'offsets'] as const) {
    const fills = axisLabelFills(el, chart);
    expect(fills.length, chart).to.be.above(0);
    expect(new Set(fills), chart).to.deep.equal(new Set([fill]));
  }
}

describe('<positional-encoding-explorer> colour scheme', () => {
  beforeEach(async () => {
    await emulateMedia({ colorScheme: 'light' });
  });

  afterEach(async () => {
    await emulateMedia({ colorScheme: 'light' });
  });

  it("restyles its charts and exported heatmaps when the reader's colour scheme changes", async () => {
    const el = await explorer();
    expectAllLabels(el, LIGHT_MUTED);
    expect(await pngPixel(el, GAP_X, 4)).to.deep.equal(LIGHT_BACKGROUND);

    await emulateMedia({ colorScheme: 'dark' });
    await waitUntil(
      () => axisLabelFills(el, 'curves')[0] === DARK_MUTED,
      'the curves chart kept the light scheme',
      { timeout: 5000 },
    );
    await el.updateComplete;
    expectAllLabels(el, DARK_MUTED);
    expect(await pngPixel(el, GAP_X, 4)).to.deep.equal(DARK_BACKGROUND);

    // And back.
    await emulateMedia({ colorScheme: 'light' });
    await waitUntil(
      () => axisLabelFills(el, 'curves')[0] === LIGHT_MUTED,
      'the curves chart kept the dark scheme',
      { timeout: 5000 },
    );
    await el.updateComplete;
    expectAllLabels(el, LIGHT_MUTED);
  });

  it('is drawn in the dark scheme with theme="dark", and restyled when the attribute changes', async () => {
    const el = await explorer('dark');
    expectAllLabels(el, DARK_MUTED);
    expect(await pngPixel(el, GAP_X, 4)).to.deep.equal(DARK_BACKGROUND);
    el.setAttribute('theme', 'light');
    await el.updateComplete;
    expectAllLabels(el, LIGHT_MUTED);
    expect(await pngPixel(el, GAP_X, 4)).to.deep.equal(LIGHT_BACKGROUND);
    el.setAttribute('theme', 'dark');
    await el.updateComplete;
    expectAllLabels(el, DARK_MUTED);
  });
});
