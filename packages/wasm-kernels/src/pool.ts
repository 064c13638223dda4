import type { GemmCall, KernelExports } from './matmul.js';

/** Calls a helper takes at once: a batch of 128 on two threads fits in one round. */
const MAX_CALLS = 128;
/** Int32s of one call in a mailbox: which kernel, then up to 15 arguments, scratch last. */
const CALL_INTS = 16;
/** Int32 slots of a helper's mailbox: round, rounds done, call count, then the calls. */
const SLOT = 3 + CALL_INTS * MAX_CALLS;

/** The kernels a pool runs, by their number in a mailbox. */
export const POOL_KERNELS = ['gemm', 'attentionForward', 'attentionBackward'] as const;
export type PoolKernel = (typeof POOL_KERNELS)[number];

/**
 * A helper: instantiates the kernels over the shared memory, then waits on its mailbox for
 * rounds of calls. A negative round ends it. Kept in one function so it can ship as source.
 */
function helper(): void {
  const scope = self as unknown as {
    onmessage: ((event: MessageEvent) => void) | null;
    postMessage(message: unknown): void;
    close(): void;
  };
  scope.onmessage = (event: MessageEvent) => {
    const { module, memory, control, slot, slotSize } = event.data as {
      module: WebAssembly.Module;
      memory: WebAssembly.Memory;
      control: SharedArrayBuffer;
      slot: number;
      slotSize: number;
    };
    scope.onmessage = null;
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    // In POOL_KERNELS' order (this function ships as source: no names from outside it).
    const kernels = ['gemm', 'attentionForward', 'attentionBackward'].map(
      (name) => instance.exports[name] as (...args: number[]) => void,
    );
    const box = new Int32Array(control, slot * slotSize * 4, slotSize);
    scope.postMessage('ready');
    let seen = 0;
    for (;;) {
      Atomics.wait(box, 0, seen);
      seen = Atomics.load(box, 0);
      if (seen < 0) break;
      const count = box[2];
      for (let i = 0; i < count; i++) {
        const o = 3 + 16 * i;
        kernels[box[o]](...box.subarray(o + 1, o + 16));
      }
      Atomics.store(box, 1, seen);
      Atomics.notify(box, 1);
    }
    scope.close();
  };
}

/** Whether this thread may block in Atomics.wait (workers may; a page's main thread may not). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Threads that run kernel calls (`gemm`, the fused attention) over one shared WebAssembly memory:
 * the calling thread and `helpers` workers, each with the same kernels instantiated over that
 * memory. An op's calls are split between them and the caller waits for all, so an op stays a
 * synchronous call, as tfjs's kernels must be.
 */
export class GemmPool {
  /** How many products the helpers have taken part in. */
  helperRounds = 0;
  private round = 0;
  private readonly blocking = canBlock();

  private constructor(
    private readonly kernels: KernelExports,
    private readonly workers: Worker[],
    private readonly boxes: Int32Array[],
  ) {}

  /**
   * Starts `threads - 1` helpers over `memory` (a shared memory the module imports as
   * env.memory). Undefined where they cannot start: no SharedArrayBuffer (the page is not
   * cross-origin isolated), a Content-Security-Policy without blob: workers, or no answer within
   * `timeoutMs`.
   */
  static async create(
    module: WebAssembly.Module,
    memory: WebAssembly.Memory,
    threads: number,
    timeoutMs = 10_000,
  ): Promise<GemmPool | undefined> {
    const helpers = Math.floor(threads) - 1;
    if (
      helpers < 1 ||
      typeof SharedArrayBuffer !== 'function' ||
      !(memory.buffer instanceof SharedArrayBuffer) ||
      typeof Worker !== 'function'
    )
      return undefined;
    const kernels = new WebAssembly.Instance(module, { env: { memory } })
      .exports as unknown as KernelExports;
    const control = new SharedArrayBuffer(helpers * SLOT * 4);
    const workers: Worker[] = [];
    let url = '';
    try {
      url = URL.createObjectURL(
        new Blob([`(${helper.toString()})()`], { type: 'text/javascript' }),
      );
      for (let slot = 0; slot < helpers; slot++) workers.push(new Worker(url));
      await Promise.all(
        workers.map(
          (worker, slot) =>
            new Promise<void>((resolve, reject) => {
              const timer = setTimeout(() => reject(new Error('no answer')), timeoutMs);
              worker.onmessage = () => {
                clearTimeout(timer);
                resolve();
              };
              worker.onerror = (event) => {
                clearTimeout(timer);
                event.preventDefault();
                reject(new Error(event.message));
              };
              worker.postMessage({ module, memory, control, slot, slotSize: SLOT });
            }),
        ),
      );
    } catch {
      for (const worker of workers) worker.terminate();
      return undefined;
    } finally {
      if (url) URL.revokeObjectURL(url);
    }
    const boxes = workers.map((_, slot) => new Int32Array(control, slot * SLOT * 4, SLOT));
    return new GemmPool(kernels, workers, boxes);
  }

  /** The calling thread and the helpers. */
  get threads(): number {
    return this.workers.length + 1;
  }

  /**
   * Runs every `gemm` call, the caller's share here and the rest on the helpers, and returns
   * when all are done. Each thread's calls must use scratch of their own: `scratch[t]` replaces
   * the calls' `pack` argument on thread t.
   */
  run(calls: GemmCall[], scratch: readonly number[]): void {
    this.runShares('gemm', splitCalls(calls, this.threads), scratch);
  }

  /**
   * Runs calls of one attention kernel (one per batch and head), as many to each thread; the
   * last argument, the scratch, is `scratch[t]` on thread t.
   */
  runAttention(
    kernel: 'attentionForward' | 'attentionBackward',
    calls: readonly number[][],
    scratch: readonly number[],
  ): void {
    const per = Math.ceil(calls.length / this.threads);
    const shares = Array.from({ length: this.threads }, (_, t) =>
      calls.slice(t * per, (t + 1) * per),
    );
    this.runShares(kernel, shares, scratch);
  }

  private runShares(
    kernel: PoolKernel,
    shares: readonly (readonly number[])[][],
    scratch: readonly number[],
  ): void {
    const threads = this.threads;
    const id = POOL_KERNELS.indexOf(kernel);
    const own = this.kernels[kernel] as (...args: number[]) => void;
    for (let start = 0; ; start += MAX_CALLS) {
      const more = shares.some((share) => share.length > start);
      if (!more) return;
      const round = ++this.round;
      let helped = false;
      for (let t = 1; t < threads; t++) {
        const box = this.boxes[t - 1];
        const part = shares[t].slice(start, start + MAX_CALLS);
        box[2] = part.length;
        part.forEach((call, i) => {
          const o = 3 + CALL_INTS * i;
          box[o] = id;
          box.set(call, o + 1);
          box[o + call.length] = scratch[t];
        });
        helped ||= part.length > 0;
        Atomics.store(box, 0, round);
        Atomics.notify(box, 0);
      }
      if (helped) this.helperRounds++;
      for (const call of shares[0].slice(start, start + MAX_CALLS))
        own(...call.slice(0, -1), scratch[0]);
      for (const box of this.boxes) {
        // Workers sleep until the helper is done; a page's main thread may only spin.
        while (Atomics.load(box, 1) !== round) {
          if (this.blocking) Atomics.wait(box, 1, round - 1, 100);
        }
      }
    }
  }

  /** Ends the helpers. */
  dispose(): void {
    for (const box of this.boxes) {
      Atomics.store(box, 0, -1);
      Atomics.notify(box, 0);
    }
    for (const worker of this.workers) worker.terminate();
    this.workers.length = 0;
  }
}

/**
 * Splits calls between threads: whole calls, as many to each thread, then the calls left over
 * by their rows, in blocks of four (the kernels' tile height).
 */
export function splitCalls(calls: readonly GemmCall[], threads: number): GemmCall[][] {
  const shares: GemmCall[][] = Array.from({ length: threads }, () => []);
  const per = Math.floor(calls.length / threads);
  calls.slice(0, per * threads).forEach((call, i) => {
    shares[Math.floor(i / per)].push([...call] as GemmCall);
  });
  for (const call of calls.slice(per * threads)) {
    const [a, ars, acs, b, brs, bcs, c, ldc, m, n, k, pack] = call;
    const rows = Math.ceil(m / threads / 4) * 4;
    for (let t = 0, first = 0; t < threads && first < m; t++, first += rows) {
      const count = Math.min(rows, m - first);
      shares[t].push([
        a + first * ars * 4,
        ars,
        acs,
        b,
        brs,
        bcs,
        c + first * ldc * 4,
        ldc,
        count,
        n,
        k,
        pack,
      ]);
    }
  }
  return shares;
}
