import { DecodingElement } from '@decoding-attention/ui';
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { setViewport } from '@web/test-runner-commands';
import { html as litHtml, render } from 'lit';
import { $ } from '../../ui/test/helpers.js';
import { legendColumns } from '../src/charts.js';
import type { TrainableModel } from '../src/index.js';
import { renderProgress } from '../src/progress-figures.js';
import { TrainingCharts, type ChartsDrawing } from '../src/training-charts.js';
import '../src/trainable-model.js';

/** The loss and prediction charts of `<trainable-model>` in panels of a width the test sets. */
class ChartsPanels extends DecodingElement {
  readonly charts = new TrainingCharts(this, () => {});

  override render() {
    return litHtml`<div class="loss"></div>
      <div class="prediction"></div>`;
  }

  panel(name: 'loss' | 'prediction'): HTMLElement {
    return this.renderRoot.querySelector<HTMLElement>(`.${name}`)!;
  }

  /** The charts' settings as `<trainable-model>` draws them for a series of length 400. */
  drawing(): ChartsDrawing {
    const input = Float32Array.from({ length: 400 }, (_, i) => 30 * Math.sin(i / 20));
    return {
      loss: this.panel('loss'),
      prediction: this.panel('prediction'),
      colors: this.colors,
      length: 400,
      sample: { input, target: new Float32Array(400) },
      baselines: { zeros: 310, copy: 26 },
    };
  }
}
customElements.define('da-charts-panels', ChartsPanels);

/** The names of a post-1 line-up and of a variant run: the longest label a comparison makes. */
const MODELS = ['fcn', 'cnn', 'lstm', 'attention', 'mha', 'transformer · local w=8'];

/** Ten training and validation points of each model, as a comparison reports them. */
function addCurves(charts: TrainingCharts, models: string[]): void {
  for (const model of models)
    for (let step = 1; step <= 10; step++) {
      charts.addLoss({ model, split: 'train', samples: 128 * step, loss: 200 / step });
      charts.addLoss({ model, split: 'validation', samples: 128 * step, loss: 100 / step });
    }
}

/** A panel's width and its chart's, in CSS pixels. */
function widths(panel: HTMLElement): { panel: number; chart: number } {
  const canvas = panel.querySelector('canvas');
  return {
    panel: panel.getBoundingClientRect().width,
    chart: canvas ? canvas.getBoundingClientRect().width : 0,
  };
}

/** The loss legend's labels as exported, each with how far its text reaches past the chart's right edge. */
async function legendLabels(svgText: string): Promise<{ text: string; overflow: number }[]> {
  const holder = document.createElement('div');
  holder.innerHTML = svgText;
  document.body.append(holder);
  try {
    const svg = holder.querySelector('svg')!;
    const right = svg.getBoundingClientRect().right;
    return [...svg.querySelectorAll('.role-legend-label text')].map((text) => ({
      text: text.textContent ?? '',
      overflow: Math.max(0, Math.round(text.getBoundingClientRect().right - right)),
    }));
  } finally {
    holder.remove();
  }
}

/** Resolves once resize observers have run and the charts have taken the new width. */
async function afterResize(charts: TrainingCharts): Promise<void> {
  await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
  await Promise.all([charts.loss.settled, charts.prediction.settled]);
}

afterEach(async () => {
  await setViewport({ width: 800, height: 600 });
});

describe('<trainable-model> charts: layout', () => {
  for (const viewport of [320, 1200])
    it(`draws the loss chart as wide as its panel, inside the element, at ${viewport} px`, async function () {
      this.timeout(60_000);
      await setViewport({ width: viewport, height: 900 });
      const el = await fixture<TrainableModel>(
        html`<trainable-model models="fcn cnn lstm" budget="1000 samples"></trainable-model>`,
      );
      await waitUntil(() => $(el, '.loss canvas'), 'the loss chart is drawn', { timeout: 30_000 });
      await el.updateComplete;
      const panel = $(el, '.loss');
      const { panel: panelWidth, chart } = widths(panel);
      expect(chart).to.equal(panelWidth);
      // Inside the element's content box: nothing cut off at its edge or scrolled sideways.
      const style = getComputedStyle(el);
      const contentRight = el.getBoundingClientRect().right - parseFloat(style.paddingRight);
      expect(panel.getBoundingClientRect().right).to.be.at.most(contentRight);
      // One column on a phone, two side by side on a wide page.
      const charts = $(el, '.charts').getBoundingClientRect().width;
      expect(panelWidth / charts).to.be.closeTo(viewport === 320 ? 1 : 0.5, 0.02);
    });

  for (const viewport of [320, 1200])
    it(`draws the prediction chart as wide as its panel, below its legend, at ${viewport} px`, async function () {
      this.timeout(60_000);
      await setViewport({ width: viewport, height: 900 });
      const el = await fixture<TrainableModel>(
        html`<trainable-model models="fcn cnn lstm" budget="1000 samples"></trainable-model>`,
      );
      await waitUntil(() => $(el, 'div.prediction canvas'), 'the prediction chart is drawn', {
        timeout: 30_000,
      });
      await el.updateComplete;
      const panel = $(el, 'div.prediction');
      expect(widths(panel).chart).to.equal(widths($(el, '.loss')).panel);
      expect(widths(panel).chart).to.equal(widths(panel).panel);
      // The legend's line is a short stroke above the plot, not the plot's container.
      expect($(el, '.legend .line.prediction').querySelector('canvas')).to.equal(null);
      expect($(el, '.legend').getBoundingClientRect().bottom).to.be.at.most(
        panel.getBoundingClientRect().top,
      );
    });

  it('heads a comparison with its models before training, not the element’s own model', async function () {
    this.timeout(60_000);
    const el = await fixture<TrainableModel>(
      html`<trainable-model models="fcn cnn lstm" budget="1000 samples"></trainable-model>`,
    );
    const head = () =>
      [...el.shadowRoot!.querySelectorAll('.figures > div')]
        .slice(0, 1)
        .map((d) => d.textContent!.replace(/\s+/g, ' ').trim());
    expect(head()).to.deep.equal(['Models FCN, CNN, RNN (LSTM)']);
  });

  it('names no model in the loss legend before training (the warm-up curves are gone)', async function () {
    this.timeout(60_000);
    const el = await fixture<TrainableModel>(
      html`<trainable-model models="fcn cnn lstm" budget="1000 samples"></trainable-model>`,
    );
    await waitUntil(() => $(el, '.loss canvas'), 'the loss chart is drawn', { timeout: 30_000 });
    const { loss } = await el.chartsSVG();
    expect(await legendLabels(loss)).to.deep.equal([]);
  });
});

describe('TrainingCharts: width and legend', () => {
  for (const width of [280, 600])
    it(`names every model in full inside a ${width} px chart, the plot keeping most of the width`, async function () {
      this.timeout(60_000);
      const el = await fixture<ChartsPanels>(
        html`<da-charts-panels style="display: block; width: ${width}px"></da-charts-panels>`,
      );
      await el.charts.redraw(el.drawing());
      addCurves(el.charts, MODELS);
      await el.charts.flush();
      const labels = await legendLabels((await el.charts.svg()).loss);
      expect(labels.map((l) => l.text).sort()).to.deep.equal([...MODELS].sort());
      expect(labels.filter((l) => l.overflow > 0)).to.deep.equal([]);
      // The legend sits below the plot: the plot is not squeezed beside it.
      const plot = el.charts.loss.chart!.view.width();
      expect(plot / width).to.be.above(0.65);
      // All six entries in one row at 600 px; in columns of the longest name at 280.
      expect(legendColumns(MODELS, width)).to.equal(width === 600 ? 0 : 1);
    });

  it('fills its panels at 320 and 1,200 px and follows them when they change width', async function () {
    this.timeout(60_000);
    await setViewport({ width: 1300, height: 900 });
    const el = await fixture<ChartsPanels>(
      html`<da-charts-panels
        style="display: block; width: 1200px; padding: 0; border: 0"
      ></da-charts-panels>`,
    );
    await el.charts.redraw(el.drawing());
    addCurves(el.charts, MODELS.slice(0, 3));
    await el.charts.flush();
    const both = () => [widths(el.panel('loss')), widths(el.panel('prediction'))];
    expect(both()).to.deep.equal([
      { panel: 1200, chart: 1200 },
      { panel: 1200, chart: 1200 },
    ]);
    el.style.width = '320px';
    await afterResize(el.charts);
    expect(both()).to.deep.equal([
      { panel: 320, chart: 320 },
      { panel: 320, chart: 320 },
    ]);
    // The plot narrows with the chart; the legend's names still fit.
    expect(el.charts.loss.chart!.view.width()).to.be.above(230);
    const labels = await legendLabels((await el.charts.svg()).loss);
    expect(labels.filter((l) => l.overflow > 0)).to.deep.equal([]);
    el.style.width = '700px';
    await afterResize(el.charts);
    expect(both().map((w) => w.chart)).to.deep.equal([700, 700]);
  });
});

describe('legendColumns', () => {
  const measure = (label: string) => label.length * 6;
  it('keeps the legend on one row while every entry fits, else as many columns of the longest as fit', () => {
    // Entries are the label plus 34 px (52 + 52 + 58 = 162), right of the axis's 60 px.
    expect(legendColumns(['fcn', 'cnn', 'lstm'], 222, measure)).to.equal(0);
    expect(legendColumns(['fcn', 'cnn', 'lstm'], 221, measure)).to.equal(2);
    expect(legendColumns(['fcn', 'cnn', 'lstm'], 175, measure)).to.equal(1);
    // Never fewer than one column, however narrow.
    expect(legendColumns(['attention'], 40, measure)).to.equal(1);
  });
});

describe('renderProgress', () => {
  const compared = [
    { label: 'FCN', parameters: 160_800 },
    { label: 'CNN', parameters: 2_081 },
    { label: 'LSTM', parameters: 9_601 },
  ];
  const figures = (holder: HTMLElement) =>
    [...holder.querySelectorAll('.figures > div')]
      .slice(0, 2)
      .map((d) => `${d.querySelector('dt')!.textContent}: ${d.querySelector('dd')!.textContent}`);

  it('heads a comparison with the models it compares, not the element’s own model', () => {
    const holder = document.createElement('div');
    const transformer = { label: 'Transformer', parameters: 30_849 };
    const base = { modelId: 'transformer', backend: 'auto', copy: 26 };
    render(renderProgress({ ...base, progress: undefined, model: transformer, compared }), holder);
    expect(figures(holder)).to.deep.equal([
      'Models: FCN, CNN, LSTM',
      'Parameters: 2,081 to 160,800',
    ]);
    // One model: its own name and count, as before.
    render(renderProgress({ ...base, progress: undefined, model: transformer }), holder);
    expect(figures(holder)).to.deep.equal(['Model: Transformer', 'Parameters: 30,849']);
  });
});
