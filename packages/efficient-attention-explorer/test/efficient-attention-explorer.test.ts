import '@decoding-attention/shape-dataset-viewer/shape-dataset-viewer.js';
import type { ShapeDatasetViewer } from '@decoding-attention/shape-dataset-viewer';
import type { AttentionHeatmap } from '@decoding-attention/attention-heatmap';
import { BUCKET_COLORS, readThemeColors, rgbOf } from '@decoding-attention/ui';
import {
  attentionError,
  attentionMask,
  bucketMask,
  bucketMassShare,
  exactAttention,
  generateShapes1D,
  linformerError,
  localShapeFeatures1D,
  lowRankError,
  patternReach,
  performerApproximation,
  reformerPattern,
  bucketOrder,
  sequenceProjections,
  singularValues,
  unitRows,
  type Matrix,
} from '@decoding-attention/core';
import { expect, fixture, html } from '@open-wc/testing';
import '../src/efficient-attention-explorer.js';
import type { EfficientAttentionExplorer } from '../src/index.js';
import { $, $$, capturingWarnings } from '../../ui/test/helpers.js';
import { costOf, shownError } from '../../ui/test/reliability.js';

const TAG = 'efficient-attention-explorer';

/** The queries and keys the explorer reads of a 1D series: local shapes, queries times 2 sqrt(9). */
function sampleQK(input: ArrayLike<number>): { q: Matrix; k: Matrix } {
  const k = localShapeFeatures1D(input);
  return { k, q: { ...k, data: k.data.map((v) => v * 6) } };
}

/** The element's own sample: the dataset's defaults, shapes at most an eighth of a series under 160. */
const own = (seed: number, length: number) =>
  sampleQK(
    generateShapes1D({
      seed,
      length,
      ...(length < 160
        ? {
            maxWidth: Math.max(2, Math.floor(length / 8)),
            minWidth: Math.max(1, Math.floor(length / 32)),
          }
        : {}),
    }).input,
  );

async function explorer(markup: string): Promise<EfficientAttentionExplorer> {
  let el!: EfficientAttentionExplorer;
  await capturingWarnings(async () => {
    const host = await fixture<HTMLElement>(`<div>${markup}</div>`);
    el = host.querySelector<EfficientAttentionExplorer>(TAG)!;
    await el.updateComplete;
  });
  return el;
}

const summary = (el: EfficientAttentionExplorer) =>
  el.toJSON().summary as Record<string, number | string | number[]>;
const readout = (el: EfficientAttentionExplorer) => $(el, '.readout').textContent!.trim();
const heatmaps = (el: EfficientAttentionExplorer) => $$<AttentionHeatmap>(el, 'attention-heatmap');
const frame = () => new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));

/** Moves a slider as the reader does: its value, then an input event. */
function slide(el: EfficientAttentionExplorer, name: string, index: number): void {
  const input = $<HTMLInputElement>(el, `input[name="${name}"]`);
  input.value = String(index);
  input.dispatchEvent(new Event('input'));
}

class FakeModel extends HTMLElement {
  attention = 'adaptive';
  currentAttention: unknown = undefined;
}
customElements.define('fake-adaptive-model', FakeModel);

describe(`<${TAG}> performer`, function () {
  this.timeout(300_000);

  it('shows the estimate beside the exact matrix, with its error against exact attention', async () => {
    const el = await explorer(`<${TAG} length="64" features="16"></${TAG}>`);
    const { q, k } = own(0, 64);
    const exact = exactAttention(q, k);
    const estimate = performerApproximation(q, k, { features: 16, seed: 1 });
    const error = attentionError(estimate, exact);
    expect(summary(el)).to.deep.include({
      features: 16,
      draw: 'orthogonal',
      kernel: 'positive',
      relative: error.relative,
      mean: error.mean,
    });
    const [shownExact, shownEstimate] = heatmaps(el);
    expect([...(shownExact.matrix as Matrix).data]).to.deep.equal([...exact.data]);
    expect([...(shownEstimate.matrix as Matrix).data]).to.deep.equal([...estimate.data]);
    expect(readout(el)).to.contain(`relative error ${Number(error.relative.toPrecision(4))}`);
    // Every draw and kernel at every step of the slider, on the chart.
    expect((el.toJSON().curve as unknown[]).length).to.equal(8 * 4);
    expect($(el, '.performer-chart').querySelector('svg, canvas')).to.not.equal(null);
    // The PNG holds both matrices and the chart, side by side.
    const png = await createImageBitmap(await el.toPNG());
    const [heatmapPng, chart] = [
      await createImageBitmap(await shownExact.toPNG()),
      $(el, '.performer-chart'),
    ];
    expect(png.width).to.be.above(2 * heatmapPng.width + chart.clientWidth / 2);
  });

  it('trigonometric i.i.d. features, as set', async () => {
    const el = await explorer(
      `<${TAG} length="48" features="8" draw="iid" kernel="trig"></${TAG}>`,
    );
    const { q, k } = own(0, 48);
    const estimate = performerApproximation(q, k, { features: 8, draw: 'iid', kernel: 'trig' });
    expect(summary(el).relative).to.equal(attentionError(estimate, exactAttention(q, k)).relative);
  });

  it('answers the slider within one frame at L = 400, from the estimates kept', async () => {
    const el = await explorer(`<${TAG} features="16"></${TAG}>`);
    const { q, k } = own(0, 400);
    const started = performance.now();
    slide(el, 'features', 6); // m = 64
    await frame();
    const took = performance.now() - started;
    console.log(
      `performer slider at L = 400: readout and matrix in ${took.toFixed(1)} ms (one frame waited)`,
    );
    expect(el.features).to.equal(64);
    const estimate = performerApproximation(q, k, { features: 64, seed: 1 });
    expect([...(heatmaps(el)[1].matrix as Matrix).data]).to.deep.equal([...estimate.data]);
    expect(readout(el)).to.match(/^m = 64, orthogonal positive features: relative error/);
  });
});

describe(`<${TAG}> reformer`, function () {
  this.timeout(300_000);

  it('keeps the share of exact attention mass that core finds, growing with the rounds', async () => {
    const el = await explorer(
      `<${TAG} method="reformer" length="64" buckets="4" chunk="8" hashes="1"></${TAG}>`,
    );
    const { q } = own(0, 64);
    const exact = exactAttention(q, unitRows(q));
    let last = 0;
    for (const hashes of [1, 2, 4]) {
      el.hashes = hashes;
      await el.updateComplete;
      const { buckets } = reformerPattern(q, { buckets: 4, hashes, chunk: 8, seed: 1 });
      const masks = buckets.map((b) => bucketMask(b, 8));
      const expected = bucketMassShare(exact, masks);
      const s = summary(el);
      expect(s.share).to.equal(expected.share);
      expect(s.roundShares).to.deep.equal(expected.rounds);
      expect(s.cells).to.equal(masks.reduce((sum, m) => sum + m.reduce((a, b) => a + b, 0), 0));
      expect(s.share as number).to.be.at.least(last);
      last = s.share as number;
    }
  });

  it('at L = 400: rounds worked out in tasks of their own, the rounds slider within one frame', async () => {
    let el!: EfficientAttentionExplorer;
    const { ms: longest } = await costOf(
      async () => {
        el = await explorer(`<${TAG} method="reformer" hashes="2"></${TAG}>`);
      },
      async () => el.remove(),
    );
    const started = performance.now();
    slide(el, 'hashes', 6);
    await frame();
    const took = performance.now() - started;
    console.log(
      `reformer at L = 400: longest task while working out ${longest.toFixed(0)} ms; rounds slider to 6 in ${took.toFixed(1)} ms (one frame waited)`,
    );
    expect(el.hashes).to.equal(6);
    expect(readout(el)).to.match(/^6 rounds keep /);
    // The matrix and the strips follow once the readout is painted.
    const matrix = $<AttentionHeatmap>(el, 'attention-heatmap.reformer');
    expect(matrix.variant?.buckets).to.have.length(2);
    await el.updateComplete;
    expect(matrix.variant?.buckets).to.have.length(6);
    // Under 200 ms even on a loaded 2-core machine (a round is one pass over L^2 cells).
    expect(longest).to.be.below(200);
  });

  it('shows hash, sort and chunk step by step, then attention within the buckets', async () => {
    const el = await explorer(
      `<${TAG} method="reformer" length="64" buckets="4" chunk="8" step="hash"></${TAG}>`,
    );
    expect($$(el, 'canvas.strip').map((c) => c.dataset.step)).to.deep.equal(['hash']);
    expect($(el, 'attention-heatmap.reformer')).to.equal(null);
    // Position 5 of round 1 is drawn in its bucket's colour.
    const { q } = own(0, 64);
    const { buckets } = reformerPattern(q, { buckets: 4, hashes: 2, chunk: 8, seed: 1 });
    const canvas = $<HTMLCanvasElement>(el, 'canvas.strip');
    const pixel = canvas.getContext('2d')!.getImageData(5 * 3 + 1, 4, 1, 1).data;
    expect([...pixel.slice(0, 3)]).to.deep.equal([...BUCKET_COLORS[buckets[0][5] % 12]]);
    $$(el, '.steps button')[2].click();
    await el.updateComplete;
    expect(el.step).to.equal('chunk');
    expect($$(el, 'canvas.strip').map((c) => c.dataset.step)).to.deep.equal([
      'hash',
      'sort',
      'chunk',
    ]);
    // The chunk strip: positions sorted by bucket, a gap of background between chunks of 8.
    const chunked = $$<HTMLCanvasElement>(el, 'canvas.strip')[2];
    const at = (x: number, y: number) => [
      ...chunked.getContext('2d')!.getImageData(x, y, 1, 1).data.slice(0, 3),
    ];
    const { order } = bucketOrder(buckets[0], 8);
    const color = (s: number) => [...BUCKET_COLORS[buckets[0][order[s]] % 12]];
    expect(chunked.height).to.equal(2 * 14);
    expect(at(5 * 3 + 1, 4)).to.deep.equal(color(5));
    expect(at(8 * 3 - 1, 4)).to.deep.equal(rgbOf(readThemeColors(el.shadowRoot!).background));
    expect(at(8 * 3 + 1, 4)).to.deep.equal(color(8));
    expect(at(8 * 3 + 1, 14 + 4)).to.deep.equal([
      ...BUCKET_COLORS[buckets[1][bucketOrder(buckets[1], 8).order[8]] % 12],
    ]);
    el.step = 'attend';
    await el.updateComplete;
    const reformer = $<AttentionHeatmap>(el, 'attention-heatmap.reformer');
    expect(reformer.variant?.buckets).to.have.length(2);
    // A move of the rounds slider: the readout answers in the next frame, the strips and the
    // matrix follow once it is painted.
    slide(el, 'hashes', 3);
    await frame();
    expect(readout(el)).to.match(/^3 rounds keep /);
    await el.updateComplete;
    expect(chunked.isConnected).to.equal(true);
    expect(chunked.height).to.equal(3 * 14);
    expect(reformer.variant?.buckets).to.have.length(3);
    expect(reformer.label).to.equal('Reformer, 3 rounds');
  });
});

describe(`<${TAG}> linformer`, function () {
  this.timeout(300_000);

  it('error against k as core computes it, the best rank-k error, and E and F', async () => {
    const el = await explorer(`<${TAG} method="linformer" length="64" projected="16"></${TAG}>`);
    const { q, k } = own(0, 64);
    const error = linformerError(q, k, 16, { seed: 1 });
    const best = lowRankError(singularValues(exactAttention(q, k)), 16);
    const s = summary(el);
    expect(s.projected).to.equal(16);
    expect(s.relative).to.be.closeTo(error.relative, 1e-12);
    expect(s.bestRankRelative).to.be.closeTo(best, 1e-9);
    const projections = sequenceProjections(16, 64, 1);
    const [e, f] = $$<AttentionHeatmap>(el, 'attention-heatmap.projection');
    expect([...(e.matrix as Matrix).data]).to.deep.equal([...projections.e.data]);
    expect([...(f.matrix as Matrix).data]).to.deep.equal([...projections.f.data]);
    expect((el.toJSON().singularValues as number[]).length).to.equal(64);
    expect($(el, '.spectrum-chart').querySelector('svg, canvas')).to.not.equal(null);
    expect($(el, '.linformer-chart').querySelector('svg, canvas')).to.not.equal(null);
    // The slider to k = 4 (worked out already): the readout answers in the next frame, the
    // matrices and projections follow once it is painted.
    slide(el, 'projected', 2);
    await frame();
    expect(readout(el)).to.match(/^k = 4: /);
    const linformer = () => $$<AttentionHeatmap>(el, 'attention-heatmap.matrix')[1];
    expect(linformer().label).to.equal('Linformer P F, k = 16');
    const before = linformer().matrix;
    await el.updateComplete;
    expect(linformer().label).to.equal('Linformer P F, k = 4');
    expect(linformer().matrix).to.not.equal(before);
    expect(
      ($$<AttentionHeatmap>(el, 'attention-heatmap.projection')[0].matrix as Matrix).rows,
    ).to.equal(4);
  });

  it("takes a trained model's learned E and F, once it has trained", async () => {
    const el = await explorer(
      `<fake-adaptive-model id="lin"></fake-adaptive-model><${TAG} method="linformer" seed="2"></${TAG}>`,
    );
    const model = document.getElementById('lin') as FakeModel;
    model.attention = 'linformer';
    el.for = 'lin';
    await el.updateComplete;
    expect(shownError(el)).to.equal('');
    expect(readout(el)).to.contain('Waiting for <fake-adaptive-model id="lin"> to train');
    const { e, f } = sequenceProjections(4, 32, 9);
    const rows = (m: Matrix) =>
      Array.from({ length: m.rows }, (_, r) => [...m.data.subarray(r * m.cols, (r + 1) * m.cols)]);
    model.dispatchEvent(new CustomEvent('training-progress', { detail: { samplesSeen: 640 } }));
    model.dispatchEvent(
      new CustomEvent('attention-change', {
        detail: { variant: { attention: 'linformer', projections: { e: rows(e), f: rows(f) } } },
      }),
    );
    await el.updateComplete;
    // The element's own sample at the model's length, with the model's E and F.
    expect(el.sampleLength).to.equal(32);
    const { q, k } = own(2, 32);
    expect(summary(el).projected).to.equal(4);
    expect(summary(el).relative).to.be.closeTo(
      linformerError(q, k, 4, { projections: { e, f } }).relative,
      1e-12,
    );
    const [shownE] = $$<AttentionHeatmap>(el, 'attention-heatmap.projection');
    expect([...(shownE.matrix as Matrix).data]).to.deep.equal([...e.data]);
    expect($(el, 'input[name="projected"]')).to.equal(null);
    expect($(el, '.about').textContent).to.contain(
      'learned by <fake-adaptive-model id="lin"> after 640 samples',
    );
    model.attention = 'full';
    el.requestUpdate('for');
    await capturingWarnings(() => el.updateComplete);
  });

  it('refuses a k above the sample length, naming projected', async () => {
    const el = await explorer(`<${TAG} method="linformer" length="16" projected="32"></${TAG}>`);
    expect(shownError(el)).to.equal(
      "projected (32) must not exceed the sample's length (16): Linformer projects its positions to k rows",
    );
  });
});

describe(`<${TAG}> patterns`, function () {
  this.timeout(120_000);

  it('cost and reach of each pattern, updated as the reader edits it', async () => {
    const el = await explorer(`<${TAG} method="patterns" length="64" window="8"></${TAG}>`);
    const local = attentionMask('local', 64, 64, { window: 8 });
    expect(summary(el)).to.deep.include({
      pattern: 'local',
      cells: local.reduce((a, b) => a + b, 0),
      full: 4096,
      reach: 8,
    });
    expect(readout(el)).to.contain('Reach: 8 steps to cross 64 positions');
    // Information from position 0 fills the series in 8 steps, one row each; from 32, in 4.
    expect($(el, '.spread .note').textContent).to.equal(
      'From position 0: every position reached within 8 steps.',
    );
    const spread = $<HTMLCanvasElement>(el, 'canvas.spread-canvas');
    expect(spread.height).to.equal(8 * 4);
    // The top row is step 1: position 0 had it already (accent), positions 1 to 8 hear it now
    // (text colour), position 9 not yet (background); a line of background under each step.
    const theme = readThemeColors(el.shadowRoot!);
    const pixel = (p: number, y: number) => [
      ...spread
        .getContext('2d')!
        .getImageData(p * 2 + 1, y, 1, 1)
        .data.slice(0, 3),
    ];
    expect(pixel(0, 0)).to.deep.equal(rgbOf(theme.accent));
    expect(pixel(8, 2)).to.deep.equal(rgbOf(theme.text));
    expect(pixel(9, 0)).to.deep.equal(rgbOf(theme.background));
    expect(pixel(8, 3)).to.deep.equal(rgbOf(theme.background));
    expect(pixel(9, 4)).to.deep.equal(rgbOf(theme.text));
    expect(pixel(63, 8 * 4 - 2)).to.deep.equal(rgbOf(theme.text));
    slide(el, 'spread-source', 32);
    await el.updateComplete;
    expect($(el, '.spread .note').textContent).to.equal(
      'From position 32: every position reached within 4 steps.',
    );
    // The slider's value shows in the next frame; cost and reach follow in a task after it.
    slide(el, 'window', 16);
    await frame();
    expect($(el, 'input[name="window"] + output').textContent).to.equal('16');
    await el.updateComplete;
    expect(readout(el)).to.contain('Reach: 4 steps');
    expect(summary(el)).to.deep.include({ window: 16, reach: 4 });
    el.pattern = 'global';
    el.globals = [0, 32];
    await el.updateComplete;
    const global = attentionMask('global', 64, 64, { window: 16, globals: [0, 32] });
    expect(summary(el).reach).to.equal(patternReach(global, 64));
    expect(summary(el).reach).to.equal(2);
    el.pattern = 'local';
    el.window = 0;
    await el.updateComplete;
    expect(summary(el).reach).to.equal('never');
    expect(readout(el)).to.contain('never');
    expect($(el, '.spread .note').textContent).to.equal(
      'From position 32: no other position ever hears from it.',
    );
  });

  for (const method of ['patterns', 'performer', 'reformer', 'linformer']) {
    it(`is accessible: method="${method}", light and dark`, async () => {
      const el = await explorer(`<${TAG} method="${method}" length="32"></${TAG}>`);
      await expect(el).to.be.accessible();
      el.theme = 'dark';
      await el.updateComplete;
      // The embedded heatmaps follow the element's theme.
      expect(heatmaps(el).every((h) => h.theme === 'dark')).to.equal(true);
      await expect(el).to.be.accessible();
    });
  }
});

describe(`<${TAG}> adaptive`, function () {
  this.timeout(120_000);

  it('says what to link when nothing is followed', async () => {
    const el = await explorer(`<${TAG} method="adaptive"></${TAG}>`);
    expect(shownError(el)).to.equal(
      'method="adaptive" shows the spans of a model as it trains: set for to the id of a <trainable-model attention="adaptive">',
    );
  });

  it("records each head's span as the followed model trains", async () => {
    const el = await explorer(
      `<fake-adaptive-model id="m"></fake-adaptive-model><${TAG} method="adaptive" for="m"></${TAG}>`,
    );
    const model = document.getElementById('m')!;
    expect(shownError(el)).to.equal('');
    expect(readout(el)).to.contain('Waiting for the model to train');
    const heads = [0, 1].map(() => ({ data: new Float32Array(16).fill(0.25), rows: 4, cols: 4 }));
    /** The model's progress, then its attention with these spans, as a trainable-model sends them. */
    const send = (samples: number, spans: readonly number[]) => {
      model.dispatchEvent(
        new CustomEvent('training-progress', { detail: { samplesSeen: samples } }),
      );
      model.dispatchEvent(
        new CustomEvent('attention-change', {
          detail: {
            heads,
            variant: { attention: 'adaptive', spans, maxSpan: 64, options: { ramp: 16 } },
          },
        }),
      );
    };
    send(100, [3, 10]);
    send(200, [2.5, 12]);
    await el.updateComplete;
    expect(el.spans).to.deep.equal([
      { samples: 100, spans: [3, 10] },
      { samples: 200, spans: [2.5, 12] },
    ]);
    expect(readout(el)).to.equal(
      'After 200 samples: head 1 2.5 tokens, head 2 12 tokens (at most 64)',
    );
    expect($<AttentionHeatmap>(el, 'attention-heatmap.adaptive').variant?.spans).to.deep.equal([
      2.5, 12,
    ]);
    await new Promise((resolve) => setTimeout(resolve, 400));
    await el.updateComplete;
    expect($(el, '.spans-chart').querySelector('svg')).to.not.equal(null);
    // A point per head and snapshot; a new snapshot adds points to the chart on screen.
    const points = () =>
      $(el, '.spans-chart').querySelectorAll('.mark-symbol.role-mark path').length;
    expect(points()).to.equal(4);
    const snapshot = async (samples: number, spans: number[]) => {
      send(samples, spans);
      await new Promise((resolve) => setTimeout(resolve, 400));
      await el.updateComplete;
    };
    await snapshot(300, [2, 14]);
    expect(points()).to.equal(6);
    const chart = $(el, '.spans-chart').querySelector('svg');
    await snapshot(400, [2, 15]);
    expect(points()).to.equal(8);
    expect($(el, '.spans-chart').querySelector('svg')).to.equal(chart);
  });

  it('names a model that is not adaptive, and a method that needs a sample', async () => {
    const el = await explorer(
      `<fake-adaptive-model id="full"></fake-adaptive-model><${TAG} method="adaptive"></${TAG}>`,
    );
    (document.getElementById('full') as FakeModel).attention = 'full';
    el.for = 'full';
    await capturingWarnings(() => el.updateComplete);
    expect(shownError(el)).to.equal(
      'for="full" names a <fake-adaptive-model> with attention="full"; method="adaptive" needs one with attention="adaptive"',
    );
    el.method = 'performer';
    await capturingWarnings(() => el.updateComplete);
    expect(shownError(el)).to.equal(
      'method="performer" works on a sample\'s queries and keys: for="full" names a <fake-adaptive-model>; name a <shape-dataset-viewer> (a model serves method="adaptive", or method="linformer" with attention="linformer")',
    );
  });
});

describe(`<${TAG}> following a viewer, and bad input`, function () {
  this.timeout(300_000);

  it("works on the viewer's sample and follows it", async () => {
    const el = await explorer(
      `<shape-dataset-viewer id="v" seed="3" length="64"></shape-dataset-viewer><${TAG} method="patterns" for="v"></${TAG}>`,
    );
    const viewer = document.getElementById('v') as ShapeDatasetViewer;
    expect(el.sampleLength).to.equal(64);
    const { q, k } = sampleQK(generateShapes1D({ seed: 3, length: 64 }).input);
    void q;
    void k;
    expect(summary(el).full).to.equal(64 * 64);
    viewer.length = 48;
    await viewer.updateComplete;
    await el.updateComplete;
    expect(summary(el).full).to.equal(48 * 48);
  });

  it('names an unknown method, warns, and recovers when fixed', async () => {
    let el!: EfficientAttentionExplorer;
    const warnings = await capturingWarnings(async () => {
      el = await fixture<EfficientAttentionExplorer>(
        html`<efficient-attention-explorer
          method="bogus"
          length="32"
        ></efficient-attention-explorer>`,
      );
      await el.updateComplete;
    });
    const message =
      'method must be one of performer, reformer, linformer, adaptive, patterns, got "bogus"';
    expect(shownError(el)).to.equal(message);
    expect(warnings).to.include(`<${TAG}>: ${message}`);
    el.setAttribute('method', 'patterns');
    await el.updateComplete;
    expect(shownError(el)).to.equal('');
    expect(heatmaps(el)).to.have.length(1);
  });

  it('names a missing element, and a 2D viewer', async () => {
    const el = await explorer(`<${TAG} for="nowhere" length="32"></${TAG}>`);
    expect(shownError(el)).to.equal(
      'for="nowhere" names no element on this page; give a <shape-dataset-viewer> (or, for method="adaptive", a <trainable-model attention="adaptive">) id="nowhere"',
    );
    const two = await explorer(
      `<shape-dataset-viewer id="two" mode="2d"></shape-dataset-viewer><${TAG} for="two"></${TAG}>`,
    );
    expect(shownError(two)).to.equal(
      'for="two" names a viewer showing a 2D image; the explorer reads a 1D series: set its mode="1d"',
    );
  });

  it('exports JSON of what it shows and a PNG', async () => {
    const el = await explorer(
      `<${TAG} method="patterns" length="32" pattern="sparse" stride="4"></${TAG}>`,
    );
    const json = el.toJSON();
    expect(json.settings).to.deep.include({ method: 'patterns', pattern: 'sparse', stride: 4 });
    expect(json.sample).to.deep.equal({ length: 32, from: 'seed' });
    const png = await el.toPNG();
    expect(png.type).to.equal('image/png');
    expect(png.size).to.be.above(100);
  });
});
