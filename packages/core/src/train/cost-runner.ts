/**
 * The page's side of the cost measurements: starts the training Worker (whose cost session
 * measures), sends it requests and hands back what it reports as events named after the
 * messages (`cost-point`, `cost-stop`, `cost-kv-point`, `cost-done`, `cost-error`). Imports no
 * tfjs on the page unless the Worker cannot start.
 */
import type { CostCommand, CostMessage, CostRequest } from './cost-protocol.js';

/** How long the Worker may take to load before measuring falls back to the page. */
const WORKER_TIMEOUT = 20_000;

export class CostRunner extends EventTarget {
  private worker: Worker | undefined;
  private session: { handle(command: CostCommand): Promise<void> } | undefined;
  private requests = 0;
  private readonly pending = new Map<number, (message: CostMessage) => void>();

  private constructor(readonly mode: 'worker' | 'page') {
    super();
  }

  /** A runner in a module Worker where possible; on the page (yielding between steps) otherwise. */
  static async create({
    mode = 'auto',
  }: { mode?: 'auto' | 'worker' | 'page' } = {}): Promise<CostRunner> {
    if (mode !== 'page' && typeof Worker !== 'undefined') {
      // As the Trainer starts it: the module Worker, then the self-contained bundle.
      const bundled = './worker.bundle.js';
      const workers = [
        () =>
          new Worker(new URL('./worker.js', import.meta.url), {
            type: 'module',
            name: 'decoding-attention cost',
          }),
        () =>
          new Worker(new URL(bundled, import.meta.url), {
            type: 'module',
            name: 'decoding-attention cost',
          }),
      ];
      let failure: unknown;
      for (const create of workers) {
        try {
          const runner = new CostRunner('worker');
          await runner.startWorker(create);
          return runner;
        } catch (error) {
          failure = error;
        }
      }
      if (mode === 'worker') throw failure;
      console.warn(
        'Attention costs are measured on the page: the Worker could not start.',
        failure,
      );
    }
    const runner = new CostRunner('page');
    const { CostSession } = await import('./cost-session.js');
    runner.session = new CostSession((message) => queueMicrotask(() => runner.receive(message)));
    return runner;
  }

  private startWorker(create: () => Worker): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = create();
      const timer = setTimeout(
        () => fail(new Error('the measuring Worker did not start in time')),
        WORKER_TIMEOUT,
      );
      const fail = (error: Error) => {
        clearTimeout(timer);
        worker.terminate();
        reject(error);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        fail(new Error(event.message || 'the measuring Worker failed to load'));
      };
      worker.onmessage = (event: MessageEvent<{ type: string }>) => {
        if (event.data.type !== 'hello') return;
        clearTimeout(timer);
        worker.onmessage = (message: MessageEvent<CostMessage>) => this.receive(message.data);
        worker.onerror = (error) => {
          error.preventDefault();
          this.receive({
            type: 'cost-error',
            message: error.message || 'the measuring Worker failed',
          });
        };
        this.worker = worker;
        resolve();
      };
    });
  }

  private receive(message: CostMessage): void {
    if (message.type === 'cost-memory') {
      this.pending.get(message.id)?.(message);
      this.pending.delete(message.id);
      return;
    }
    this.dispatchEvent(new CustomEvent(message.type, { detail: message }));
  }

  private send(command: CostCommand): void {
    if (this.worker) this.worker.postMessage(command);
    else if (this.session) void this.session.handle(command);
    else throw new Error('this runner has been disposed');
  }

  /** Starts measuring (a run in progress is stopped first). */
  start(request: CostRequest): void {
    this.send({ type: 'cost-start', request });
  }

  /** Stops after the current step; a `cost-done` with `cancelled` follows. */
  stop(): void {
    this.send({ type: 'cost-stop' });
  }

  /** tfjs's tensor count and bytes where the measuring runs, to check nothing leaks. */
  memory(): Promise<{ numTensors: number; numBytes: number }> {
    const id = ++this.requests;
    return new Promise((resolve) => {
      this.pending.set(id, (message) =>
        resolve(message as { numTensors: number; numBytes: number }),
      );
      this.send({ type: 'cost-memory', id });
    });
  }

  /** Ends the Worker at once (a step under way included). */
  dispose(): void {
    if (this.session) void this.session.handle({ type: 'cost-stop' });
    this.worker?.terminate();
    this.worker = undefined;
    this.session = undefined;
    this.pending.clear();
  }
}
