import { expect, oneEvent } from '@open-wc/testing';
import { $, $$, capturingWarnings } from '../../ui/test/helpers.js';
import { shownError } from '../../ui/test/reliability.js';
import type { TrainableModel, TrainingDoneDetail, VariantDetail } from '../src/index.js';
import type { Matrix } from '@decoding-attention/core';
import '../src/trainable-model.js';

const button = (el: TrainableModel, text: string) =>
  $$<HTMLButtonElement>(el, 'button').find((b) => b.textContent!.trim() === text)!;

/** An element made from attribute text, on the page, with its warnings. */
async function made(attributes: string): Promise<{ el: TrainableModel; warnings: string[] }> {
  const container = document.createElement('div');
  const warnings = await capturingWarnings(async () => {
    container.innerHTML = `<trainable-model ${attributes}></trainable-model>`;
    document.body.append(container);
    await (container.firstElementChild as TrainableModel).updateComplete;
  });
  return { el: container.firstElementChild as TrainableModel, warnings };
}

describe('<trainable-model> attention variants: settings', () => {
  afterEach(() =>
    document.querySelectorAll('div > trainable-model').forEach((el) => el.parentElement!.remove()),
  );

  it('maps the variant attributes onto the trainer configuration', async () => {
    const { el } = await made(
      'attention="performer" features="16" redraw="5" window="4" span-penalty="0.001"',
    );
    expect(shownError(el)).to.equal('');
    const config = el.trainingConfig();
    expect(config).to.include({
      model: 'transformer',
      attention: 'performer',
      features: 16,
      redraw: 5,
      window: 4,
      spanPenalty: 0.001,
      stride: 8,
      projected: 32,
      buckets: 8,
    });
    el.setAttribute('globals', '0, 20');
    await el.updateComplete;
    expect(el.globals).to.deep.equal([0, 20]);
    expect(el.trainingConfig().globals).to.deep.equal([0, 20]);
    el.setAttribute('globals', '4');
    await el.updateComplete;
    expect(el.trainingConfig().globals).to.equal(4);
    el.removeAttribute('features');
    el.removeAttribute('globals');
    await el.updateComplete;
    expect(el.trainingConfig()).to.include({ features: 64, globals: 1 });
    // A comparison run's variant, asked for by name.
    expect(el.trainingConfig('mha', 'local')).to.include({ model: 'mha', attention: 'local' });
  });

  it('leaves the models without attention as they are, and says so', async () => {
    const { el } = await made('model="cnn" attention="local" length="48"');
    expect(shownError(el)).to.equal('');
    expect(el.trainingConfig()).to.not.have.property('attention');
    expect($(el, '.note')!.textContent).to.include(
      'attention="local" applies to the attention models (attention, attention-pe, mha, transformer); cnn has no attention and trains as it is.',
    );
  });

  it('names a bad variant attribute, warns, and recovers when it is fixed', async () => {
    const cases: [string, RegExp][] = [
      [
        'attention="flash"',
        /^attention must be one of full, causal, local, sparse, global, adaptive, linformer, performer, reformer, binary, got "flash"$/,
      ],
      ['attention="local" window="0"', /^window must be a whole number/],
      ['attention="local" window="2.5"', /^window must be a whole number/],
      ['attention="performer" features="-4"', /^features must be a whole number/],
      [
        'attention="reformer" buckets="3"',
        /^buckets must be 1 or even \(hashing by \[xR, -xR\]\), got 3$/,
      ],
      ['attention="adaptive" span-penalty="-1"', /^span-penalty must be/],
      [
        'attention="global" length="48" globals="0, 48"',
        /^globals must be a whole number in \[0, 47\], got 48$/,
      ],
      ['attention="global" globals="many"', /^globals must be a whole number/],
      [
        'attention="linformer" mask="causal"',
        /^attention "linformer" cannot be causal: .*: use mask="full" with it$/,
      ],
      [
        'attention="local" positional="rope"',
        /^positional "rope" works with attention full or causal, not "local"$/,
      ],
      ['attentions="full flash"', /^attentions must be one of full, causal, .*got "flash"$/],
      ['attentions="local local"', /^attentions lists a variant twice: local, local$/],
      [
        'attentions="full linformer" mask="causal"',
        /^attentions: attention "linformer" cannot be causal/,
      ],
    ];
    for (const [attributes, message] of cases) {
      const { el, warnings } = await made(attributes);
      expect(shownError(el), attributes).to.match(message);
      expect(warnings.length, attributes).to.be.at.least(1);
      expect(button(el, 'Train').disabled, attributes).to.equal(true);
      el.parentElement!.remove();
    }
    // Fixed: the message goes, Train comes back.
    const { el } = await made('attention="local" window="0"');
    expect(shownError(el)).to.match(/window/);
    el.setAttribute('window', '3');
    await el.updateComplete;
    expect(shownError(el)).to.equal('');
    expect(button(el, 'Train').disabled).to.equal(false);
    expect(el.trainingConfig().window).to.equal(3);
  });

  it('takes lengths of 2,000 and more, for every variant', async () => {
    const { el } = await made('length="2000" attention="local" validation-size="64"');
    expect(shownError(el)).to.equal('');
    expect(el.trainingConfig()).to.include({ length: 2000, attention: 'local' });
    el.length = 4096;
    el.attention = 'full';
    await el.updateComplete;
    expect(shownError(el)).to.equal('');
    expect(el.trainingConfig().length).to.equal(4096);
  });
});

/** A small, fast transformer configuration. */
const small = `length="48" hidden-size="16" heads="2" batch-size="8" validation-size="16"
  learning-rate="0.003" budget="4 steps" backend="wasm"`;

describe('<trainable-model> attention variants: training', function () {
  this.timeout(180_000);
  afterEach(() =>
    document.querySelectorAll('div > trainable-model').forEach((el) => el.parentElement!.remove()),
  );

  it('compares two variants of the model on the same samples: one labelled row each', async () => {
    const { el } = await made(`attentions="full local" window="4" ${small}`);
    expect($(el, '.controls span')!.textContent).to.equal(
      'Comparing transformer · full, transformer · local w=4',
    );
    setTimeout(() => button(el, 'Train').click());
    const done = (await oneEvent(el, 'training-done')) as CustomEvent<TrainingDoneDetail>;
    const results = done.detail.results;
    expect(results.map((r) => [r.model, r.attention, r.label])).to.deep.equal([
      ['transformer', 'full', 'Transformer · full'],
      ['transformer', 'local', 'Transformer · local w=4'],
    ]);
    expect(results.every((r) => r.samplesSeen === 32 && r.backend === 'wasm')).to.equal(true);
    expect(results.every((r) => r.peakBytes > 0)).to.equal(true);
    expect(results[0].validationLoss).to.not.equal(results[1].validationLoss);
    await el.updateComplete;
    const rows = $$(el, 'tbody tr');
    expect(rows.map((tr) => tr.querySelector('th')!.textContent)).to.deep.equal([
      'Transformer · full',
      'Transformer · local w=4',
    ]);
    // Peak memory, in MB, beside samples per second.
    const cells = [...rows[1].querySelectorAll('td')].map((td) => td.textContent!.trim());
    expect(cells[5]).to.equal((results[1].peakBytes / 2 ** 20).toFixed(1));
    const csv = el.resultsCsv().trim().split('\n');
    expect(csv).to.have.length(3);
    expect(csv[2].startsWith('transformer,')).to.equal(true);
    expect(csv[2].endsWith(`,wasm,local,local w=4,${results[1].peakBytes}`)).to.equal(true);
  });

  it('sends what the variant did with attention-change and currentAttention', async () => {
    const { el } = await made(
      `model="mha" attention="reformer" buckets="4" hashes="2" chunk="16" ${small}`,
    );
    const changes: { heads: Matrix[]; variant?: VariantDetail }[] = [];
    el.addEventListener('attention-change', (e) =>
      changes.push((e as CustomEvent<{ heads: Matrix[]; variant?: VariantDetail }>).detail),
    );
    setTimeout(() => button(el, 'Train').click());
    await oneEvent(el, 'training-done');
    await el.updateComplete;
    const last = changes.at(-1)!;
    expect(last.heads).to.have.length(2);
    const variant = last.variant!;
    expect(variant.attention).to.equal('reformer');
    expect(variant.options).to.deep.equal({
      causal: false,
      buckets: 4,
      hashes: 2,
      chunk: 16,
      redraw: 0,
    });
    expect(variant.buckets).to.have.length(2);
    expect(variant.buckets![0]).to.have.length(2);
    expect(variant.buckets![0][0]).to.have.length(48);
    expect(variant.buckets!.flat(2).every((b) => Number.isInteger(b) && b >= 0 && b < 4)).to.equal(
      true,
    );
    const current = el.currentAttention as { heads: Matrix[]; variant?: VariantDetail };
    expect(current.variant).to.deep.equal(variant);
    expect(el.trainingResults[0].label).to.equal(
      'Multi-head attention · reformer buckets=4 hashes=2 chunk=16',
    );
  });

  it('an adaptive model sends its spans; a linformer its projected weights', async () => {
    const adaptive = await made(`model="mha" attention="adaptive" span="20" ${small}`);
    setTimeout(() => button(adaptive.el, 'Train').click());
    await oneEvent(adaptive.el, 'training-done');
    await adaptive.el.updateComplete;
    const a = (adaptive.el.currentAttention as { variant?: VariantDetail }).variant!;
    expect(a.maxSpan).to.equal(20);
    expect(a.spans).to.have.length(2);
    for (const s of a.spans!) expect(s).to.be.within(0, 20);
    const linformer = await made(`model="attention" attention="linformer" projected="8" ${small}`);
    setTimeout(() => button(linformer.el, 'Train').click());
    await oneEvent(linformer.el, 'training-done');
    await linformer.el.updateComplete;
    const l = (linformer.el.currentAttention as { variant?: VariantDetail }).variant!;
    expect(l.projected).to.have.length(1);
    expect(l.projected![0]).to.have.length(48);
    expect(l.projected![0][0]).to.have.length(8);
    expect(l.projected![0][0].reduce((x, y) => x + y, 0)).to.be.closeTo(1, 1e-4);
    // E and F are the trained weights themselves, [k][position], as the weights file holds them.
    const file = await linformer.el.exportWeights();
    for (const which of ['e', 'f'] as const) {
      // The last attention layer: the one the snapshot describes.
      const weight = file.weights.filter((w) => w.name.endsWith(`projection/${which}`)).at(-1)!;
      expect(weight.shape).to.deep.equal([8, 48]);
      expect(l.projections![which]).to.have.length(8);
      expect(l.projections![which].flat()).to.deep.equal(
        Array.from(Float32Array.from(weight.values)),
      );
    }
  });

  it('says the maps are not shown past the display limit instead of showing nothing', async () => {
    const { el } = await made(
      'model="mha" heads="4" hidden-size="16" attention="local" length="600" batch-size="4" validation-size="8" budget="1 steps" backend="wasm"',
    );
    setTimeout(() => button(el, 'Train').click());
    await oneEvent(el, 'training-done');
    await el.updateComplete;
    expect($$(el, '.attention attention-heatmap')).to.have.length(0);
    expect($(el, '.attention-unshown')!.textContent!.replace(/\s+/g, ' ').trim()).to.equal(
      'The attention maps are not shown at length 600: the local variant reports the pattern it used only up to about a million weights (4 heads at length 512).',
    );
  });
});
