import { formatMs } from '@decoding-attention/core';
import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { AttentionCost, CostPointDetail, VariantStopDetail } from '../src/index.js';
import '../src/attention-cost.js';
import { $, $$, capturingWarnings } from '../../ui/test/helpers.js';

/** Runs `el` to its end and gives back the points it announced, in order. */
async function measured(el: AttentionCost): Promise<CostPointDetail[]> {
  const points: CostPointDetail[] = [];
  el.addEventListener('cost-point', (e) => points.push((e as CustomEvent<CostPointDetail>).detail));
  const done = oneEvent(el, 'cost-done');
  el.start();
  const event = await done;
  expect(event.detail.cancelled).to.equal(false);
  await el.updateComplete;
  return points;
}

const cell = (el: AttentionCost, variant: string, column: number) =>
  $$(el, `tbody tr[data-variant="${variant}"] td`)[column].textContent!.trim();

describe('<attention-cost>', function () {
  this.timeout(120_000);

  it('shows the complexity table for the variants asked for before measuring, measured cells empty', async () => {
    const el = await fixture<AttentionCost>(
      html`<attention-cost variants="full local performer"></attention-cost>`,
    );
    await el.updateComplete;
    const rows = $$(el, 'tbody tr').map((row) => row.dataset.variant);
    expect(rows).to.deep.equal(['full', 'local', 'performer']);
    expect(cell(el, 'performer', 0)).to.equal('O(L m d)');
    expect(cell(el, 'performer', 3)).to.equal('approximate');
    expect(cell(el, 'local', 6)).to.equal('');
    expect(el.measuring).to.equal(false);
    await expect(el).to.be.accessible();
  });

  it('on a phone, shows each variant as a block of labelled lines, without the empty measured ones', async () => {
    const el = await fixture<AttentionCost>(
      html`<div style="width: 360px">
        <attention-cost variants="full performer" kv-tokens="0"></attention-cost>
      </div>`,
    ).then((host) => host.querySelector('attention-cost')!);
    await el.updateComplete;
    const table = $(el, 'table');
    expect(getComputedStyle(table).display).to.equal('block');
    // No column runs past the element: nothing to scroll sideways.
    const wrap = $(el, '.table-wrap');
    expect(wrap.scrollWidth).to.equal(wrap.clientWidth);
    const performer = $$(el, 'tbody tr[data-variant="performer"] td');
    const label = (td: HTMLElement) => getComputedStyle(td, '::before').content;
    expect(label(performer[0])).to.equal('"Time: "');
    // One line under another, not side by side.
    expect(performer[1].getBoundingClientRect().top).to.be.above(
      performer[0].getBoundingClientRect().top,
    );
    const shown = performer.filter((td) => getComputedStyle(td).display !== 'none');
    expect(shown.map(label)).to.deep.equal([
      '"Time: "',
      '"Memory: "',
      '"Causal: "',
      '"Exact: "',
      '"Strengths: "',
      '"Weaknesses: "',
    ]);
    // The column headers stay for screen readers, out of sight.
    expect($(el, 'thead').getBoundingClientRect().width).to.be.at.most(1);
    // At a laptop's width the table is a table again.
    (el.parentElement as HTMLElement).style.width = '1024px';
    await new Promise((resolve) => requestAnimationFrame(resolve));
    expect(getComputedStyle(table).display).to.equal('table');
    expect(performer.every((td) => getComputedStyle(td).display === 'table-cell')).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('measures in the Worker, each point shown as it arrives, then fills the table', async () => {
    const el = await fixture<AttentionCost>(
      html`<attention-cost
        variants="local full"
        lengths="64 128"
        budget="60000"
        kv-tokens="0"
      ></attention-cost>`,
    );
    const shown: string[] = [];
    el.addEventListener('cost-point', () => {
      // What the reader sees once the point is rendered (the next point is far off).
      setTimeout(() => shown.push($(el, '.stops').textContent!.replace(/\s+/g, ' ')));
    });
    const points = await measured(el);
    expect(points.map((p) => `${p.variant} ${p.length}`)).to.deep.equal([
      'full 64',
      'local 64',
      'full 128',
      'local 128',
    ]);
    expect(shown[0]).to.match(/full: measured to 64 local: nothing measured yet/);
    for (const p of points) {
      expect(p.forward).to.be.greaterThan(0);
      expect(p.both).to.be.greaterThan(p.forward * 0.5);
      expect(p.peak).to.be.greaterThan(0);
    }
    // Measured columns: time at the longest common length (128) and a fitted exponent.
    const local128 = points.find((p) => p.variant === 'local' && p.length === 128)!;
    expect($(el, 'caption').textContent).to.contain('time at 128 tokens');
    expect(cell(el, 'local', 6)).to.match(/ms$/);
    expect(cell(el, 'local', 6)).to.equal(formatMs(local128.both));
    expect(cell(el, 'full', 8)).to.match(/^-?\d+\.\d\d \(theory 2\)$/);
    expect(cell(el, 'local', 7)).to.not.equal('');
    expect($(el, '.status').textContent).to.contain('Done, on the');
    expect(await el.tensorsInUse()).to.equal(0);
    expect($(el, '.sweep-chart svg')).to.not.equal(null);
  });

  it('switches between forward and forward+backward time without measuring again', async () => {
    const el = await fixture<AttentionCost>(
      html`<attention-cost variants="full" lengths="64" kv-tokens="0"></attention-cost>`,
    );
    const [point] = await measured(el);
    expect(cell(el, 'full', 6)).to.equal(formatMs(point.both));
    const select = $<HTMLSelectElement>(el, 'select');
    select.value = 'forward';
    select.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(el.mode).to.equal('forward');
    expect(el.getAttribute('mode')).to.equal('forward');
    expect(cell(el, 'full', 6)).to.equal(formatMs(point.forward));
  });

  it('ends a variant whose step passes the budget, and says so', async () => {
    const el = await fixture<AttentionCost>(
      html`<attention-cost
        variants="full local"
        lengths="256 512"
        budget="1"
        kv-tokens="0"
      ></attention-cost>`,
    );
    const stops: VariantStopDetail[] = [];
    el.addEventListener('variant-stop', (e) =>
      stops.push((e as CustomEvent<VariantStopDetail>).detail),
    );
    const points = await measured(el);
    // At 256 tokens each step takes a few ms, over the 1 ms budget, even at its fastest.
    expect(points.map((p) => `${p.variant} ${p.length}`)).to.deep.equal(['full 256', 'local 256']);
    expect(stops.map((s) => `${s.variant} ${s.reason}`)).to.deep.equal(['full time', 'local time']);
    expect($(el, '.stops li[data-variant="local"]').textContent).to.match(
      /measured to 256; stopped after 256: its forward\+backward took .* \(over the 0.001 s budget\)/,
    );
  });

  it('stops at once on Stop, keeping what was measured; measuring again starts afresh', async () => {
    const el = await fixture<AttentionCost>(
      html`<attention-cost
        variants="full local sparse"
        lengths="64 128 256 512 1024 2048"
        kv-tokens="0"
      ></attention-cost>`,
    );
    let points = 0;
    el.addEventListener('cost-point', () => points++);
    const first = oneEvent(el, 'cost-point');
    el.start();
    await first;
    expect(el.measuring).to.equal(true);
    const done = oneEvent(el, 'cost-done');
    $$<HTMLButtonElement>(el, 'button')
      .find((b) => b.textContent!.trim() === 'Stop')!
      .click();
    expect((await done).detail.cancelled).to.equal(true);
    expect(el.measuring).to.equal(false);
    const kept = points;
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(points).to.equal(kept);
    await el.updateComplete;
    expect($(el, '.status').textContent).to.contain('Stopped.');
    expect(JSON.parse(JSON.stringify(el.toJSON())).points).to.have.length(kept);
    el.lengths = [64];
    el.variants = ['full'];
    await el.updateComplete;
    const again = await measured(el);
    expect(again).to.have.length(1);
    expect((el.toJSON().points as unknown[]).length).to.equal(1);
  });

  it('generates tokens with and without the key-value cache, the same tokens, and plots both', async () => {
    const el = await fixture<AttentionCost>(
      html`<attention-cost variants="full" lengths="32" kv-tokens="64"></attention-cost>`,
    );
    await measured(el);
    const kv = (el.toJSON().kvCache as { points: { cached: boolean; position: number }[] }).points;
    expect(kv.filter((k) => !k.cached).map((k) => k.position)).to.deep.equal([
      2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34, 36, 38, 40, 42, 44, 46, 48,
      50, 52, 54, 56, 58, 60, 62, 64,
    ]);
    expect(kv.filter((k) => k.cached)).to.have.length(32);
    expect($(el, '.kv-summary').textContent).to.contain('Both generated the same tokens.');
    expect($(el, '.kv-chart svg')).to.not.equal(null);
    expect(await el.tensorsInUse()).to.equal(0);
  });

  it('exports CSV, JSON and SVG of what it measured', async () => {
    const el = await fixture<AttentionCost>(
      html`<attention-cost
        variants="full performer"
        lengths="64 128"
        kv-tokens="0"
      ></attention-cost>`,
    );
    const points = await measured(el);
    const lines = el.toCSV().trim().split('\n');
    expect(lines[0]).to.equal(
      'kind,variant,length,forward_ms,forward_backward_ms,peak_bytes,cached,ms_per_token',
    );
    expect(lines.slice(1)).to.deep.equal(
      points.map((p) => `sweep,${p.variant},${p.length},${p.forward},${p.both},${p.peak},,`),
    );
    const data = el.toJSON() as {
      settings: { lengths: number[]; variants: string[] };
      table: { longestCommonLength: number; rows: { variant: string; fittedExponent: number }[] };
    };
    expect(data.settings.lengths).to.deep.equal([64, 128]);
    expect(data.table.longestCommonLength).to.equal(128);
    const performer = points.filter((p) => p.variant === 'performer');
    const exponent = Math.log(performer[1].both / performer[0].both) / Math.log(2);
    expect(data.table.rows[1].variant).to.equal('performer');
    expect(data.table.rows[1].fittedExponent).to.be.closeTo(exponent, 1e-9);
    const svg = await el.toSVG();
    expect(svg).to.match(/^<svg/);
    expect(svg).to.contain('Length L (tokens, log)');
    const png = await el.toPNG();
    expect(png.type).to.equal('image/png');
  });

  for (const [attribute, value, message] of [
    ['variants', 'full nope', /variants must be one of full, local, .* got "nope"/],
    ['lengths', '64 abc', /lengths must be a whole number in \[4, 262144\], got NaN/],
    ['lengths', '1000000', /lengths: 1000000 tokens do not fit memory/],
    ['max-length', '32', /max-length \(32\) is below every length of lengths/],
    ['mode', 'sideways', /mode must be one of forward, backward/],
    ['budget', '-5', /budget must be a number in \[1, 600000\]/],
    ['kv-tokens', '2.5', /kv-tokens must be a whole number/],
  ] as const)
    it(`says what is wrong with ${attribute}="${value}", measures nothing, and recovers when it is fixed`, async () => {
      let el!: AttentionCost;
      const warnings = await capturingWarnings(async () => {
        el = await fixture<AttentionCost>(
          html`<attention-cost lengths="64" variants="full" kv-tokens="0"></attention-cost>`,
        );
        el.setAttribute(attribute, value);
        await el.updateComplete;
      });
      const alert = $(el, '.error[role="alert"]');
      expect(alert.textContent).to.match(message);
      expect(warnings.some((w) => message.test(w))).to.equal(true);
      expect($(el, 'table')).to.equal(null);
      el.start();
      expect(el.measuring).to.equal(false);
      expect(
        $$<HTMLButtonElement>(el, 'button').find((b) => b.textContent!.trim() === 'Measure')!
          .disabled,
      ).to.equal(true);
      el.removeAttribute(attribute);
      if (attribute === 'lengths' || attribute === 'max-length') el.setAttribute('lengths', '64');
      await el.updateComplete;
      expect($(el, '.error')).to.equal(null);
      expect($(el, 'table')).to.not.equal(null);
    });

  it('measures on arrival with autostart', async () => {
    const container = document.createElement('div');
    const done = new Promise<CustomEvent>((resolve) =>
      container.addEventListener('cost-done', (e) => resolve(e as CustomEvent), { once: true }),
    );
    container.innerHTML = `<attention-cost autostart variants="full" lengths="32" kv-tokens="0"></attention-cost>`;
    document.body.append(container);
    try {
      expect((await done).detail).to.include({ cancelled: false, points: 1 });
    } finally {
      container.remove();
    }
  });

  it('is operable by keyboard: Measure, then Stop, are buttons in order', async () => {
    const el = await fixture<AttentionCost>(html`<attention-cost></attention-cost>`);
    const labels = $$<HTMLButtonElement>(el, 'button').map((b) => b.textContent!.trim());
    expect(labels.slice(0, 2)).to.deep.equal(['Measure', 'Stop']);
    expect(labels).to.include.members(['CSV', 'JSON', 'SVG', 'PNG']);
    expect($(el, '[role="status"]')).to.not.equal(null);
    expect($(el, 'select').getAttribute('aria-label')).to.equal('Time shown');
  });
});
