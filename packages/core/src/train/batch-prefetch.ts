/**
 * Training batches made one step ahead on a second thread: while the training Worker runs step
 * n, a helper Worker (another instance of the training Worker's own script) generates batch
 * n + 1. A 2D batch of 32 takes about half as long to generate as a `vit` step takes to train,
 * so with a core to spare the helper would hide it; on two shared cores it measured slower than
 * generating between steps, so the trainer uses it only with `batchesAhead` (see
 * docs/design/training.md, "Batches made ahead, layer norm and Adam in a kernel each"). The
 * batches are the same bytes as those made on the training thread: sample k of a stream depends
 * only on its seed and index.
 */
import { trainingTask, type TaskBatch, type TaskId } from './task.js';
import type { FilterMode2D } from '../shapes2d.js';

/** What `trainingTask` needs to rebuild a run's task in the helper. */
export interface BatchTaskSpec {
  task: TaskId;
  length: number;
  imageSize: number;
  filter: FilterMode2D;
}

/** Samples firstIndex ... firstIndex + count - 1 of the stream of `seed`. */
export interface BatchWanted {
  spec: BatchTaskSpec;
  count: number;
  seed: number;
  firstIndex: number;
}

/** Generate a batch into the transferred buffers and send them back. */
export interface BatchRequest extends BatchWanted {
  type: 'batch-request';
  id: number;
  inputs: Float32Array;
  targets: Float32Array;
}

export type BatchReply =
  | { type: 'batch-reply'; id: number; inputs: Float32Array; targets: Float32Array }
  | { type: 'batch-error'; id: number; message: string };

export function isBatchRequest(message: unknown): message is BatchRequest {
  return (message as { type?: unknown } | null)?.type === 'batch-request';
}

/** The helper's side: generates the batch asked for and sends its buffers back. */
export function answerBatchRequest(
  request: BatchRequest,
  post: (reply: BatchReply, transfer: Transferable[]) => void,
): void {
  try {
    const { inputs, targets } = trainingTask(request.spec).generate(
      request.count,
      request.seed,
      request.firstIndex,
      { inputs: request.inputs, targets: request.targets },
    );
    post({ type: 'batch-reply', id: request.id, inputs, targets }, [inputs.buffer, targets.buffer]);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    post({ type: 'batch-error', id: request.id, message }, []);
  }
}

/**
 * Answers the batch requests that reach `scope` (a Worker's global scope); the training session
 * ignores messages of types it does not know.
 */
export function answerBatchRequests(scope: Worker): void {
  scope.addEventListener('message', (event: MessageEvent<unknown>) => {
    if (isBatchRequest(event.data))
      answerBatchRequest(event.data, (reply, transfer) => scope.postMessage(reply, transfer));
  });
}

/** Waits in a row longer than generating here, after which the helper rests. */
const SLOW_WAITS = 3;
/** Batches generated here while the helper rests. */
const SKIPPED_STEPS = 20;

const keyOf = (w: BatchWanted) =>
  `${w.spec.task} ${w.spec.length} ${w.spec.imageSize} ${w.spec.filter} ${w.count} ${w.seed} ${w.firstIndex}`;

/** A Worker's global scope, as far as this module needs it. */
interface WorkerScope {
  location: { href: string };
  importScripts?: unknown;
}

/**
 * Batches for the training loop: `take` hands over the batch asked for (the helper's, when it
 * was asked ahead, else generated here), `ahead` asks the helper for the next one. The batch
 * `take` returns stays the caller's until its next `take`.
 */
export class BatchPrefetcher {
  private worker: Worker | undefined;
  private ready = false;
  /** How many batches `take` handed over from the helper, and generated itself. */
  readonly made = { helper: 0, here: 0 };
  /** Settles when the helper can take requests (true), or cannot start (false). */
  readonly started: Promise<boolean>;
  private onStarted: (started: boolean) => void = () => undefined;
  private requests = 0;
  private readonly pending = new Map<
    string,
    { id: number; batch: Promise<TaskBatch | undefined> }
  >();
  private readonly answers = new Map<number, (batch: TaskBatch | undefined) => void>();
  /** Buffers of one batch's size that nobody holds. */
  private free: TaskBatch[] = [];
  private size = 0;
  private held: TaskBatch | undefined;
  /** How long the last batch generated here took (ms); Infinity before the first. */
  private hereMs = Infinity;
  private slowWaits = 0;
  /** Batches still to be generated here before the helper is asked again. */
  private skipSteps = 0;

  /**
   * A prefetcher whose helper runs `helper`, a module Worker script that answers batch requests
   * (`answerBatchRequests`) and says `{ type: 'hello' }` when it listens. By default, where this
   * code runs in a Worker that can start Workers of its own, the helper is that Worker's own
   * script; elsewhere (on the page, where training shares the thread with the page anyway) and
   * with `false`, every batch is generated in `take`.
   */
  constructor(helper: string | URL | boolean = BatchPrefetcher.canStartHelper()) {
    this.started = new Promise((resolve) => (this.onStarted = resolve));
    if (helper === false) {
      this.onStarted(false);
      return;
    }
    try {
      const script = helper === true ? (self as unknown as WorkerScope).location.href : helper;
      this.worker = new Worker(script, { type: 'module', name: 'decoding-attention batches' });
    } catch {
      this.worker = undefined;
      this.onStarted(false);
      return;
    }
    this.worker.onmessage = (event: MessageEvent<BatchReply | { type: string }>) => {
      const message = event.data;
      if (message.type === 'hello') {
        this.ready = true;
        this.onStarted(true);
      }
      if (message.type !== 'batch-reply' && message.type !== 'batch-error') return;
      const reply = message as BatchReply;
      const answer = this.answers.get(reply.id);
      this.answers.delete(reply.id);
      answer?.(
        reply.type === 'batch-reply' ? { inputs: reply.inputs, targets: reply.targets } : undefined,
      );
    };
    this.worker.onerror = (event) => {
      event.preventDefault();
      this.stopHelper();
    };
  }

  /** Whether this is a Worker that can start a module Worker from its own script. */
  static canStartHelper(): boolean {
    return (
      typeof Worker !== 'undefined' &&
      typeof self !== 'undefined' &&
      typeof (self as unknown as WorkerScope).importScripts === 'function' &&
      typeof (self as unknown as WorkerScope).location?.href === 'string'
    );
  }

  /** Whether a helper Worker makes batches ahead. */
  get helped(): boolean {
    return this.worker !== undefined;
  }

  /** The batch `wanted`, from the helper if it was asked ahead, else generated here. */
  async take(wanted: BatchWanted, size: number): Promise<TaskBatch> {
    this.resize(size);
    if (this.held) this.free.push(this.held);
    this.held = undefined;
    const key = keyOf(wanted);
    const asked = this.pending.get(key);
    this.pending.delete(key);
    const waitStart = performance.now();
    const fromHelper = asked ? await asked.batch : undefined;
    if (fromHelper && fromHelper.inputs.length === size) {
      this.judgeWait(performance.now() - waitStart);
      this.held = fromHelper;
      this.made.helper++;
      return fromHelper;
    }
    this.made.here++;
    if (this.skipSteps > 0) this.skipSteps--;
    const into = this.buffers();
    const start = performance.now();
    const batch = trainingTask(wanted.spec).generate(
      wanted.count,
      wanted.seed,
      wanted.firstIndex,
      into,
    );
    this.hereMs = performance.now() - start;
    this.held = batch;
    return batch;
  }

  /**
   * Where the helper has no core of its own (a loaded machine), the training thread can wait
   * longer for its batch than generating the batch itself takes: after three such waits in a
   * row, the next 20 batches are generated here, then the helper is tried again.
   */
  private judgeWait(waitMs: number): void {
    // A few milliseconds are a message's turn on a busy thread, not a starved helper.
    this.slowWaits = waitMs > Math.max(this.hereMs, 5) ? this.slowWaits + 1 : 0;
    if (this.slowWaits < SLOW_WAITS) return;
    this.slowWaits = 0;
    this.skipSteps = SKIPPED_STEPS;
  }

  /** Asks the helper for `wanted` now, so that it is ready by the time it is taken. */
  ahead(wanted: BatchWanted, size: number): void {
    const worker = this.worker;
    if (!worker || !this.ready || this.skipSteps > 0) return;
    this.resize(size);
    const key = keyOf(wanted);
    if (this.pending.has(key)) return;
    // What was asked for and never taken (a run stopped, or started afresh) comes back as spare.
    for (const [other, request] of this.pending) {
      this.pending.delete(other);
      void request.batch.then((batch) => {
        if (batch?.inputs.length === this.size) this.free.push(batch);
      });
    }
    const { inputs, targets } = this.buffers();
    const id = ++this.requests;
    const batch = new Promise<TaskBatch | undefined>((resolve) => this.answers.set(id, resolve));
    this.pending.set(key, { id, batch });
    const request: BatchRequest = { type: 'batch-request', id, ...wanted, inputs, targets };
    worker.postMessage(request, [inputs.buffer, targets.buffer]);
  }

  /** Stops the helper; batches are then generated in `take`. */
  dispose(): void {
    this.stopHelper();
    this.free = [];
    this.held = undefined;
  }

  private stopHelper(): void {
    this.worker?.terminate();
    this.worker = undefined;
    this.ready = false;
    this.onStarted(false);
    for (const answer of this.answers.values()) answer(undefined);
    this.answers.clear();
  }

  private resize(size: number): void {
    if (size === this.size) return;
    this.size = size;
    this.free = [];
    this.held = undefined;
  }

  private buffers(): TaskBatch {
    return (
      this.free.pop() ?? {
        inputs: new Float32Array(this.size),
        targets: new Float32Array(this.size),
      }
    );
  }
}
