/**
 * @decoding-attention/core/train: training in a module Worker (or, where Workers cannot load
 * it, on the page, yielding between steps), controlled by a Trainer. The page imports no tfjs
 * when the Worker runs.
 */
import type {
  TrainingBackend,
  StepProfile,
  TrainerCommand,
  TrainerMessage,
  TrainingConfig,
  WeightsFile,
  WeightsInTransit,
} from './protocol.js';

import { isVisionModel, type AnyModelId, type ModelId } from '../model-catalog.js';

export * from './protocol.js';
export * from './cost-protocol.js';
export { CostRunner } from './cost-runner.js';
export type {
  CostPoint,
  CostStop,
  SweepOptions,
  SweepResult,
  SweepVariant,
} from './attention-cost.js';
export type { KvOptions, KvPass, KvPoint } from './kv-cache.js';

/** How long a Worker may take to load before training falls back to the page. */
const WORKER_TIMEOUT = 20_000;

/**
 * The backends `auto` chose on this page, by model and length: measuring takes seconds (longer
 * than a short run), so each workload is measured once per page and its choice reused.
 */
const chosenBackends = new Map<string, TrainingBackend>();

/** The workload a backend choice is remembered for: the model and its sample's size. */
function workload(config: Partial<TrainingConfig>): string {
  return isVisionModel(config.model)
    ? `${config.model} ${config.imageSize ?? 128}/${config.patchSize ?? 16}`
    : `${config.model} ${config.length ?? 400}`;
}

/** The backend to ask for: as given, or the one `auto` chose before for this workload. */
function backendFor(config: Partial<TrainingConfig>): TrainingConfig['backend'] {
  const backend = config.backend ?? 'auto';
  return backend === 'auto' ? (chosenBackends.get(workload(config)) ?? 'auto') : backend;
}

/** Where a trainer runs: in a module Worker, or on the page (the main thread), yielding between steps. */
export type TrainerMode = 'worker' | 'page';

/**
 * Starts, pauses, resumes, stops and resets training, and hands back what it reports as events
 * named after the messages (`ready`, `progress`, `evaluation`, `snapshot`, `done`, `state`,
 * `error`), each a CustomEvent whose detail is the message.
 */
export class Trainer extends EventTarget {
  private worker: Worker | undefined;
  private session: { handle(command: TrainerCommand): Promise<void> } | undefined;
  private requests = 0;
  private readonly pending = new Map<
    number,
    { resolve: (message: TrainerMessage) => void; reject: (error: Error) => void }
  >();

  private constructor(readonly mode: TrainerMode) {
    super();
  }

  /**
   * A trainer running in a module Worker when possible (`mode: 'auto'`, the default), or on the
   * page (`'page'`). `'worker'` fails rather than fall back.
   */
  static async create({ mode = 'auto' }: { mode?: 'auto' | TrainerMode } = {}): Promise<Trainer> {
    if (mode !== 'page' && typeof Worker !== 'undefined') {
      // The module Worker first (bundlers emit it with its imports resolved); then the
      // self-contained bundle, for pages without a bundler, whose import maps Workers do not see.
      // The first is written out whole, `new Worker(new URL('…', import.meta.url))`, as bundlers
      // look for it and emit the Worker. The second goes through a variable so that they do not:
      // the bundle is for pages without a bundler, which serve dist/ as it is.
      const bundled = './worker.bundle.js';
      const workers = [
        () =>
          new Worker(new URL('./worker.js', import.meta.url), {
            type: 'module',
            name: 'decoding-attention training',
          }),
        () =>
          new Worker(new URL(bundled, import.meta.url), {
            type: 'module',
            name: 'decoding-attention training',
          }),
      ];
      let failure: unknown;
      for (const create of workers) {
        try {
          const trainer = new Trainer('worker');
          await trainer.startWorker(create);
          return trainer;
        } catch (error) {
          failure = error;
        }
      }
      if (mode === 'worker') throw failure;
      console.warn('Training runs on the page: the training Worker could not start.', failure);
    }
    const trainer = new Trainer('page');
    const { TrainingSession } = await import('./session.js');
    trainer.session = new TrainingSession((message) =>
      queueMicrotask(() => trainer.receive(message)),
    );
    return trainer;
  }

  private startWorker(create: () => Worker): Promise<void> {
    return new Promise((resolve, reject) => {
      const worker = create();
      const timer = setTimeout(
        () => fail(new Error('the training Worker did not start in time')),
        WORKER_TIMEOUT,
      );
      const fail = (error: Error) => {
        clearTimeout(timer);
        worker.terminate();
        reject(error);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        fail(new Error(event.message || 'the training Worker failed to load'));
      };
      worker.onmessage = (event: MessageEvent<TrainerMessage>) => {
        if (event.data.type !== 'hello') return;
        clearTimeout(timer);
        worker.onmessage = (message: MessageEvent<TrainerMessage>) => this.receive(message.data);
        worker.onerror = (error) =>
          this.receive({ type: 'error', message: error.message || 'the training Worker failed' });
        this.worker = worker;
        resolve();
      };
    });
  }

  private receive(message: TrainerMessage): void {
    if (message.type === 'ready') {
      const measured = Object.keys(message.timings).length > 0;
      if (measured)
        chosenBackends.set(workload(message.config), message.backend as TrainingBackend);
      if (this.remembering) message = { ...message, remembered: true };
    }
    const id = 'id' in message ? message.id : undefined;
    if (id !== undefined && this.pending.has(id)) {
      const request = this.pending.get(id)!;
      this.pending.delete(id);
      if (message.type === 'error') request.reject(new Error(message.message));
      else request.resolve(message);
      return;
    }
    this.dispatchEvent(new CustomEvent(message.type, { detail: message }));
  }

  private send(command: TrainerCommand): void {
    if (this.worker) this.worker.postMessage(command);
    else if (this.session) void this.session.handle(command);
    else throw new Error('this trainer has been disposed');
  }

  private request(command: TrainerCommand & { id: number }): Promise<TrainerMessage> {
    return new Promise((resolve, reject) => {
      this.pending.set(command.id, { resolve, reject });
      this.send(command);
    });
  }

  /** Whether the run last started reuses a backend `auto` chose earlier on this page. */
  private remembering = false;

  /**
   * Starts a new run (a fresh model, or the weights held with `keepWeights`); a run in progress
   * is stopped first. With `backend: 'auto'`, the backends are measured once per page for each
   * model and length, and the choice reused (its `ready` says `remembered`).
   */
  start(config: TrainingConfig): void {
    const backend = backendFor(config);
    this.remembering = (config.backend ?? 'auto') === 'auto' && backend !== 'auto';
    this.send({ type: 'start', config: { ...config, backend } });
  }

  pause(): void {
    this.send({ type: 'pause' });
  }

  resume(): void {
    this.send({ type: 'resume' });
  }

  /** Stops the run after the current step; a `done` event with reason `stopped` follows. */
  stop(): void {
    this.send({ type: 'stop' });
  }

  /** Stops and frees the model, optimiser and data. */
  reset(): void {
    this.send({ type: 'reset' });
  }

  /**
   * The trained weights as JSON; with `names`, only those weights (a follower that shows one
   * layer need not be sent them all). `M` is the models the caller handles: the 1D ones by
   * default, `AnyModelId` where the run may be a vision model's.
   */
  async exportWeights<M extends AnyModelId = ModelId>({
    names,
  }: { names?: readonly string[] } = {}): Promise<WeightsFile<M>> {
    const reply = await this.request({
      type: 'export-weights',
      id: ++this.requests,
      ...(names ? { names: [...names] } : {}),
    });
    const file = (reply as { weights: WeightsInTransit }).weights;
    return {
      ...file,
      weights: file.weights.map((w) => ({ ...w, values: Array.from(w.values) })),
    } as WeightsFile<M>;
  }

  /**
   * Loads weights exported before: builds their model, sets them, and sends its `snapshot` on
   * the validation sample of `config` (whose other settings, such as the backend, apply too).
   * A later `start` with `keepWeights` trains on from them.
   */
  async importWeights(
    weights: WeightsFile<AnyModelId>,
    config: Partial<TrainingConfig> = {},
  ): Promise<void> {
    const model = typeof weights?.model === 'string' ? weights.model : config.model;
    const backend = backendFor({ ...config, ...weights?.options, model });
    await this.request({
      type: 'import-weights',
      id: ++this.requests,
      weights,
      config: { ...config, backend },
    });
  }

  /** tfjs's tensor count and bytes where training runs, to check nothing leaks. */
  async memory(): Promise<{ numTensors: number; numBytes: number }> {
    const reply = (await this.request({ type: 'memory', id: ++this.requests })) as {
      numTensors: number;
      numBytes: number;
    };
    return { numTensors: reply.numTensors, numBytes: reply.numBytes };
  }

  /**
   * Where the time of one training step goes, kernel by kernel, for a fresh model of `config`
   * (the backend as given, or the current one for `auto`); only while no run is in progress.
   */
  async profileStep(config: TrainingConfig): Promise<StepProfile> {
    const reply = (await this.request({ type: 'profile', id: ++this.requests, config })) as {
      type: 'profile';
    } & StepProfile;
    const { backend, batchSize, stepMs, kernels, peakBytes } = reply;
    return { backend, batchSize, stepMs, kernels, peakBytes };
  }

  /** Stops everything and, in Worker mode, terminates the Worker. */
  dispose(): void {
    if (this.session) void this.session.handle({ type: 'reset' });
    this.worker?.terminate();
    this.worker = undefined;
    this.session = undefined;
    for (const { reject } of this.pending.values()) reject(new Error('the trainer was disposed'));
    this.pending.clear();
  }
}
