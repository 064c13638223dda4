import type { Sample1D, Sample2D } from '@decoding-attention/core';
import { expect, fixture, html } from '@open-wc/testing';
import { capturingWarnings } from '../../ui/test/helpers.js';
import {
  BAD_ATTRIBUTE_VALUES,
  BAD_PROPERTY_VALUES,
  crowd,
  expectReliable,
  expectReliableProperty,
  fuzzAttributes,
  fuzzProperty,
  manifestAttributes,
  removalFailures,
  settle,
  shownError,
  costOf,
  type FuzzReport,
  type ManifestAttribute,
} from '../../ui/test/reliability.js';
import { VIEWER_LIMITS, type ShapeDatasetViewer } from '../src/index.js';
import '../src/shape-dataset-viewer.js';

const TAG = 'shape-dataset-viewer';

/** A value of every attribute other than its default, for the removal walk. */
const NON_DEFAULT: Record<string, string> = {
  theme: 'dark',
  mode: '2d',
  seed: '5',
  length: '300',
  'min-width': '12',
  'max-width': '30',
  'min-amplitude': '12',
  'max-amplitude': '40',
  'noise-std': '2',
  'noise-sigma': '3',
  width: '64',
  height: '48',
  filter: 'channel',
  'blur-sigma': '2',
};

async function viewer(attributes = ''): Promise<ShapeDatasetViewer> {
  const container = await fixture<HTMLDivElement>(html`<div></div>`);
  container.innerHTML = `<${TAG} ${attributes}></${TAG}>`;
  const el = container.firstElementChild as ShapeDatasetViewer;
  await settle(el);
  return el;
}

/** Whether every value of the sample (when there is one) is finite. */
function finiteSample(sample: Sample1D | Sample2D | undefined): boolean {
  if (!sample) return true;
  const values = [...sample.input, ...sample.target];
  return values.every(Number.isFinite) && sample.shapes.every((s) => Number.isFinite(s.width));
}

/** Counts the `sample-change` events whose sample holds anything not finite. */
function watchSamples(el: ShapeDatasetViewer): { bad: number; seen: number; stop(): void } {
  const watch = { bad: 0, seen: 0, stop: () => el.removeEventListener('sample-change', onChange) };
  function onChange(event: Event) {
    const detail = (event as CustomEvent<{ seed: number; sample: Sample1D | Sample2D }>).detail;
    watch.seen++;
    if (!Number.isSafeInteger(detail.seed) || !finiteSample(detail.sample)) watch.bad++;
  }
  el.addEventListener('sample-change', onChange);
  return watch;
}

function logReport(suite: string, report: FuzzReport): void {
  console.log(
    `${suite}: ${report.tried} values tried, ${report.exceptions.length} exceptions, ` +
      `longest task ${Math.round(report.longestTask)} ms`,
  );
}

/** A number as the viewer reads one: from script as it is, text as its attribute would give it. */
function numeric(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.trim() === '' ? NaN : Number(value);
}

/** Bad unless unset (restores the default) or a number in [min, max] (whole where asked). */
function badNumber(min: number, max: number, whole: boolean) {
  return (value: unknown): boolean => {
    if (value === undefined || value === null) return false;
    const n = numeric(value);
    if (typeof n !== 'number' || !Number.isFinite(n)) return true;
    if (whole && !Number.isInteger(n)) return true;
    return n < min || n > max;
  };
}

function badWord(allowed: readonly string[]) {
  return (value: unknown): boolean =>
    value !== undefined && value !== null && !allowed.includes(value as string);
}

const L1 = VIEWER_LIMITS['1d'];
const L2 = VIEWER_LIMITS['2d'];

/**
 * Each attribute-backed property: a good value, and which values are bad on a viewer whose other
 * attributes keep their defaults (length 400, widths 10-40, amplitudes 10-50): the pair checks
 * make `length` below 40 or `max-width` below 10 bad too.
 */
const PROPERTIES_1D: {
  property: string;
  attribute: string;
  good: unknown;
  isBad: (v: unknown) => boolean;
}[] = [
  {
    property: 'theme',
    attribute: 'theme',
    good: 'light',
    isBad: badWord(['auto', 'light', 'dark']),
  },
  { property: 'mode', attribute: 'mode', good: '1d', isBad: badWord(['1d', '2d']) },
  {
    property: 'seed',
    attribute: 'seed',
    good: 3,
    isBad: badNumber(L1.seed.min, L1.seed.max, true),
  },
  { property: 'length', attribute: 'length', good: 300, isBad: badNumber(40, L1.length.max, true) },
  { property: 'minWidth', attribute: 'min-width', good: 12, isBad: badNumber(1, 40, true) },
  { property: 'maxWidth', attribute: 'max-width', good: 30, isBad: badNumber(10, 400, true) },
  {
    property: 'minAmplitude',
    attribute: 'min-amplitude',
    good: 12,
    isBad: badNumber(0, 50, false),
  },
  {
    property: 'maxAmplitude',
    attribute: 'max-amplitude',
    good: 40,
    isBad: badNumber(10, L1.maxAmplitude.max, false),
  },
  {
    property: 'noiseStd',
    attribute: 'noise-std',
    good: 2,
    isBad: badNumber(0, L1.noiseStd.max, false),
  },
  {
    property: 'noiseSigma',
    attribute: 'noise-sigma',
    good: 3,
    isBad: badNumber(0, L1.noiseSigma.max, false),
  },
];

const PROPERTIES_2D: typeof PROPERTIES_1D = [
  { property: 'width', attribute: 'width', good: 64, isBad: badNumber(1, L2.width.max, true) },
  { property: 'height', attribute: 'height', good: 48, isBad: badNumber(1, L2.height.max, true) },
  {
    property: 'filter',
    attribute: 'filter',
    good: 'channel',
    isBad: badWord(['none', 'channel', 'filled-circles']),
  },
  {
    property: 'noiseStd',
    attribute: 'noise-std',
    good: 2,
    isBad: badNumber(0, L2.noiseStd.max, false),
  },
  {
    property: 'blurSigma',
    attribute: 'blur-sigma',
    good: 2,
    isBad: badNumber(0, L2.blurSigma.max, false),
  },
];

let attributes: ManifestAttribute[];

before(async () => {
  attributes = await manifestAttributes(new URL('../custom-elements.json', import.meta.url), TAG);
});

describe('<shape-dataset-viewer> crowd', () => {
  it('puts 80 viewers on one page without a long task or an exception', async function () {
    this.timeout(300_000);
    // vega's bundle is evaluated once per page, in one task of ui's loadVega (about 800 ms cold
    // on the 2-core machine): one viewer draws its chart first, so the crowd measures the
    // viewers themselves. It runs first in this file, before the fuzz runs leave garbage to
    // collect in the middle of it.
    const first = await viewer();
    first.remove();
    let made = 0;
    const report = await crowd(80, () => {
      const el = document.createElement(TAG) as ShapeDatasetViewer;
      el.seed = made++;
      return el;
    });
    console.log(
      `crowd(80): ready in ${Math.round(report.readyMs)} ms, longest task ${Math.round(report.longestTask)} ms, ${report.exceptions.length} exceptions`,
    );
    expect(report.exceptions).to.deep.equal([]);
    expect(report.longestTask).to.be.below(200);
  });
});

describe('<shape-dataset-viewer> reliability', () => {
  it('goes back to the default, with no message, when any attribute is removed', async () => {
    expect(attributes.map((a) => a.name)).to.have.members(Object.keys(NON_DEFAULT));
    const failures = await removalFailures(() => viewer(), attributes, NON_DEFAULT);
    expect(failures).to.deep.equal([]);
  });

  for (const mode of ['1d', '2d'] as const) {
    it(`takes every bad attribute value in ${mode} without throwing, naming the attribute`, async function () {
      this.timeout(300_000);
      const el = await viewer(mode === '2d' ? 'mode="2d"' : '');
      const samples = watchSamples(el);
      // In 2D the mode stays: fuzzing it is the 1D run's.
      const fuzzed = mode === '2d' ? attributes.filter((a) => a.name !== 'mode') : attributes;
      let report!: FuzzReport;
      await capturingWarnings(async () => {
        report = await fuzzAttributes(el, fuzzed, BAD_ATTRIBUTE_VALUES);
      });
      samples.stop();
      logReport(`attributes (${mode}), ${samples.seen} samples shown`, report);
      expectReliable(report);
      expect(samples.bad, 'samples with a value that is not finite').to.equal(0);
      expect(report.tried).to.equal(fuzzed.length * BAD_ATTRIBUTE_VALUES.length);
    });
  }

  it('checks every property set from script with its attribute’s message (1D)', async function () {
    this.timeout(300_000);
    for (const { property, attribute, good, isBad } of PROPERTIES_1D) {
      const el = await viewer();
      let report!: Awaited<ReturnType<typeof fuzzProperty>>;
      await capturingWarnings(async () => {
        report = await fuzzProperty(el, property, BAD_PROPERTY_VALUES, {
          good,
          isBad,
          named: attribute,
        });
      });
      logReport(`property ${property} (1d)`, report);
      expectReliableProperty(report);
      expect(finiteSample(el.sample)).to.equal(true);
      el.remove();
    }
  });

  it('checks every property set from script with its attribute’s message (2D)', async function () {
    this.timeout(300_000);
    for (const { property, attribute, good, isBad } of PROPERTIES_2D) {
      const el = await viewer('mode="2d"');
      let report!: Awaited<ReturnType<typeof fuzzProperty>>;
      await capturingWarnings(async () => {
        report = await fuzzProperty(el, property, BAD_PROPERTY_VALUES, {
          good,
          isBad,
          named: attribute,
        });
      });
      logReport(`property ${property} (2d)`, report);
      expectReliableProperty(report);
      el.remove();
    }
  });

  it('takes anything as markPositions’ argument: a message for what is not a short list', async function () {
    this.timeout(120_000);
    const el = await viewer();
    // fuzzProperty sets a property: this one hands its value to markPositions.
    Object.defineProperty(el, 'marking', {
      set: (value: unknown) => el.markPositions(value as number[]),
      configurable: true,
    });
    const max = VIEWER_LIMITS.markedPositions.max;
    const isBad = (value: unknown) =>
      value !== undefined &&
      value !== null &&
      (!(Array.isArray(value) || (ArrayBuffer.isView(value) && !(value instanceof DataView))) ||
        (value as ArrayLike<unknown>).length > max);
    let report!: Awaited<ReturnType<typeof fuzzProperty>>;
    await capturingWarnings(async () => {
      report = await fuzzProperty(el, 'marking', BAD_PROPERTY_VALUES, {
        good: [10, 20],
        isBad,
        named: 'markPositions',
      });
    });
    logReport('markPositions argument', report);
    expectReliableProperty(report);
  });
});

describe('<shape-dataset-viewer> bounds', () => {
  /**
   * Sets `attributes` on a fresh viewer and returns its message and the longest task it caused,
   * on another fresh viewer again while that is over the bar (the suite's `costOf`).
   */
  async function tryValues(
    attributes: Record<string, string>,
    base = '',
  ): Promise<{ el: ShapeDatasetViewer; message: string; longestTask: number }> {
    let el!: ShapeDatasetViewer;
    const fresh = async () => {
      el = await viewer(base);
      await new Promise((resolve) => setTimeout(resolve, 50));
    };
    const set = async () => {
      await capturingWarnings(async () => {
        for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, value);
        await settle(el, 60_000);
        await new Promise((resolve) => setTimeout(resolve, 100));
      });
    };
    await fresh();
    const { ms } = await costOf(set, fresh);
    return { el, message: shownError(el), longestTask: ms };
  }

  it('exports its limits', () => {
    expect(L1.length.max).to.equal(20_000);
    expect(L1.noiseSigma.max).to.equal(100);
    expect(L2.blurSigma.max).to.equal(5);
    expect(Object.isFrozen(VIEWER_LIMITS)).to.equal(true);
  });

  it('draws the longest series it takes, with the widest smoothing; refuses one sample more', async function () {
    this.timeout(120_000);
    const max = L1.length.max;
    const worst = await tryValues({
      length: String(max),
      'noise-sigma': String(L1.noiseSigma.max),
      'max-width': String(max),
    });
    console.log(
      `worst 1D (length ${max}, noise-sigma 100): longest task ${Math.round(worst.longestTask)} ms`,
    );
    expect(worst.message).to.equal('');
    expect((worst.el.sample as Sample1D).input.length).to.equal(max);
    expect(finiteSample(worst.el.sample)).to.equal(true);
    expect(worst.longestTask).to.be.below(200);

    const over = await tryValues({ length: String(max + 1) });
    expect(over.message).to.equal(`length must be a whole number in [1, ${max}], got ${max + 1}`);
    expect(over.el.sample).to.equal(undefined);
    const sigma = await tryValues({ 'noise-sigma': '100.5' });
    expect(sigma.message).to.equal('noise-sigma must be a number in [0, 100], got 100.5');
  });

  it('refuses the reproductions of the issue at once, naming the attribute and the maximum', async function () {
    this.timeout(60_000);
    for (const [attributes, message] of [
      [
        { length: '16777216' },
        `length must be a whole number in [1, ${L1.length.max}], got 16777216`,
      ],
      [
        { length: '1000000' },
        `length must be a whole number in [1, ${L1.length.max}], got 1000000`,
      ],
      [
        { mode: '2d', width: '4096', height: '4096' },
        `width must be a whole number in [1, ${L2.width.max}], got 4096`,
      ],
    ] as const) {
      const result = await tryValues(attributes);
      expect(result.message).to.equal(message);
      expect(result.longestTask).to.be.below(200);
    }
  });

  it('draws the largest image it takes, with the strongest blur; refuses one pixel more', async function () {
    this.timeout(120_000);
    const max = L2.width.max;
    const worst = await tryValues(
      {
        width: String(max),
        height: String(L2.height.max),
        'blur-sigma': String(L2.blurSigma.max),
        'noise-std': String(L2.noiseStd.max),
      },
      'mode="2d"',
    );
    console.log(
      `worst 2D (${max} x ${L2.height.max}, blur-sigma 5): longest task ${Math.round(worst.longestTask)} ms`,
    );
    expect(worst.message).to.equal('');
    expect((worst.el.sample as Sample2D).width).to.equal(max);
    expect(worst.longestTask).to.be.below(200);
    for (const name of ['width', 'height']) {
      const over = await tryValues({ [name]: String(max + 1) }, 'mode="2d"');
      expect(over.message).to.equal(
        `${name} must be a whole number in [1, ${max}], got ${max + 1}`,
      );
    }
    const blur = await tryValues({ 'blur-sigma': '5.5' }, 'mode="2d"');
    expect(blur.message).to.equal('blur-sigma must be a number in [0, 5], got 5.5');
  });

  it('refuses values outside float32 range, and noise or amplitudes past their maxima', async () => {
    for (const [attributes, message, base] of [
      [
        { 'max-amplitude': '1e39' },
        'max-amplitude must be a number in [0, 1000000], got 1e+39',
        '',
      ],
      [{ 'noise-std': '1e39' }, 'noise-std must be a number in [0, 1000000], got 1e+39', ''],
      [{ 'noise-std': '1001' }, 'noise-std must be a number in [0, 1000], got 1001', 'mode="2d"'],
    ] as const) {
      const result = await tryValues(attributes, base);
      expect(result.message).to.equal(message);
    }
  });

  it('marks at most its maximum of positions; more show a message naming markPositions, and nothing is marked', async function () {
    this.timeout(60_000);
    const el = await viewer('length="2000"');
    const max = VIEWER_LIMITS.markedPositions.max;
    const mark = async (positions: number[]) => {
      el.markPositions(positions);
      await settle(el, 60_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
    };
    const { ms } = await costOf(
      () => mark(Array.from({ length: max }, (_, i) => i * 3)),
      () => mark([]),
    );
    console.log(`markPositions with ${max} positions: longest task ${Math.round(ms)} ms`);
    expect(shownError(el)).to.equal('');
    expect(ms).to.be.below(200);

    const big = Array.from({ length: 100_000 }, (_, i) => i);
    await capturingWarnings(async () => {
      el.markPositions(big);
      await settle(el);
    });
    expect(shownError(el)).to.equal(`markPositions takes at most ${max} positions, got 100000`);
    // Positions that are not finite or lie outside the series are left out, quietly.
    el.markPositions([NaN, Infinity, -1, 2000, 1e9, 5]);
    await settle(el);
    expect(shownError(el)).to.equal('');
    // A good sample is untouched by the refused call.
    expect(finiteSample(el.sample)).to.equal(true);
  });
});

describe('<shape-dataset-viewer> accessibility', () => {
  async function onPage(attributes: string): Promise<ShapeDatasetViewer> {
    const container = await fixture<HTMLDivElement>(html`<div></div>`);
    container.innerHTML = `<h1>A post</h1><p>Text.</p><${TAG} ${attributes}></${TAG}>`;
    const el = container.querySelector(TAG) as ShapeDatasetViewer;
    await settle(el);
    return el;
  }

  for (const [state, attributes] of [
    ['light', 'theme="light" seed="2"'],
    ['dark', 'theme="dark" seed="2"'],
    ['2D, dark', 'mode="2d" theme="dark" filter="channel"'],
    ['an error', 'length="-3"'],
  ] as const) {
    it(`has no axe violations after a page h1: ${state}`, async () => {
      let el!: ShapeDatasetViewer;
      await capturingWarnings(async () => {
        el = await onPage(attributes);
      });
      if (state === 'an error') expect(shownError(el)).to.match(/^length must be/);
      await expect(el).to.be.accessible();
    });
  }
});
