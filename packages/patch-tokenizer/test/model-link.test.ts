import '@decoding-attention/shape-dataset-viewer/shape-dataset-viewer.js';
import '@decoding-attention/trainable-model/trainable-model.js';
import type { TrainableModel } from '@decoding-attention/trainable-model';
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { WEIGHTS_EVERY_MS, type PatchTokenizer } from '../src/index.js';
import '../src/patch-tokenizer.js';
import { $, capturingWarnings } from '../../ui/test/helpers.js';

/** One patch's values as the model reads them: R plane, G plane, B plane, each row by row, /255. */
function patchValues(
  input: Uint8ClampedArray,
  width: number,
  p: number,
  row: number,
  col: number,
): number[] {
  const values: number[] = [];
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < p; y++)
      for (let x = 0; x < p; x++)
        values.push(input[((row * p + y) * width + col * p + x) * 4 + c] / 255);
  return values;
}

interface FileWeight {
  name: string;
  shape: number[];
  values: number[];
}

/**
 * Every token worked out by hand from a weights file: each patch times `embed/kernel`, plus
 * `embed/bias`, plus the row of `positional/table` (a learnable encoding).
 */
function expectedTokens(
  image: { input: Uint8ClampedArray; width: number; height: number },
  weights: FileWeight[],
  p: number,
  dim: number,
): number[] {
  const get = (name: string) => weights.find((w) => w.name === name)!.values;
  const kernel = get('embed/kernel');
  const bias = get('embed/bias');
  const table = get('positional/table');
  const rows = image.height / p;
  const cols = image.width / p;
  const tokens: number[] = [];
  for (let t = 0; t < rows * cols; t++) {
    const x = patchValues(image.input, image.width, p, Math.floor(t / cols), t % cols);
    for (let j = 0; j < dim; j++) {
      let sum = bias[j] + table[t * dim + j];
      for (let i = 0; i < x.length; i++) sum += x[i] * kernel[i * dim + j];
      tokens.push(sum);
    }
  }
  return tokens;
}

/** A stand-in for a model: `exportWeights()` gives `file` (none: rejects, as before training). */
class StandInModel extends HTMLElement {
  task = 'shapes-2d';
  file: unknown;
  calls = 0;
  asked: unknown;
  exportWeights(options?: unknown): Promise<unknown> {
    this.calls++;
    this.asked = options;
    return this.file
      ? Promise.resolve(this.file)
      : Promise.reject(new Error('Train a model first.'));
  }
}
customElements.define('stand-in-model', StandInModel);

/** A weights file of a vit on 32 x 32 images, patch 8, width 4, learnable positions. */
function standInFile(overrides: Record<string, unknown> = {}, fill = (i: number) => i / 1000) {
  const weight = (name: string, shape: number[]) => ({
    name,
    shape,
    values: Array.from({ length: shape.reduce((a, b) => a * b) }, (_, i) => fill(i)),
  });
  return {
    format: 'decoding-attention-weights',
    version: 1,
    model: 'vit',
    task: 'shapes-2d',
    options: {
      imageSize: 32,
      patchSize: 8,
      hidden: 4,
      heads: 1,
      positional: 'learnable',
    },
    weights: [
      weight('embed/kernel', [192, 4]),
      weight('embed/bias', [4]),
      weight('positional/table', [16, 4]),
    ],
    ...overrides,
  };
}

const errorText = (el: PatchTokenizer) => $(el, '[part="error"]')?.textContent ?? null;
const sourceText = (el: PatchTokenizer) =>
  $(el, '[part="source"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? null;

describe('<patch-tokenizer for="a trainable-model">', function () {
  this.timeout(180_000);

  it('shows the patch embedding and learned positions of a <trainable-model task="shapes-2d" model="vit"> it follows', async () => {
    const page = await fixture<HTMLDivElement>(html`
      <div>
        <trainable-model
          id="pt-vit"
          task="shapes-2d"
          model="vit"
          image-size="32"
          patch-size="8"
          hidden-size="16"
          heads="2"
          blocks="1"
          positional="learnable"
          batch-size="4"
          validation-size="4"
          budget="3 steps"
          backend="cpu"
        ></trainable-model>
        <patch-tokenizer for="pt-vit" seed="2"></patch-tokenizer>
      </div>
    `);
    const model = page.querySelector<TrainableModel>('trainable-model')!;
    const el = page.querySelector<PatchTokenizer>('patch-tokenizer')!;
    await el.updateComplete;
    // Before training: the seeded projection, at the tokenizer's own settings, and a note.
    await waitUntil(() => sourceText(el), 'no waiting note');
    expect(sourceText(el)).to.equal(
      'Waiting for the model id="pt-vit" to train: the seeded projection is shown until its weights arrive.',
    );
    expect(errorText(el)).to.equal(null);
    expect(el.followedWeights).to.equal(undefined);
    expect(el.tokens!.length).to.equal(64 * 16);

    const done = oneEvent(model, 'training-done');
    await model.train();
    await done;
    const file = await model.exportWeights();
    const kernel = file.weights.find((w) => w.name === 'embed/kernel')!.values;
    // The final weights arrive after training-done.
    await waitUntil(
      () => el.followedWeights?.projection.every((v, i) => v === Math.fround(kernel[i])),
      'the trained weights did not arrive',
    );
    await el.updateComplete;
    expect(el.followedWeights).to.include({
      model: 'vit',
      imageSize: 32,
      patchSize: 8,
      dim: 16,
      heads: 2,
      encoding: 'learnable',
    });
    expect(errorText(el)).to.equal(null);
    expect(sourceText(el)).to.equal(
      'The trained patch embedding of vit (id="pt-vit"): patch size 8, 16 features, its learned positions. It follows the model as it trains.',
    );
    // The image is the tokenizer's own (seed 2) at the model's size; 16 patches of 8 x 8.
    expect([el.image.width, el.image.height]).to.deep.equal([32, 32]);
    const json = el.toJSON();
    expect(json.grid).to.deep.equal({ rows: 4, cols: 4, patches: 16, valuesPerPatch: 192 });
    expect(json.weightsFrom).to.deep.equal({ for: 'pt-vit', model: 'vit' });
    expect(json.encoding).to.equal('learnable');
    // Every token is the patch times the exported kernel, plus its bias and learned position.
    const want = expectedTokens(el.image, file.weights, 8, 16);
    const got = Array.from(el.tokens!);
    expect(got.length).to.equal(want.length);
    got.forEach((v, i) => expect(v, `value ${i}`).to.be.closeTo(want[i], 1e-5));
    // The menus show the model's patch size and encoding, and cannot change them.
    const [size, encoding] = Array.from(el.shadowRoot!.querySelectorAll('select'));
    expect([size.value, size.disabled, encoding.value, encoding.disabled]).to.deep.equal([
      '8',
      true,
      'learnable',
      true,
    ]);
    // Unfollowing the model goes back to the tokenizer's own settings.
    el.for = undefined;
    await el.updateComplete;
    expect(el.followedWeights).to.equal(undefined);
    expect(el.tokens!.length).to.equal(64 * 16);
    expect(sourceText(el)).to.equal(null);
  });

  it('follows a viewer and a model named together, in either order', async () => {
    const page = await fixture<HTMLDivElement>(html`
      <div>
        <shape-dataset-viewer
          id="pt-v"
          mode="2d"
          seed="7"
          width="32"
          height="32"
        ></shape-dataset-viewer>
        <stand-in-model id="pt-m"></stand-in-model>
        <patch-tokenizer for="pt-m pt-v"></patch-tokenizer>
      </div>
    `);
    const el = page.querySelector<PatchTokenizer>('patch-tokenizer')!;
    const stand = page.querySelector<StandInModel>('stand-in-model')!;
    const viewer = page.querySelector('shape-dataset-viewer')! as HTMLElement & {
      sample: { input: Uint8ClampedArray; width: number; height: number };
    };
    stand.file = standInFile();
    stand.dispatchEvent(new CustomEvent('training-done'));
    await waitUntil(() => el.followedWeights, 'no weights');
    await el.updateComplete;
    expect(errorText(el)).to.equal(null);
    expect(el.image).to.equal(viewer.sample);
    const file = standInFile();
    const want = expectedTokens(viewer.sample, file.weights, 8, 4);
    Array.from(el.tokens!).forEach((v, i) => expect(v).to.be.closeTo(want[i], 1e-5));
    el.for = 'pt-v pt-m';
    await el.updateComplete;
    await waitUntil(() => el.followedWeights, 'no weights after the ids swapped');
    await el.updateComplete;
    expect(errorText(el)).to.equal(null);
    expect(el.image).to.equal(viewer.sample);
  });

  it('asks a training model for its weights every few seconds at most, and once more when it is done', async () => {
    const page = await fixture<HTMLDivElement>(html`
      <div>
        <stand-in-model id="pt-busy"></stand-in-model>
        <patch-tokenizer for="pt-busy"></patch-tokenizer>
      </div>
    `);
    const el = page.querySelector<PatchTokenizer>('patch-tokenizer')!;
    const stand = page.querySelector<StandInModel>('stand-in-model')!;
    await el.updateComplete;
    expect(stand.calls).to.equal(1);
    // It asks for the weights it shows, not the whole model.
    expect(stand.asked).to.deep.equal({
      names: ['embed/kernel', 'embed/bias', 'positional/table'],
    });
    stand.file = standInFile();
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    for (let i = 0; i < 20; i++) stand.dispatchEvent(new CustomEvent('training-progress'));
    await pause(50);
    expect(stand.calls).to.equal(1);
    await pause(WEIGHTS_EVERY_MS);
    stand.dispatchEvent(new CustomEvent('training-progress'));
    stand.dispatchEvent(new CustomEvent('training-progress'));
    await waitUntil(() => stand.calls === 2, 'no request after the interval');
    await pause(50);
    expect(stand.calls).to.equal(2);
    await waitUntil(() => el.followedWeights, 'no weights');
    stand.dispatchEvent(new CustomEvent('training-done'));
    await waitUntil(() => stand.calls === 3, 'no request when done');
  });

  it('names for and what would work for a bad link, warns, throws nothing, and recovers', async () => {
    const uncaught: unknown[] = [];
    const onError = (event: ErrorEvent) => uncaught.push(event.error);
    window.addEventListener('error', onError);
    let el!: PatchTokenizer;
    let stand!: StandInModel;
    const expected = new Map<string, string>();
    const warnings = await capturingWarnings(async () => {
      const page = await fixture<HTMLDivElement>(html`
        <div>
          <div id="pt-plain"></div>
          <stand-in-model id="pt-series"></stand-in-model>
          <shape-dataset-viewer id="pt-v1" mode="2d"></shape-dataset-viewer>
          <shape-dataset-viewer id="pt-v2" mode="2d"></shape-dataset-viewer>
          <patch-tokenizer for="pt-plain"></patch-tokenizer>
        </div>
      `);
      el = page.querySelector<PatchTokenizer>('patch-tokenizer')!;
      stand = page.querySelector<StandInModel>('stand-in-model')!;
      const check = async (value: string | undefined, message: string | null) => {
        el.for = value;
        await el.updateComplete;
        await el.updateComplete;
        expect(errorText(el), String(value)).to.equal(message);
        if (message) expected.set(String(value), message);
      };
      await check(
        'pt-plain',
        'for="pt-plain" names a <div>, which cannot be followed; name a <shape-dataset-viewer mode="2d"> or a <trainable-model task="shapes-2d" model="vit"> (or model="vit-encdec")',
      );
      await check(
        'pt-missing',
        'for="pt-missing" names no element on this page; give a <shape-dataset-viewer mode="2d"> or a <trainable-model task="shapes-2d" model="vit"> (or model="vit-encdec") id="pt-missing"',
      );
      await check(
        'pt-v1 pt-v2',
        'for="pt-v1 pt-v2" names two viewers; name one <shape-dataset-viewer mode="2d"> and one <trainable-model task="shapes-2d" model="vit"> (or model="vit-encdec")',
      );
      await check(
        'pt-v1 pt-v2 pt-series',
        'for="pt-v1 pt-v2 pt-series" names 3 ids; it takes at most two: a <shape-dataset-viewer mode="2d"> or a <trainable-model task="shapes-2d" model="vit"> (or model="vit-encdec")',
      );
      // A model set to train on series: said before it trains.
      stand.task = 'shapes-1d';
      await check(
        'pt-series',
        'for="pt-series" names a model set to train on series (task shapes-1d), which has no image patches; set task="shapes-2d" and model="vit" or "vit-encdec" on it',
      );
      // Its weights file says so too once it has trained.
      stand.file = standInFile({ task: 'shapes-1d', model: 'transformer' });
      stand.dispatchEvent(new CustomEvent('training-done'));
      await waitUntil(() => stand.calls >= 2);
      await el.updateComplete;
      expect(errorText(el)).to.equal(
        'for="pt-series" names a model trained on series (task shapes-1d), which has no image patches; set task="shapes-2d" and model="vit" or "vit-encdec" on it',
      );
      // A vision model without a patch embedding the tokenizer shows.
      stand.task = 'shapes-2d';
      stand.file = standInFile({ model: 'vit-channels' });
      stand.dispatchEvent(new CustomEvent('training-done'));
      await waitUntil(() => errorText(el)?.includes('vit-channels'));
      expect(errorText(el)).to.equal(
        'for="pt-series" names a vit-channels model, which has no patch embedding the tokenizer shows; set model="vit" or "vit-encdec" on it',
      );
      // NaN in its weights.
      stand.file = standInFile({}, (i) => (i === 5 ? Number.NaN : 0.01));
      stand.dispatchEvent(new CustomEvent('training-done'));
      await waitUntil(() => errorText(el)?.includes('not finite'));
      expect(errorText(el)).to.equal(
        'for="pt-series": the model\'s embed/kernel holds values that are not finite numbers (training diverged?); train it again, with a smaller learning-rate',
      );
      expect(el.tokens).to.equal(undefined);
      // Fixed: trained again, good weights.
      stand.file = standInFile();
      stand.dispatchEvent(new CustomEvent('training-done'));
      await waitUntil(() => el.followedWeights);
      await el.updateComplete;
      expect(errorText(el)).to.equal(null);
      expect(el.tokens!.length).to.equal(16 * 4);
      // A viewer whose image is not the model's size.
      await check(
        'pt-series pt-v1',
        'the model named in for="pt-series pt-v1" trains on 32 x 32 images but the viewer\'s is 128 x 128; set width="32" height="32" on the viewer or image-size="128" on the model',
      );
      await check(undefined, null);
    });
    window.removeEventListener('error', onError);
    expect(uncaught).to.deep.equal([]);
    for (const message of expected.values())
      expect(
        warnings.some((w) => w.includes(message)),
        message,
      ).to.equal(true);
  });
});
