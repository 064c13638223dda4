import '@decoding-attention/shape-dataset-viewer/shape-dataset-viewer.js';
import type { AttentionHeatmap } from '@decoding-attention/attention-heatmap';
import {
  distanceSpread,
  encodedAttention1D,
  generateShapes1D,
  pairFrequency,
  positionSimilarity,
  positionalEncoding,
  type Sample1D,
} from '@decoding-attention/core';
import type { ShapeDatasetViewer } from '@decoding-attention/shape-dataset-viewer';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import type { PositionalEncodingExplorer } from '../src/index.js';
import '../src/positional-encoding-explorer.js';
import { $, $$, capturingWarnings } from '../../ui/test/helpers.js';

/** Moves the mouse onto cell (query, key) of a heatmap inside the explorer. */
async function hoverCell(heatmap: AttentionHeatmap, query: number, key: number): Promise<void> {
  heatmap.scrollIntoView({ block: 'center' });
  const frame = heatmap.shadowRoot!.querySelector('.frame')!;
  const rect = frame.getBoundingClientRect();
  const rows = Number(frame.getAttribute('aria-rowcount'));
  const cols = Number(frame.getAttribute('aria-colcount'));
  await sendMouse({
    type: 'move',
    position: [
      Math.round(rect.left + ((key + 0.5) / cols) * rect.width),
      Math.round(rect.top + ((query + 0.5) / rows) * rect.height),
    ],
  });
}

afterEach(async () => {
  await sendMouse({ type: 'move', position: [0, 0] });
});

describe('<positional-encoding-explorer>', () => {
  it('shows the sinusoidal table, its curves, its similarity and its effect on attention', async () => {
    const el = await fixture<PositionalEncodingExplorer>(
      html`<positional-encoding-explorer></positional-encoding-explorer>`,
    );
    await el.updateComplete;
    const expected = positionalEncoding('sinusoidal', 64, 32);
    expect(el.tables[0]).to.deep.equal(expected);
    const table = $<AttentionHeatmap>(el, 'attention-heatmap.table');
    await table.updateComplete;
    expect(table.shown[0].data).to.deep.equal(expected);
    const similarity = $<AttentionHeatmap>(el, 'attention-heatmap.similarity');
    expect(similarity.shown[0].data).to.deep.equal(positionSimilarity(expected, 64, 32).data);
    expect($(el, '.verdict').textContent).to.match(/sinusoidal: distance alone counts/);
    // Six features by default: a fast, a middle and a slow pair, drawn as vega-lite lines.
    expect(
      $$(el, '.features [aria-pressed="true"]').map((b) => b.textContent!.trim()),
    ).to.deep.equal(['f0', 'f1', 'f8', 'f17', 'f30', 'f31']);
    expect($$(el, '.curves .mark-line path')).to.have.length(6);
    // Attention: without, then with the encoding, on the sample of seed 0.
    const input = generateShapes1D({ seed: 0, length: 160 }).input;
    expect(el.attentionMaps).to.have.length(2);
    expect(el.attentionMaps[0].data).to.deep.equal(
      encodedAttention1D(input, { encoding: 'none', dim: 32 }).data,
    );
    expect(el.attentionMaps[1].data).to.deep.equal(
      encodedAttention1D(input, { encoding: 'sinusoidal', dim: 32, strength: 0.3 }).data,
    );
    expect($$(el, 'attention-heatmap.attention')).to.have.length(2);
  });

  it('says when similarity does not depend on distance alone', async () => {
    const el = await fixture<PositionalEncodingExplorer>(
      html`<positional-encoding-explorer
        encoding="linear"
        length="20"
        dim="4"
      ></positional-encoding-explorer>`,
    );
    expect(Array.from(el.tables[0].subarray(0, 4))).to.deep.equal([0, 0, 0, 0]);
    expect(Array.from(el.tables[0].subarray(76, 80))).to.deep.equal([1, 1, 1, 1]);
    expect(el.spreads[0]).to.be.above(0.5);
    expect($(el, '.verdict').textContent).to.match(/linear: not distance alone/);
  });

  it('shows why inverted frequencies fail: no locality left in the similarity', async () => {
    const el = await fixture<PositionalEncodingExplorer>(html`
      <positional-encoding-explorer
        encoding="sinusoidal"
        compare="sinusoidal-inverted"
        view="encoding similarity"
      ></positional-encoding-explorer>
    `);
    expect($$(el, 'attention-heatmap.table')).to.have.length(2);
    expect($$(el, 'attention-heatmap.similarity')).to.have.length(2);
    expect($$(el, 'attention-heatmap.attention')).to.have.length(0);
    const [standard, inverted] = $$<AttentionHeatmap>(el, 'attention-heatmap.similarity').map(
      (h) => h.shown[0],
    );
    // Standard: neighbours are more alike than positions 20 apart. Inverted: not reliably.
    const at = (m: { data: Float32Array }, a: number, b: number) => m.data[a * 64 + b];
    expect(at(standard, 30, 31)).to.be.above(at(standard, 30, 50) + 0.2);
    const nearer = Array.from(
      { length: 40 },
      (_, a) => at(inverted, a, a + 1) > at(inverted, a, a + 20),
    ).filter(Boolean).length;
    expect(nearer).to.be.below(35);
    expect(distanceSpread(standard)).to.be.below(1e-4);
  });

  it('RoPE: the dial turns pair i by position x base^(-2i/d), and scores depend on the offset alone', async () => {
    const el = await fixture<PositionalEncodingExplorer>(
      html`<positional-encoding-explorer
        encoding="rope"
        pair="1"
        position="5"
      ></positional-encoding-explorer>`,
    );
    const dial = $(el, '.dial svg');
    const angle = 5 * pairFrequency(1, 32, 10000);
    expect(dial.getAttribute('aria-label')).to.equal(
      `Pair 1 at position 5: turned ${angle.toFixed(2)} radians`,
    );
    const slider = $<HTMLInputElement>(el, '.dial input[type="range"]');
    slider.value = '40';
    slider.dispatchEvent(new Event('input'));
    await el.updateComplete;
    expect(el.position).to.equal(40);
    expect(dial.getAttribute('aria-label')).to.contain(
      `turned ${(40 * pairFrequency(1, 32, 10000)).toFixed(2)} radians`,
    );
    const json = el.toJSON() as { ropeOffsetSpread: number };
    expect(json.ropeOffsetSpread).to.be.below(1e-5);
    expect($$(el, '.offsets .mark-line path')).to.have.length(3);
    expect(
      $$(el, '.verdict')
        .map((v) => v.textContent)
        .join(' '),
    ).to.match(/differ by at most/);
  });

  it('links its views: hovering a table row marks the position everywhere', async () => {
    const el = await fixture<PositionalEncodingExplorer>(
      html`<positional-encoding-explorer
        compare="rope"
        view="encoding similarity"
      ></positional-encoding-explorer>`,
    );
    const [first, second] = $$<AttentionHeatmap>(el, 'attention-heatmap.table');
    setTimeout(() => void hoverCell(first, 12, 3));
    const event = await oneEvent(el, 'position-hover');
    expect(event.detail.position).to.equal(12);
    expect(second.activeCell).to.deep.equal({ query: 12, key: 3 });
    for (const similarity of $$<AttentionHeatmap>(el, 'attention-heatmap.similarity')) {
      expect(similarity.activeCell).to.deep.equal({ query: 12, key: 12 });
    }
  });

  it("uses a linked viewer's sample and marks attention hovers in it", async () => {
    const container = await fixture<HTMLDivElement>(html`
      <div>
        <shape-dataset-viewer id="pe-viewer" seed="9"></shape-dataset-viewer>
        <positional-encoding-explorer
          for="pe-viewer"
          view="attention"
        ></positional-encoding-explorer>
      </div>
    `);
    const viewer = container.querySelector<ShapeDatasetViewer>('shape-dataset-viewer')!;
    const el = container.querySelector<PositionalEncodingExplorer>('positional-encoding-explorer')!;
    await viewer.updateComplete;
    await el.updateComplete;
    const input = (viewer.sample as Sample1D).input;
    expect(el.attentionMaps[1].data).to.deep.equal(
      encodedAttention1D(input, { encoding: 'sinusoidal', dim: 32, strength: 0.3 }).data,
    );
    const [, withEncoding] = $$<AttentionHeatmap>(el, 'attention-heatmap.attention');
    await hoverCell(withEncoding, 100, 250);
    await viewer.updateComplete;
    expect(viewer.shadowRoot!.querySelectorAll('.chart .role-mark.mark-rule line')).to.have.length(
      2,
    );
    const [without] = $$<AttentionHeatmap>(el, 'attention-heatmap.attention');
    expect(without.activeCell).to.deep.equal(withEncoding.activeCell);
    expect(withEncoding.activeCell!.query).to.be.within(98, 102);
  });

  it('hands its attention to a heatmap that follows it', async () => {
    const container = await fixture<HTMLDivElement>(html`
      <div>
        <positional-encoding-explorer
          id="pe"
          encoding="rope"
          view="attention"
        ></positional-encoding-explorer>
        <attention-heatmap for="pe"></attention-heatmap>
      </div>
    `);
    const el = container.querySelector<PositionalEncodingExplorer>('positional-encoding-explorer')!;
    const heatmap = container.querySelector<AttentionHeatmap>('attention-heatmap')!;
    await el.updateComplete;
    await heatmap.updateComplete;
    // From the start: the heatmap attached after the explorer's first announcement.
    expect(heatmap.shown[0].data).to.deep.equal(el.attentionMaps[1].data);
    el.encoding = 'linear';
    await el.updateComplete;
    await heatmap.updateComplete;
    expect(heatmap.shown[0].data).to.deep.equal(el.attentionMaps[1].data);
  });

  it('draws its charts again after recovering from a bad value and after moving on the page', async () => {
    const el = await fixture<PositionalEncodingExplorer>(
      html`<positional-encoding-explorer view="encoding"></positional-encoding-explorer>`,
    );
    await el.updateComplete;
    const drawn = () => $(el, '.curves')?.querySelector('canvas, svg') ?? null;
    expect(drawn()).to.not.equal(null);
    await capturingWarnings(async () => {
      el.sampleLength = 5;
      await el.updateComplete;
    });
    expect($(el, '[role="alert"]')).to.not.equal(null);
    el.sampleLength = 400;
    await el.updateComplete;
    expect($(el, '[role="alert"]')).to.equal(null);
    expect(drawn()).to.not.equal(null);
    // Moved elsewhere on the page: the charts are let go on leaving and drawn again on arrival.
    const elsewhere = document.createElement('section');
    document.body.append(elsewhere);
    elsewhere.append(el);
    await el.updateComplete;
    expect(drawn()).to.not.equal(null);
    elsewhere.remove();
  });

  it('takes a trained table for the learnable encoding', async () => {
    const table = Float32Array.from({ length: 8 * 4 }, (_, i) => i / 32);
    const el = await fixture<PositionalEncodingExplorer>(html`
      <positional-encoding-explorer
        encoding="learnable"
        length="8"
        dim="4"
        view="encoding"
        .table=${table}
      ></positional-encoding-explorer>
    `);
    expect(el.tables[0]).to.deep.equal(table);
    el.table = undefined;
    await el.updateComplete;
    expect(el.tables[0]).to.deep.equal(positionalEncoding('learnable', 8, 4, { seed: 0 }));
  });

  it('is accessible', async () => {
    const el = await fixture<PositionalEncodingExplorer>(
      html`<positional-encoding-explorer
        encoding="rope"
        compare="linear"
      ></positional-encoding-explorer>`,
    );
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('names the bad attribute, warns, and recovers', async () => {
    const cases: [string, RegExp][] = [
      [
        '<positional-encoding-explorer encoding="fourier"></positional-encoding-explorer>',
        /encoding must be one of linear, learnable, sinusoidal, sinusoidal-inverted, rope, got "fourier"/,
      ],
      [
        '<positional-encoding-explorer dim="0"></positional-encoding-explorer>',
        /dim must be a whole number in \[2, 128\]/,
      ],
      [
        '<positional-encoding-explorer view="everything"></positional-encoding-explorer>',
        /view must be one of encoding, similarity, rope, attention/,
      ],
      [
        '<positional-encoding-explorer features="40"></positional-encoding-explorer>',
        /features must be a whole number in \[0, 31\]/,
      ],
      [
        '<positional-encoding-explorer sample-length="5"></positional-encoding-explorer>',
        /sample-length must be a whole number in \[40, 400\]/,
      ],
    ];
    for (const [markup, message] of cases) {
      const container = document.createElement('div');
      const warnings = await capturingWarnings(async () => {
        container.innerHTML = markup;
        document.body.append(container);
        await (container.firstElementChild as PositionalEncodingExplorer).updateComplete;
      });
      const el = container.firstElementChild as PositionalEncodingExplorer;
      expect($(el, '[role="alert"]')?.textContent, markup).to.match(message);
      expect(warnings.length, markup).to.equal(1);
      container.remove();
    }
    const el = await fixture<PositionalEncodingExplorer>(
      html`<positional-encoding-explorer dim="0" view="encoding"></positional-encoding-explorer>`,
    ).catch(() => undefined as never);
    await capturingWarnings(async () => el.updateComplete.then(() => undefined));
    el.dim = 8;
    await el.updateComplete;
    expect($(el, '[role="alert"]')).to.equal(null);
    expect(el.tables[0].length).to.equal(64 * 8);
  });

  it('exports its encodings as JSON and its heatmaps as PNG', async () => {
    const el = await fixture<PositionalEncodingExplorer>(
      html`<positional-encoding-explorer
        length="16"
        dim="8"
        view="encoding similarity"
      ></positional-encoding-explorer>`,
    );
    const json = el.toJSON() as {
      encodings: { kind: string; table: number[][]; distanceSpread: number }[];
    };
    expect(json.encodings[0].kind).to.equal('sinusoidal');
    expect(json.encodings[0].table).to.have.length(16);
    expect(json.encodings[0].table[1][0]).to.be.closeTo(Math.sin(1), 1e-6);
    const image = await createImageBitmap(await el.toPNG());
    // Table (8 wide, scaled to 512) and similarity (16, scaled to 512), 16 apart.
    expect(image.width).to.equal(512 + 16 + 512);
  });
});

describe('<positional-encoding-explorer> embed code', () => {
  it('gives the tag with its settings; pasted, it shows the same encodings', async () => {
    const el = await fixture<PositionalEncodingExplorer>(
      html`<positional-encoding-explorer view="encoding rope"></positional-encoding-explorer>`,
    );
    el.encoding = 'rope';
    el.compare = 'sinusoidal';
    el.dim = 16;
    el.base = 100;
    await el.updateComplete;
    const code = el.embedCode();
    expect(code).to.contain('encoding="rope"');
    expect(code).to.contain('compare="sinusoidal"');
    expect(code).to.contain('dim="16"');
    expect(code).to.contain('base="100"');
    expect(code).to.contain('view="encoding rope"');
    expect(code).to.not.contain('length=');
    const container = await fixture<HTMLDivElement>(html`<div></div>`);
    container.innerHTML = code;
    const copy = container.firstElementChild as PositionalEncodingExplorer;
    await copy.updateComplete;
    expect(copy.tables).to.deep.equal(el.tables);
    expect(copy.embedCode()).to.equal(code);
  });
});

describe('<positional-encoding-explorer> parts, attributes and linked events', () => {
  it('gives the curves and the position-offsets chart parts of their own', async () => {
    const el = await fixture<PositionalEncodingExplorer>(
      html`<positional-encoding-explorer encoding="rope"></positional-encoding-explorer>`,
    );
    const curves = $$(el, '[part~="curves"]');
    const offsets = $$(el, '[part~="offsets"]');
    expect(curves).to.have.length(1);
    expect(offsets).to.have.length(1);
    expect(curves[0]).to.not.equal(offsets[0]);
    expect(curves[0].querySelectorAll('.mark-line path')).to.have.length(6);
    expect(offsets[0].querySelectorAll('.mark-line path')).to.have.length(3);
  });

  it('goes back to its defaults when `view` or `features` is removed', async () => {
    const el = await fixture<PositionalEncodingExplorer>(html`
      <positional-encoding-explorer
        encoding="rope"
        view="rope"
        features="2 3"
      ></positional-encoding-explorer>
    `);
    expect($$(el, 'section')).to.have.length(1);
    el.view = ['encoding'];
    await el.updateComplete;
    const pressed = () =>
      $$(el, '.features [aria-pressed="true"]').map((b) => b.textContent!.trim());
    expect(pressed()).to.deep.equal(['f2', 'f3']);
    el.removeAttribute('features');
    await el.updateComplete;
    expect(pressed()).to.deep.equal(['f0', 'f1', 'f8', 'f17', 'f30', 'f31']);
    expect($$(el, '.curves .mark-line path')).to.have.length(6);
    el.removeAttribute('view');
    await el.updateComplete;
    expect($$(el, 'section h2').map((h) => h.id)).to.deep.equal([
      'encoding-title',
      'similarity-title',
      'rope-title',
      'attention-title',
    ]);
    expect($(el, '[role="alert"]')).to.equal(null);
  });

  it('ignores a `sample-change` without a detail, and follows the next sample', async () => {
    const container = await fixture<HTMLDivElement>(html`
      <div>
        <shape-dataset-viewer id="pe-source" length="80"></shape-dataset-viewer>
        <positional-encoding-explorer
          for="pe-source"
          view="attention"
        ></positional-encoding-explorer>
      </div>
    `);
    const source = container.querySelector('#pe-source')!;
    const el = container.querySelector<PositionalEncodingExplorer>('positional-encoding-explorer')!;
    await el.updateComplete;
    const before = el.attentionMaps[1].data;
    const errors: unknown[] = [];
    const onError = (event: ErrorEvent) => errors.push(event.error);
    window.addEventListener('error', onError);
    try {
      source.dispatchEvent(new CustomEvent('sample-change', { detail: null }));
      source.dispatchEvent(new Event('sample-change'));
    } finally {
      window.removeEventListener('error', onError);
    }
    await el.updateComplete;
    expect(errors).to.deep.equal([]);
    expect(el.attentionMaps[1].data).to.deep.equal(before);
    const sample = generateShapes1D({ seed: 4, length: 80 });
    source.dispatchEvent(new CustomEvent('sample-change', { detail: { sample } }));
    await el.updateComplete;
    expect(el.attentionMaps[1].data).to.deep.equal(
      encodedAttention1D(sample.input, { encoding: 'sinusoidal', dim: 32, strength: 0.3 }).data,
    );
  });
});
