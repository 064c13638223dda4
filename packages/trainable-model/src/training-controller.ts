import {
  isVisionModel,
  modelCatalog,
  visionModelCatalog,
  type AnyModelId,
  type AttentionVariant,
} from '@decoding-attention/core';
import {
  VARIANT_PARAMETERS,
  type ProgressMessage,
  type SnapshotMessage,
  type Trainer,
  type TrainerMessage,
  type TrainerMode,
  type TrainingConfig,
  type WeightsFile,
} from '@decoding-attention/core/train';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { LossRow } from './charts.js';

/**
 * One run of a training: a model and, for the attention models, its attention variant with the
 * variant's label for the results (`local w=8`; none for a lone run of full attention).
 */
export interface TrainingRun {
  model: AnyModelId;
  attention?: AttentionVariant;
  variant?: string;
}

/** One finished run: a row of the results table. */
export interface TrainingResult {
  model: AnyModelId;
  /** The attention models' variant (`full` unless set); absent for the models without attention. */
  attention?: AttentionVariant;
  /** The row's name: the model's, then its variant's (`Transformer · local w=8`) where one was chosen or compared. */
  label: string;
  parameters: number;
  /** Validation MSE at the end of the budget. */
  validationLoss: number;
  samplesSeen: number;
  samplesPerSecond: number;
  seconds: number;
  backend: string;
  /**
   * The most bytes tfjs's tensors held at once in a training step (weights, Adam's moments,
   * the validation set, the batch, every activation and gradient); 0 if the run took one step.
   */
  peakBytes: number;
}

/** What `training-done` carries: every run of this training, in order. */
export interface TrainingDoneDetail {
  results: TrainingResult[];
}

/** What `training-progress` carries: the trainer's progress, the model and (attention models) its variant. */
export type TrainingProgress = ProgressMessage & {
  model: AnyModelId;
  attention?: AttentionVariant;
};

export type TrainingPhase = 'idle' | 'starting' | 'training' | 'paused' | 'done' | 'error';

/** The element a training controller belongs to: it dispatches the controller's events. */
export interface TrainingHost extends ReactiveControllerHost, HTMLElement {
  emit<T>(name: string, detail: T): boolean;
}

/** What the controller needs from its element, and what it hands back to it. */
export interface TrainingHooks {
  /** The trainer's configuration for `model` (with `attention`, or the element's), from the element's (validated) settings. */
  configFor(model: AnyModelId, attention?: AttentionVariant): TrainingConfig;
  /** Whether the element's settings are refused (a message is shown): then no weights fit them. */
  refused?(): boolean;
  /** Where a new trainer runs (`run-on`): `worker` (or the page where no Worker starts) or `page`. */
  place(): TrainerMode;
  /** A new point of a loss curve. */
  loss(row: LossRow): void;
  /** The trainer's baselines on the run's validation set, in the reported units. */
  baselines(scores: Record<string, number>): void;
  /** The model's prediction and attention on the validation sample. */
  snapshot(message: SnapshotMessage): void;
  /** A sentence for screen readers. */
  announce(text: string): void;
  /** Training failed (or the trainer could not start). */
  failed(error: unknown): void;
}

/** The trainer's messages the controller listens to. */
const MESSAGES = ['ready', 'progress', 'evaluation', 'snapshot', 'done', 'error'] as const;

/**
 * The training of a `<trainable-model>`: owns the Trainer (created in `trainer()` alone, with its
 * listeners), the queue of models a comparison trains in turn, and what the trainer reports:
 * the phase, the latest progress, the results. Each change renders the element again; events
 * (`training-progress`, `training-done`) go out through the element's `emit`.
 */
export class TrainingController implements ReactiveController {
  /** Where training stands, for the buttons and the note. */
  phase: TrainingPhase = 'idle';
  /** The last step's progress. */
  progress: TrainingProgress | undefined;
  /** Every finished run of this training. */
  results: TrainingResult[] = [];
  /** The model being trained (or last trained). */
  model: AnyModelId | undefined;
  /** The run being trained (or last trained): the model and its variant. */
  run: TrainingRun | undefined;
  /** The backend the trainer chose, once it is ready. */
  backend = '';
  /**
   * Training on the page: how long each step holds the main thread (ms), once a step took over
   * 50 ms; the page cannot respond for that long, so the element says so. Undefined otherwise.
   */
  pageStepMs: number | undefined;
  private batchSize = 1;

  /**
   * The weights the trainer holds that a run can continue from: loaded with `importWeights`, or
   * left by the last single-model run; `settings` says which model at which settings.
   */
  held: { source: 'imported' | 'trained'; settings: string } | undefined;

  private active: Trainer | undefined;
  private creating: Promise<Trainer | undefined> | undefined;
  /** Counts disconnections: a trainer whose creation outlived one is not kept. */
  private connection = 0;
  private queue: TrainingRun[] = [];

  constructor(
    private readonly host: TrainingHost,
    private readonly hooks: TrainingHooks,
  ) {
    host.addController(this);
  }

  /** The trainer, once created (by `train()` or `importWeights()`). */
  get trainer(): Trainer | undefined {
    return this.active;
  }

  /** Whether a run is under way or about to start. */
  get running(): boolean {
    return this.phase === 'training' || this.phase === 'starting';
  }

  hostDisconnected(): void {
    this.active?.dispose();
    this.active = undefined;
    this.creating = undefined;
    this.connection++;
    this.queue = [];
    this.held = undefined;
    if (this.running || this.phase === 'paused') this.phase = 'idle';
  }

  /** Whether a run of `model` at the element's settings can continue from the weights held. */
  canContinue(model: AnyModelId): boolean {
    if (this.running || !this.held) return false;
    const settings = this.settingsOf(model);
    return !this.running && settings !== '' && this.held?.settings === settings;
  }

  /**
   * Trains `runs` (models, or variants of a model) one after another on the same data and
   * budget, each from scratch; with `keepWeights`, the (one) run continues from the weights held.
   */
  async train(runs: TrainingRun[], keepWeights = false): Promise<void> {
    this.queue = [];
    this.results = [];
    this.progress = undefined;
    this.pageStepMs = undefined;
    // The session reads the held weights out when the run starts; then they are gone.
    this.held = undefined;
    this.setPhase('starting');
    try {
      const trainer = await this.ensureTrainer();
      if (!trainer) return;
      this.queue = [...runs];
      this.startNext(keepWeights);
    } catch (error) {
      this.setPhase('error');
      this.hooks.failed(error);
    }
  }

  /** Pauses training; `resume()` continues where it stopped. */
  pause(): void {
    if (this.phase !== 'training') return;
    this.active?.pause();
    this.setPhase('paused');
  }

  resume(): void {
    if (this.phase !== 'paused') return;
    this.active?.resume();
    this.setPhase('training');
  }

  /** Stops training and forgets the model, the progress and the results. */
  reset(): void {
    this.queue = [];
    this.active?.reset();
    this.results = [];
    this.progress = undefined;
    this.model = undefined;
    this.run = undefined;
    this.held = undefined;
    this.setPhase('idle');
  }

  /** The trained weights of the last model (only those of `names`, when given). */
  async exportWeights(
    options: { names?: readonly string[] } = {},
  ): Promise<WeightsFile<AnyModelId>> {
    if (!this.active) throw new Error('Train a model first.');
    return this.active.exportWeights<AnyModelId>(options);
  }

  /**
   * Loads weights exported before into the trainer (creating it, listeners and all, if need
   * be); the trainer then sends the loaded model's snapshot, and a run can continue from them.
   */
  async importWeights(weights: WeightsFile<AnyModelId>): Promise<void> {
    const trainer = await this.ensureTrainer();
    if (!trainer) throw new Error('The element left the page before the weights were loaded.');
    await trainer.importWeights(weights, this.hooks.configFor(weights.model));
    this.model = weights.model;
    this.run = { model: weights.model, attention: weights.options.attention };
    this.held = { source: 'imported', settings: this.settingsOf(weights.model) };
    this.host.requestUpdate();
  }

  /** What makes weights fit a model: its id and the settings that shape its weights. */
  private settingsOf(model: AnyModelId, attention?: AttentionVariant): string {
    // Settings the element has refused fit no weights, and are never read (a bad value may be
    // anything, even a list of 2^32 - 1 empty slots).
    if (this.hooks.refused?.()) return '';
    try {
      const c = this.hooks.configFor(model, attention);
      const { length, hidden, heads, positional, mask, embedding, blocks } = c;
      return JSON.stringify(
        isVisionModel(model)
          ? [
              model,
              c.imageSize,
              c.patchSize,
              hidden,
              heads,
              positional,
              blocks,
              c.decoderBlocks,
              c.queries,
              c.crossPrior,
              c.channelAttention,
            ]
          : [
              model,
              length,
              hidden,
              heads,
              positional,
              mask,
              embedding,
              blocks,
              // The variant and its parameters: weights of another variant do not continue here.
              c.attention === undefined
                ? undefined
                : Object.fromEntries(
                    ['attention', ...VARIANT_PARAMETERS[c.attention]].map((name) => [
                      name,
                      (c as unknown as Record<string, unknown>)[name],
                    ]),
                  ),
            ],
      );
    } catch {
      // Bad settings fit no weights.
      return '';
    }
  }

  /**
   * The trainer, created on first use: the one place a Trainer is made and its messages are
   * listened to. Undefined if the element left the page meanwhile.
   */
  private ensureTrainer(): Promise<Trainer | undefined> {
    this.creating ??= this.createTrainer().catch((error: unknown) => {
      this.creating = undefined;
      throw error;
    });
    return this.creating;
  }

  private async createTrainer(): Promise<Trainer | undefined> {
    const connection = this.connection;
    const { Trainer } = await import('@decoding-attention/core/train');
    const trainer = await Trainer.create({ mode: this.hooks.place() === 'page' ? 'page' : 'auto' });
    // The element left the page meanwhile: this trainer is not wanted any more.
    if (!this.host.isConnected || connection !== this.connection) {
      trainer.dispose();
      return undefined;
    }
    for (const type of MESSAGES)
      trainer.addEventListener(type, (event) =>
        this.onMessage((event as CustomEvent<TrainerMessage>).detail),
      );
    this.active = trainer;
    return trainer;
  }

  private startNext(keepWeights = false): void {
    const run = this.queue.shift();
    if (!run || !this.active) return;
    this.model = run.model;
    this.run = run;
    this.active.start({ ...this.hooks.configFor(run.model, run.attention), keepWeights });
  }

  /** The run's name in the loss chart's legend: the model id, then its variant's label. */
  private series(): string {
    const run = this.run;
    const model = this.model ?? 'transformer';
    return run?.variant ? `${model} · ${run.variant}` : model;
  }

  private setPhase(phase: TrainingPhase): void {
    this.phase = phase;
    this.host.requestUpdate();
  }

  private onMessage(message: TrainerMessage): void {
    const model = this.model ?? 'transformer';
    switch (message.type) {
      case 'ready':
        this.backend = message.backend;
        this.batchSize = message.config.batchSize;
        this.hooks.baselines(message.baselines);
        this.setPhase('training');
        this.hooks.announce(
          `Training ${label(model)}${this.run?.variant ? ` · ${this.run.variant}` : ''} on the ${message.backend} backend, ${this.active?.mode === 'page' ? 'on the page' : 'in a Worker'}.`,
        );
        break;
      case 'progress':
        this.progress = {
          ...message,
          model,
          ...(this.run?.attention ? { attention: this.run.attention } : {}),
        };
        this.notePageSteps(message.samplesPerSecond);
        this.host.requestUpdate();
        this.hooks.loss({
          model: this.series(),
          split: 'train',
          samples: message.samplesSeen,
          loss: message.trainLoss,
        });
        this.host.emit<TrainingProgress>('training-progress', this.progress);
        break;
      case 'evaluation':
        if (Number.isFinite(message.validationLoss))
          this.hooks.loss({
            model: this.series(),
            split: 'validation',
            samples: message.samplesSeen,
            loss: message.validationLoss,
          });
        break;
      case 'snapshot':
        this.hooks.snapshot(message);
        break;
      case 'done':
        this.finish(model, message);
        break;
      case 'error':
        this.queue = [];
        this.held = undefined;
        this.setPhase('error');
        this.hooks.failed(new Error(`Training failed: ${message.message}`));
        break;
    }
  }

  /** On the page, a step over 50 ms is a pause the reader feels: measured, for the note to say. */
  private notePageSteps(samplesPerSecond: number): void {
    if (this.active?.mode !== 'page' || !(samplesPerSecond > 0)) return;
    const stepMs = (1000 * this.batchSize) / samplesPerSecond;
    if (stepMs <= 50) return;
    this.pageStepMs = stepMs;
  }

  /** A model has used its budget (or was stopped): its row, then the next model or the end. */
  private finish(model: AnyModelId, message: Extract<TrainerMessage, { type: 'done' }>): void {
    const run = this.run ?? { model };
    const config = this.hooks.configFor(model, run.attention);
    const parameters = (
      isVisionModel(model) ? visionModelCatalog(config) : modelCatalog(config)
    ).find((m) => m.id === model)!.parameters;
    this.results = [
      ...this.results,
      {
        model,
        ...(config.attention && run.attention ? { attention: config.attention } : {}),
        label: run.variant ? `${label(model)} · ${run.variant}` : label(model),
        parameters,
        validationLoss: message.validationLoss,
        samplesSeen: message.samplesSeen,
        samplesPerSecond: message.samplesPerSecond,
        seconds: message.elapsed,
        backend: message.backend,
        peakBytes: message.peakBytes ?? 0,
      },
    ];
    this.host.requestUpdate();
    if (this.queue.length > 0 && message.reason === 'budget') {
      this.startNext();
      return;
    }
    // One model's run leaves its weights to continue from; a comparison's last is not the reader's.
    this.held =
      this.results.length === 1
        ? { source: 'trained', settings: this.settingsOf(model, run.attention) }
        : undefined;
    this.setPhase('done');
    this.hooks.announce(
      `Done: ${this.results.at(-1)!.label} reached a validation MSE of ${message.validationLoss.toFixed(1)}.`,
    );
    this.host.emit<TrainingDoneDetail>('training-done', {
      results: this.results.map((r) => ({ ...r })),
    });
  }
}

/** A model's name as the menu shows it. */
export function label(model: AnyModelId): string {
  const catalog: { id: string; label: string }[] = isVisionModel(model)
    ? visionModelCatalog()
    : modelCatalog();
  return catalog.find((m) => m.id === model)?.label ?? model;
}
