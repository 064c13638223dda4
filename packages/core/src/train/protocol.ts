import type { ModelId, ModelOptions } from '../model-catalog.js';

/** The backends training can run on; `auto` measures them and picks the fastest. */
export const TRAINING_BACKENDS = ['auto', 'wasm', 'webgl', 'cpu'] as const;
export type TrainingBackend = (typeof TRAINING_BACKENDS)[number];

/**
 * Everything a training run needs; `resolveTrainingConfig` fills in the defaults of
 * docs/design/training.md.
 */
export interface TrainingConfig extends ModelOptions {
  model: ModelId;
  /** Adam's learning rate after warm-up (default 3e-4). */
  learningRate?: number;
  /**
   * Steps of linear warm-up (default 300: 3 epochs of 100 batches). A short budget
   * ends the warm-up sooner, at a tenth of the budget, so every run gets to learn at full rate.
   */
  warmupSteps?: number;
  /** Fresh samples per step (default 128). */
  batchSize?: number;
  /** When to stop: after this many samples, seconds or steps, whichever comes first (default 60 s). */
  budget?: { samples?: number; seconds?: number; steps?: number };
  /** Seed of the training stream (step s trains on samples s * batchSize ... of this seed) and of the initial weights. */
  seed?: number;
  /** Seed of the fixed validation set, separate from training (default seed + 1,000,003). */
  validationSeed?: number;
  /** Samples in the validation set (default 256). */
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
}

export type ResolvedTrainingConfig = Required<Omit<TrainingConfig, keyof ModelOptions | 'budget'>> &
  Required<ModelOptions> & { budget: { samples: number; seconds: number; steps: number } };

/** Messages to the trainer. */
export type TrainerCommand =
  | { type: 'start'; config: TrainingConfig }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'stop' }
  | { type: 'reset' }
  | { type: 'export-weights'; id: number }
  | {
      type: 'import-weights';
      id: number;
      weights: WeightsFile;
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
  /** MSE of the last batch (before the update), in the data's units. */
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

/** What the model does on one validation sample, with what its attention layers attend to. */
export interface SnapshotMessage {
  type: 'snapshot';
  step: number;
  sampleIndex: number;
  input: Float32Array;
  target: Float32Array;
  prediction: Float32Array;
  /** Per attention layer, its weights [heads, length, length], row-major. */
  attention: { heads: number; length: number; data: Float32Array }[];
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
    }
  | { type: 'state'; state: 'paused' | 'running' | 'idle' }
  | { type: 'weights'; id: number; weights: WeightsFile }
  | { type: 'imported'; id: number }
  | { type: 'memory'; id: number; numTensors: number; numBytes: number }
  | ({ type: 'profile'; id: number } & StepProfile)
  | { type: 'error'; message: string; id?: number };

/** Trained weights as JSON: the model's configuration and every weight by name. */
export interface WeightsFile {
  format: 'decoding-attention-weights';
  version: 1;
  model: ModelId;
  options: Required<ModelOptions>;
  weights: { name: string; shape: number[]; values: number[] }[];
}

/** Where one training step's time goes: tfjs kernels by total time, largest first. */
export interface StepProfile {
  backend: string;
  batchSize: number;
  /** Wall time of the profiled step, in ms. */
  stepMs: number;
  /** Per kernel name: its summed time (ms) and how many times it ran. */
  kernels: { name: string; ms: number; calls: number }[];
}
