import type { AttentionHeatmap } from '@decoding-attention/attention-heatmap';
import {
  generateBatch2D,
  generateShapes2D,
  sampleSeed,
  visionModelCatalog,
  visionParameterCount,
} from '@decoding-attention/core';
import {
  Trainer,
  baselineScores2D,
  type SnapshotMessage,
  type TrainerMessage,
} from '@decoding-attention/core/train';
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendMouse } from '@web/test-runner-commands';
import { $, $$, capturingWarnings } from '../../ui/test/helpers.js';
import { predictionPixels } from '../src/image-figures.js';
import type { TrainableModel, TrainingDoneDetail } from '../src/index.js';
import { attentionRollout, channelMaps } from '../src/vision-attention.js';
import '../src/trainable-model.js';

/**
 * A small image configuration: 32 x 32 images in 4 x 4 patches of 8, a narrow model (its encoder
 * at the vision models' default of two blocks).
 */
const small = html`<trainable-model
  task="shapes-2d"
  image-size="32"
  patch-size="8"
  hidden-size="16"
  heads="2"
  decoder-blocks="1"
  batch-size="4"
  validation-size="4"
  sample="1"
  budget="3 steps"
  backend="cpu"
></trainable-model>`;

const button = (el: TrainableModel, text: string) =>
  $$<HTMLButtonElement>(el, 'button').find((b) => b.textContent!.trim() === text)!;

/** A canvas's pixels, RGBA. */
const pixels = (canvas: HTMLCanvasElement) =>
  canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;

/**
 * Trains `el` to the end of its budget, keeping the trainer's last snapshot and its `ready`: every
 * message a Trainer dispatches meanwhile is seen here too, from the first.
 */
async function trainKeeping(
  el: TrainableModel,
): Promise<{ snapshot: SnapshotMessage; ready: Extract<TrainerMessage, { type: 'ready' }> }> {
  let snapshot: SnapshotMessage | undefined;
  let ready: Extract<TrainerMessage, { type: 'ready' }> | undefined;
  const prototype = Trainer.prototype as unknown as { dispatchEvent(event: Event): boolean };
  prototype.dispatchEvent = function (this: EventTarget, event: Event) {
    const message = (event as CustomEvent<TrainerMessage>).detail;
    if (message?.type === 'snapshot') snapshot = message;
    if (message?.type === 'ready') ready = message;
    return EventTarget.prototype.dispatchEvent.call(this, event);
  };
  try {
    const done = oneEvent(el, 'training-done');
    await el.train();
    await done;
  } finally {
    delete (prototype as { dispatchEvent?: unknown }).dispatchEvent;
  }
  await el.updateComplete;
  await waitUntil(() => el.visionAttention.length > 0 || el.model === 'unet', 'no maps');
  await el.updateComplete;
  return { snapshot: snapshot!, ready: ready! };
}

describe('attentionRollout', () => {
  it('averages heads, adds the identity, renormalises rows and multiplies layer by layer', () => {
    // Layer 1: two heads whose average is [[0.5, 0.5], [0, 1]]; plus I: [[1.5, 0.5], [0, 2]],
    // rows renormalised: [[0.75, 0.25], [0, 1]].
    const layer1 = [
      { data: new Float32Array([1, 0, 0, 1]), rows: 2, cols: 2 },
      { data: new Float32Array([0, 1, 0, 1]), rows: 2, cols: 2 },
    ];
    // Layer 2: one head [[0, 1], [1, 0]]; plus I: [[1, 1], [1, 1]], renormalised: all 0.5.
    const layer2 = [{ data: new Float32Array([0, 1, 1, 0]), rows: 2, cols: 2 }];
    // R = Â2 Â1 = [[0.5, 0.5], [0.5, 0.5]] x [[0.75, 0.25], [0, 1]] = [[0.375, 0.625], [0.375, 0.625]].
    const rollout = attentionRollout([layer1, layer2]);
    expect(Array.from(rollout.data)).to.deep.equal([0.375, 0.625, 0.375, 0.625]);
    // The order matters: Â1 Â2 = [[0.5, 0.5], [0.5, 0.5]].
    expect(Array.from(attentionRollout([layer2, layer1]).data)).to.deep.equal([0.5, 0.5, 0.5, 0.5]);
    // One layer: just Â1.
    expect(Array.from(attentionRollout([layer1]).data)).to.deep.equal([0.75, 0.25, 0, 1]);
    expect(() => attentionRollout([])).to.throw(RangeError, /at least one layer/);
  });
});

describe('channelMaps', () => {
  it("gives each patch's map (query planes averaged, key planes summed) and each channel's", () => {
    // One head over 2 patches: 6 plane tokens R0 R1 G0 G1 B0 B1; within channels, each row
    // attends inside its own 2 x 2 block.
    const data = new Float32Array(36);
    const set = (q: number, k: number, w: number) => (data[q * 6 + k] = w);
    set(0, 0, 0.5);
    set(0, 1, 0.5); // R0 -> R0, R1
    set(1, 1, 1); // R1 -> R1
    set(2, 2, 1); // G0 -> G0
    set(3, 2, 0.25);
    set(3, 3, 0.75); // G1 -> G0, G1
    set(4, 5, 1); // B0 -> B1
    set(5, 4, 1); // B1 -> B0
    const { heads, channels } = channelMaps({
      heads: 1,
      length: 6,
      keys: 6,
      kind: 'channel-within',
      data,
    });
    expect(channels.map((c) => Array.from(c[0].data))).to.deep.equal([
      [0.5, 0.5, 0, 1],
      [1, 0, 0.25, 0.75],
      [0, 1, 1, 0],
    ]);
    expect(Array.from(heads[0].data)).to.deep.equal(
      Array.from(new Float32Array([1.5 / 3, 1.5 / 3, 1.25 / 3, 1.75 / 3])),
    );
  });
});

describe('<trainable-model task="shapes-2d">', function () {
  this.timeout(180_000);

  it('before training: the image models in the menu, vit-encdec chosen, the validation images, the baselines', async () => {
    const el = await fixture<TrainableModel>(small);
    await el.updateComplete;
    const options = $$<HTMLOptionElement>(el, 'select option').map((o) =>
      o.textContent!.replace(/\s+/g, ' ').trim(),
    );
    const settings = {
      imageSize: 32,
      patchSize: 8,
      hidden: 16,
      heads: 2,
      blocks: 2,
      decoderBlocks: 1,
    };
    expect(options).to.deep.equal(
      visionModelCatalog(settings).map(
        (m) => `${m.label} (${m.parameters.toLocaleString('en')} parameters)`,
      ),
    );
    expect($<HTMLSelectElement>(el, 'select').value).to.equal('vit-encdec');
    expect(el.model).to.equal(undefined);
    expect(el.trainingConfig()).to.include({
      model: 'vit-encdec',
      task: 'shapes-2d',
      filter: 'none',
      imageSize: 32,
      patchSize: 8,
      batchSize: 4,
      learningRate: 1e-3,
      validationSize: 4,
      sampleIndex: 1,
      crossPrior: 'locality',
    });
    el.setAttribute('cross-prior', 'none');
    await el.updateComplete;
    expect(el.trainingConfig()).to.include({ crossPrior: 'none' });
    el.removeAttribute('cross-prior');
    await el.updateComplete;
    // Input and target: validation sample 1, exactly as core's generator draws it.
    const expected = generateShapes2D({ seed: sampleSeed(1_000_003, 1), width: 32, height: 32 });
    await waitUntil(() => $(el, 'canvas.input-image'), 'no images');
    await el.updateComplete;
    expect(pixels($<HTMLCanvasElement>(el, 'canvas.input-image'))).to.deep.equal(expected.input);
    expect(pixels($<HTMLCanvasElement>(el, 'canvas.target-image'))).to.deep.equal(expected.target);
    expect($$(el, 'figcaption').map((c) => c.textContent!.trim())).to.deep.equal([
      'Input (noisy)',
      'Target',
      'Prediction (after training starts)',
    ]);
    // The baselines, measured on the page on the validation set the trainer will use.
    const set = generateBatch2D(4, { seed: 1_000_003, width: 32, height: 32 });
    await waitUntil(() => !Number.isNaN(el.baselines.black!), 'baselines not measured');
    expect(el.baselines).to.deep.equal(baselineScores2D(set));
    expect($(el, '.note').textContent).to.contain(
      `Beating ${baselineScores2D(set).black.toFixed(1)} (predicting black`,
    );
  });

  it('trains: the prediction image, the baselines the trainer reports, every layer on the patch grid, the rollout, hover to cross-attention', async () => {
    const el = await fixture<TrainableModel>(small);
    const { snapshot, ready } = await trainKeeping(el);
    expect(ready.task).to.equal('shapes-2d');
    expect(ready.lossScale).to.equal(1000);
    expect(el.baselines).to.deep.equal(ready.baselines);
    expect(el.trainingResults[0]).to.include({
      model: 'vit-encdec',
      samplesSeen: 12,
      parameters: visionParameterCount('vit-encdec', {
        imageSize: 32,
        patchSize: 8,
        hidden: 16,
        heads: 2,
        blocks: 2,
        decoderBlocks: 1,
      }),
    });
    // The prediction image: the last snapshot's, clamped and scaled to bytes.
    expect(snapshot.image).to.deep.equal({ width: 32, height: 32, channels: 3 });
    await el.updateComplete;
    expect(pixels($<HTMLCanvasElement>(el, 'canvas.prediction-image'))).to.deep.equal(
      predictionPixels(snapshot.prediction, 32),
    );
    // Every layer: 2 encoder, then the decoder's self- and cross-attention, plus the rollout.
    expect(el.visionAttention.map((l) => [l.kind, l.label])).to.deep.equal([
      ['encoder', 'Encoder layer 1: self-attention'],
      ['encoder', 'Encoder layer 2: self-attention'],
      ['decoder', 'Decoder layer 1: self-attention'],
      ['cross', 'Decoder layer 1: cross-attention'],
    ]);
    const heatmaps = $$<AttentionHeatmap>(el, '.attention attention-heatmap');
    expect(heatmaps.map((h) => h.label)).to.deep.equal([
      ...el.visionAttention.map((l) => l.label),
      "Rollout across the encoder's 2 layers",
    ]);
    expect(heatmaps.every((h) => h.getAttribute('grid') === '4x4')).to.equal(true);
    await heatmaps[3].updateComplete;
    expect(heatmaps[3].shown[0].rows).to.equal(16);
    // The rollout of the two encoder layers, as attentionRollout computes it.
    expect(Array.from(el.rollout!.data)).to.deep.equal(
      Array.from(attentionRollout(el.visionAttention.slice(0, 2).map((l) => l.heads)).data),
    );
    // Pointing at the prediction: 32 pixels, 4 x 4 patches of 8; the point (20, 9) is in
    // patch row 1, column 2: patch 6.
    const picker = $(el, '.picker').getBoundingClientRect();
    const at = (x: number, y: number): [number, number] => [
      Math.round(picker.left + ((x + 0.5) / 32) * picker.width),
      Math.round(picker.top + ((y + 0.5) / 32) * picker.height),
    ];
    await sendMouse({ type: 'move', position: at(20, 9) });
    await el.updateComplete;
    expect(el.pickedPatch).to.equal(6);
    // What it reads: row 6 of the snapshot's cross-attention (the last layer), heads averaged.
    const cross = snapshot.attention.at(-1)!;
    expect(cross.kind).to.equal('cross');
    const expected = Array.from({ length: 16 }, (_, k) => {
      let sum = 0;
      for (let h = 0; h < 2; h++) sum += cross.data[h * 256 + 6 * 16 + k] / 2;
      return sum;
    });
    el.patchReads!.forEach((weight, k) =>
      expect(weight, `key ${k}`).to.be.closeTo(expected[k], 1e-7),
    );
    // Over the input image, each input patch is shaded by how little patch 6 reads it: the
    // centre of patch k (on the overlay, 4 canvas pixels to an image pixel) is black at
    // 0.75 x (1 - reads[k] / the most read), the most-read patch clear.
    const reads = el.patchReads!;
    const most = Math.max(...reads);
    const overlay = $<HTMLCanvasElement>(el, '.image-stack canvas.overlay');
    const shade = pixels(overlay);
    for (let k = 0; k < 16; k++) {
      const [x, y] = [(k % 4) * 32 + 16, Math.floor(k / 4) * 32 + 16];
      const alpha = shade[(y * overlay.width + x) * 4 + 3];
      expect(alpha, `patch ${k}`).to.be.closeTo(255 * 0.75 * (1 - reads[k] / most), 1.5);
    }
    // The attention maps mark the same query patch.
    expect(heatmaps[3].activeCell?.query).to.equal(6);
    await sendMouse({ type: 'move', position: at(31, 31) });
    await el.updateComplete;
    expect(el.pickedPatch).to.equal(15);
    await sendMouse({ type: 'move', position: [0, 0] });
    await el.updateComplete;
    expect(el.pickedPatch).to.equal(-1);
    // Arrow keys on the prediction pick patches too.
    $(el, '.picker').focus();
    $(el, '.picker').dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowRight' }));
    $(el, '.picker').dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowDown' }));
    await el.updateComplete;
    expect(el.pickedPatch).to.equal(4);
    expect($(el, '.picker').getAttribute('aria-valuetext')).to.match(
      /^Output patch 4 \(row 1, column 0\) reads most from input patch \d+ \(row \d, column \d\), weight 0\.\d\d\.$/,
    );
    // A heatmap that follows the element gets every layer, the grid and the image.
    const detail = el.currentAttention as { layers: unknown[]; grid: number[] };
    expect(detail.layers).to.have.length(4);
    expect(detail.grid).to.deep.equal([4, 4]);
  });

  it('hands every layer, the grid and the image to a heatmap that follows it', async () => {
    const container = await fixture<HTMLDivElement>(
      html`<div>
        <trainable-model
          id="vision"
          task="shapes-2d"
          model="vit"
          image-size="32"
          patch-size="8"
          hidden-size="16"
          heads="2"
          batch-size="4"
          validation-size="4"
          budget="1 steps"
          backend="cpu"
        ></trainable-model>
        <attention-heatmap for="vision"></attention-heatmap>
      </div>`,
    );
    const el = container.querySelector<TrainableModel>('trainable-model')!;
    const follower = container.querySelector<AttentionHeatmap>(':scope > attention-heatmap')!;
    await trainKeeping(el);
    await waitUntil(() => follower.shown.length > 0, 'the follower shows nothing');
    expect([follower.shown[0].rows, follower.shown[0].cols]).to.deep.equal([16, 16]);
    expect($(follower, '[role="alert"]')).to.equal(null);
  });

  it('compares image models on the same budget, with a results table', async () => {
    const el = await fixture<TrainableModel>(small);
    el.models = ['vit', 'unet'];
    el.budget = '2 steps';
    await el.updateComplete;
    setTimeout(() => button(el, 'Train').click());
    const done = (await oneEvent(el, 'training-done')) as CustomEvent<TrainingDoneDetail>;
    expect(done.detail.results.map((r) => [r.model, r.label, r.samplesSeen])).to.deep.equal([
      ['vit', 'ViT (encoder)', 8],
      ['unet', 'U-Net (CNN)', 8],
    ]);
    await el.updateComplete;
    expect($$(el, 'tbody tr th').map((th) => th.textContent)).to.deep.equal([
      'ViT (encoder)',
      'U-Net (CNN)',
    ]);
    expect($$(el, 'thead th')[2].textContent).to.equal('Validation MSE (x 1,000)');
    // The U-Net, trained last, has no attention to say what an output patch reads.
    expect(el.visionAttention).to.deep.equal([]);
    expect($(el, '.reads').textContent!.trim()).to.equal(
      'This model has no attention: nothing says which input patches an output patch reads.',
    );
  });

  it('shows channel-specific attention per patch with its R, G and B maps beside', async () => {
    const el = await fixture<TrainableModel>(small);
    el.model = 'vit-channels';
    el.budget = '1 steps';
    const { snapshot } = await trainKeeping(el);
    // Colour-plane tokens: 3 x 16 of them, within their channel.
    expect(snapshot.attention.map((a) => [a.kind, a.length, a.keys])).to.deep.equal([
      ['channel-within', 48, 48],
      ['channel-within', 48, 48],
    ]);
    const [first] = el.visionAttention;
    expect(first.label).to.equal('Encoder layer 1: self-attention within channels');
    const expected = channelMaps(snapshot.attention[0]);
    expect(first.heads.map((h) => Array.from(h.data))).to.deep.equal(
      expected.heads.map((h) => Array.from(h.data)),
    );
    expect(first.channels!.map((c) => c.map((h) => [h.rows, h.cols]))).to.deep.equal([
      [
        [16, 16],
        [16, 16],
      ],
      [
        [16, 16],
        [16, 16],
      ],
      [
        [16, 16],
        [16, 16],
      ],
    ]);
    // Within channels, channel c's map is its diagonal block: row 0 of R is R0's weights on R keys.
    const r0 = Array.from(snapshot.attention[0].data.subarray(0, 16));
    expect(Array.from(first.channels![0][0].data.subarray(0, 16))).to.deep.equal(r0);
    // The heatmap draws the full attention and the three channel maps beside it.
    const heatmap = $<AttentionHeatmap>(el, '.attention attention-heatmap');
    await heatmap.updateComplete;
    expect(heatmap.shown).to.have.length(4);
  });

  it('exports and imports the weights of a vision model, becoming that model at its settings', async () => {
    const source = await fixture<TrainableModel>(small);
    source.model = 'vit';
    source.filter = 'channel';
    source.budget = '2 steps';
    const { snapshot } = await trainKeeping(source);
    // An encoder-only model's output patch reads through its own token: the last encoder layer.
    source.pickPatch(5);
    const last = snapshot.attention[1];
    expect(last.kind).to.equal('encoder-self');
    source.patchReads!.forEach((weight, k) =>
      expect(weight, `key ${k}`).to.be.closeTo(
        (last.data[5 * 16 + k] + last.data[256 + 5 * 16 + k]) / 2,
        1e-7,
      ),
    );
    const weights = await source.exportWeights();
    expect([weights.model, weights.task, weights.filter, weights.options.imageSize]).to.deep.equal([
      'vit',
      'shapes-2d',
      'channel',
      32,
    ]);
    const el = await fixture<TrainableModel>(
      html`<trainable-model backend="cpu" validation-size="4" sample="1"></trainable-model>`,
    );
    await el.importWeights(weights);
    await el.updateComplete;
    // The targets it learned come with it: the file's filter, not the page's none.
    expect([
      el.task,
      el.model,
      el.filter,
      el.imageSize,
      el.patchSize,
      el.hiddenSize,
      el.heads,
    ]).to.deep.equal(['shapes-2d', 'vit', 'channel', 32, 8, 16, 2]);
    await waitUntil(() => el.visionAttention.length === 2, 'no maps after import');
    await el.updateComplete;
    // Its prediction on the same validation sample: the trained model's.
    const shown = pixels($<HTMLCanvasElement>(el, 'canvas.prediction-image'));
    const trained = predictionPixels(snapshot.prediction, 32);
    let most = 0;
    shown.forEach((value, i) => (most = Math.max(most, Math.abs(value - trained[i]))));
    expect(most).to.be.at.most(1);
    expect(button(el, 'Continue')).to.exist;
  });

  it('names bad values, says which models the image task offers, and recovers', async () => {
    const cases: [string, string][] = [
      [
        'task="shapes-2d" model="lstm"',
        'model "lstm" does not train on task="shapes-2d": the image task offers vit, vit-encdec, vit-channels, unet',
      ],
      [
        'model="vit"',
        'model "vit" does not train on task="shapes-1d": the series task offers fcn, cnn, lstm, attention, attention-pe, mha, transformer',
      ],
      [
        'task="shapes-2d" models="vit gpt"',
        'models must be one of vit, vit-encdec, vit-channels, unet, got "gpt" (the models of task="shapes-2d")',
      ],
      ['task="shapes-3d"', 'task must be one of shapes-1d, shapes-2d, got "shapes-3d"'],
      [
        'task="shapes-2d" filter="squares"',
        'filter must be one of none, channel, filled-circles, got "squares"',
      ],
      [
        'task="shapes-2d" image-size="32" patch-size="7"',
        'patch-size 7 does not divide image-size 32: use one of 1, 2, 4, 8, 16, 32',
      ],
      [
        'task="shapes-2d" positional="linear"',
        'positional must be one of none, learnable, sinusoidal, rope on task="shapes-2d" (encodings of the patch grid), got "linear"',
      ],
      [
        'task="shapes-2d" validation-size="100"',
        'validation-size (100) times image-size (128) squared times 3 is 4,915,200 values; at most 4,194,304 (validation-size up to 85 at this image size)',
      ],
      [
        'task="shapes-2d" model="vit-channels" patch-size="8"',
        'patch-size 8 gives vit-channels 768 tokens (three per patch, one per colour plane) on image-size 128; its attention takes at most 256: use patch-size 16, 32, 64, 128',
      ],
      [
        'task="shapes-2d" models="vit unet" patch-size="4"',
        'patch-size 4 gives vit 1,024 tokens on image-size 128; its attention takes at most 256: use patch-size 8, 16, 32, 64, 128',
      ],
      [
        'task="shapes-2d" image-size="512"',
        'image-size must be a whole number in [8, 256], got 512',
      ],
      [
        'task="shapes-2d" hidden-size="24" heads="4" positional="rope"',
        'positional="rope" on images needs a multiple of 4 features per head (half per axis); hidden-size / heads is 6',
      ],
      [
        'task="shapes-2d" queries="random"',
        'queries must be one of encoder, learned, got "random"',
      ],
      [
        'task="shapes-2d" cross-prior="near"',
        'cross-prior must be one of locality, content, both, none, got "near"',
      ],
    ];
    for (const [attributes, message] of cases) {
      const container = document.createElement('div');
      const warnings = await capturingWarnings(async () => {
        container.innerHTML = `<trainable-model ${attributes}></trainable-model>`;
        document.body.append(container);
        await (container.firstElementChild as TrainableModel).updateComplete;
      });
      const el = container.firstElementChild as TrainableModel;
      expect($(el, '[role="alert"]')?.textContent, attributes).to.equal(message);
      expect(warnings.length, attributes).to.be.at.least(1);
      expect(button(el, 'Train').disabled, attributes).to.equal(true);
      container.remove();
    }
    // Fixed, the element recovers.
    const el = await fixture<TrainableModel>(
      html`<trainable-model task="shapes-2d" model="lstm"></trainable-model>`,
    );
    await capturingWarnings(() => el.updateComplete);
    el.model = 'vit';
    await el.updateComplete;
    expect($(el, '[role="alert"]')).to.equal(null);
    expect($<HTMLSelectElement>(el, 'select').value).to.equal('vit');
  });

  it('goes back to the series task and its default model when task is removed; filter likewise', async () => {
    const el = await fixture<TrainableModel>(small);
    el.setAttribute('filter', 'channel');
    await el.updateComplete;
    expect(el.trainingConfig()).to.include({ filter: 'channel' });
    el.removeAttribute('filter');
    await el.updateComplete;
    expect(el.filter).to.equal('none');
    el.removeAttribute('task');
    await el.updateComplete;
    expect(el.task).to.equal('shapes-1d');
    expect($(el, '[role="alert"]')).to.equal(null);
    expect($<HTMLSelectElement>(el, 'select').value).to.equal('transformer');
    expect($(el, 'canvas.input-image')).to.equal(null);
    expect($(el, '.prediction')).to.exist;
  });

  it('gives embed code with the image attributes', async () => {
    const el = await fixture<TrainableModel>(small);
    el.filter = 'filled-circles';
    el.model = 'vit-channels';
    el.channelAttention = 'across';
    await el.updateComplete;
    const code = el.embedCode();
    expect(code).to.equal(
      [
        '<trainable-model',
        '  task="shapes-2d"',
        '  model="vit-channels"',
        '  filter="filled-circles"',
        '  image-size="32"',
        '  patch-size="8"',
        '  decoder-blocks="1"',
        '  channel-attention="across"',
        '  hidden-size="16"',
        '  heads="2"',
        '  batch-size="4"',
        '  budget="3 steps"',
        '  backend="cpu"',
        '  sample="1"',
        '  validation-size="4"',
        '></trainable-model>',
      ].join('\n'),
    );
    const container = await fixture<HTMLDivElement>(html`<div></div>`);
    container.innerHTML = code;
    const copy = container.firstElementChild as TrainableModel;
    await copy.updateComplete;
    expect(copy.embedCode()).to.equal(code);
  });

  it('is accessible before and after training', async () => {
    const el = await fixture<TrainableModel>(small);
    await el.updateComplete;
    await expect(el).to.be.accessible();
    await trainKeeping(el);
    await expect(el).to.be.accessible();
  });
});
