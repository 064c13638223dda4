// A module Worker for threads.test.ts: splits products between itself and a helper over a shared
// memory of its own, blocking in Atomics.wait as the trainer's Worker does, and reports how far
// the results are from a plain JavaScript product.
import { compileInHeapKernels, gemmCalls, matMulShape } from '../../src/matmul.js';
import { GemmPool } from '../../src/pool.js';

const scope = self as unknown as { postMessage(message: unknown): void };

async function run() {
  const compiled = await compileInHeapKernels({ shared: true });
  if (!compiled) throw new Error('no shared-memory kernels');
  const memory = new WebAssembly.Memory({ initial: 64, maximum: 65536, shared: true });
  const pool = await GemmPool.create(compiled.module, memory, 2);
  if (!pool) throw new Error('no pool');
  let worst = 0;
  // Three products (split whole, the odd one by rows) and a single one (split by rows).
  for (const [batch, m, n, k] of [
    [3, 37, 29, 70],
    [1, 130, 9, 300],
  ]) {
    const shape = matMulShape([batch, m, k], [batch, k, n]);
    const heap = new Float32Array(memory.buffer);
    const a = 64;
    const b = a + batch * m * k * 4;
    const c = b + batch * k * n * 4;
    const scratch = Math.ceil((c + batch * m * n * 4) / 16) * 16;
    const perThread =
      Math.ceil(((m + 4) * Math.min(k, 256) + (n + 8) * Math.min(k, 256) + 32) / 4) * 16;
    for (let i = 0; i < batch * m * k; i++) heap[a / 4 + i] = Math.sin(i * 0.37);
    for (let i = 0; i < batch * k * n; i++) heap[b / 4 + i] = Math.cos(i * 0.11);
    pool.run(gemmCalls(shape, false, false, a, b, c, scratch), [scratch, scratch + perThread]);
    for (let x = 0; x < batch; x++)
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let p = 0; p < k; p++)
            sum += heap[a / 4 + (x * m + i) * k + p] * heap[b / 4 + (x * k + p) * n + j];
          const got = heap[c / 4 + (x * m + i) * n + j];
          worst = Math.max(worst, Math.abs(got - sum) / (1 + Math.abs(sum)));
        }
  }
  const rounds = pool.helperRounds;
  pool.dispose();
  return { worst, rounds };
}

run().then(
  (result) => scope.postMessage(result),
  (error: unknown) => scope.postMessage({ error: String(error) }),
);
