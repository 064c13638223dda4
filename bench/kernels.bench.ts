/**
 * `npm run bench:train` (suite `kernels`): @decoding-attention/wasm-kernels against tfjs-wasm's
 * own kernels, on a cross-origin isolated page, so that both one and two threads can be measured
 * in the same run.
 *
 * 1. Matmul: GFLOP/s of tf.matMul on wasm for the attention layer's products (forward and
 *    backward shapes), ours on one and on two threads against tfjs-wasm's, on this page.
 * 2. Memory: the peak tensor memory of one transformer training step (batch 32) with the fused
 *    attention against without it.
 * 3. Training: samples/s of `attention`, `mha` and `transformer` (length 400, batch 128; the
 *    transformer at 32, as at 128 it does not fit tfjs-wasm's heap) in the Worker
 *    <trainable-model> uses: stock tfjs-wasm on one thread (its single-threaded build)
 *    against ours on one thread, with and without the fused attention op, and on two threads
 *    (tfjs's threaded build, our helpers) against both stock figures. A run that does not fit
 *    tfjs-wasm's heap is reported as such.
 *
 * Query options (BENCH_QUERY): `parts=matmul,memory,training`, `kernelBatch=32`, `memoryBatch=32`,
 * `speedupModels=attention,mha,transformer`, `seconds=12` (least timed time per run),
 * `batch=128`, `transformerBatch=32`.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { useWasmKernels } from '@decoding-attention/wasm-kernels';
import type { ModelId } from '@decoding-attention/core';
import { buildModel } from '@decoding-attention/core/models';
import type { BenchSuite, Report } from './harness.js';
import { list, number, throughput, train } from './training.js';

/** GFLOP/s of tf.matMul on wasm for the attention layer's products, ours against tfjs's. */
async function matmul(report: Report): Promise<void> {
  // The wasm binaries sit next to the bench bundle.
  setWasmPaths(new URL('./', location.href).href);
  await tf.setBackend('wasm');
  const batch = number('kernelBatch', 32);
  const [L, d] = [400, 64];
  // Forward: scores Q K^T and output P V; backward: the gradients of both products.
  const shapes: { name: string; a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [
    { name: 'Q K^T', a: [batch, L, d], b: [batch, L, d], ta: false, tb: true },
    { name: 'P V', a: [batch, L, L], b: [batch, L, d], ta: false, tb: false },
    { name: 'dP K (dQ)', a: [batch, L, L], b: [batch, L, d], ta: false, tb: false },
    { name: 'dP^T Q (dK)', a: [batch, L, L], b: [batch, L, d], ta: true, tb: false },
    { name: 'dO V^T (dP)', a: [batch, L, d], b: [batch, L, d], ta: false, tb: true },
    { name: 'P^T dO (dV)', a: [batch, L, L], b: [batch, L, d], ta: true, tb: false },
  ];
  for (const { name, a, b, ta, tb } of shapes) {
    const x = tf.randomUniform(a);
    const y = tf.randomUniform(b);
    const m = ta ? a[2] : a[1];
    const k = ta ? a[1] : a[2];
    const n = tb ? b[1] : b[2];
    const flops = 2 * batch * m * n * k;
    const rate = async (ours: boolean, threads = 1) => {
      await useWasmKernels(ours, { threads });
      tf.matMul(x, y, ta, tb).dispose(); // warm-up
      let best = Infinity;
      // The wasm backend runs a kernel synchronously, so the call's duration is the product's;
      // reading the result back (a copy of up to 20 MB) is left out, as training never does it.
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        const z = tf.matMul(x, y, ta, tb);
        best = Math.min(best, performance.now() - start);
        z.dispose();
      }
      return flops / best / 1e6;
    };
    const stock = await rate(false);
    const ours = await rate(true);
    const two = crossOriginIsolated ? await rate(true, 2) : undefined;
    tf.dispose([x, y]);
    console.log(
      `matmul ${name}: ours ${ours.toFixed(1)} GFLOP/s${two ? `, on two threads ${two.toFixed(1)}` : ''}, tfjs-wasm ${stock.toFixed(1)}`,
    );
    const figure = `matmul ${name}: [${a}]${ta ? 'T' : ''} x [${b}]${tb ? 'T' : ''}`;
    const against = 'tfjs-wasm BatchMatMul';
    report({
      figure: `${figure}, one thread`,
      value: ours,
      unit: 'GFLOP/s',
      against,
      reference: stock,
      ratio: ours / stock,
    });
    if (two)
      report({
        figure: `${figure}, two threads`,
        value: two,
        unit: 'GFLOP/s',
        against,
        reference: stock,
        ratio: two / stock,
      });
  }
  await useWasmKernels(false);
}

/**
 * Peak memory of one training step of the transformer (length 400, tfjs's count of the bytes its
 * tensors hold, through tf.profile), with the fused attention against without it.
 */
async function memory(report: Report): Promise<void> {
  setWasmPaths(new URL('./', location.href).href);
  await tf.setBackend('wasm');
  const batch = number('memoryBatch', 32);
  const model = buildModel('transformer', { length: 400 });
  const x = tf.randomNormal([batch, 400]);
  const peak = async (fusedAttention: boolean) => {
    await useWasmKernels(true, { fusedAttention });
    const info = await tf.profile(() => {
      const { grads, value } = tf.variableGrads(
        () =>
          tf.losses.meanSquaredError(
            tf.zeros([batch, 400]),
            model.apply(x, { training: true }) as tf.Tensor,
          ) as tf.Scalar,
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    return info.peakBytes / 2 ** 20;
  };
  const unfused = await peak(false);
  const fused = await peak(true);
  tf.dispose(x);
  model.dispose();
  await useWasmKernels(false);
  console.log(
    `transformer step, batch ${batch}: peak ${fused.toFixed(0)} MiB fused, ${unfused.toFixed(0)} MiB unfused`,
  );
  report({
    figure: `transformer training step, peak tensor memory (L 400, batch ${batch}), fused attention`,
    value: fused,
    unit: 'MiB',
    against: 'our kernels without the fused attention',
    reference: unfused,
    // Less is better: the ratio is how many times less.
    ratio: unfused / fused,
  });
}

/** Training samples/s on wasm: ours against stock, on one thread and on two. */
async function training(report: Report): Promise<void> {
  const least = number('seconds', 12);
  const settings = [
    { threads: 1, wasmKernels: false, label: 'stock tfjs-wasm, one thread' },
    {
      threads: 1,
      wasmKernels: true,
      fusedAttention: false,
      label: 'ours without the fused attention, one thread',
    },
    { threads: 1, wasmKernels: true, label: 'ours, one thread' },
    ...(crossOriginIsolated
      ? [
          { threads: 2, wasmKernels: false, label: 'stock tfjs-wasm, two threads' },
          { threads: 2, wasmKernels: true, label: 'ours, two threads' },
        ]
      : []),
  ];
  for (const model of list('speedupModels', ['attention', 'mha', 'transformer']) as ModelId[]) {
    const batchSize =
      model === 'transformer' ? number('transformerBatch', 32) : number('batch', 128);
    const rates: Record<string, number> = {};
    for (const { threads, wasmKernels, fusedAttention, label } of settings) {
      const measure = (budget: { steps: number } | { seconds: number }) =>
        train({
          model,
          batchSize,
          backend: 'wasm',
          wasmKernels,
          fusedAttention,
          threads,
          budget,
          evaluateEvery: 1e9,
          snapshotEvery: 1e9,
        });
      // Four steps at least: the first (compiling, first touches of fresh memory) is left out,
      // and so is what a single step would leave to chance. Then at least `least` seconds.
      let run: Awaited<ReturnType<typeof measure>>;
      try {
        run = await measure({ steps: 4 });
        if (run.done.elapsed < least) run = await measure({ seconds: least });
      } catch (error) {
        // A run that outgrows tfjs-wasm's heap (the transformer at batch 128) is said, not hidden.
        console.log(`${model}, ${label}: did not run (${String(error)})`);
        continue;
      }
      const { rate, steps } = throughput(run);
      rates[label] = rate;
      console.log(
        `${model}, ${label} (${run.threads} in use): ${rate.toFixed(2)} samples/s over ${steps} steps`,
      );
    }
    const stock1 = rates['stock tfjs-wasm, one thread'];
    const row = (label: string, against: string) =>
      rates[label] !== undefined &&
      rates[against] !== undefined &&
      report({
        figure: `${model} training, ${label} (L 400, batch ${batchSize})`,
        value: rates[label],
        unit: 'samples/s',
        against: `${model}, ${against}`,
        reference: rates[against],
        ratio: rates[label] / rates[against],
      });
    row('ours, one thread', 'stock tfjs-wasm, one thread');
    row('ours, one thread', 'ours without the fused attention, one thread');
    if (crossOriginIsolated && stock1) {
      row('ours, two threads', 'stock tfjs-wasm, one thread');
      row('ours, two threads', 'stock tfjs-wasm, two threads');
    }
  }
}

const suite: BenchSuite = {
  title: `Our wasm kernels against tfjs-wasm's (cross-origin isolated: ${crossOriginIsolated ? 'yes' : 'no'}, ${navigator.hardwareConcurrency} cores)`,
  async run(report) {
    const parts = list('parts', ['matmul', 'memory', 'training']);
    if (parts.includes('matmul')) await matmul(report);
    if (parts.includes('memory')) await memory(report);
    if (parts.includes('training')) await training(report);
  },
};

export default suite;
