import '@decoding-attention/shape-dataset-viewer/shape-dataset-viewer.js';
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
} from '../../ui/test/reliability.js';
import { HEATMAP_LIMITS, type AttentionHeatmap } from '../src/index.js';
import '../src/attention-heatmap.js';

const TAG = 'attention-heatmap';
const MANIFEST = new URL('../custom-elements.json', import.meta.url);
const FLOAT32_MAX = 3.4028234663852886e38;
const TWO_BY_TWO = [
  [0.5, 0.5],
  [1, 0],
];
/** What `for` may name, as the messages say it. */
const FOLLOWABLE =
  'a <shape-dataset-viewer> or an element that computes attention (such as <trainable-model>)';

/** A heatmap of a 2 x 2 matrix, on the page and drawn. */
async function twoByTwo(): Promise<AttentionHeatmap> {
  const el = await fixture<AttentionHeatmap>(
    html`<attention-heatmap .matrix=${TWO_BY_TWO}></attention-heatmap>`,
  );
  await settle(el);
  return el;
}

/** A heatmap after `change`, settled, its warnings kept quiet. */
async function after(
  el: AttentionHeatmap,
  change: (el: AttentionHeatmap) => void,
): Promise<AttentionHeatmap> {
  await capturingWarnings(async () => {
    change(el);
    await settle(el);
  });
  return el;
}

/** A `rows x cols` matrix of equal weights, as flat data. */
const flat = (rows: number, cols: number) => ({
  data: new Float32Array(rows * cols).fill(1 / cols),
  rows,
  cols,
});

// ---- What the element should take, worked out apart from its own code ----

const isNumber32 = (v: unknown) =>
  typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= FLOAT32_MAX;
const isNone = (v: unknown) => v === undefined || v === null;

/** The shape of a good matrix (nested arrays or `{ data, rows, cols }`), or undefined. */
function matrixShape(v: unknown): [number, number] | undefined {
  if (Array.isArray(v)) {
    const first: unknown = v[0];
    if (!Array.isArray(first) || first.length === 0) return undefined;
    const good = v.every(
      (row: unknown) => Array.isArray(row) && row.length === first.length && row.every(isNumber32),
    );
    return good ? [v.length, first.length] : undefined;
  }
  if (typeof v === 'object' && v !== null && 'data' in v && 'rows' in v) {
    const { data, rows, cols } = v as { data: unknown; rows: unknown; cols: unknown };
    const count = (rows as number) * (cols as number);
    const values = data as ArrayLike<unknown> | null;
    const good =
      Number.isInteger(rows) &&
      Number.isInteger(cols) &&
      (rows as number) >= 1 &&
      (cols as number) >= 1 &&
      typeof values === 'object' &&
      values?.length === count &&
      Array.from(values).every(isNumber32);
    return good ? [rows as number, cols as number] : undefined;
  }
  return undefined;
}
const isHeadList = (v: unknown) => {
  if (!Array.isArray(v) || v.length === 0 || v.length > HEATMAP_LIMITS.heads) return false;
  const shapes = v.map(matrixShape);
  return shapes.every((s) => s && s[0] === shapes[0]![0] && s[1] === shapes[0]![1]);
};
/** A grid of `patches` patches, as `[rows, cols]` or `{ rows, cols }` of whole numbers from 1. */
const isGrid = (v: unknown, patches: number) => {
  const [rows, cols] = Array.isArray(v)
    ? v.length === 2
      ? (v as unknown[])
      : []
    : typeof v === 'object' && v !== null && 'rows' in v && 'cols' in v
      ? [(v as { rows: unknown }).rows, (v as { cols: unknown }).cols]
      : [];
  return (
    Number.isInteger(rows) &&
    Number.isInteger(cols) &&
    (rows as number) >= 1 &&
    (cols as number) >= 1 &&
    (rows as number) * (cols as number) === patches
  );
};
/** Layers whose kinds are known and whose first (shown) layer holds heads. */
const isLayers = (v: unknown) =>
  Array.isArray(v) &&
  v.length >= 1 &&
  v.length <= HEATMAP_LIMITS.layers &&
  v.every(
    (layer: unknown) =>
      typeof layer === 'object' &&
      layer !== null &&
      !Array.isArray(layer) &&
      ['encoder', 'decoder', 'cross'].includes((layer as { kind: string }).kind),
  ) &&
  isHeadList((v[0] as { heads: unknown }).heads);
/** Three 2 x 2 maps, each a matrix or a list of one head. */
const isChannels = (v: unknown) =>
  Array.isArray(v) &&
  v.length === 3 &&
  v.every((c: unknown) => {
    const shape =
      matrixShape(c) ?? (Array.isArray(c) && c.length === 1 ? matrixShape(c[0]) : undefined);
    return shape?.[0] === 2 && shape[1] === 2;
  });
/** An RGBA image of whole pixels, within the limit, that a 1 x 2 grid cuts into whole patches. */
const isImage = (v: unknown) => {
  if (typeof v !== 'object' || v === null) return false;
  const { data, width, height } = v as { data: unknown; width: number; height: number };
  return (
    (data instanceof Uint8ClampedArray || data instanceof Uint8Array) &&
    Number.isInteger(width) &&
    Number.isInteger(height) &&
    width >= 1 &&
    height >= 1 &&
    width * height <= HEATMAP_LIMITS.imagePixels &&
    data.length === width * height * 4 &&
    width % 2 === 0
  );
};
const isDomain = (v: unknown) =>
  Array.isArray(v) && v.length === 2 && v.every(isNumber32) && (v[0] as number) < (v[1] as number);

describe('<attention-heatmap> reliability', () => {
  it('restores the default of every attribute removed, with no message', async () => {
    const attributes = await manifestAttributes(MANIFEST, TAG);
    let failures!: string[];
    await capturingWarnings(async () => {
      failures = await removalFailures(twoByTwo, attributes, {
        theme: 'dark',
        src: '/packages/attention-heatmap/test/fixtures/matrix.json',
        for: 'no-such-element',
        source: 'groups',
        mask: 'causal',
        compare: 'causal',
        window: '4',
        stride: '4',
        globals: '1',
        colormap: 'magma',
        scale: 'log',
        normalize: 'row',
        head: '0',
        'row-labels': 'a b',
        'col-labels': 'c d',
        'query-label': 'Decoder query',
        'key-label': 'Encoder key',
        label: 'Cross-attention',
        compact: '',
        grid: '1x2',
        'query-grid': '2x1',
        layer: '1',
        'variant-view': 'pattern',
        attention: 'performer',
        span: '8',
        features: '8',
        projected: '4',
        buckets: '4',
        hashes: '1',
        chunk: '4',
      });
    });
    expect(failures).to.deep.equal([]);
  });

  it(`takes every attribute set to each of ${BAD_ATTRIBUTE_VALUES.length} bad values without throwing`, async function () {
    this.timeout(240_000);
    const attributes = await manifestAttributes(MANIFEST, TAG);
    const el = await twoByTwo();
    let report!: Awaited<ReturnType<typeof fuzzAttributes>>;
    await capturingWarnings(async () => {
      report = await fuzzAttributes(el, attributes);
    });
    console.log(
      `attention-heatmap attributes: ${report.tried} values tried (${attributes.length} attributes), ${report.exceptions.length} exceptions, longest task ${report.longestTask.toFixed(0)} ms`,
    );
    expectReliable(report, 200);
  });

  const properties: [string, (v: unknown) => boolean, unknown, string?][] = [
    ['matrix', (v) => !isNone(v) && !matrixShape(v), TWO_BY_TWO],
    ['heads', (v) => !isNone(v) && !isHeadList(v), [TWO_BY_TWO, TWO_BY_TWO]],
    ['scores', (v) => !isNone(v) && !matrixShape(v) && !isHeadList(v), TWO_BY_TWO],
    ['domain', (v) => !isNone(v) && !isDomain(v), [0, 1]],
    [
      'window',
      (v) => !isNone(v) && !(Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 1024),
      8,
    ],
    [
      'globals',
      (v) =>
        !isNone(v) &&
        // Length first: a sparse list of 2^32 - 1 holes is never walked.
        !(
          Array.isArray(v) &&
          v.length <= HEATMAP_LIMITS.side &&
          Array.from(v).every((t) => Number.isInteger(t) && t >= 0 && t <= 1)
        ),
      [0],
    ],
    [
      'rowLabels',
      (v) => !isNone(v) && !(Array.isArray(v) && v.length === 2),
      ['a', 'b'],
      'row-labels',
    ],
    ['head', (v) => !isNone(v) && v !== 'average' && v !== 0 && v !== '0', 'average'],
    ['label', (v) => !isNone(v) && typeof v !== 'string', 'Attention weights'],
    [
      'layer',
      (v) =>
        !isNone(v) &&
        !(Number.isInteger(v) && (v as number) >= 0 && (v as number) < HEATMAP_LIMITS.layers),
      0,
    ],
    ['grid', (v) => !isNone(v) && !isGrid(v, 2), [1, 2]],
    ['queryGrid', (v) => !isNone(v) && !isGrid(v, 2), [2, 1], 'query-grid'],
    ['layers', (v) => !isNone(v) && !isLayers(v), [{ kind: 'encoder', heads: [TWO_BY_TWO] }]],
    ['channels', (v) => !isNone(v) && !isChannels(v), [TWO_BY_TWO, TWO_BY_TWO, TWO_BY_TWO]],
    ['image', (v) => !isNone(v) && !isImage(v), new ImageData(2, 1)],
  ];
  /** The heatmaps some properties are tried on: a grid for those that need one. */
  const fixtures: Record<string, () => Promise<AttentionHeatmap>> = {
    queryGrid: async () => after(await twoByTwo(), (el) => (el.grid = [1, 2])),
    image: async () => after(await twoByTwo(), (el) => (el.grid = [1, 2])),
  };
  for (const [name, isBad, good, named] of properties) {
    it(`takes its ${name} property set to each of ${BAD_PROPERTY_VALUES.length} bad values, with messages naming ${named ?? name}`, async function () {
      this.timeout(120_000);
      const el =
        name === 'matrix' || name === 'heads' || name === 'scores'
          ? await fixture<AttentionHeatmap>(html`<attention-heatmap></attention-heatmap>`)
          : await (fixtures[name] ?? twoByTwo)();
      let report!: Awaited<ReturnType<typeof fuzzProperty>>;
      await capturingWarnings(async () => {
        report = await fuzzProperty(el, name, BAD_PROPERTY_VALUES, { good, isBad, named });
      });
      console.log(
        `attention-heatmap ${name}: ${report.tried} values tried, ${report.exceptions.length} exceptions, longest task ${report.longestTask.toFixed(0)} ms`,
      );
      expectReliableProperty(report);
    });
  }
});

describe('<attention-heatmap> bounds', () => {
  it('exports its limits', () => {
    expect({ ...HEATMAP_LIMITS }).to.deep.equal({
      side: 1024,
      cells: 1_048_576,
      workedCells: 1_048_576,
      followedLength: 512,
      heads: 16,
      srcCharacters: 1_310_720,
      layers: 64,
      imagePixels: 262_144,
    });
  });

  it('bounds the layers, the grid and the image, and names them', async () => {
    const el = await after(await twoByTwo(), (el) => {
      el.matrix = flat(1024, 1024);
    });
    const cases: [(el: AttentionHeatmap) => void, string][] = [
      [(el) => (el.grid = [32, 32]), ''],
      [
        (el) => (el.grid = [1, 1025]),
        'grid="1x1025" has 1025 patches; the heatmap takes at most 1024',
      ],
      [
        (el) => {
          el.grid = [32, 32];
          el.image = new ImageData(512, 512);
        },
        '',
      ],
      [
        (el) => (el.image = new ImageData(544, 512)),
        'image is 544 x 512 = 278528 pixels; the heatmap draws at most 262144',
      ],
      [
        (el) => {
          el.image = undefined;
          el.layers = Array.from({ length: 64 }, () => ({
            kind: 'encoder',
            heads: [flat(1024, 1024)],
          }));
        },
        '',
      ],
      [
        (el) =>
          (el.layers = Array.from({ length: 65 }, () => ({
            kind: 'encoder',
            heads: [flat(1024, 1024)],
          }))),
        'layers holds 65 layers; the heatmap takes at most 64',
      ],
    ];
    for (const [change, message] of cases) {
      await after(el, change);
      expect(shownError(el), change.toString()).to.equal(message);
      if (!message) expect(el.shown.length, change.toString()).to.be.above(0);
    }
  });

  it('draws the largest matrices it takes, and names the property and the limit beyond them', async function () {
    this.timeout(60_000);
    const el = await twoByTwo();
    const cases: [(el: AttentionHeatmap) => void, string][] = [
      [(el) => (el.matrix = flat(1024, 1024)), ''],
      [
        (el) => (el.matrix = flat(1, 1025)),
        'matrix is 1 x 1025; the heatmap takes at most 1024 rows and 1024 columns',
      ],
      [(el) => (el.heads = Array.from({ length: 16 }, () => flat(256, 256))), ''],
      [
        (el) => (el.heads = Array.from({ length: 17 }, () => flat(2, 2))),
        'heads holds 17 matrices; the heatmap takes at most 16 heads',
      ],
      [
        (el) => (el.heads = [flat(1024, 1024), flat(1024, 1024)]),
        'heads[0] holds 2 x 1024 x 1024 = 2097152 values; the heatmap takes at most 1048576',
      ],
      [(el) => (el.scores = flat(1024, 1024)), ''],
      [
        (el) => {
          // Two panels of scores, each put through the softmax.
          el.compare = 'full';
          el.scores = Array.from({ length: 2 }, () => flat(513, 512));
        },
        'scores of 2 heads of 513 x 512 means a softmax over 1050624 values; the heatmap works out at most 1048576',
      ],
      [
        (el) => {
          el.mask = 'causal';
          el.matrix = flat(1024, 1024);
        },
        '',
      ],
      [
        (el) => {
          el.compare = 'local';
          el.matrix = flat(1024, 1024);
        },
        'mask="causal" and compare="local" on 1024 x 1024 means masking 2097152 values; the heatmap masks at most 1048576',
      ],
      [
        (el) => {
          el.heads = [flat(513, 512), flat(513, 512)];
        },
        'mask="causal" and compare="local" on 2 heads of 513 x 512 means masking 1050624 values; the heatmap masks at most 1048576',
      ],
    ];
    for (const [change, message] of cases) {
      el.matrix = undefined;
      el.heads = undefined;
      el.scores = undefined;
      await after(el, change);
      expect(shownError(el), change.toString()).to.equal(message);
      if (!message) expect(el.shown.length, change.toString()).to.be.above(0);
    }
  });

  it('bounds window, stride and globals, and names them', async () => {
    const el = await twoByTwo();
    const cases: [string, string, string][] = [
      ['window', '1024', ''],
      ['window', '1025', 'window must be a whole number in [0, 1024], got 1025'],
      ['window', '1e9', 'window must be a whole number in [0, 1024], got 1000000000'],
      ['stride', '1024', ''],
      ['stride', '1025', 'stride must be a whole number in [1, 1024], got 1025'],
      ['globals', '0 1', ''],
      ['globals', '0 2', 'globals must be whole numbers from 0 to 1, got 2'],
      [
        'globals',
        Array.from({ length: 1025 }, () => '0').join(' '),
        'globals holds 1025 tokens; at most 1024',
      ],
    ];
    for (const [name, value, message] of cases) {
      await after(el, (el) => {
        el.mask = 'global';
        el.setAttribute(name, value);
      });
      expect(shownError(el), `${name}="${value.slice(0, 20)}"`).to.equal(message);
      if (!message) expect(el.shown).to.have.length(1);
      el.removeAttribute(name);
    }
  });

  it('rejects values beyond the 32-bit float range, naming the property', async () => {
    const el = await twoByTwo();
    const cases: [(el: AttentionHeatmap) => void, string][] = [
      [
        (el) => (el.matrix = [[1e39, 0]]),
        'matrix[0][0] is 1e+39, outside the 32-bit float range (at most 3.4028234663852886e+38 in size)',
      ],
      [
        (el) => (el.matrix = { data: [0, -1e39], rows: 1, cols: 2 }),
        'matrix[0][1] is -1e+39, outside the 32-bit float range (at most 3.4028234663852886e+38 in size)',
      ],
      [
        (el) =>
          (el.scores = [
            [0, 1],
            [2, 1e39],
          ]),
        'scores[1][1] is 1e+39, outside the 32-bit float range (at most 3.4028234663852886e+38 in size)',
      ],
      [(el) => (el.matrix = [[FLOAT32_MAX, 0]]), ''],
    ];
    for (const [change, message] of cases) {
      el.matrix = undefined;
      el.scores = undefined;
      await after(el, change);
      expect(shownError(el), change.toString()).to.equal(message);
    }
  });

  it('takes a domain of two finite increasing numbers only, naming domain', async () => {
    const el = await twoByTwo();
    const cases: [unknown, string][] = [
      ['abc', 'domain must be two numbers [low, high], got "abc"'],
      [[0], 'domain must be two numbers [low, high], got [0]'],
      [{}, 'domain must be two numbers [low, high], got an Object'],
      [[NaN, 1], 'domain must be two finite numbers within the 32-bit float range, got [NaN, 1]'],
      [
        [0, Infinity],
        'domain must be two finite numbers within the 32-bit float range, got [0, Infinity]',
      ],
      [[1, 0], 'domain must be increasing (low below high), got [1, 0]'],
      [[0.2, 0.8], ''],
    ];
    for (const [domain, message] of cases) {
      await after(el, (el) => (el.domain = domain as [number, number]));
      expect(shownError(el), String(domain)).to.equal(message);
    }
    await after(el, (el) => {
      el.domain = [0, 1];
      el.scale = 'log';
    });
    expect(shownError(el)).to.equal('domain must be above 0 on a log scale, got [0, 1]');
  });

  it('names src and the URL when a file is too large, not JSON or of the wrong shape', async () => {
    const fetchNow = window.fetch;
    const files: Record<string, string> = {
      '/big.json': ' '.repeat(HEATMAP_LIMITS.srcCharacters + 1),
      '/text.json': 'not json',
      '/huge.json': JSON.stringify({ matrix: [[1e39]] }),
    };
    window.fetch = async (input) =>
      String(input) === '/declared.json'
        ? new Response('[[1]]', { headers: { 'content-length': '99999999' } })
        : new Response(files[String(input)]);
    try {
      const el = await fixture<AttentionHeatmap>(html`<attention-heatmap></attention-heatmap>`);
      const cases: [string, string][] = [
        [
          '/big.json',
          'src: could not load "/big.json": the file holds 1310721 characters; the heatmap reads at most 1310720',
        ],
        [
          '/declared.json',
          'src: could not load "/declared.json": the file holds 99999999 characters; the heatmap reads at most 1310720',
        ],
        ['/text.json', 'src: could not load "/text.json": it is not valid JSON'],
        [
          '/huge.json',
          'src: could not load "/huge.json": matrix[0][0] is 1e+39, outside the 32-bit float range (at most 3.4028234663852886e+38 in size)',
        ],
      ];
      for (const [src, message] of cases) {
        await after(el, (el) => (el.src = src));
        expect(shownError(el)).to.equal(message);
      }
    } finally {
      window.fetch = fetchNow;
    }
  });

  it('names for when the sample it follows is longer than it computes attention for', async () => {
    const container = await fixture<HTMLDivElement>(html`
      <div>
        <shape-dataset-viewer id="long-sample" length="513"></shape-dataset-viewer>
        <attention-heatmap for="long-sample"></attention-heatmap>
      </div>
    `);
    const el = container.querySelector<AttentionHeatmap>(TAG)!;
    await settle(el);
    expect(shownError(el)).to.equal(
      'for="long-sample" shows a sample of length 513; the heatmap computes attention for samples of length at most 512',
    );
    const viewer = container.querySelector('shape-dataset-viewer')!;
    viewer.setAttribute('length', '512');
    await settle(viewer);
    await settle(el);
    expect(shownError(el)).to.equal('');
    expect(el.shown[0].rows).to.equal(512);
  });
});

describe('<attention-heatmap> links and messages', () => {
  it('says why for= follows nothing: no such id, itself, a <div>, another heatmap', async () => {
    const container = await fixture<HTMLDivElement>(html`
      <div>
        <div id="plain"></div>
        <attention-heatmap id="other"></attention-heatmap>
        <attention-heatmap id="me"></attention-heatmap>
      </div>
    `);
    const el = container.querySelector<AttentionHeatmap>('#me')!;
    const cases: [string, string][] = [
      ['nowhere', `for="nowhere" names no element on this page; give ${FOLLOWABLE} id="nowhere"`],
      ['me', `for="me" names this element itself; name ${FOLLOWABLE}`],
      ['plain', `for="plain" names a <div>, which cannot be followed; name ${FOLLOWABLE}`],
      [
        'other',
        `for="other" names a <attention-heatmap>, which cannot be followed; name ${FOLLOWABLE}`,
      ],
    ];
    for (const [id, message] of cases) {
      await after(el, (el) => el.setAttribute('for', id));
      expect(shownError(el), id).to.equal(message);
    }
    await after(el, (el) => el.removeAttribute('for'));
    expect(shownError(el)).to.equal('');
  });

  it('validates theme', async () => {
    const el = await twoByTwo();
    await after(el, (el) => el.setAttribute('theme', 'neon'));
    expect(shownError(el)).to.equal('theme must be one of auto, light, dark, got "neon"');
    await after(el, (el) => el.removeAttribute('theme'));
    expect(shownError(el)).to.equal('');
  });

  it('ignores linked events whose detail is missing or of the wrong kind', async () => {
    const container = await fixture<HTMLDivElement>(html`
      <div>
        <shape-dataset-viewer id="events-viewer"></shape-dataset-viewer>
        <attention-heatmap for="events-viewer"></attention-heatmap>
      </div>
    `);
    const el = container.querySelector<AttentionHeatmap>(TAG)!;
    const viewer = container.querySelector('shape-dataset-viewer')!;
    await settle(el);
    const errors: unknown[] = [];
    const onError = (event: ErrorEvent) => errors.push(event.error);
    window.addEventListener('error', onError);
    try {
      const details: Record<string, unknown[]> = {
        'shape-highlight': [null, undefined, 'abc', 1, { shape: 'abc' }, { shape: { start: 'a' } }],
        'sample-change': [null, undefined, 'abc', 1, { sample: 'abc' }, { sample: null }],
        'attention-change': [null, undefined, 'abc', 1],
      };
      for (const [type, list] of Object.entries(details))
        for (const detail of list) viewer.dispatchEvent(new CustomEvent(type, { detail }));
      await settle(el);
    } finally {
      window.removeEventListener('error', onError);
    }
    expect(errors).to.deep.equal([]);
    expect(shownError(el)).to.equal('');
    expect(el.shown[0].rows).to.be.above(0);
    // Attention of the wrong shape is not ignored: it is named.
    await after(el, () =>
      viewer.dispatchEvent(new CustomEvent('attention-change', { detail: { heads: 'abc' } })),
    );
    expect(shownError(el)).to.equal(
      'attention-change heads must be a non-empty array of matrices, got "abc"',
    );
  });
});

describe('<attention-heatmap> accessibility and many on a page', () => {
  it('passes axe in the light and dark themes and showing a message, after a page h1', async () => {
    const container = await fixture<HTMLDivElement>(html`
      <div>
        <h1>A post about attention</h1>
        <attention-heatmap .heads=${[TWO_BY_TWO, TWO_BY_TWO]}></attention-heatmap>
      </div>
    `);
    const el = container.querySelector<AttentionHeatmap>(TAG)!;
    await settle(el);
    await expect(container).to.be.accessible();
    await after(el, (el) => el.setAttribute('theme', 'dark'));
    await expect(container).to.be.accessible();
    await after(el, (el) => el.setAttribute('mask', 'diagonal'));
    expect(shownError(el)).to.match(/^mask must be one of/);
    await expect(container).to.be.accessible();
    console.log('attention-heatmap axe: light, dark and error states checked');
  });

  it('puts 80 heatmaps on one page with no exception and no long freeze', async function () {
    this.timeout(120_000);
    const matrix = flat(16, 16);
    const report = await crowd(80, () =>
      Object.assign(document.createElement(TAG) as AttentionHeatmap, { matrix }),
    );
    console.log(
      `attention-heatmap crowd(80): ready in ${report.readyMs.toFixed(0)} ms, longest task ${report.longestTask.toFixed(0)} ms, ${report.exceptions.length} exceptions`,
    );
    expect(report.exceptions).to.deep.equal([]);
    expect(report.longestTask).to.be.below(200);
  });
});
