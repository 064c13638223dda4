/**
 * `npm run bench:train` (suite `attention`): the attention variants of post 2 against full
 * attention (our fused op), on a cross-origin isolated page, wasm with our kernels.
 *
 * 1. Sweep (`parts=sweep`): the attention layer alone, as a transformer block holds it (core's
 *    `attentionLayer`: query, key, value and output projections around the variant, width 64,
 *    4 heads, each variant at its defaults), in training mode (the fused op for full; no
 *    display weights for the variants), on input [batch, L, 64] with `batch` 1 by default, so
 *    that full attention reaches 16K in minutes: forward time, forward+backward time (of the
 *    mean square of the output, through every weight of the layer) and the step's peak tensor
 *    memory, at each length of `lengths`, beside full's. A variant stops where it runs out of
 *    memory or where its next step would take more than `cap` seconds (said, with why). Then
 *    each curve's growth exponent (log-log slope; full near 2, the linear ones near 1), the
 *    4K -> 16K growth against linear (target: within 1.3x) and the crossover length where each
 *    variant becomes cheaper than full, beside Long Range Arena's published points.
 * 2. Training step (`parts=step`): one Adam step of the transformer at L = 400, batch 32 (at the
 *    trainer's 128, the sweep's grown heap leaves no room for the variants' 2.8-4 GiB steps),
 *    each variant against full (target: none more than 2x slower).
 * 3. Accuracy (`parts=accuracy`): validation MSE of the transformer with each variant after the
 *    same samples (1,280 by default: 80 steps of 16, a minute or less per variant on two cores)
 *    on the 1D task at L = 400, at <trainable-model>'s transformer defaults (width 32, batch 16,
 *    learning rate 0.002), trained by the Trainer (in a Worker, as <trainable-model> trains it)
 *    with `attention` in its config, beside full attention. Skipped, and said so, where the
 *    Trainer does not take `attention`.
 *
 * 4. The element (`parts=element`, run only when asked for): `<attention-cost>`'s own measurements,
 *    in its Worker, against the sweep's on this page at `elementLengths=256,1024,4096` (target:
 *    within 20%).
 *
 * Query options (BENCH_QUERY): `parts=sweep,step,accuracy,element`,
 * `variants=local,sparse,global,adaptive,linformer,performer,reformer,binary` (full is always
 * measured, as the reference), `lengths=256,512,1024,2048,4096,8192,16384`, `batch=1`,
 * `threads=1`, `cap=120` (seconds a forward+backward may be predicted to take before a curve
 * stops), `stepBatch=32`, `accuracySamples=1280`, `accuracyBatch=16`, `accuracyHidden=32`,
 * `accuracyRate=0.002`, `deadline=600` (seconds a training run may take before it is given up).
 * Quick run: `BENCH_QUERY='parts=sweep&lengths=256,1024&variants=local,performer'`.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { useWasmKernels } from '@decoding-attention/wasm-kernels';
import {
  baselineScores1D,
  crossoverLength as crossover,
  formatMs,
  generateBatch1D,
  logLogSlope as slope,
  shortLength,
  type AttentionVariant,
} from '@decoding-attention/core';
import { buildModel } from '@decoding-attention/core/models';
import type { TrainingConfig } from '@decoding-attention/core/train';
import {
  SWEEP_HEADS,
  SWEEP_WIDTH,
  backendAlive,
  describeError,
  peakTensorBytes,
  sweepAttentionCost,
  wallTime,
} from '@decoding-attention/core/train/attention-cost';
import type { AttentionCost, CostPointDetail } from '@decoding-attention/attention-cost';
import '@decoding-attention/attention-cost/attention-cost.js';
import type { BenchSuite, Report } from './harness.js';
import { list, number, train } from './training.js';

type Variant = Exclude<AttentionVariant, 'causal'>;

const EFFICIENT: readonly Variant[] = [
  'local',
  'sparse',
  'global',
  'adaptive',
  'linformer',
  'performer',
  'reformer',
  'binary',
];
/**
 * What each variant's cost grows as, at its defaults (docs/design/models.md, "Attention
 * variants"): the linear ones are held to the 4K -> 16K target. Sparse reads every 8th key
 * (L / 8 columns per query) and binary attention is dense, so both stay quadratic.
 */
const GROWTH: Record<Variant, string> = {
  full: 'O(L^2) time, O(L) memory (fused)',
  local: 'O(L w)',
  sparse: 'O(L (w + L / s))',
  global: 'O(L (w + g))',
  adaptive: 'O(L span)',
  linformer: 'O(L k)',
  performer: 'O(L m)',
  reformer: 'O(L chunk + L log L)',
  binary: 'O(L^2)',
};
const LINEAR: readonly Variant[] = [
  'local',
  'global',
  'adaptive',
  'linformer',
  'performer',
  'reformer',
];
/** Long Range Arena's speed table (accelerator, batch 32): speed against full at 1K and 4K. */
const LRA: Partial<Record<Variant, { at1K: number; at4K: number }>> = {
  performer: { at1K: 1.2, at4K: 5.7 },
  linformer: { at1K: 1.2, at4K: 5.5 },
  reformer: { at1K: 0.5, at4K: 0.8 },
};
/** Where Long Range Arena's maintainers put the crossover with full attention. */
const LRA_CROSSOVER = 2048;

const MiB = 2 ** 20;

const short = shortLength;
const ms = formatMs;
/** Lets the page's timers and the console turn between long measurements. */
const breathe = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The wasm backend with our kernels (and the fused attention op) on `threads` threads. */
async function wasmBackend(threads: number): Promise<void> {
  // The wasm binaries sit next to the bench bundle.
  setWasmPaths(new URL('./', location.href).href);
  if (threads === 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  await tf.setBackend('wasm');
  await tf.ready();
  await useWasmKernels(true, { threads, fusedAttention: true });
}

/** Part 1: time and memory of the attention layer at each length, full beside every variant. */
async function sweep(report: Report, variants: readonly Variant[]): Promise<void> {
  const lengths = list('lengths', ['256', '512', '1024', '2048', '4096', '8192', '16384']).map(
    Number,
  );
  const batch = number('batch', 1);
  const cap = number('cap', 120) * 1000;
  const heap = number('heap', 3072) * MiB;
  const all: Variant[] = ['full', ...variants.filter((v) => v !== 'full')];
  console.log(
    `sweep: the attention layer (width ${SWEEP_WIDTH}, ${SWEEP_HEADS} heads, Q/K/V/output projections), batch ${batch}, training mode, lengths ${lengths.map(short).join(', ')}`,
  );
  // The measurement itself is core's, the one <attention-cost> runs in its Worker.
  const { curves, stops } = await sweepAttentionCost({
    variants: all,
    lengths,
    batch,
    cap,
    heap,
    log: (line) => console.log(line),
    breathe,
  });
  const stopped = new Map([...stops].map(([variant, stop]) => [variant, stop.message]));

  const full = curves.get('full')!;
  const fullAt = (length: number) => full.find((p) => p.length === length);
  const reach = (variant: Variant) => {
    const curve = curves.get(variant)!;
    const last = curve[curve.length - 1];
    const end = last ? `measured to ${short(last.length)}` : 'nothing measured';
    return `${end}; ${stopped.get(variant) ?? 'every length asked for ran'}`;
  };

  // Time and memory at each length, against full's.
  for (const variant of all) {
    for (const p of curves.get(variant)!) {
      const f = fullAt(p.length);
      const lengthLabel = `L ${short(p.length)}`;
      if (variant === 'full') {
        // Full against quadratic growth from its first length.
        const first = full[0];
        const quadratic = first.both * (p.length / first.length) ** 2;
        report({
          figure: `full (fused op): forward+backward, ${lengthLabel}`,
          value: p.both,
          unit: 'ms',
          against: `quadratic growth from ${short(first.length)}`,
          reference: quadratic,
          ratio: quadratic / p.both,
          note: `forward ${ms(p.forward)}; peak tensor memory ${(p.peak / MiB).toFixed(1)} MiB`,
        });
        continue;
      }
      if (!f) continue;
      report({
        figure: `${variant}: forward+backward, ${lengthLabel}`,
        value: p.both,
        unit: 'ms',
        against: 'full (fused op)',
        reference: f.both,
        ratio: f.both / p.both,
        note: `forward ${ms(p.forward)} against full's ${ms(f.forward)}: ${(f.forward / p.forward).toFixed(2)}x`,
      });
      report({
        figure: `${variant}: peak tensor memory of a forward+backward, ${lengthLabel}`,
        value: p.peak / MiB,
        unit: 'MiB',
        against: 'full (fused op)',
        reference: f.peak / MiB,
        ratio: f.peak / p.peak,
      });
    }
  }
  for (const variant of all) {
    const curve = curves.get(variant)!;
    if (variant !== 'full' && curve.every((p) => !fullAt(p.length)))
      console.log(`${variant}: ${reach(variant)}`);
  }

  // Growth: the fitted exponent, and 4K -> 16K against linear.
  for (const variant of all) {
    const curve = curves.get(variant)!;
    const long = curve.filter((p) => p.length >= 1024);
    const fitted = long.length >= 2 ? long : curve;
    if (fitted.length < 2) {
      console.log(`${variant}: too few lengths for a growth exponent (${reach(variant)})`);
      continue;
    }
    const exponent = slope(fitted.map((p) => ({ x: p.length, y: p.both })));
    const forwardExponent = slope(fitted.map((p) => ({ x: p.length, y: p.forward })));
    const memoryExponent = slope(fitted.map((p) => ({ x: p.length, y: p.peak })));
    const at4K = curve.find((p) => p.length === 4096);
    const at16K = curve.find((p) => p.length === 16384);
    const range = `${short(fitted[0].length)}-${short(fitted[fitted.length - 1].length)}`;
    const target = LINEAR.includes(variant);
    const expected = variant === 'full' || !target ? 2 : 1;
    report({
      figure: `${variant}: growth exponent of forward+backward time, fitted ${range} (${GROWTH[variant]})`,
      value: exponent,
      unit: '',
      against: expected === 1 ? 'linear growth' : 'quadratic growth',
      reference: expected,
      ratio: expected / exponent,
      note: `forward ${forwardExponent.toFixed(2)}, peak memory ${memoryExponent.toFixed(2)}; ${reach(variant)}`,
    });
    if (at4K && at16K) {
      const growth = at16K.both / at4K.both;
      const overLinear = growth / 4;
      report({
        figure: `${variant}: forward+backward time(16K) / time(4K)`,
        value: growth,
        unit: 'x',
        against: 'linear growth',
        reference: 4,
        ratio: 4 / growth,
        note: `exponent 4K-16K ${(Math.log(growth) / Math.log(4)).toFixed(2)}; time(16K)/time(4K)/4 = ${overLinear.toFixed(2)}${target ? `: target within 1.3x of linear ${overLinear <= 1.3 ? 'MET' : 'MISSED'}` : ' (not a linear variant: no target)'}`,
      });
    } else if (target) {
      const asked = list('lengths', ['4096', '16384']);
      console.log(
        asked.includes('4096') && asked.includes('16384')
          ? `${variant}: 4K -> 16K target MISSED: not measured (${reach(variant)})`
          : `${variant}: 4K -> 16K target not measured (4K and 16K not both among the lengths asked for)`,
      );
    }
  }

  // Crossover with full, beside the published points.
  for (const variant of all.filter((v) => v !== 'full')) {
    const own = curves.get(variant)!;
    const cross = crossover(own, full, 'both');
    const forwardCross = crossover(own, full, 'forward');
    const speed = (length: number) => {
      const p = own.find((q) => q.length === length);
      const f = fullAt(length);
      return p && f ? f.both / p.both : undefined;
    };
    const lra = LRA[variant];
    const here = [1024, 4096]
      .map((length) => {
        const s = speed(length);
        return s === undefined ? undefined : `${s.toFixed(2)}x full's speed at ${short(length)}`;
      })
      .filter(Boolean)
      .join(', ');
    const published = lra
      ? `; LRA (accelerator, batch 32): ${lra.at1K}x at 1K, ${lra.at4K}x at 4K`
      : '';
    const forwardNote = `forward alone: ${forwardCross.length ? short(Math.round(forwardCross.length)) : 'no crossover'} (${forwardCross.how})`;
    if (cross.length !== undefined)
      report({
        figure: `${variant}: crossover length, forward+backward cheaper than full ${
          cross.kind === 'below'
            ? 'already at the shortest length measured'
            : cross.kind === 'extrapolated'
              ? 'from (extrapolated)'
              : 'from'
        }`,
        value: cross.length,
        unit: 'tokens',
        against: "LRA maintainers' crossover",
        reference: LRA_CROSSOVER,
        ratio: LRA_CROSSOVER / cross.length,
        note: `${cross.how}; here ${here || 'no 1K or 4K figure'}${published}; ${forwardNote}`,
      });
    else
      console.log(
        `${variant}: NO crossover with full (${cross.how}); here ${here || 'no 1K or 4K figure'}${published}; ${forwardNote}`,
      );
    if (lra)
      for (const [length, published] of [
        [1024, lra.at1K],
        [4096, lra.at4K],
      ] as const) {
        const s = speed(length);
        if (s === undefined) continue;
        report({
          figure: `${variant}: speed against full at ${short(length)} (forward+backward)`,
          value: s,
          unit: 'x',
          against: 'Long Range Arena (accelerator, batch 32)',
          reference: published,
          ratio: s / published,
        });
      }
  }
}

/** Part 2: one Adam step of the transformer at L = 400, each variant against full. */
async function step(report: Report, variants: readonly Variant[]): Promise<void> {
  const batch = number('stepBatch', 32);
  const length = 400;
  const xs = tf.randomNormal([batch, length], 0, 1, 'float32', 2);
  const ys = tf.randomNormal([batch, length], 0, 1, 'float32', 3);
  const times = new Map<Variant, { ms: number; peak: number }>();
  // Binary attention forms dense weights: last, so an out-of-memory cannot spoil the others.
  const order: Variant[] = ['full', ...variants.filter((v) => v !== 'full' && v !== 'binary')];
  if (variants.includes('binary')) order.push('binary');
  for (const variant of order) {
    const model = buildModel('transformer', { length, attention: variant });
    const optimizer = tf.train.adam(3e-4);
    const once = () =>
      optimizer
        .minimize(
          () =>
            tf.losses.meanSquaredError(
              ys,
              model.apply(xs, { training: true }) as tf.Tensor,
            ) as tf.Scalar,
          true,
        )!
        .dispose();
    try {
      once(); // compiles, creates Adam's slots
      const peak = peakTensorBytes(once);
      const { ms: time, runs } = wallTime(once);
      times.set(variant, { ms: time, peak });
      console.log(
        `step ${variant}: ${ms(time)} (${runs} timed), peak ${(peak / MiB).toFixed(0)} MiB`,
      );
    } catch (error) {
      const { memory, message } = describeError(error);
      console.log(
        `step ${variant} (L ${length}, batch ${batch}): did not run, ${memory ? 'out of memory' : 'failed'} (${message}): target MISSED`,
      );
      if (!backendAlive()) {
        console.log('the wasm backend broke: later steps not run');
        break;
      }
    } finally {
      try {
        optimizer.dispose();
        model.dispose();
      } catch {
        // A broken backend cannot free them; nothing else holds them.
      }
    }
    await breathe();
  }
  tf.dispose([xs, ys]);
  const full = times.get('full');
  if (!full) return;
  for (const [variant, { ms: time, peak }] of times) {
    if (variant === 'full') continue;
    const slower = time / full.ms;
    report({
      figure: `transformer training step, L ${length}, batch ${batch}: ${variant}`,
      value: time,
      unit: 'ms',
      against: 'full (fused op)',
      reference: full.ms,
      ratio: full.ms / time,
      note: `${slower.toFixed(2)}x full's time: target no more than 2x slower ${slower <= 2 ? 'MET' : 'MISSED'}; peak tensor memory ${(peak / MiB).toFixed(0)} MiB against full's ${(full.peak / MiB).toFixed(0)} MiB`,
    });
  }
}

/**
 * Whether the Trainer takes `attention` in its config: an unknown variant must be refused by
 * name. A Trainer that ignores the key would train full attention under every variant's label.
 */
async function trainerTakesAttention(): Promise<boolean> {
  try {
    await train(
      {
        model: 'transformer',
        attention: 'no-such-variant',
        batchSize: 2,
        budget: { steps: 1 },
      } as unknown as TrainingConfig,
      undefined,
      120,
    );
    return false;
  } catch (error) {
    return /attention/.test(String(error));
  }
}

/**
 * Part 3: the transformer's validation MSE with each variant after the same samples (1D task,
 * L = 400, its seed and validation set), trained by the Trainer, against full attention's.
 */
async function accuracy(report: Report, variants: readonly Variant[]): Promise<void> {
  if (!(await trainerTakesAttention())) {
    console.log(
      'accuracy: NOT RUN: the Trainer does not take `attention` in its config yet (an unknown variant was not refused)',
    );
    return;
  }
  // <trainable-model>'s transformer defaults (docs/design/training.md), with which full
  // attention beats copying the input within a minute's training.
  const samples = number('accuracySamples', 1280);
  const batchSize = number('accuracyBatch', 16);
  const hidden = number('accuracyHidden', 32);
  const learningRate = number('accuracyRate', 0.002);
  const threads = number('threads', 1);
  const deadline = number('deadline', 600);
  const length = 400;
  const copy = baselineScores1D(generateBatch1D(256, { seed: 1_000_003, length })).copy;
  const results = new Map<Variant, { loss: number; elapsed: number; rate: number }>();
  for (const variant of ['full', ...variants.filter((v) => v !== 'full')] as Variant[]) {
    const config = {
      model: 'transformer',
      attention: variant,
      length,
      hidden,
      batchSize,
      learningRate,
      backend: 'wasm',
      threads,
      budget: { samples },
      evaluateEvery: 1e9,
      snapshotEvery: 1e9,
    } as TrainingConfig;
    try {
      const run = await train(config, undefined, deadline);
      results.set(variant, {
        loss: run.done.validationLoss,
        elapsed: run.done.elapsed,
        rate: run.done.samplesPerSecond,
      });
      console.log(
        `accuracy ${variant}: val MSE ${run.done.validationLoss.toFixed(2)} after ${run.done.samplesSeen} samples, ${run.done.elapsed.toFixed(0)} s`,
      );
    } catch (error) {
      console.log(`accuracy ${variant}: did not train (${describeError(error).message})`);
    }
  }
  const full = results.get('full');
  for (const [variant, { loss, elapsed, rate }] of results) {
    const facts = `${elapsed.toFixed(0)} s at ${rate.toFixed(1)} samples/s; copying the input scores ${copy.toFixed(1)}`;
    if (variant === 'full' || !full) {
      report({
        figure: `transformer, ${variant}: val MSE after ${samples.toLocaleString('en')} samples (L ${length}, batch ${batchSize})`,
        value: loss,
        unit: 'MSE',
        against: 'copying the input',
        reference: copy,
        ratio: copy / loss,
        note: facts,
      });
      continue;
    }
    report({
      figure: `transformer, ${variant}: val MSE after ${samples.toLocaleString('en')} samples (L ${length}, batch ${batchSize})`,
      value: loss,
      unit: 'MSE',
      against: 'full attention, same samples',
      reference: full.loss,
      ratio: full.loss / loss,
      note: `${(loss - full.loss).toFixed(2)} from full's ${full.loss.toFixed(2)}; ${facts}`,
    });
  }
}

/**
 * Part 4 (`parts=element`): `<attention-cost>` measures in its own Worker what the sweep measures
 * on this page (the same core code, one thread each); each of its points against the page's
 * mean at the same length, measured just before and just after it (target: within 20%).
 */
async function element(report: Report, variants: readonly Variant[]): Promise<void> {
  const lengths = list('elementLengths', ['256', '1024', '4096']).map(Number);
  const chosen: Variant[] = ['full', ...variants.filter((v) => v !== 'full')];
  const onPage = async () =>
    (await sweepAttentionCost({ variants: chosen, lengths, cap: 600_000, breathe })).curves;
  // A first sweep at the shortest length warms this page's code up; it is not compared.
  await sweepAttentionCost({ variants: chosen, lengths: lengths.slice(0, 1), breathe });
  const before = await onPage();
  const cost = document.createElement('attention-cost') as AttentionCost;
  cost.setAttribute('variants', chosen.join(' '));
  cost.setAttribute('lengths', lengths.join(' '));
  cost.setAttribute('budget', '600000');
  cost.setAttribute('kv-tokens', '0');
  document.body.append(cost);
  await cost.updateComplete;
  const points: CostPointDetail[] = [];
  cost.addEventListener('cost-point', (e) =>
    points.push((e as CustomEvent<CostPointDetail>).detail),
  );
  const done = new Promise((resolve) =>
    cost.addEventListener('cost-done', resolve, { once: true }),
  );
  cost.start();
  await done;
  cost.remove();
  const after = await onPage();
  const ratios: number[] = [];
  for (const p of points) {
    const at = (curves: typeof before) => curves.get(p.variant)?.find((q) => q.length === p.length);
    const [b, a] = [at(before), at(after)];
    if (!b || !a) continue;
    for (const [key, label] of [
      ['forward', 'forward'],
      ['both', 'forward+backward'],
    ] as const) {
      const page = (a[key] + b[key]) / 2;
      ratios.push(p[key] / page);
      report({
        figure: `<attention-cost> in its Worker: ${p.variant} ${label}, L ${short(p.length)}`,
        value: p[key],
        unit: 'ms',
        against: "core's sweep on this page, the mean of a run before and one after",
        reference: page,
        ratio: page / p[key],
        note: `${((100 * (p[key] - page)) / page).toFixed(0)}% off (page: ${ms(b[key])} before, ${ms(a[key])} after); target within 20%`,
      });
    }
  }
  const within = ratios.filter((r) => Math.abs(r - 1) <= 0.2).length;
  console.log(
    `element against page: ${within} of ${ratios.length} times within 20% (${Math.min(...ratios).toFixed(2)}x to ${Math.max(...ratios).toFixed(2)}x)`,
  );
}

const suite: BenchSuite = {
  title: `Attention variants against full attention (our fused op) on wasm (cross-origin isolated: ${crossOriginIsolated ? 'yes' : 'no'}, ${navigator.hardwareConcurrency} cores)`,
  async run(report) {
    const parts = list('parts', ['sweep', 'step', 'accuracy']);
    const variants = list('variants', EFFICIENT) as Variant[];
    for (const v of variants)
      if (v !== 'full' && !EFFICIENT.includes(v))
        throw new RangeError(`variants: no variant "${v}" (${EFFICIENT.join(', ')})`);
    const threads = number('threads', 1);
    await wasmBackend(threads);
    console.log(
      `wasm backend, our kernels and fused attention, ${threads} thread${threads > 1 ? 's' : ''}; each variant at its defaults`,
    );
    if (parts.includes('sweep')) await sweep(report, variants);
    if (parts.includes('step')) await step(report, variants);
    if (parts.includes('accuracy')) await accuracy(report, variants);
    if (parts.includes('element')) await element(report, variants);
  },
};

export default suite;
