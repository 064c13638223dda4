import { expect } from '@open-wc/testing';
import type { AttentionCost } from '../src/index.js';
import '../src/attention-cost.js';
import { capturingWarnings } from '../../ui/test/helpers.js';
import {
  BAD_ATTRIBUTE_VALUES,
  expectReliable,
  fuzzAttributes,
  manifestAttributes,
  removalFailures,
  removeReliabilityHosts,
  settledFromMarkup,
} from '../../ui/test/reliability.js';

const TAG = 'attention-cost';
const manifest = new URL('../custom-elements.json', import.meta.url);

/** An element made from `markup`, on the page and settled; its warnings are kept quiet. */
const costElement = (markup: string) => settledFromMarkup<AttentionCost>(markup, TAG);

afterEach(removeReliabilityHosts);

/** A value every attribute takes that differs from its default, to test its removal. */
const NON_DEFAULT: Record<string, string> = {
  theme: 'dark',
  variants: 'full local',
  lengths: '64 128',
  'max-length': '1024',
  budget: '500',
  mode: 'forward',
  'kv-tokens': '32',
  batch: '2',
  backend: 'cpu',
  autostart: '',
};

describe(`<${TAG}> reliability`, function () {
  this.timeout(600_000);

  it('goes back to the default when any attribute is removed, with no message', async () => {
    const attributes = await manifestAttributes(manifest, TAG);
    expect(attributes.map((a) => a.name).sort()).to.deep.equal(Object.keys(NON_DEFAULT).sort());
    let failures: string[] = [];
    await capturingWarnings(async () => {
      failures = await removalFailures(
        () => costElement(`<${TAG}></${TAG}>`),
        attributes,
        NON_DEFAULT,
      );
    });
    expect(failures).to.deep.equal([]);
  });

  it('survives every bad value of every attribute, names it, measures nothing, and recovers', async () => {
    const attributes = await manifestAttributes(manifest, TAG);
    const el = await costElement(`<${TAG}></${TAG}>`);
    let report!: Awaited<ReturnType<typeof fuzzAttributes>>;
    await capturingWarnings(async () => {
      report = await fuzzAttributes(
        el,
        attributes.filter((a) => a.name !== 'autostart'),
        BAD_ATTRIBUTE_VALUES,
      );
    });
    console.log(
      `attributes: ${report.tried} values tried on ${attributes.length - 1} attributes, ${report.exceptions.length} exceptions, longest task ${report.longestTask.toFixed(0)} ms`,
    );
    expectReliable(report, 200);
    expect(el.measuring).to.equal(false);
  });
});
