import type {
  AnyModelId,
  AttentionModelOptions,
  ModelId,
  ModelOptions,
  VisionModelOptions,
} from '../model-catalog.js';
import type { AttentionVariant, ResolvedVariantOptions } from '../models/variants/options.js';
import type { FilterMode2D } from '../shapes2d.js';
import type { TaskId } from './task.js';

export { TASKS, LOSS_SCALE_2D, baselineScores2D } from './task.js';
export type { TaskId } from './task.js';

/** The backends training can run on; `auto` measures them and picks the fastest. */
export const TRAINING_BACKENDS = ['auto', 'wasm', 'webgl', 'cpu'] as const;
export type TrainingBackend = (typeof TRAINING_BACKENDS)[number];

/**
 * The parameters each efficient attention variant reads (see VariantOptions), in the order a
 * label or a table names them; `full`, `causal` and `binary` read none.
 */
export const VARIANT_PARAMETERS: Readonly<
  Record<AttentionVariant, readonly (keyof Omit<ResolvedVariantOptions, 'causal'>)[]>
> = Object.freeze({
  full: [],
  causal: [],
  local: ['window'],
  sparse: ['window', 'stride'],
  global: ['window', 'globals'],
  adaptive: ['span', 'ramp', 'spanPenalty'],
  linformer: ['projected'],
  performer: ['features', 'redraw'],
  reformer: ['buckets', 'hashes', 'chunk', 'redraw'],
  binary: [],
});

/** The 1D models whose attention can be an efficient variant (`attention` option). */
export const VARIANT_MODELS: readonly ModelId[] = [
  'attention',
  'attention-pe',
  'mha',
  'transformer',
];

/**
 * Everything a training run needs; `resolveTrainingConfig` fills in the defaults of
 * docs/design/training.md. `attention` and the variant's parameters (AttentionModelOptions)
 * apply to the 1D attention models (VARIANT_MODELS); the other 1D models have no attention and
 * build as they are; vision models take only `full`.
 */
export interface TrainingConfig extends ModelOptions, VisionModelOptions, AttentionModelOptions {
  /** A 1D model (task `shapes-1d`) or a vision model (task `shapes-2d`). */
  model: AnyModelId;
  /**
   * What to learn: `shapes-1d`, the series of docs/design/datasets.md, or `shapes-2d`, its
   * images (default: the model's own: `shapes-2d` for the vision models).
   */
  task?: TaskId;
  /** shapes-2d: which shapes the target keeps (`none`, `channel`, `filled-circles`; default `none`). */
  filter?: FilterMode2D;
  /** Adam's learning rate after warm-up (default 3e-4; 1e-3 on shapes-2d). */
  learningRate?: number;
  /**
   * Steps of linear warm-up (default 300: 3 epochs of 100 batches). A short budget
   * ends the warm-up sooner, at a tenth of the budget, so every run gets to learn at full rate.
   */
  warmupSteps?: number;
  /**
   * The share of the budget by which the warm-up ends at the latest (default 0.1). 0 turns that
   * rule off: the warm-up then takes exactly `warmupSteps` steps, as the series' own runs do.
   */
  warmupBudget?: number;
  /** Fresh samples per step (default 128; 32 on shapes-2d). */
  batchSize?: number;
  /** When to stop: after this many samples, seconds or steps, whichever comes first (default 60 s). */
  budget?: { samples?: number; seconds?: number; steps?: number };
  /** Seed of the training stream (step s trains on samples s * batchSize ... of this seed) and of the initial weights. */
  seed?: number;
  /** Seed of the fixed validation set, separate from training (default seed + 1,000,003). */
  validationSeed?: number;
  /** Samples in the validation set (default 256; 64 on shapes-2d). */
  validationSize?: number;
  /** Which validation sample the snapshots show (default 0). */
  sampleIndex?: number;
  /** How often to measure validation loss, in ms of training (default 2000; always at the end). */
  evaluateEvery?: number;
  /** How often to send a snapshot (prediction and attention), in ms (default 1000). */
  snapshotEvery?: number;
  backend?: TrainingBackend;
  /**
   * Start from the weights the trainer holds (loaded with `importWeights`, or left by the last
   * run) instead of fresh ones (default false). They must be this model's, at these settings.
   */
  keepWeights?: boolean;
  /**
   * On the wasm backend, serve matrix multiplies with @decoding-attention/wasm-kernels' SIMD
   * kernels where the browser can run them (default true); false keeps tfjs's own, to compare.
   */
  wasmKernels?: boolean;
  /**
   * With our wasm kernels, train the attention layers through their fused attention op, which
   * never forms the [batch, heads, length, length] weights (default true); false keeps the
   * layers' matMul-softmax-matMul, to compare.
   */
  fusedAttention?: boolean;
  /**
   * Threads for the wasm backend where the page is cross-origin isolated: tfjs-wasm's threaded
   * build and our kernels' helpers (default: the logical cores, at most 4). 1 keeps training on
   * one thread. It takes effect when the wasm backend first starts in this trainer.
   */
  threads?: number;
  /**
   * Generate each 2D batch on a second thread while the step before trains, where the trainer
   * runs in a Worker that can start one (see batch-prefetch.ts); by default (false) every batch
   * is generated between steps, on the training thread, which measured faster on two shared
   * cores (docs/design/training.md). The batches are the same.
   */
  batchesAhead?: boolean;
}

export type ResolvedTrainingConfig = Required<
  Omit<
    TrainingConfig,
    keyof ModelOptions | keyof VisionModelOptions | keyof AttentionModelOptions | 'budget'
  >
> &
  Required<ModelOptions> &
  Required<VisionModelOptions> & {
    budget: { samples: number; seconds: number; steps: number };
    /** The attention variant (`full` unless set). */
    attention: AttentionVariant;
  } & Omit<ResolvedVariantOptions, 'causal'>;

/** Messages to the trainer. */
export type TrainerCommand =
  | { type: 'start'; config: TrainingConfig }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'reset' }
  | { type: 'export-weights'; id: number; names?: readonly string[] }
  | {
      type: 'import-weights';
      id: number;
      weights: WeightsFile<AnyModelId>;
      /** The settings the loaded model is shown with: its validation sample, its backend. */
      config?: Partial<TrainingConfig>;
    }
  | { type: 'memory'; id: number }
  | { type: 'profile'; id: number; config: TrainingConfig };

/** Progress of a run, sent after every step. */
export interface ProgressMessage {
  type: 'progress';
  step: number;
  samplesSeen: number;
  /** MSE of the last batch (before the update), in the data's units (x 1,000 on shapes-2d). */
  trainLoss: number;
  /** The latest validation MSE, or NaN before the first evaluation. */
  validationLoss: number;
  /** The learning rate of this step, rising through warm-up. */
  learningRate: number;
  /** Training throughput: samples per second spent in training steps. */
  samplesPerSecond: number;
  /** Seconds since the run started, pauses excluded. */
  elapsed: number;
  backend: string;
  /** Fraction of the budget used, 0 to 1. */
  fraction: number;
}

/** A validation measurement, sent every `evaluateEvery` ms and at the end. */
export interface EvaluationMessage {
  type: 'evaluation';
  step: number;
  samplesSeen: number;
  elapsed: number;
  validationLoss: number;
}

/**
 * What the model does on one validation sample, with what its attention layers attend to. On
 * shapes-2d, input, target and prediction are images [height, width, 3] (HWC, row-major, values
 * about [0, 1]; the prediction is not clamped).
 */
export interface SnapshotMessage {
  type: 'snapshot';
  step: number;
  sampleIndex: number;
  input: Float32Array;
  target: Float32Array;
  prediction: Float32Array;
  /** shapes-2d: the images' size. */
  image?: { width: number; height: number; channels: 3 };
  /** Per attention layer, its weights [heads, length, keys], row-major. */
  attention: AttentionSnapshot[];
}

/** One attention layer's weights on the snapshot's sample. */
export interface AttentionSnapshot {
  heads: number;
  /** Query tokens (rows of each head's map). */
  length: number;
  /** Key tokens (columns): `length` for self-attention, the encoder's tokens for cross-attention. */
  keys: number;
  /**
   * What the layer is: `self` (1D models), `encoder-self`, `decoder-self`, `cross` (decoder
   * queries x encoder patches), `channel-within` (colour-plane tokens, all R planes first, then G,
   * then B: three maps, the diagonal blocks) or `channel-across` (one map over all planes).
   */
  kind: string;
  data: Float32Array;
  /**
   * 1D attention models trained with an efficient variant (post 2): which one computed `data`
   * (the pattern it actually used) and what is inside it on the snapshot's sample.
   */
  variant?: VariantSnapshot;
}

/** What an efficient attention variant did on the snapshot's sample, for display. */
export interface VariantSnapshot {
  attention: AttentionVariant;
  /** The variant's resolved parameters (those of VARIANT_PARAMETERS, and `causal`). */
  options?: Record<string, number | number[] | boolean>;
  /** reformer: each round's bucket of every position, [hashes][heads][length] row-major. */
  buckets?: Int32Array;
  /** reformer: hashing rounds in `buckets`. */
  hashes?: number;
  /** adaptive: each head's learned span, in tokens. */
  spans?: Float32Array;
  /** adaptive: the largest span a head can learn, in tokens (the `span` option). */
  maxSpan?: number;
  /** linformer: the weights over the k projected rows, [heads, length, k] row-major. */
  projected?: Float32Array;
  /** linformer: the rows k. */
  rows?: number;
  /** linformer: the learned projections of the keys (E) and of the values (F), each [k, length] row-major. */
  e?: Float32Array;
  f?: Float32Array;
  /** performer: exact softmax attention on the same queries and keys, [heads, length, length], to compare with `data`. */
  exact?: Float32Array;
}

export type TrainerMessage =
  | { type: 'hello' }
  | {
      type: 'ready';
      backend: string;
      /** Whether @decoding-attention/wasm-kernels serve this run's matrix multiplies. */
      wasmKernels: boolean;
      /** Whether the attention layers train through the fused attention op. */
      fusedAttention: boolean;
      /** Threads this run's matrix multiplies are split between. */
      threads: number;
      parameters: number;
      /**
       * With `backend: 'auto'`, each backend's measured ms per sample; empty when the backend
       * was given, or chosen by an earlier run on this page (see `remembered`).
       */
      timings: Record<string, number>;
      /** The task trained on. */
      task: TaskId;
      /** Reported losses are the MSE times this: 1 on shapes-1d, 1,000 on shapes-2d. */
      lossScale: number;
      /**
       * What predictions that need no training score on the validation set, in the reported
       * units: `zeros` and `copy` on shapes-1d; `black`, `copy` and `channelMean` on shapes-2d.
       */
      baselines: Record<string, number>;
      /** Whether `auto` reused the backend an earlier run on this page measured for this model. */
      remembered?: boolean;
      config: ResolvedTrainingConfig;
    }
  | ProgressMessage
  | EvaluationMessage
  | SnapshotMessage
  | {
      type: 'done';
      reason: 'budget' | 'stopped';
      step: number;
      samplesSeen: number;
      elapsed: number;
      validationLoss: number;
      samplesPerSecond: number;
      backend: string;
      /**
       * The most bytes tfjs's tensors held at once during one training step (the run's second,
       * profiled: weights, Adam's moments, the validation set, the batch and every activation and
       * gradient alive together); 0 when the run took fewer than two steps.
       */
      peakBytes: number;
      /**
       * The run's batches generated on a second thread while the step before trained (2D runs
       * in a Worker that can start one, see batch-prefetch.ts); the others were generated
       * between steps.
       */
      batchesAhead: number;
    }
  | { type: 'state'; state: 'paused' | 'running' | 'idle' }
  | { type: 'weights'; id: number; weights: WeightsInTransit }
  | { type: 'imported'; id: number }
  | { type: 'memory'; id: number; numTensors: number; numBytes: number }
  | ({ type: 'profile'; id: number } & StepProfile)
  | { type: 'error'; message: string; id?: number };

/**
 * Trained weights as JSON: the model's configuration and every weight by name. `M` narrows the
 * models a reader of the file expects: the 1D ones by default, `AnyModelId` for vision models too.
 */
export interface WeightsFile<M extends AnyModelId = ModelId> {
  format: 'decoding-attention-weights';
  version: 1;
  model: M;
  /** The task trained on (absent in files of 1D models written before tasks). */
  task?: TaskId;
  /**
   * shapes-2d: the targets the model learned (`none`, `channel`, `filled-circles`); importing
   * the file scores it against the same. Absent in files written before it (read as `none`).
   */
  filter?: FilterMode2D;
  /**
   * The model's options; a vision model's include its own (imageSize, patchSize, ...); a 1D
   * attention model's its `attention` variant and that variant's parameters (absent in files
   * written before the variants: `full`).
   */
  options: Required<ModelOptions> & Partial<VisionModelOptions> & AttentionModelOptions;
  weights: { name: string; shape: number[]; values: number[] }[];
}

/**
 * A weights file on its way from the session to the page: each tensor's values a Float32Array,
 * transferred (a plain array of a few hundred thousand numbers takes the page a long task to
 * receive); `Trainer.exportWeights` makes them the file's plain arrays.
 */
export interface WeightsInTransit extends Omit<WeightsFile<AnyModelId>, 'weights'> {
  weights: { name: string; shape: number[]; values: Float32Array }[];
}

/** Where one training step's time goes: tfjs kernels by total time, largest first. */
export interface StepProfile {
  backend: string;
  batchSize: number;
  /** Wall time of the profiled step, in ms. */
  stepMs: number;
  /** Per kernel name: its summed time (ms) and how many times it ran. */
  kernels: { name: string; ms: number; calls: number }[];
  /**
   * The most bytes tfjs's tensors held at once during the step (weights, Adam's moments, the
   * batch and every activation and gradient alive together).
   */
  peakBytes: number;
}
