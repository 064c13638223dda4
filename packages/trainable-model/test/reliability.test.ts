import { expect, fixture, html } from '@open-wc/testing';
import { capturingWarnings } from '../../ui/test/helpers.js';
import {
  BAD_ATTRIBUTE_VALUES,
  BAD_PROPERTY_VALUES,
  crowd,
  describeFuzzValue,
  expectReliable,
  expectReliableProperty,
  fuzzAttributes,
  fuzzProperty,
  manifestAttributes,
  removalFailures,
  settle,
  shownError,
  watchUncaught,
  type ManifestAttribute,
} from '../../ui/test/reliability.js';
import type { TrainableModel } from '../src/index.js';
import '../src/trainable-model.js';

const TAG = 'trainable-model';
const MANIFEST = new URL('../custom-elements.json', import.meta.url);

/** A value for each attribute that differs from its default (and is valid with the others'). */
const NON_DEFAULT: Record<string, string> = {
  theme: 'dark',
  task: 'shapes-2d',
  model: 'cnn',
  filter: 'channel',
  'image-size': '64',
  'patch-size': '8',
  'decoder-blocks': '1',
  queries: 'learned',
  'cross-prior': 'none',
  'channel-attention': 'across',
  models: 'fcn cnn',
  length: '48',
  'hidden-size': '16',
  heads: '2',
  positional: 'rope',
  mask: 'causal',
  embedding: 'dense',
  blocks: '3',
  'learning-rate': '0.01',
  'batch-size': '8',
  budget: '10s',
  seed: '5',
  backend: 'cpu',
  'run-on': 'page',
  sample: '3',
  'validation-size': '32',
  attention: 'local',
  attentions: 'full local',
  window: '4',
  stride: '4',
  globals: '0, 20',
  span: '32',
  ramp: '8',
  'span-penalty': '0.001',
  projected: '16',
  features: '32',
  redraw: '10',
  buckets: '4',
  hashes: '1',
  chunk: '16',
};

let attributes: ManifestAttribute[] = [];

/** A fresh element, on the page and settled. */
async function fresh(): Promise<TrainableModel> {
  const el = await fixture<TrainableModel>(html`<trainable-model></trainable-model>`);
  await settle(el);
  return el;
}

/** Runs `body` with the element's console warnings kept out of the log. */
const quietly = <T>(body: () => Promise<T>): Promise<T> =>
  capturingWarnings(body).then(() => undefined as T);

describe('<trainable-model> reliability', function () {
  this.timeout(600_000);

  before(async () => {
    attributes = await manifestAttributes(MANIFEST, TAG);
  });

  it('lists every attribute in its manifest, each with a value to test', () => {
    expect(attributes.map((a) => a.name).sort()).to.deep.equal(Object.keys(NON_DEFAULT).sort());
  });

  it('restores the default when any attribute is removed, with no message', async () => {
    let failures: string[] = [];
    await quietly(async () => {
      failures = await removalFailures(fresh, attributes, NON_DEFAULT);
    });
    expect(failures).to.deep.equal([]);
  });

  it('survives every bad value of every attribute, naming it, and recovers', async () => {
    const el = await fresh();
    let report: Awaited<ReturnType<typeof fuzzAttributes>> | undefined;
    await quietly(async () => {
      report = await fuzzAttributes(el, attributes, BAD_ATTRIBUTE_VALUES);
    });
    console.log(
      `attributes: ${report!.tried} values tried, ${report!.exceptions.length} exceptions, longest task ${report!.longestTask.toFixed(0)} ms`,
    );
    expectReliable(report!);
    expect(report!.tried).to.equal(attributes.length * BAD_ATTRIBUTE_VALUES.length);
  });

  it('survives every bad value of every attribute property set from script, naming the attribute', async () => {
    const el = await fresh();
    const fresh_ = el as unknown as Record<string, unknown>;
    let tried = 0;
    let longest = 0;
    for (const { name, fieldName } of attributes) {
      const field = fieldName ?? name;
      const good = fresh_[field];
      let report: Awaited<ReturnType<typeof fuzzProperty>> | undefined;
      await quietly(async () => {
        // Judged by their message only: which of these values a property takes is its own.
        report = await fuzzProperty(el, field, BAD_PROPERTY_VALUES, {
          good,
          isBad: () => false,
          named: name,
        });
      });
      tried += report!.tried;
      longest = Math.max(longest, report!.longestTask);
      expectReliable(report!);
    }
    console.log(
      `attribute properties: ${tried} values tried, 0 exceptions, longest task ${longest.toFixed(0)} ms`,
    );
  });

  it('refuses a models property that is not a list of known models, each once', async () => {
    const el = await fresh();
    const ids = ['fcn', 'cnn', 'lstm', 'attention', 'attention-pe', 'mha', 'transformer'];
    const good = (value: unknown) =>
      value === undefined ||
      value === null ||
      (Array.isArray(value) &&
        // Length first: every() over a sparse array of 2^32 - 1 slots visits each one.
        value.length <= ids.length &&
        value.every((id) => ids.includes(id as string)) &&
        new Set(value).size === value.length);
    let report: Awaited<ReturnType<typeof fuzzProperty>> | undefined;
    await quietly(async () => {
      report = await fuzzProperty(el, 'models', BAD_PROPERTY_VALUES, {
        good: ['fcn', 'cnn'],
        isBad: (value) => !good(value),
      });
    });
    console.log(
      `models property: ${report!.tried} values tried, ${report!.exceptions.length} exceptions, longest task ${report!.longestTask.toFixed(0)} ms`,
    );
    expectReliableProperty(report!);
  });

  it('refuses anything but a weights file in importWeights, with a message, never an uncaught error', async () => {
    const el = await fresh();
    const uncaught = watchUncaught();
    const answers = new Set<string>();
    try {
      for (const value of BAD_PROPERTY_VALUES) {
        const answer = await el.importWeights(value as never).then(
          () => `took ${describeFuzzValue(value)}`,
          (error: Error) => error.message,
        );
        answers.add(answer);
      }
    } finally {
      uncaught.stop();
    }
    expect(uncaught.errors).to.deep.equal([]);
    expect([...answers]).to.deep.equal([
      'This is not a decoding-attention weights file (version 1).',
    ]);
    expect(el.model).to.equal(undefined);
    expect(el.trainingConfig().model).to.equal('transformer');
  });

  it('is accessible in the light and dark themes and while showing a message, after a page heading', async () => {
    const page = await fixture<HTMLDivElement>(
      html`<div>
        <h1>A post</h1>
        <trainable-model></trainable-model>
      </div>`,
    );
    const el = page.querySelector<TrainableModel>(TAG)!;
    await settle(el);
    await expect(page).to.be.accessible();
    el.theme = 'dark';
    await settle(el);
    await expect(page).to.be.accessible();
    await quietly(async () => {
      el.setAttribute('heads', '0');
      await settle(el);
    });
    expect(shownError(el)).to.match(/^heads must be/);
    await expect(page).to.be.accessible();
  });

  it('puts 80 on one page with no exception and no task over 200 ms', async () => {
    const report = await crowd(80, () => document.createElement(TAG));
    console.log(
      `80 instances: ready in ${report.readyMs.toFixed(0)} ms, longest task ${report.longestTask.toFixed(0)} ms`,
    );
    expect(report.exceptions).to.deep.equal([]);
    expect(report.longestTask).to.be.below(200);
  });
});
