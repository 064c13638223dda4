import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import type { VisualizationSpec } from 'vega-embed';
import {
  DecodingElement,
  VegaChartController,
  eventDetail,
  highlightCells,
  isPositionMarker,
  listConverter,
  numberList,
  wordList,
  type Chart,
  type ThemeColors,
} from '../src/index.js';

/** A small element that uses the shared pieces the way the real elements do. */
class ControllerProbe extends DecodingElement {
  readonly chart = new VegaChartController(this, 'the probe chart');
  readonly themeChanges: ThemeColors[] = [];

  get resolvedColors(): ThemeColors {
    return this.colors;
  }

  protected override themeChanged(colors: ThemeColors): void {
    this.themeChanges.push(colors);
  }

  override render() {
    return html`<div class="chart"></div>`;
  }

  get container(): HTMLElement {
    return this.renderRoot.querySelector<HTMLElement>('.chart')!;
  }
}
customElements.define('da-controller-probe', ControllerProbe);

const barSpec = (value: number): VisualizationSpec => ({
  data: { name: 'bars', values: [{ label: 'a', value }] },
  mark: 'bar',
  encoding: {
    x: { field: 'label', type: 'nominal' },
    y: { field: 'value', type: 'quantitative' },
  },
});

afterEach(async () => {
  await emulateMedia({ colorScheme: 'light' });
});

describe('ThemeColorsController (through DecodingElement)', () => {
  it('resolves the light and dark backgrounds and tells the element when `theme` changes', async () => {
    const el = await fixture<ControllerProbe>(
      html`<da-controller-probe theme="light"></da-controller-probe>`,
    );
    expect(el.resolvedColors.background).to.equal('rgb(255, 255, 255)');
    el.theme = 'dark';
    await el.updateComplete;
    expect(el.themeChanges).to.have.length(1);
    expect(el.themeChanges[0].background).to.equal('rgb(13, 17, 23)');
    expect(el.resolvedColors.background).to.equal('rgb(13, 17, 23)');
  });

  it("follows the reader's colour scheme when it changes, and stops when disconnected", async () => {
    await emulateMedia({ colorScheme: 'light' });
    const el = await fixture<ControllerProbe>(html`<da-controller-probe></da-controller-probe>`);
    expect(el.resolvedColors.text).to.equal('rgb(31, 35, 40)');
    await emulateMedia({ colorScheme: 'dark' });
    await waitUntil(() => el.themeChanges.length > 0, 'no change of scheme was heard', {
      timeout: 2000,
    });
    expect(el.themeChanges.map((colors) => colors.text)).to.deep.equal(['rgb(230, 237, 243)']);
    el.remove();
    await emulateMedia({ colorScheme: 'light' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(el.themeChanges).to.have.length(1);
  });
});

describe('VegaChartController', () => {
  it('draws lazily, runs updates in order after the draw, and updateComplete waits for both', async () => {
    const el = await fixture<ControllerProbe>(html`<da-controller-probe></da-controller-probe>`);
    expect(el.chart.chart).to.equal(undefined);
    const order: string[] = [];
    void el.chart.draw({
      container: el.container,
      spec: barSpec(3),
      colors: el.resolvedColors,
      setUp: () => void order.push('set up'),
    });
    void el.chart.update(async (chart) => {
      order.push('update');
      await chart.view.data('bars', [{ label: 'a', value: 7 }]).runAsync();
    });
    await el.updateComplete;
    expect(order).to.deep.equal(['set up', 'update']);
    expect(el.chart.chart!.view.data('bars')).to.deep.equal([{ label: 'a', value: 7 }]);
    expect(el.container.querySelector('svg')).to.exist;
  });

  it('drops a draw that a newer one overtook: only the newest chart lands', async () => {
    const el = await fixture<ControllerProbe>(html`<da-controller-probe></da-controller-probe>`);
    const first = el.chart.draw({
      container: el.container,
      spec: barSpec(1),
      colors: el.resolvedColors,
    });
    const second = el.chart.draw({
      container: el.container,
      spec: barSpec(2),
      colors: el.resolvedColors,
    });
    const [overtaken, newest] = await Promise.all([first, second]);
    expect(overtaken).to.equal(undefined);
    expect(newest).to.equal(el.chart.chart);
    expect((newest as Chart).view.data('bars')[0].value).to.equal(2);
    expect(el.container.querySelectorAll('svg')).to.have.length(1);
  });

  it('keeps the chart on screen for a draw that says it is the same; draws anew otherwise', async () => {
    const el = await fixture<ControllerProbe>(html`<da-controller-probe></da-controller-probe>`);
    const colors = el.resolvedColors;
    const drawing = (value: number, same: string) => ({
      container: el.container,
      spec: barSpec(value),
      colors,
      same,
    });
    // No chart yet: drawing none would change nothing, drawing one would.
    expect(el.chart.shows(undefined)).to.equal(true);
    expect(el.chart.shows(drawing(1, 'data 1'))).to.equal(false);
    const first = await el.chart.draw(drawing(1, 'data 1'));
    expect(el.chart.shows(drawing(7, 'data 1'))).to.equal(true);
    expect(el.chart.shows(drawing(1, 'data 2'))).to.equal(false);
    expect(el.chart.shows(undefined)).to.equal(false);
    const svg = el.container.querySelector('svg');
    // Same `same`: the chart and its SVG stay, whatever the spec (a marker moved by an update).
    expect(await el.chart.draw(drawing(5, 'data 1'))).to.equal(first);
    expect(el.container.querySelector('svg')).to.equal(svg);
    expect(first!.view.data('bars')[0].value).to.equal(1);
    // Another `same`, or none: drawn again.
    const second = await el.chart.draw(drawing(2, 'data 2'));
    expect(second).to.not.equal(first);
    expect(second!.view.data('bars')[0].value).to.equal(2);
    const third = await el.chart.draw({ container: el.container, spec: barSpec(2), colors });
    expect(third).to.not.equal(second);
    // After clear(), the same `same` draws again: nothing is on screen to keep.
    el.chart.clear();
    expect(el.chart.shows(drawing(3, 'data 2'))).to.equal(false);
    expect(el.chart.shows(undefined)).to.equal(true);
    const fourth = await el.chart.draw(drawing(3, 'data 2'));
    expect(fourth).to.not.equal(undefined);
    expect(fourth!.view.data('bars')[0].value).to.equal(3);
  });

  it('finalises the chart when the element leaves the page', async () => {
    const el = await fixture<ControllerProbe>(html`<da-controller-probe></da-controller-probe>`);
    await el.chart.draw({ container: el.container, spec: barSpec(1), colors: el.resolvedColors });
    const container = el.container;
    expect(container.childElementCount).to.be.greaterThan(0);
    el.remove();
    expect(el.chart.chart).to.equal(undefined);
    expect(container.childElementCount).to.equal(0);
  });

  it('warns once and leaves no chart when a draw fails; later updates are skipped', async () => {
    const el = await fixture<ControllerProbe>(html`<da-controller-probe></da-controller-probe>`);
    const original = console.warn;
    const warnings: string[] = [];
    console.warn = (...args: unknown[]) => warnings.push(args.map(String).join(' '));
    let updated = false;
    try {
      const drawn = await el.chart.draw({
        container: el.container,
        spec: { mark: 'no-such-mark' } as unknown as VisualizationSpec,
        colors: el.resolvedColors,
      });
      await el.chart.update(() => void (updated = true));
      expect(drawn).to.equal(undefined);
    } finally {
      console.warn = original;
    }
    expect(updated).to.equal(false);
    expect(warnings).to.have.length(1);
    expect(warnings[0]).to.contain('<da-controller-probe>: the probe chart could not be drawn.');
  });
});

describe('emit', () => {
  it('dispatches a bubbling, composed event with its detail', async () => {
    const el = await fixture<ControllerProbe>(html`<da-controller-probe></da-controller-probe>`);
    const heard: CustomEvent[] = [];
    document.addEventListener('probe-event', (event) => heard.push(event as CustomEvent), {
      once: true,
    });
    el.emit('probe-event', { value: 4 });
    expect(heard).to.have.length(1);
    expect(heard[0].detail).to.deep.equal({ value: 4 });
    expect(heard[0].bubbles).to.equal(true);
    expect(heard[0].composed).to.equal(true);
  });
});

describe('list attributes', () => {
  it('read entries separated by spaces or commas, and a removed attribute as undefined', () => {
    expect(wordList.fromAttribute!('cnn, lstm  attention', undefined)).to.deep.equal([
      'cnn',
      'lstm',
      'attention',
    ]);
    expect(wordList.fromAttribute!('', undefined)).to.deep.equal([]);
    expect(wordList.fromAttribute!(null, undefined)).to.equal(undefined);
    expect(numberList.fromAttribute!('0,10 2.5 x', undefined)).to.deep.equal([0, 10, 2.5, NaN]);
    expect(numberList.toAttribute!([0, 10], undefined)).to.equal('0 10');
    const upper = listConverter((entry) => entry.toUpperCase());
    expect(upper.fromAttribute!('a b', undefined)).to.deep.equal(['A', 'B']);
  });
});

describe('linked elements', () => {
  it('highlightCells reaches every heatmap but the one the reader points at', () => {
    const calls: string[] = [];
    const heatmap = (name: string) =>
      Object.assign(document.createElement('div'), {
        highlightCell: (query: number, key: number) => calls.push(`${name} ${query} ${key}`),
        ownKey: name.length,
      });
    const [a, b, c] = [heatmap('a'), heatmap('bb'), heatmap('ccc')];
    highlightCells([a, b, c], 5, 9, b);
    highlightCells([a, c], 2, (h) => h.ownKey);
    expect(calls).to.deep.equal(['a 5 9', 'ccc 5 9', 'a 2 1', 'ccc 2 3']);
  });

  it('eventDetail ignores events without an object detail; isPositionMarker checks the method', () => {
    expect(eventDetail(new CustomEvent('x', { detail: null }))).to.equal(undefined);
    expect(eventDetail(new Event('x'))).to.equal(undefined);
    expect(
      eventDetail<{ shape: number }>(new CustomEvent('x', { detail: { shape: 1 } })),
    ).to.deep.equal({
      shape: 1,
    });
    expect(isPositionMarker(document.createElement('div'))).to.equal(false);
    expect(
      isPositionMarker(Object.assign(document.createElement('div'), { markPositions() {} })),
    ).to.equal(true);
  });
});
