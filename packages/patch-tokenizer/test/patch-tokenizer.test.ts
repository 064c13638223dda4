import '@decoding-attention/shape-dataset-viewer/shape-dataset-viewer.js';
import {
  applyPatchRope,
  colormapTable,
  embedPatches,
  generateShapes2D,
  patchPositionalEncoding,
  patchProjection,
  patchify,
} from '@decoding-attention/core';
import type { ShapeDatasetViewer } from '@decoding-attention/shape-dataset-viewer';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, sendKeys, sendMouse } from '@web/test-runner-commands';
import type { PatchFocusDetail, PatchTokenizer } from '../src/index.js';
import '../src/patch-tokenizer.js';
import { $, $$, capturingWarnings } from '../../ui/test/helpers.js';

/** Moves the mouse onto patch (row, col) of the image. */
async function hoverPatch(el: PatchTokenizer, row: number, col: number, rows = 8, cols = 8) {
  const frame = $(el, '[part="image"] .frame');
  frame.scrollIntoView({ block: 'center' });
  const box = frame.getBoundingClientRect();
  await sendMouse({
    type: 'move',
    position: [
      Math.round(box.left + ((col + 0.5) / cols) * box.width),
      Math.round(box.top + ((row + 0.5) / rows) * box.height),
    ],
  });
  await el.updateComplete;
}

const shown = (el: PatchTokenizer) =>
  el.toJSON().shown as { index: number; row: number; col: number; [key: string]: unknown };
const text = (element: Element) => element.textContent!.replace(/\s+/g, ' ').trim();
const title = (el: PatchTokenizer) => text($(el, '#patch-title'));

afterEach(async () => {
  await sendMouse({ type: 'move', position: [0, 0] });
});

describe('<patch-tokenizer>', () => {
  it('cuts the 128 x 128 image into 64 patches of 16, numbered in raster order', async () => {
    const el = await fixture<PatchTokenizer>(html`<patch-tokenizer></patch-tokenizer>`);
    await el.updateComplete;
    const numbers = $$(el, '[part="image"] .numbers text');
    expect(numbers.map((t) => t.textContent)).to.deep.equal(
      Array.from({ length: 64 }, (_, i) => String(i)),
    );
    // Number 9 sits in the corner of the patch at row 1, column 1 (pixels 16-31).
    expect(Number(numbers[9].getAttribute('x'))).to.be.closeTo(16 + 1.28, 1e-9);
    expect(Number(numbers[9].getAttribute('y'))).to.be.closeTo(16 + 1.28, 1e-9);
    // Number 7 ends the first row; 8 starts the second.
    expect(Number(numbers[7].getAttribute('x'))).to.be.closeTo(112 + 1.28, 1e-9);
    expect(Number(numbers[7].getAttribute('y'))).to.be.closeTo(1.28, 1e-9);
    expect(Number(numbers[8].getAttribute('x'))).to.be.closeTo(1.28, 1e-9);
    expect(Number(numbers[8].getAttribute('y'))).to.be.closeTo(16 + 1.28, 1e-9);
    expect($$(el, '[part="image"] .grid-line')).to.have.length(14);
    expect($(el, 'figcaption').textContent).to.match(/64 patches of 16 x 16 pixels/);
    expect(title(el)).to.equal('Patch 0: token 0, row 0, column 0');
    const canvas = $<HTMLCanvasElement>(el, 'canvas.image');
    expect([canvas.width, canvas.height]).to.deep.equal([128, 128]);
    const sample = generateShapes2D({ seed: 0 });
    const pixels = canvas.getContext('2d')!.getImageData(0, 0, 128, 128).data;
    expect(Array.from(pixels.subarray(0, 400))).to.deep.equal(
      Array.from(sample.input.subarray(0, 400)),
    );
  });

  it('shows the patch flattened in planes and its token as embedding plus encoding', async () => {
    const el = await fixture<PatchTokenizer>(html`<patch-tokenizer patch="9"></patch-tokenizer>`);
    await el.updateComplete;
    const sample = generateShapes2D({ seed: 0 });
    const patches = patchify(sample.input, 128, 128, 16);
    const values = patches.data.subarray(9 * 768, 10 * 768);
    const data = shown(el);
    expect([data.index, data.row, data.col]).to.deep.equal([9, 1, 1]);
    expect(data.values).to.deep.equal(Array.from(values));
    // The embedding: the patch times the seeded projection, worked by hand here.
    const projection = patchProjection(768, 16, 0);
    const embedding = Array.from({ length: 16 }, (_, d) => {
      let sum = 0;
      for (let k = 0; k < 768; k++) sum += values[k] * projection[k * 16 + d];
      return sum;
    });
    const encoding = patchPositionalEncoding('sinusoidal', 8, 8, 16).subarray(9 * 16, 10 * 16);
    expect(data.encoding).to.deep.equal(Array.from(encoding));
    (data.embedding as number[]).forEach((v, d) => expect(v).to.be.closeTo(embedding[d], 1e-5));
    (data.token as number[]).forEach((v, d) =>
      expect(v).to.be.closeTo(embedding[d] + encoding[d], 1e-5),
    );
    // The planes: R, G and B side by side, each 16 x 16, in its channel.
    const planes = $<HTMLCanvasElement>(el, 'canvas.planes');
    expect([planes.width, planes.height]).to.deep.equal([48, 16]);
    const green = planes.getContext('2d')!.getImageData(16, 0, 1, 1).data;
    expect(Array.from(green)).to.deep.equal([0, Math.round(values[256] * 255), 0, 255]);
    const strip = $<HTMLCanvasElement>(el, 'canvas.strip');
    expect([strip.width, strip.height]).to.deep.equal([768, 1]);
    expect(title(el)).to.equal('Patch 9: token 9, row 1, column 1');
    expect($(el, '[part="patch"] .about').textContent).to.match(/768 numbers in \[0, 1\]/);
  });

  it('shades every patch by how alike its position is to the shown one', async () => {
    const el = await fixture<PatchTokenizer>(
      html`<patch-tokenizer patch="27" encoding="rope"></patch-tokenizer>`,
    );
    await el.updateComplete;
    const canvas = $<HTMLCanvasElement>(el, 'canvas.similarity');
    expect([canvas.width, canvas.height]).to.deep.equal([8, 8]);
    // Patch 27 (row 3, column 3) is itself: cosine 1, the top colour of rdbu (red); one
    // row and one column away, cos(1) per axis pair set: paler.
    const table = colormapTable('rdbu');
    const top = Array.from(table.subarray(3 * 255, 3 * 256));
    const pixel = (x: number, y: number) =>
      Array.from(canvas.getContext('2d')!.getImageData(x, y, 1, 1).data);
    pixel(3, 3)
      .slice(0, 3)
      .forEach((v, c) => expect(v).to.be.closeTo(top[c], 3));
    expect(pixel(3, 3)[2]).to.be.below(pixel(4, 4)[2]);
    const row = (el.toJSON().shown as { similarity: number[] }).similarity;
    expect(row[27]).to.be.closeTo(1, 1e-6);
    // Under RoPE, one step right and one step down are equally alike.
    expect(row[28]).to.be.closeTo(row[35], 1e-6);
  });

  it('follows the pointer patch by patch, and the keyboard with arrows, Home and End', async () => {
    const el = await fixture<PatchTokenizer>(html`<patch-tokenizer></patch-tokenizer>`);
    await el.updateComplete;
    const focused = oneEvent(el, 'patch-focus');
    await hoverPatch(el, 2, 5);
    expect(((await focused) as CustomEvent<PatchFocusDetail>).detail).to.deep.equal({
      index: 21,
      row: 2,
      col: 5,
    });
    expect(title(el)).to.equal('Patch 21: token 21, row 2, column 5');
    expect($(el, '[aria-live]').textContent).to.match(
      /^Patch 21 of 64, row 2, column 5: mean colour/,
    );
    await sendMouse({ type: 'move', position: [0, 0] });
    await el.updateComplete;
    expect(shown(el).index).to.equal(0);

    $(el, '[role="grid"]').focus();
    const keys: [string, number][] = [
      ['ArrowRight', 1],
      ['ArrowDown', 9],
      ['ArrowLeft', 8],
      ['ArrowLeft', 8],
      ['ArrowUp', 0],
      ['End', 63],
      ['ArrowDown', 63],
      ['Home', 0],
    ];
    for (const [key, expected] of keys) {
      await sendKeys({ press: key });
      await el.updateComplete;
      expect(el.patch, key).to.equal(expected);
    }
    const cell = $(el, '[role="gridcell"]');
    expect($(el, '[role="grid"]').getAttribute('aria-activedescendant')).to.equal(cell.id);
    expect(cell.textContent).to.match(/^Patch 0 of 64, row 0, column 0/);
  });

  it('changing the patch size keeps the same spot of the image', async () => {
    const el = await fixture<PatchTokenizer>(html`<patch-tokenizer patch="27"></patch-tokenizer>`);
    await el.updateComplete;
    const select = $<HTMLSelectElement>(el, 'select');
    expect([...select.options].map((o) => o.value)).to.deep.equal(['8', '16', '32', '64', '128']);
    select.value = '32';
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    // Patch 27 of 16 (pixels 48-63 both ways) lies in patch 5 of 32 (row 1, column 1).
    expect([el.patchSize, el.patch]).to.deep.equal([32, 5]);
    expect($$(el, '[part="image"] .numbers text')).to.have.length(16);
    select.value = '8';
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    // At 8 the numbers would not fit: the caption says they show on hover instead.
    expect($$(el, '[part="image"] .numbers text')).to.have.length(0);
    expect(text($$(el, 'figcaption')[0])).to.equal(
      '256 patches of 8 x 8 pixels, numbered left to right, then top to bottom (numbers shown on hover).',
    );
    expect(el.tokens).to.have.length(256 * 16);
  });

  it('a patch-size set by attribute or script moves the patch shown to the same spot, with no message', async () => {
    const el = await fixture<PatchTokenizer>(html`<patch-tokenizer patch="27"></patch-tokenizer>`);
    await el.updateComplete;
    el.setAttribute('patch-size', '32');
    await el.updateComplete;
    // Patch 27 of 16 (pixels 48-63) is in patch 5 of 32 (row 1, column 1), not past its 16.
    expect($(el, '[part="error"]')).to.equal(null);
    expect([el.patchSize, el.patch]).to.deep.equal([32, 5]);
    expect(title(el)).to.equal('Patch 5: token 5, row 1, column 1');
    el.patchSize = 8;
    await el.updateComplete;
    // Patch 5 of 32 starts at pixel (32, 32): patch 4 x 16 + 4 of 8.
    expect([el.patchSize, el.patch]).to.deep.equal([8, 68]);
    // A patch set with the size is the author's, and kept.
    el.patchSize = 16;
    el.patch = 2;
    await el.updateComplete;
    expect([el.patchSize, el.patch]).to.deep.equal([16, 2]);
    // A size that does not divide the image is named; fixing it moves the patch from where it was.
    await capturingWarnings(async () => {
      el.setAttribute('patch-size', '48');
      await el.updateComplete;
    });
    expect($(el, '[part="error"]').textContent).to.match(/^patch-size 48 does not divide/);
    el.setAttribute('patch-size', '64');
    await el.updateComplete;
    expect($(el, '[part="error"]')).to.equal(null);
    expect([el.patchSize, el.patch]).to.deep.equal([64, 0]);
  });

  it('turns queries and keys head by head as the models do under rope, and says so', async () => {
    const el = await fixture<PatchTokenizer>(
      html`<patch-tokenizer encoding="rope" patch-size="32"></patch-tokenizer>`,
    );
    await el.updateComplete;
    const sample = generateShapes2D({ seed: 0 });
    const patches = patchify(sample.input, 128, 128, 32);
    const embeddings = embedPatches(patches, patchProjection(3072, 16, 0), 16);
    // The default: 4 heads of 4 features, as the models' 4 heads.
    expect(el.heads).to.equal(4);
    expect(el.tokens).to.deep.equal(applyPatchRope(embeddings.data, 4, 4, 16, 4));
    const labels = $$(el, '[part="token"] .bars span').map(text);
    expect(labels[1]).to.equal(
      "RoPE adds nothing to the token: inside attention it turns each head's queries and keys, 4 heads of 4 features, in each features 0–1 by the patch's row, 2–3 by its column; drawn here, the cos and sin of each pair's angle",
    );
    expect(labels[2]).to.equal(
      '= the rotation applied to its queries and keys, shown on the embedding (the token enters the encoder unchanged)',
    );
    expect($(el, 'canvas.token').getAttribute('aria-label')).to.equal(
      "Patch 0's embedding turned as its queries and keys are, 16 features",
    );
    el.setAttribute('heads', '2');
    await el.updateComplete;
    expect(el.tokens).to.deep.equal(applyPatchRope(embeddings.data, 4, 4, 16, 2));
    expect(el.toJSON()).to.include({ encoding: 'rope', heads: 2 });
    await capturingWarnings(async () => {
      el.setAttribute('heads', '8');
      await el.updateComplete;
    });
    expect($(el, '[part="error"]').textContent).to.equal(
      "dim / heads must be a multiple of 4 for the rope encoding (each head's features turned half by row, half by column), got 16 / 8: use heads 1, 2, 4",
    );
    el.removeAttribute('heads');
    await el.updateComplete;
    expect($(el, '[part="error"]')).to.equal(null);
    expect(el.tokens).to.deep.equal(applyPatchRope(embeddings.data, 4, 4, 16, 4));
  });

  it('shows a trained embedding: projection plus bias, and a trained positional table', async () => {
    const el = await fixture<PatchTokenizer>(
      html`<patch-tokenizer encoding="learnable" patch-size="32" dim="4"></patch-tokenizer>`,
    );
    await el.updateComplete;
    // A zero projection and bias [1, 2, 3, 4]: every embedding is the bias.
    el.projection = new Float32Array(3072 * 4);
    el.bias = [1, 2, 3, 4];
    // A table whose row t is [t, 0, 0, -t].
    el.positionalTable = Float32Array.from({ length: 16 * 4 }, (_, i) =>
      i % 4 === 0 ? i / 4 : i % 4 === 3 ? -(i - 3) / 4 : 0,
    );
    el.patch = 6;
    await el.updateComplete;
    expect($(el, '[part="error"]')).to.equal(null);
    expect(shown(el).embedding).to.deep.equal([1, 2, 3, 4]);
    expect(shown(el).encoding).to.deep.equal([6, 0, 0, -6]);
    expect(shown(el).token).to.deep.equal([7, 2, 3, -2]);
    const errors: [Partial<PatchTokenizer>, string][] = [
      [{ bias: [1, 2, 3] }, 'bias holds 3 values; 1 x 4 needs 4'],
      [{ bias: [1, NaN, 3, 4] }, "bias[1] must be a finite number inside float32's range, got NaN"],
      [{ positionalTable: new Float32Array(5) }, 'positionalTable holds 5 values; 16 x 4 needs 64'],
      [
        { projection: undefined },
        'bias is added to a trained projection: set projection too (the seeded one has none)',
      ],
    ];
    for (const [change, message] of errors) {
      const before = {
        bias: el.bias,
        positionalTable: el.positionalTable,
        projection: el.projection,
      };
      await capturingWarnings(async () => {
        Object.assign(el, change);
        await el.updateComplete;
      });
      expect($(el, '[part="error"]').textContent).to.equal(message);
      Object.assign(el, before);
      await el.updateComplete;
      expect($(el, '[part="error"]')).to.equal(null);
    }
    // Without the table, the seeded one is back.
    el.positionalTable = undefined;
    await el.updateComplete;
    const seeded = patchPositionalEncoding('learnable', 4, 4, 4, { seed: 0 });
    expect(shown(el).encoding).to.deep.equal(Array.from(seeded.subarray(24, 28)));
  });

  it('tokenizes the sample of a linked <shape-dataset-viewer mode="2d"> and follows it', async () => {
    const page = await fixture<HTMLDivElement>(html`
      <div>
        <shape-dataset-viewer id="pt-viewer" mode="2d" seed="4"></shape-dataset-viewer>
        <patch-tokenizer for="pt-viewer"></patch-tokenizer>
      </div>
    `);
    const viewer = page.querySelector<ShapeDatasetViewer>('shape-dataset-viewer')!;
    const el = page.querySelector<PatchTokenizer>('patch-tokenizer')!;
    await viewer.updateComplete;
    await el.updateComplete;
    const first = patchify((viewer.sample as { input: Uint8ClampedArray }).input, 128, 128, 16);
    expect(shown(el).values).to.deep.equal(Array.from(first.data.subarray(0, 768)));
    const changed = oneEvent(el, 'tokens-change');
    viewer.seed = 5;
    await changed;
    await el.updateComplete;
    const next = generateShapes2D({ seed: 5 });
    expect(el.image.input).to.deep.equal(next.input);
    expect(shown(el).values).to.deep.equal(
      Array.from(patchify(next.input, 128, 128, 16).data.subarray(0, 768)),
    );
  });

  it('names a viewer in 1D mode and a missing id, and recovers', async () => {
    let el!: PatchTokenizer;
    const warnings = await capturingWarnings(async () => {
      const page = await fixture<HTMLDivElement>(html`
        <div>
          <shape-dataset-viewer id="pt-1d"></shape-dataset-viewer>
          <patch-tokenizer for="pt-1d"></patch-tokenizer>
        </div>
      `);
      el = page.querySelector<PatchTokenizer>('patch-tokenizer')!;
      const viewer = page.querySelector<ShapeDatasetViewer>('shape-dataset-viewer')!;
      await viewer.updateComplete;
      await el.updateComplete;
      expect($(el, '[part="error"]').textContent).to.equal(
        'for="pt-1d" names a viewer showing a 1D sample; set mode="2d" on it',
      );
      viewer.mode = '2d';
      await viewer.updateComplete;
      await el.updateComplete;
      expect($(el, '[part="error"]')).to.equal(null);
      el.for = 'pt-nowhere';
      await el.updateComplete;
      expect($(el, '[part="error"]').textContent).to.equal(
        'for="pt-nowhere" names no element on this page; give a <shape-dataset-viewer mode="2d"> or a <trainable-model task="shapes-2d" model="vit"> (or model="vit-encdec") id="pt-nowhere"',
      );
      el.removeAttribute('for');
      await el.updateComplete;
      expect($(el, '[part="error"]')).to.equal(null);
    });
    expect(warnings.some((w) => w.includes('set mode="2d"'))).to.equal(true);
  });

  it('names patch-size, dim and encoding when bad, warns, and recovers; removal restores defaults', async () => {
    const el = await fixture<PatchTokenizer>(html`<patch-tokenizer></patch-tokenizer>`);
    await el.updateComplete;
    const cases: [string, string, string][] = [
      [
        'patch-size',
        '5',
        'patch-size 5 does not divide the 128 x 128 image; sizes that would: 1, 2, 4, 8, 16, 32, 64, 128',
      ],
      [
        'patch-size',
        '4',
        'patch-size 4 cuts the 128 x 128 image into 1024 patches; at most 256 are shown: use 8, 16, 32, 64, 128',
      ],
      ['encoding', 'linear', 'encoding must be one of learnable, sinusoidal, rope, got "linear"'],
      ['dim', '2', 'dim must be a whole number in [4, 64], got 2'],
      ['patch', '64', 'patch must be a whole number in [0, 63], got 64'],
    ];
    for (const [name, value, message] of cases) {
      const warnings = await capturingWarnings(async () => {
        el.setAttribute(name, value);
        await el.updateComplete;
      });
      expect($(el, '[part="error"]').textContent, name).to.equal(message);
      expect(warnings).to.deep.equal([`<patch-tokenizer>: ${message}`]);
      expect($(el, '[part="image"]')).to.equal(null);
      el.removeAttribute(name);
      await el.updateComplete;
      expect($(el, '[part="error"]'), `${name} removed`).to.equal(null);
    }
    expect([el.patchSize, el.encoding, el.dim, el.patch]).to.deep.equal([16, 'sinusoidal', 16, 0]);
    await capturingWarnings(async () => {
      el.setAttribute('encoding', 'rope');
      el.setAttribute('dim', '6');
      await el.updateComplete;
    });
    expect($(el, '[part="error"]').textContent).to.equal(
      'dim must be a multiple of 4 for the rope encoding (pairs turned by row and by column), got 6',
    );
    // 8 features in the default 4 heads leave 2 a head: rope needs 4 (a pair per axis).
    await capturingWarnings(async () => {
      el.setAttribute('dim', '8');
      await el.updateComplete;
    });
    expect($(el, '[part="error"]').textContent).to.equal(
      "dim / heads must be a multiple of 4 for the rope encoding (each head's features turned half by row, half by column), got 8 / 4: use heads 1, 2",
    );
    el.setAttribute('heads', '2');
    await el.updateComplete;
    expect($(el, '[part="error"]')).to.equal(null);
    expect(el.tokens).to.have.length(64 * 8);
  });

  it('takes a trained projection, checked, and names it when it is wrong', async () => {
    const el = await fixture<PatchTokenizer>(
      html`<patch-tokenizer encoding="learnable" dim="4"></patch-tokenizer>`,
    );
    await el.updateComplete;
    // A projection that sums the red plane into feature 0 and the blue plane into feature 3.
    const projection = new Float32Array(768 * 4);
    for (let k = 0; k < 256; k++) projection[k * 4] = 1;
    for (let k = 512; k < 768; k++) projection[k * 4 + 3] = 1;
    el.projection = projection;
    await el.updateComplete;
    const values = shown(el).values as number[];
    const embedding = shown(el).embedding as number[];
    const red = values.slice(0, 256).reduce((s, v) => s + v, 0);
    const blue = values.slice(512).reduce((s, v) => s + v, 0);
    expect(embedding[0]).to.be.closeTo(red, 1e-4);
    expect(embedding.slice(1, 3)).to.deep.equal([0, 0]);
    expect(embedding[3]).to.be.closeTo(blue, 1e-4);
    await capturingWarnings(async () => {
      el.projection = Float32Array.from([NaN, ...projection.subarray(1)]);
      await el.updateComplete;
    });
    expect($(el, '[part="error"]').textContent).to.equal(
      "projection[0] must be a finite number inside float32's range, got NaN",
    );
    await capturingWarnings(async () => {
      el.projection = new Float32Array(10);
      await el.updateComplete;
    });
    expect($(el, '[part="error"]').textContent).to.equal(
      'projection holds 10 values; 768 x 4 needs 3072',
    );
    el.projection = undefined;
    await el.updateComplete;
    expect($(el, '[part="error"]')).to.equal(null);
  });

  it('exports JSON and PNG, and offers its embed code', async () => {
    const el = await fixture<PatchTokenizer>(
      html`<patch-tokenizer patch-size="32" encoding="learnable" seed="2"></patch-tokenizer>`,
    );
    await el.updateComplete;
    const data = el.toJSON();
    expect(data.grid).to.deep.equal({ rows: 4, cols: 4, patches: 16, valuesPerPatch: 3072 });
    expect((data.tokens as number[]).length).to.equal(16 * 16);
    expect(data.seed).to.equal(2);
    const png = await el.toPNG();
    expect(png.type).to.equal('image/png');
    const bitmap = await createImageBitmap(png);
    // The gridded image (512 wide), the similarity (512), the planes (96) and the token's bars.
    expect(bitmap.width).to.equal(512 + 16 + 512 + 16 + 96 + 16 + 16 * 12 + 2);
    bitmap.close();
    expect(el.embedCode().replace(/\s+/g, ' ')).to.equal(
      '<patch-tokenizer seed="2" patch-size="32" encoding="learnable" ></patch-tokenizer>',
    );
  });

  it('is accessible in light and dark, and stops moving the outline under reduced motion', async () => {
    for (const theme of ['light', 'dark']) {
      const el = await fixture<PatchTokenizer>(
        html`<patch-tokenizer theme=${theme}></patch-tokenizer>`,
      );
      await el.updateComplete;
      await expect(el).to.be.accessible();
    }
    await emulateMedia({ reducedMotion: 'reduce' });
    const el = await fixture<PatchTokenizer>(html`<patch-tokenizer></patch-tokenizer>`);
    await el.updateComplete;
    expect(getComputedStyle($(el, 'rect.shown')).transitionDuration).to.equal('0s');
    await emulateMedia({ reducedMotion: 'no-preference' });
  });
});
