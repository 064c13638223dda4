import '@decoding-attention/attention-heatmap/attention-heatmap.js';
import type { AttentionHeatmap } from '@decoding-attention/attention-heatmap';
import {
  generateBatch1D,
  generateShapes1D,
  modelCatalog,
  parameterCount,
  sampleSeed,
} from '@decoding-attention/core';
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { emulateMedia, sendMouse } from '@web/test-runner-commands';
import { $, $$, capturingWarnings } from '../../ui/test/helpers.js';
import { amplitudeDomain } from '../src/charts.js';
import { parseBudget, type TrainableModel, type TrainingDoneDetail } from '../src/index.js';
import '../src/trainable-model.js';

/** The charts' SVG, parsed: what a reader sees, as marks. */
async function charts(el: TrainableModel): Promise<{ loss: Document; prediction: Document }> {
  const { loss, prediction } = await el.chartsSVG();
  const parse = (text: string) => new DOMParser().parseFromString(text, 'image/svg+xml');
  return { loss: parse(loss), prediction: parse(prediction) };
}

/** What a screen reader hears for a chart's amplitude axis, its range included (minus signs as '-'). */
const yAxis = (chart: Document) =>
  [...chart.querySelectorAll('.role-axis')]
    .map((axis) => (axis.getAttribute('aria-label') ?? '').replaceAll('\u2212', '-'))
    .find((label) => label.startsWith('Y-axis'));

const button = (el: TrainableModel, text: string) =>
  $$<HTMLButtonElement>(el, 'button').find((b) => b.textContent!.trim() === text)!;

/** A small, fast configuration: the same element, seconds instead of minutes. */
const small = html`<trainable-model
  model="attention"
  length="48"
  hidden-size="16"
  heads="2"
  batch-size="16"
  validation-size="32"
  learning-rate="0.003"
  budget="24 steps"
  backend="cpu"
></trainable-model>`;

describe('parseBudget', () => {
  it('reads seconds, minutes, samples and steps', () => {
    expect(parseBudget('60s')).to.deep.equal({ seconds: 60 });
    expect(parseBudget('2m')).to.deep.equal({ seconds: 120 });
    expect(parseBudget('20000')).to.deep.equal({ samples: 20000 });
    expect(parseBudget('1280 samples')).to.deep.equal({ samples: 1280 });
    expect(parseBudget('300 steps')).to.deep.equal({ steps: 300 });
    expect(() => parseBudget('forever')).to.throw(RangeError, /budget must be like/);
  });
});

describe('amplitudeDomain', () => {
  it('spans every series and 0, with a margin of 5, out to multiples of 10', () => {
    expect(amplitudeDomain([-3, 48])).to.deep.equal([-10, 60]);
    expect(amplitudeDomain([12, 45], [0, 40])).to.deep.equal([-10, 50]);
    expect(amplitudeDomain([-47.2, 2], [33])).to.deep.equal([-60, 40]);
    expect(amplitudeDomain(new Float32Array([-35]), new Float32Array([-35]))).to.deep.equal([
      -40, 10,
    ]);
    expect(amplitudeDomain([])).to.deep.equal([-10, 10]);
  });
});

describe('<trainable-model>', () => {
  it('before training: every model in the menu with its parameters, the validation sample, the baselines', async () => {
    const el = await fixture<TrainableModel>(html`<trainable-model></trainable-model>`);
    await el.updateComplete;
    const options = $$<HTMLOptionElement>(el, 'select option').map((o) =>
      o.textContent!.replace(/\s+/g, ' ').trim(),
    );
    // Each at its own defaults (docs/design/training.md): the models of post 1 at the reference
    // width 64, the transformer (the default model) at the width and depth chosen for the
    // browser, 32 and one block.
    expect(options).to.deep.equal(
      modelCatalog().map((m) => {
        const parameters =
          m.id === 'transformer' ? parameterCount(m.id, { hidden: 32, blocks: 1 }) : m.parameters;
        return `${m.label} (${parameters.toLocaleString('en')} parameters)`;
      }),
    );
    expect(options[3]).to.equal('Attention (12,673 parameters)');
    expect(options).to.include('Transformer (18,145 parameters)');
    expect($<HTMLSelectElement>(el, 'select').value).to.equal('transformer');
    expect(el.trainingConfig()).to.include({
      model: 'transformer',
      hidden: 32,
      batchSize: 16,
      learningRate: 2e-3,
      length: 400,
      embedding: 'conv',
      blocks: 1,
    });
    el.blocks = 3;
    expect(el.trainingConfig()).to.include({ blocks: 3 });
    el.blocks = undefined;
    expect(el.trainingConfig('cnn')).to.include({ hidden: 64, batchSize: 128, learningRate: 3e-4 });
    // The validation sample the Worker will use, drawn before any training.
    const expected = generateShapes1D({ seed: sampleSeed(1_000_003, 0), length: 400 });
    // The baselines: MSE of zeros and of the input itself against the validation targets.
    const validation = generateBatch1D(256, { seed: 1_000_003, length: 400 });
    let [zeros, copy] = [0, 0];
    validation.targets.forEach((t, i) => {
      zeros += t * t;
      copy += (validation.inputs[i] - t) ** 2;
    });
    [zeros, copy] = [zeros / validation.targets.length, copy / validation.targets.length];
    const { loss, prediction } = await charts(el);
    // Input and target are drawn (the prediction line is empty before training).
    const lines = [...prediction.querySelectorAll('.mark-line path')].filter(
      (p) => (p.getAttribute('d') ?? '').length > 0,
    );
    expect(lines).to.have.length(2);
    expect(expected.input.length).to.equal(400);
    // The amplitude axis spans this sample, set before any prediction is drawn.
    expect(yAxis(prediction)).to.equal(
      `Y-axis titled 'Amplitude' for a linear scale with values from ${amplitudeDomain(expected.input, expected.target).join(' to ')}`,
    );
    expect(
      [...loss.querySelectorAll('.role-mark.mark-text text')].map((t) => t.textContent),
    ).to.deep.equal([`predict zeros: ${zeros.toFixed(0)}`, `copy the input: ${copy.toFixed(1)}`]);
    // Near the reference figures of docs/design/datasets.md (310 and 26) on this validation set of 256.
    expect(el.baselines).to.deep.equal({ zeros, copy });
    expect(zeros).to.be.within(250, 370);
    expect(copy).to.be.within(22, 30);
    expect($(el, '[role="progressbar"]').getAttribute('aria-valuenow')).to.equal('0');
  });

  it('trains in a Worker: progress, falling loss, live attention, results', async () => {
    const el = await fixture<TrainableModel>(small);
    const progress: number[] = [];
    el.addEventListener('training-progress', (event) => progress.push(event.detail.trainLoss));
    setTimeout(() => button(el, 'Train').click());
    const done = await oneEvent(el, 'training-done');
    expect(el.runsOn).to.equal('worker');
    expect(progress).to.have.length(24);
    const [result] = done.detail.results;
    expect(result).to.include({
      model: 'attention',
      samplesSeen: 24 * 16,
      backend: 'cpu',
      parameters: 3 * 16 * 16 + 6 * 16 + 1,
    });
    expect(result.validationLoss).to.be.a('number').and.be.above(0);
    await el.updateComplete;
    expect($(el, '[role="progressbar"]').getAttribute('aria-valuenow')).to.equal('100');
    // Attention: one layer, one head, 48 x 48, rows summing to 1.
    const [layer] = el.attentionMaps;
    expect(layer).to.have.length(1);
    const heatmap = $<AttentionHeatmap>(el, 'attention-heatmap');
    await heatmap.updateComplete;
    expect(heatmap.shown[0].rows).to.equal(48);
    const row = layer[0].data.subarray(0, 48);
    expect(row.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-4);
    // The prediction is drawn beside input and target; the loss curves have train and validation points.
    const drawn = await charts(el);
    const lines = [...drawn.prediction.querySelectorAll('.mark-line path')].filter(
      (p) => (p.getAttribute('d') ?? '').length > 0,
    );
    expect(lines).to.have.length(3);
    // The amplitude axis still spans the sample, whatever the prediction: it holds still while
    // the model learns, and a prediction beyond it is cut off at the plot's edge.
    const sample = generateShapes1D({ seed: sampleSeed(1_000_003, 0), length: 48 });
    expect(yAxis(drawn.prediction)).to.match(
      new RegExp(`values from ${amplitudeDomain(sample.input, sample.target).join(' to ')}$`),
    );
    const curves = [...drawn.loss.querySelectorAll('.mark-line path')].filter(
      (p) => (p.getAttribute('d') ?? '').length > 0,
    );
    // The training curve, and the validation loss as points (measured every 2 s and at the end).
    expect(curves.length).to.be.at.least(1);
    expect(drawn.loss.querySelectorAll('.mark-symbol path').length).to.be.at.least(1);
    // Hovering the prediction plot marks that position's query row in the attention map.
    const plot = $(el, '.prediction canvas').getBoundingClientRect();
    const at = (fraction: number): [number, number] => [
      Math.round(plot.left + fraction * plot.width),
      Math.round(plot.top + plot.height / 3),
    ];
    await sendMouse({ type: 'move', position: at(0.45) });
    const middle = heatmap.activeCell;
    expect(middle?.key).to.equal(-1);
    expect(middle!.query).to.be.within(8, 40);
    await sendMouse({ type: 'move', position: at(0.8) });
    expect(heatmap.activeCell!.query).to.be.above(middle!.query);
    await sendMouse({ type: 'move', position: [0, 0] });
    expect(heatmap.activeCell).to.equal(undefined);
    expect($$(el, 'tbody tr')).to.have.length(1);
    expect(el.resultsCsv().split('\n')[0]).to.equal(
      'model,parameters,validation_mse,samples_seen,samples_per_second,seconds,backend,attention,variant,peak_bytes',
    );
  });

  it('compares models on the same data and budget, and fills the table', async () => {
    const el = await fixture<TrainableModel>(
      html`<trainable-model
        models="fcn cnn mha"
        length="48"
        hidden-size="16"
        heads="2"
        batch-size="16"
        validation-size="32"
        budget="6 steps"
        backend="cpu"
      ></trainable-model>`,
    );
    setTimeout(() => button(el, 'Train').click());
    const done = (await oneEvent(el, 'training-done')) as CustomEvent<TrainingDoneDetail>;
    expect(done.detail.results.map((r) => r.model)).to.deep.equal(['fcn', 'cnn', 'mha']);
    expect(done.detail.results.every((r) => r.samplesSeen === 96)).to.equal(true);
    await el.updateComplete;
    expect($$(el, 'tbody tr th').map((th) => th.textContent)).to.deep.equal([
      'FCN',
      'CNN',
      'Multi-head attention',
    ]);
    const csv = el.resultsCsv().trim().split('\n');
    expect(csv).to.have.length(4);
    expect(csv[2].startsWith('cnn,')).to.equal(true);
  });

  it('trains on the page with run-on="page", and says so', async () => {
    const el = await fixture<TrainableModel>(small);
    el.runOn = 'page';
    el.budget = '3 steps';
    el.train();
    await oneEvent(el, 'training-progress');
    expect($(el, '.live').textContent).to.equal(
      'Training Attention on the cpu backend, on the page.',
    );
    await oneEvent(el, 'training-done');
    expect(el.runsOn).to.equal('page');
    expect(el.activeTrainer!.mode).to.equal('page');
  });

  it('pauses and resumes from its buttons, and resets', async () => {
    const el = await fixture<TrainableModel>(small);
    el.budget = '60s';
    await el.updateComplete;
    button(el, 'Train').click();
    await oneEvent(el, 'training-progress');
    await el.updateComplete;
    button(el, 'Pause').click();
    await el.updateComplete;
    expect(button(el, 'Resume')).to.exist;
    let during = 0;
    const count = () => during++;
    el.addEventListener('training-progress', count);
    await new Promise((resolve) => setTimeout(resolve, 400));
    el.removeEventListener('training-progress', count);
    expect(during).to.be.at.most(1);
    button(el, 'Resume').click();
    await oneEvent(el, 'training-progress');
    button(el, 'Reset').click();
    await el.updateComplete;
    expect(button(el, 'Train')).to.exist;
    expect(el.attentionMaps).to.deep.equal([]);
  });

  it('hands its attention to a heatmap that follows it', async () => {
    const container = await fixture<HTMLDivElement>(
      html`<div>
        <trainable-model
          id="model"
          model="mha"
          length="40"
          hidden-size="8"
          heads="2"
          batch-size="8"
          validation-size="8"
          budget="3 steps"
          backend="cpu"
        ></trainable-model>
        <attention-heatmap for="model"></attention-heatmap>
      </div>`,
    );
    const el = container.querySelector<TrainableModel>('trainable-model')!;
    const heatmap = container.querySelector<AttentionHeatmap>('attention-heatmap')!;
    el.train();
    await oneEvent(el, 'training-done');
    await heatmap.updateComplete;
    expect(heatmap.shown[0].rows).to.equal(40);
    expect($$(el, 'attention-heatmap')).to.have.length(1);
    expect(el.attentionMaps[0]).to.have.length(2);

    // A heatmap added after training shows the trained attention at once.
    const later = document.createElement('attention-heatmap') as AttentionHeatmap;
    later.setAttribute('for', 'model');
    container.append(later);
    await later.updateComplete;
    expect(later.shown[0].data).to.deep.equal(heatmap.shown[0].data);
  });

  it('stops training and ends its Worker when removed', async () => {
    const el = await fixture<TrainableModel>(small);
    el.budget = '60s';
    el.train();
    await oneEvent(el, 'training-progress');
    expect(el.activeTrainer).to.exist;
    el.remove();
    expect(el.activeTrainer).to.equal(undefined);
  });

  it('names bad attributes, warns, and recovers', async () => {
    const cases: [string, RegExp][] = [
      [
        'model="gpt"',
        /model must be one of fcn, cnn, lstm, attention, attention-pe, mha, transformer, got "gpt"/,
      ],
      [
        'model="mha" hidden-size="30" heads="4"',
        /hidden-size \(30\) must be divisible by heads \(4\)/,
      ],
      ['budget="forever"', /budget must be like "60s"/],
      ['batch-size="0"', /batch-size must be a whole number in \[1, 4096\]/],
      ['models="fcn rnn"', /models must be one of/],
      ['backend="tpu"', /backend must be one of auto, wasm, webgl, cpu/],
      ['models="fcn fcn"', /^models lists a model twice: fcn, fcn$/],
      [
        'validation-size="10001"',
        /^validation-size must be a whole number in \[1, 10000\], got 10001$/,
      ],
      [
        'length="4096" validation-size="2000"',
        /^validation-size \(2000\) times length \(4096\) is 8,192,000 values; at most 4,194,304 \(validation-size up to 1024 at this length\)$/,
      ],
      ['length="4097"', /^length must be a whole number in \[40, 4096\], got 4097$/],
      ['theme="sepia"', /^theme must be one of auto, light, dark, got "sepia"$/],
    ];
    for (const [attributes, message] of cases) {
      const container = document.createElement('div');
      const warnings = await capturingWarnings(async () => {
        container.innerHTML = `<trainable-model ${attributes}></trainable-model>`;
        document.body.append(container);
        await (container.firstElementChild as TrainableModel).updateComplete;
      });
      const el = container.firstElementChild as TrainableModel;
      expect($(el, '[role="alert"]')?.textContent, attributes).to.match(message);
      expect(warnings.length, attributes).to.be.at.least(1);
      expect(button(el, 'Train').disabled).to.equal(true);
      container.remove();
    }
  });

  it('trains after importWeights(), and hears the trainer: progress advances to the end', async () => {
    const trained = await fixture<TrainableModel>(small);
    trained.budget = '4 steps';
    trained.train();
    await oneEvent(trained, 'training-done');
    const weights = await trained.exportWeights();
    const el = await fixture<TrainableModel>(small);
    el.budget = '4 steps';
    await el.importWeights(weights);
    const steps: number[] = [];
    el.addEventListener('training-progress', (event) => steps.push(event.detail.step));
    el.train();
    const done = (await oneEvent(el, 'training-done')) as CustomEvent<TrainingDoneDetail>;
    expect(done.detail.results.map((r) => [r.model, r.samplesSeen])).to.deep.equal([
      ['attention', 4 * 16],
    ]);
    expect(steps).to.deep.equal([1, 2, 3, 4]);
    await el.updateComplete;
    expect($(el, '[role="progressbar"]').getAttribute('aria-valuenow')).to.equal('100');
  });

  it('shows imported weights as the model they are, and offers to continue or start fresh', async function () {
    this.timeout(120_000);
    // Trained elsewhere: an mha of width 16, 2 heads, on series of 48.
    const source = await fixture<TrainableModel>(small);
    source.model = 'mha';
    source.train();
    await oneEvent(source, 'training-done');
    const weights = await source.exportWeights();
    const trainedMaps = source.attentionMaps;
    // A fresh element at other settings: it becomes that model, at its settings.
    const el = await fixture<TrainableModel>(
      html`<trainable-model backend="cpu" budget="1 steps" validation-size="32"></trainable-model>`,
    );
    expect(el.attentionMaps).to.deep.equal([]);
    await el.importWeights(weights);
    await el.updateComplete;
    expect([el.model, el.length, el.hiddenSize, el.heads]).to.deep.equal(['mha', 48, 16, 2]);
    // Its attention on the validation sample, before any training: the trained model's.
    expect(el.attentionMaps).to.have.length(1);
    expect(el.attentionMaps[0]).to.have.length(2);
    el.attentionMaps[0].forEach((head, h) =>
      Array.from(head.data).forEach((value, i) =>
        expect(value, `head ${h}, cell ${i}`).to.be.closeTo(trainedMaps[0][h].data[i], 1e-4),
      ),
    );
    const { prediction } = await charts(el);
    const lines = [...prediction.querySelectorAll('.mark-line path')].filter(
      (p) => (p.getAttribute('d') ?? '').length > 0,
    );
    expect(lines, 'input, target and prediction').to.have.length(3);
    // The choice: Continue (first) or Train from scratch.
    expect(button(el, 'Continue').className).to.equal('primary');
    expect(button(el, 'Train').title).to.equal('Train from scratch: fresh weights');
    expect($(el, '.note').textContent).to.match(/^Loaded weights of mha: .* Press Continue/);
    const firstLoss = async (from?: 'weights' | 'scratch') => {
      const progress = oneEvent(el, 'training-progress');
      el.train(from ? { from } : {});
      const { detail } = (await progress) as CustomEvent<{ trainLoss: number }>;
      await oneEvent(el, 'training-done');
      return detail.trainLoss;
    };
    // train() continues from loaded weights: its first loss is the trained model's.
    const continued = await firstLoss();
    const fresh = await firstLoss('scratch');
    expect(continued).to.be.below(fresh * 0.8);
    // After a run of its own, the element can continue that one too; a change of shape cannot.
    await el.updateComplete;
    expect(button(el, 'Continue').className).to.equal('');
    el.length = 64;
    await el.updateComplete;
    expect(button(el, 'Continue')).to.equal(undefined);
    let refused = '';
    await el.train({ from: 'weights' }).catch((error: Error) => (refused = error.message));
    expect(refused).to.equal(
      'There are no weights of mha at these settings to continue from: load weights or train it first.',
    );
    // Not a weights file: refused with a message, the element unchanged.
    refused = '';
    await el
      .importWeights({ format: 'other' } as unknown as typeof weights)
      .catch((error: Error) => (refused = error.message));
    expect(refused).to.equal('This is not a decoding-attention weights file (version 1).');
    expect(el.length).to.equal(64);
  });

  it('says how long each step holds the page when training on it', async function () {
    this.timeout(120_000);
    const el = await fixture<TrainableModel>(small);
    el.runOn = 'page';
    await el.updateComplete;
    expect($(el, '.note').textContent).to.match(/Training shares the page \(run-on="page"\)/);
    // A model whose steps take well over 50 ms on the cpu backend.
    el.model = 'transformer';
    el.length = 100;
    el.budget = '1 steps';
    el.train();
    await oneEvent(el, 'training-done');
    await el.updateComplete;
    expect($(el, '.note').textContent).to.match(
      /^Each training step holds the page for about \d+ ms \(run-on="page"\): the page responds between steps\./,
    );
  });

  it('refuses a models property that is not a list, naming models', async () => {
    const el = await fixture<TrainableModel>(small);
    (el as unknown as { models: unknown }).models = 'fcn cnn';
    await el.updateComplete;
    expect($(el, '[role="alert"]').textContent).to.equal(
      'models must be a list of model ids such as "fcn cnn lstm", got fcn cnn',
    );
    el.models = ['fcn', 'cnn'];
    await el.updateComplete;
    expect($(el, '[role="alert"]')).to.equal(null);
    expect($(el, '.controls span').textContent).to.equal('Comparing fcn, cnn');
  });

  it('goes back to its one model when the models attribute is removed', async () => {
    const el = await fixture<TrainableModel>(small);
    el.setAttribute('models', 'fcn cnn');
    await el.updateComplete;
    expect(el.models).to.deep.equal(['fcn', 'cnn']);
    expect($(el, 'select')).to.equal(null);
    el.removeAttribute('models');
    await el.updateComplete;
    expect(el.models).to.equal(undefined);
    expect($<HTMLSelectElement>(el, 'select').value).to.equal('attention');
  });

  it('is accessible, before and after training', async () => {
    const el = await fixture<TrainableModel>(small);
    await expect(el).to.be.accessible();
    el.train();
    await oneEvent(el, 'training-done');
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });
});

describe('<trainable-model> embed code', () => {
  it('gives the tag with its settings, ready to paste into a post', async () => {
    const el = await fixture<TrainableModel>(small);
    el.models = ['fcn', 'attention'];
    await el.updateComplete;
    const code = el.embedCode();
    expect(code).to.equal(
      [
        '<trainable-model',
        '  model="attention"',
        '  models="fcn attention"',
        '  length="48"',
        '  hidden-size="16"',
        '  heads="2"',
        '  learning-rate="0.003"',
        '  batch-size="16"',
        '  budget="24 steps"',
        '  backend="cpu"',
        '  validation-size="32"',
        '></trainable-model>',
      ].join('\n'),
    );
    const container = await fixture<HTMLDivElement>(html`<div></div>`);
    container.innerHTML = code;
    const copy = container.firstElementChild as TrainableModel;
    await copy.updateComplete;
    expect(copy.embedCode()).to.equal(code);
  });
});

describe('<trainable-model> colour scheme', () => {
  afterEach(async () => {
    await emulateMedia({ colorScheme: 'light' });
  });

  it("redraws its charts in the reader's new colour scheme", async () => {
    await emulateMedia({ colorScheme: 'light' });
    const el = await fixture<TrainableModel>(small);
    /** The fill of the loss chart's axis titles, as drawn. */
    const titleColours = async () =>
      [...(await charts(el)).loss.querySelectorAll('.role-axis-title text')].map((t) =>
        t.getAttribute('fill'),
      );
    expect(await titleColours()).to.deep.equal(['rgb(31, 35, 40)', 'rgb(31, 35, 40)']);
    await emulateMedia({ colorScheme: 'dark' });
    await waitUntil(
      async () => (await titleColours())[0] !== 'rgb(31, 35, 40)',
      'no redraw in dark',
      {
        timeout: 10_000,
      },
    );
    expect(await titleColours()).to.deep.equal(['rgb(230, 237, 243)', 'rgb(230, 237, 243)']);
  });
});
