import * as tf from '@tensorflow/tfjs';
import { expect } from '@open-wc/testing';
import {
  COMPLEXITY_TABLE,
  COST_VARIANTS,
  attentionCost,
  crossoverLength,
  logLogSlope,
} from '../src/attention-cost.js';
import { sweepAttentionCost, wallTime } from '../src/train/attention-cost.js';
import { measureKvCache } from '../src/train/kv-cache.js';

describe('attentionCost: multiply-adds and memory by formula', () => {
  it('full attention: L^2 pairs, 2 L^2 d multiply-adds (L (L + 1) / 2 pairs when causal)', () => {
    expect(attentionCost('full', 4)).to.deep.equal({ multiplyAdds: 512, memory: 16, pairs: 16 });
    expect(attentionCost('full', 4, { causal: true, dimension: 1 })).to.deep.equal({
      multiplyAdds: 20,
      memory: 10,
      pairs: 10,
    });
  });

  it('local: the band of w either side, cut at the ends (L = 10, w = 2: 44 pairs; causal 27)', () => {
    expect(attentionCost('local', 10, { window: 2, dimension: 1 })).to.deep.equal({
      multiplyAdds: 88,
      memory: 44,
      pairs: 44,
    });
    expect(attentionCost('local', 10, { window: 2, dimension: 1, causal: true }).pairs).to.equal(
      27,
    );
  });

  it('sparse: the band plus every s-th key outside it (L = 10, w = 1, s = 4: 50 pairs)', () => {
    expect(attentionCost('sparse', 10, { window: 1, stride: 4, dimension: 1 }).pairs).to.equal(50);
    expect(
      attentionCost('sparse', 10, { window: 1, stride: 4, dimension: 3 }).multiplyAdds,
    ).to.equal(300);
  });

  it('global: global tokens read every key and are read by every query (L = 10, w = 1, g = 2: 56)', () => {
    expect(attentionCost('global', 10, { window: 1, globals: 2, dimension: 1 }).pairs).to.equal(56);
  });

  it('adaptive: the band of span + ramp (L = 10, span 2, ramp 1: 58 pairs)', () => {
    expect(attentionCost('adaptive', 10, { span: 2, ramp: 1, dimension: 1 }).pairs).to.equal(58);
  });

  it('linformer, performer and reformer at their defaults, L = 100, d = 16', () => {
    expect(attentionCost('linformer', 100)).to.deep.equal({
      multiplyAdds: 204_800,
      memory: 3_200,
      pairs: 3_200,
    });
    expect(attentionCost('performer', 100)).to.deep.equal({
      multiplyAdds: 422_400,
      memory: 13_824,
      pairs: 6_400,
    });
    expect(attentionCost('reformer', 100)).to.deep.equal({
      multiplyAdds: 832_000,
      memory: 12_800,
      pairs: 12_800,
    });
  });

  it('grows as the table says: full 4x per doubling, the linear ones 2x, sparse towards 4x', () => {
    const growth = (variant: (typeof COST_VARIANTS)[number]) =>
      attentionCost(variant, 8192).multiplyAdds / attentionCost(variant, 4096).multiplyAdds;
    expect(growth('full')).to.equal(4);
    for (const variant of ['linformer', 'performer', 'reformer'] as const)
      expect(growth(variant)).to.equal(2);
    expect(growth('local')).to.be.closeTo(2, 0.01);
    expect(growth('sparse')).to.be.within(3.5, 4);
    for (const row of COMPLEXITY_TABLE)
      expect(Math.log2(growth(row.variant)), row.variant).to.be.closeTo(row.exponent, 0.2);
  });

  it('refuses an unknown variant or a length that is not a positive whole number, by name', () => {
    expect(() => attentionCost('binary' as 'full', 10)).to.throw(/variant must be one of/);
    expect(() => attentionCost('full', 0)).to.throw(/length must be a whole number >= 1/);
    expect(() => attentionCost('local', 10, { window: 1.5 })).to.throw(/window/);
  });

  it('the table has a row for every variant, approximate only where the maths is', () => {
    expect(COMPLEXITY_TABLE.map((row) => row.variant)).to.deep.equal([...COST_VARIANTS]);
    expect(COMPLEXITY_TABLE.filter((row) => !row.exact).map((row) => row.variant)).to.deep.equal([
      'linformer',
      'performer',
      'reformer',
    ]);
  });
});

describe('reading measured curves', () => {
  it('logLogSlope gives 2 for a square and 1 for a line', () => {
    expect(logLogSlope([1, 2, 4].map((x) => ({ x, y: x * x })))).to.be.closeTo(2, 1e-12);
    expect(logLogSlope([3, 30, 300].map((x) => ({ x, y: 5 * x })))).to.be.closeTo(1, 1e-12);
  });

  it('crossoverLength interpolates on log-log axes where the variant becomes cheaper', () => {
    const full = [
      { length: 256, forward: 1, both: 1 },
      { length: 512, forward: 4, both: 4 },
    ];
    const own = [
      { length: 256, forward: 2, both: 2 },
      { length: 512, forward: 2, both: 2 },
    ];
    const cross = crossoverLength(own, full, 'both');
    expect(cross.kind).to.equal('between');
    expect(cross.length).to.be.closeTo(256 * Math.SQRT2, 1e-9);
    expect(crossoverLength(own.slice(1), full, 'both').kind).to.equal('below');
    expect(crossoverLength(own.slice(0, 1), full, 'both').length).to.equal(undefined);
  });
});

describe('sweepAttentionCost and measureKvCache (cpu backend, small sizes)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('measures full then each variant at each length, and leaks no tensor', async () => {
    const before = tf.memory().numTensors;
    const points: string[] = [];
    const { curves, stops, cancelled } = await sweepAttentionCost({
      variants: ['local', 'performer'],
      lengths: [32, 64],
      onPoint: (p) => points.push(`${p.variant} ${p.length}`),
    });
    expect(points).to.deep.equal([
      'full 32',
      'local 32',
      'performer 32',
      'full 64',
      'local 64',
      'performer 64',
    ]);
    expect(cancelled).to.equal(false);
    expect(stops.size).to.equal(0);
    for (const curve of curves.values())
      for (const p of curve) {
        expect(p.both).to.be.greaterThan(0);
        expect(p.peak).to.be.greaterThan(0);
        // A step under 100 ms is timed on three layers built anew, at least 5 runs each.
        expect(p.layers, `${p.variant} ${p.length}`).to.equal(3);
        expect(p.runs).to.be.at.least(15);
      }
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('wallTime gives the fastest timed run after a warm-up, running short work for about 200 ms', () => {
    // A 20 ms warm-up asks for 10 timed runs; they take 30, 12, 25, 40 and 18 ms in turn.
    const durations = [20, ...Array.from({ length: 10 }, (_, i) => [30, 12, 25, 40, 18][i % 5])];
    let call = 0;
    const busy = () => {
      const until = performance.now() + durations[call++];
      while (performance.now() < until);
    };
    const { ms, runs } = wallTime(busy);
    expect(runs).to.equal(10);
    expect(call).to.equal(11);
    // The fastest is the 12 ms run (the median would be 25).
    expect(ms).to.be.at.least(12);
    expect(ms).to.be.below(18);
  });

  it('ends a curve whose step takes longer than the cap, saying so', async () => {
    const stops: string[] = [];
    const { curves } = await sweepAttentionCost({
      variants: [],
      lengths: [32, 64, 128],
      cap: 0.001,
      onStop: (s) => stops.push(`${s.variant} ${s.reason} ${s.length}`),
    });
    expect(curves.get('full')!.map((p) => p.length)).to.deep.equal([32]);
    expect(stops).to.deep.equal(['full time 32']);
  });

  it('stops a variant before a length whose step would not fit the heap, saying how much it would need', async () => {
    const stops: string[] = [];
    const { curves } = await sweepAttentionCost({
      variants: ['local'],
      lengths: [32, 64],
      heap: 1024,
      onStop: (s) => stops.push(`${s.variant} ${s.reason} ${s.length}: ${s.message}`),
    });
    expect(curves.get('full')!.map((p) => p.length)).to.deep.equal([32]);
    expect(curves.get('local')!.map((p) => p.length)).to.deep.equal([32]);
    // One point so far: memory is predicted to grow as L^2, four times from 32 to 64.
    const need = (variant: 'full' | 'local') =>
      ((curves.get(variant)![0].peak * 4) / 2 ** 20).toFixed(0);
    expect(stops).to.deep.equal([
      `full memory 64: stopped before 64: a step there would need about ${need('full')} MiB of tensors (over 0 MiB of WebAssembly's 4 GiB heap, which an out-of-memory would break for every later run)`,
      `local memory 64: stopped before 64: a step there would need about ${need('local')} MiB of tensors (over 0 MiB of WebAssembly's 4 GiB heap, which an out-of-memory would break for every later run)`,
    ]);
  });

  it('ends a variant that runs out of memory as out of memory, leaking nothing, and measures on afterwards', async () => {
    const stops: string[] = [];
    const before = tf.memory().numTensors;
    // Full attention's scores at 40K tokens, [1, 4, 40,960, 40,960], are more floats than a
    // typed array can hold.
    const { curves } = await sweepAttentionCost({
      variants: [],
      lengths: [40_960],
      onStop: (s) => stops.push(`${s.variant} ${s.reason} ${s.length}: ${s.message}`),
    });
    expect(stops).to.have.length(1);
    expect(stops[0]).to.match(/^full memory 40960: stopped at 40K: out of memory \(.+\)$/);
    expect(curves.get('full')).to.deep.equal([]);
    expect(tf.memory().numTensors).to.equal(before);
    const after = await sweepAttentionCost({ variants: ['local'], lengths: [32] });
    expect([...after.curves.values()].map((curve) => curve.length)).to.deep.equal([1, 1]);
  });

  it('stops between steps when asked', async () => {
    let steps = 0;
    const result = await sweepAttentionCost({
      variants: ['local'],
      lengths: [32, 64],
      onPoint: () => steps++,
      stopped: () => steps >= 1,
    });
    expect(result.cancelled).to.equal(true);
    expect(steps).to.equal(1);
  });

  it('generates the same tokens with and without the key-value cache, and frees its tensors', async () => {
    const before = tf.memory().numTensors;
    const passes = await measureKvCache({ tokens: 24, bin: 8 });
    expect(passes.map((p) => p.cached)).to.deep.equal([false, true]);
    expect(passes[0].tokens).to.have.length(25);
    expect(passes[1].tokens).to.deep.equal(passes[0].tokens);
    expect(passes[1].points.map((p) => p.position)).to.deep.equal([8, 16, 24]);
    expect(tf.memory().numTensors).to.equal(before);
  });
});
