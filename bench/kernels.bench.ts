/**
 * `npm run bench:train` (suite `kernels`): @decoding-attention/wasm-kernels against tfjs-wasm's
 * own kernels, on a cross-origin isolated page, so that both one and two threads can be measured
 * in the same run.
 *
 * 1. Matmul: GFLOP/s of tf.matMul on wasm for the attention layer's products (forward and
 *    backward shapes), ours on one and on two threads against tfjs-wasm's, on this page.
 * 2. Memory: the peak tensor memory in tfjs-wasm's heap of one transformer training step
 *    (length 400): ours at batch 128 against the heap's 4 GiB, and at batch 32 ours against ours
 *    without the fused attention and against stock.
 * 3. Training: samples/s of `attention`, `mha`, `transformer`, `lstm` and `cnn` (length 400,
 *    batch 128; the transformer at 32 too, where stock tfjs-wasm runs it) in the Worker
 *    <trainable-model> uses: stock tfjs-wasm on one thread (its single-threaded build)
 *    against ours on one thread, with and without the fused attention op, and on two threads
 *    (tfjs's threaded build, our helpers) against both stock figures. A run that does not fit
 *    tfjs-wasm's heap is reported as such.
 *
 * Query options (BENCH_QUERY): `parts=matmul,memory,training`, `kernelBatch=32`, `memoryBatch=32`,
 * `speedupModels=attention,mha,transformer,lstm,cnn`, `seconds=12` (least timed time per run),
 * `batch=128`, `transformerBatches=32,128`, `deadline=300` (seconds a run may take before it
 * is given up).
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
 * The most tensor memory `run` added to tfjs-wasm's heap at once (beyond the tensors alive
 * before it, such as the weights): each buffer counted once, however many tensors share it
 * (tfjs's own count, tf.memory().numBytes, counts a buffer once per tensor on it). Not counted:
 * the kernels' scratch, tfjs's own allocations, the heap's fragmentation.
 */
async function peakTensorBytes(run: () => void): Promise<number> {
  type Backend = {
    move(dataId: object, values: unknown, shape: number[], dtype: string, refCount: number): void;
    disposeData(dataId: object, force?: boolean): boolean;
  };
  const backend = tf.findBackend('wasm') as unknown as Backend;
  const { move, disposeData } = backend;
  const sizes = new Map<object, number>();
  let held = 0;
  let peak = 0;
  backend.move = (dataId, values, shape, dtype, refCount) => {
    move.call(backend, dataId, values, shape, dtype, refCount);
    const bytes =
      dtype === 'string'
        ? 0
        : shape.reduce((a, b) => a * b, 1) * tf.util.bytesPerElement(dtype as tf.DataType);
    sizes.set(dataId, bytes);
    held += bytes;
    peak = Math.max(peak, held);
  };
  backend.disposeData = (dataId, force) => {
    const freed = disposeData.call(backend, dataId, force);
    if (freed && sizes.has(dataId)) {
      held -= sizes.get(dataId)!;
      sizes.delete(dataId);
    }
    return freed;
  };
  try {
    run();
  } finally {
    // The methods were the prototype's: dropping the wrappers restores them.
    delete (backend as Partial<Backend>).move;
    delete (backend as Partial<Backend>).disposeData;
  }
  return peak;
}

/**
 * Peak tensor memory in tfjs-wasm's heap of one training step of the transformer (length 400):
 * ours at batch 128 against WebAssembly's 4 GiB; and at batch 32 (`memoryBatch`), where all fit,
 * ours (fused attention, clones sharing memory) against ours without the fused attention and
 * against stock tfjs-wasm.
 */
async function memory(report: Report): Promise<void> {
  setWasmPaths(new URL('./', location.href).href);
  await tf.setBackend('wasm');
  const model = buildModel('transformer', { length: 400 });
  const peak = async (batch: number, wasmKernels: boolean, fusedAttention = true) => {
    await useWasmKernels(wasmKernels, { fusedAttention });
    const x = tf.randomNormal([batch, 400]);
    const bytes = await peakTensorBytes(() => {
      const { grads, value } = tf.variableGrads(
        () =>
          tf.losses.meanSquaredError(
            tf.zeros([batch, 400]),
            model.apply(x, { training: true }) as tf.Tensor,
          ) as tf.Scalar,
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    tf.dispose(x);
    return bytes / 2 ** 20;
  };
  /** A run's peak, or undefined (said on the console) where it did not fit. */
  const attempt = async (label: string, batch: number, wasmKernels: boolean, fused = true) => {
    try {
      const size = await peak(batch, wasmKernels, fused);
      console.log(`transformer step, batch ${batch}, ${label}: peak ${size.toFixed(0)} MiB`);
      return size;
    } catch (error) {
      console.log(`transformer step, batch ${batch}, ${label}: did not run (${String(error)})`);
      return undefined;
    }
  };
  const batch = number('memoryBatch', 32);
  const sizes: Record<string, number | undefined> = {};
  try {
    // First, while the heap is small: it never shrinks, and a run that does not fit breaks it.
    const large = await attempt('ours', 128, true);
    if (large !== undefined)
      report({
        figure: 'transformer training step, peak tensor memory added (L 400, batch 128), ours',
        value: large,
        unit: 'MiB',
        against: "WebAssembly's 4 GiB heap (less tfjs's own and the kernels' scratch)",
        reference: 4096,
        ratio: 4096 / large,
      });
    for (const [label, wasmKernels, fused] of [
      ['ours', true, true],
      ['ours without the fused attention', true, false],
      ['stock tfjs-wasm', false, false],
    ] as const)
      sizes[label] = await attempt(label, batch, wasmKernels, fused);
  } finally {
    model.dispose();
    await useWasmKernels(false);
  }
  for (const against of ['ours without the fused attention', 'stock tfjs-wasm']) {
    if (sizes.ours === undefined || sizes[against] === undefined) continue;
    report({
      figure: `transformer training step, peak tensor memory added (L 400, batch ${batch}), ours`,
      value: sizes.ours,
      unit: 'MiB',
      against,
      reference: sizes[against],
      // Less is better: the ratio is how many times less.
      ratio: sizes[against] / sizes.ours,
    });
  }
}

/** Training samples/s on wasm: ours against stock, on one thread and on two. */
async function training(report: Report): Promise<void> {
  const least = number('seconds', 12);
  // A run with no result by then (a Worker broken by a heap it outgrew) is given up.
  const deadline = number('deadline', 300);
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
  // The transformer at batch 32 too, where stock tfjs-wasm runs it.
  const runs = (
    list('speedupModels', ['attention', 'mha', 'transformer', 'lstm', 'cnn']) as ModelId[]
  ).flatMap((model): { model: ModelId; batchSize: number }[] =>
    model === 'transformer'
      ? list('transformerBatches', ['32', '128']).map((b) => ({ model, batchSize: Number(b) }))
      : [{ model, batchSize: number('batch', 128) }],
  );
  const ranAt = new Map<ModelId, { batchSize: number; rates: Record<string, number> }>();
  for (const { model, batchSize } of runs) {
    const rates: Record<string, number> = {};
    for (const { threads, wasmKernels, fusedAttention, label } of settings) {
      // The LSTM and the CNN have no attention: without the fused attention it is the same run.
      if ((model === 'lstm' || model === 'cnn') && fusedAttention === false) continue;
      const measure = (budget: { steps: number } | { seconds: number }) =>
        train(
          {
            model,
            batchSize,
            backend: 'wasm',
            wasmKernels,
            fusedAttention,
            threads,
            budget,
            evaluateEvery: 1e9,
            snapshotEvery: 1e9,
          },
          undefined,
          deadline,
        );
      // Four steps at least: the first (compiling, first touches of fresh memory) is left out,
      // and so is what a single step would leave to chance. Then at least `least` seconds.
      let run: Awaited<ReturnType<typeof measure>>;
      try {
        run = await measure({ steps: 4 });
        if (run.done.elapsed < least) run = await measure({ seconds: least });
      } catch (error) {
        // A run that outgrows tfjs-wasm's heap (4 GiB at most) is said, not hidden.
        console.log(`${model}, ${label}: did not run (${String(error)})`);
        continue;
      }
      const { rate, steps } = throughput(run);
      rates[label] = rate;
      console.log(
        `${model}, ${label} (${run.threads} in use): ${rate.toFixed(2)} samples/s over ${steps} steps`,
      );
    }
    // Where a stock run did not fit, ours is compared with stock at the largest batch it ran
    // before (so the smaller batches come first in `transformerBatches`).
    const fallback = ranAt.get(model);
    const row = (label: string, against: string) => {
      const own = rates[against] !== undefined;
      const reference = own ? rates[against] : fallback?.rates[against];
      if (rates[label] === undefined || reference === undefined) return;
      report({
        figure: `${model} training, ${label} (L 400, batch ${batchSize})`,
        value: rates[label],
        unit: 'samples/s',
        against: own
          ? `${model}, ${against}`
          : `${model}, ${against}, batch ${fallback!.batchSize} (at ${batchSize} it did not run)`,
        reference,
        ratio: rates[label] / reference,
      });
    };
    row('ours, one thread', 'stock tfjs-wasm, one thread');
    row('ours, one thread', 'ours without the fused attention, one thread');
    // The LSTM's target on one thread (docs/design/training.md), beside what was measured.
    const lstmRate = rates['ours, one thread'];
    if (model === 'lstm' && lstmRate !== undefined)
      report({
        figure: `lstm training, ours, one thread (L 400, batch ${batchSize})`,
        value: lstmRate,
        unit: 'samples/s',
        against: 'the target of 60 samples/s',
        reference: 60,
        ratio: lstmRate / 60,
      });
    // The CNN's target on one thread (docs/design/models.md), beside what was measured.
    const cnnRate = rates['ours, one thread'];
    if (model === 'cnn' && cnnRate !== undefined)
      report({
        figure: `cnn training, ours, one thread (L 400, batch ${batchSize})`,
        value: cnnRate,
        unit: 'samples/s',
        against: 'the target of 250 samples/s',
        reference: 250,
        ratio: cnnRate / 250,
      });
    if (crossOriginIsolated) {
      row('ours, two threads', 'stock tfjs-wasm, one thread');
      row('ours, two threads', 'stock tfjs-wasm, two threads');
    }
    if (
      rates['stock tfjs-wasm, one thread'] !== undefined &&
      batchSize > (ranAt.get(model)?.batchSize ?? 0)
    )
      ranAt.set(model, { batchSize, rates });
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
