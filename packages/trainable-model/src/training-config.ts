import { resolveModelOptions, type ModelEncoding, type ModelId } from '@decoding-attention/core';
import type { TrainingBackend, TrainingConfig } from '@decoding-attention/core/train';

/**
 * Settings chosen for the browser where the element leaves them unset: the transformer is
 * narrower, with smaller batches and a higher learning rate, so that it beats copying the input
 * within seconds on a laptop; the other models keep the reference settings, and so their
 * parameter counts (docs/design/training.md).
 */
export const TRAINING_DEFAULTS: Record<
  'transformer' | 'others',
  { hidden: number; batchSize: number; learningRate: number }
> = {
  transformer: { hidden: 32, batchSize: 16, learningRate: 2e-3 },
  others: { hidden: 64, batchSize: 128, learningRate: 3e-4 },
};

/** The element's settings a training run is configured from (its attributes, as properties). */
export interface TrainingSettings {
  length: number;
  hiddenSize?: number;
  heads: number;
  positional: ModelEncoding;
  mask: 'full' | 'causal';
  embedding: 'dense' | 'conv';
  blocks: number;
  learningRate?: number;
  batchSize?: number;
  budget: string;
  seed: number;
  backend: TrainingBackend;
  sample: number;
  validationSize: number;
}

/** Reads a budget such as `60s`, `2m`, `20000` or `20000 samples`, `300 steps`. */
export function parseBudget(text: string): NonNullable<TrainingConfig['budget']> {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(s|sec|seconds?|m|min|minutes?|samples?|steps?)?\s*$/i.exec(
    text,
  );
  if (!match)
    throw new RangeError(
      `budget must be like "60s", "2m", "20000 samples" or "300 steps", got "${text}"`,
    );
  const value = Number(match[1]);
  const unit = (match[2] ?? 'samples').toLowerCase();
  if (!(value > 0)) throw new RangeError(`budget must be positive, got "${text}"`);
  if (unit.startsWith('s') && unit !== 'samples' && unit !== 'sample' && !unit.startsWith('st'))
    return { seconds: value };
  if (unit.startsWith('m')) return { seconds: value * 60 };
  if (unit.startsWith('st')) return { steps: Math.ceil(value) };
  return { samples: Math.ceil(value) };
}

/** The browser defaults of `model` (see TRAINING_DEFAULTS). */
export function defaultsFor(model: ModelId): (typeof TRAINING_DEFAULTS)['others'] {
  return TRAINING_DEFAULTS[model === 'transformer' ? 'transformer' : 'others'];
}

/** The width `model` trains at: `hidden-size`, or its default. */
export function hiddenFor(settings: TrainingSettings, model: ModelId): number {
  return settings.hiddenSize ?? defaultsFor(model).hidden;
}

/** The seed of the validation set: its own, derived from the training seed. */
export function validationSeed(seed: number): number {
  return seed + 1_000_003;
}

/** The trainer's configuration for `model` from settings the element has validated. */
export function trainingConfigFor(settings: TrainingSettings, model: ModelId): TrainingConfig {
  const defaults = defaultsFor(model);
  const options = resolveModelOptions(model, {
    length: settings.length,
    hidden: hiddenFor(settings, model),
    heads: model === 'mha' || model === 'transformer' ? settings.heads : undefined,
    positional: settings.positional,
    mask: settings.mask,
    embedding: settings.embedding,
    blocks: settings.blocks,
  });
  return {
    ...options,
    model,
    learningRate: settings.learningRate ?? defaults.learningRate,
    batchSize: settings.batchSize ?? defaults.batchSize,
    budget: parseBudget(settings.budget),
    seed: settings.seed,
    validationSeed: validationSeed(settings.seed),
    validationSize: settings.validationSize,
    sampleIndex: settings.sample,
    backend: settings.backend,
  };
}
