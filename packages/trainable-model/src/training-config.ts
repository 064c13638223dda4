import {
  VARIANT_MODELS,
  type TaskId,
  type TrainingBackend,
  type TrainingConfig,
} from '@decoding-attention/core/train';
import { variantOptions, type VariantSettings } from './variant-settings.js';
import {
  isVisionModel,
  resolveModelOptions,
  resolveVisionOptions,
  type AnyModelId,
  type FilterMode2D,
  type AttentionVariant,
  type ModelEncoding,
} from '@decoding-attention/core';

/**
 * Settings chosen for the browser where the element leaves them unset: the transformer is
 * narrower, one block deep, with smaller batches and a higher learning rate, so that it beats
 * copying the input within seconds on a laptop; the other models keep the reference settings,
 * and so their parameter counts (docs/design/training.md).
 */
export const TRAINING_DEFAULTS: Record<
  'transformer' | 'others' | 'vision',
  { hidden: number; batchSize: number; learningRate: number; blocks: number }
> = {
  transformer: { hidden: 32, batchSize: 16, learningRate: 2e-3, blocks: 1 },
  others: { hidden: 64, batchSize: 128, learningRate: 3e-4, blocks: 2 },
  /** The vision models at the trainer's image defaults (docs/design/training.md). */
  vision: { hidden: 64, batchSize: 32, learningRate: 1e-3, blocks: 2 },
};

/** The model each task trains when `model` is not set. */
export const DEFAULT_MODELS: Record<TaskId, AnyModelId> = {
  'shapes-1d': 'transformer',
  'shapes-2d': 'vit-encdec',
};

/** Validation samples per task when `validation-size` is not set (the trainer's defaults). */
export const DEFAULT_VALIDATION_SIZES: Record<TaskId, number> = {
  'shapes-1d': 256,
  'shapes-2d': 64,
};

/** The element's settings a training run is configured from (its attributes, as properties). */
export interface TrainingSettings extends VariantSettings {
  /** `shapes-1d` (series) or `shapes-2d` (images). */
  task: TaskId;
  /** shapes-2d: which shapes the target keeps. */
  filter: FilterMode2D;
  /** shapes-2d: side of the square images, in pixels. */
  imageSize: number;
  /** shapes-2d: side of the square patches, in pixels. */
  patchSize: number;
  /** vit-encdec: decoder blocks. */
  decoderBlocks: number;
  /** vit-encdec: where the decoder's queries start. */
  queries: 'encoder' | 'learned';
  /** vit-encdec: the bias cross-attention starts with. */
  crossPrior: 'locality' | 'content' | 'both' | 'none';
  /** vit-channels: attention within or across colour channels. */
  channelAttention: 'within' | 'across';
  length: number;
  hiddenSize?: number;
  heads: number;
  positional: ModelEncoding;
  mask: 'full' | 'causal';
  embedding: 'dense' | 'conv';
  blocks?: number;
  learningRate?: number;
  batchSize?: number;
  budget: string;
  seed: number;
  backend: TrainingBackend;
  sample: number;
  validationSize?: number;
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
export function defaultsFor(model: AnyModelId): (typeof TRAINING_DEFAULTS)['others'] {
  if (isVisionModel(model)) return TRAINING_DEFAULTS.vision;
  return TRAINING_DEFAULTS[model === 'transformer' ? 'transformer' : 'others'];
}

/** The width `model` trains at: `hidden-size`, or its default. */
export function hiddenFor(settings: TrainingSettings, model: AnyModelId): number {
  return settings.hiddenSize ?? defaultsFor(model).hidden;
}

/** The blocks `model` stacks (the transformer's, or a vision model's encoder's): `blocks`, or its default. */
export function blocksFor(settings: Pick<TrainingSettings, 'blocks'>, model: AnyModelId): number {
  return settings.blocks ?? defaultsFor(model).blocks;
}

/** The validation samples of a run: `validation-size`, or the task's default. */
export function validationSizeOf(
  settings: Pick<TrainingSettings, 'task' | 'validationSize'>,
): number {
  const task = settings.task === 'shapes-2d' ? 'shapes-2d' : 'shapes-1d';
  return settings.validationSize ?? DEFAULT_VALIDATION_SIZES[task];
}

/** Values in one sample of the task: the series' length, or the image's pixels times 3. */
export function sampleValues(
  settings: Pick<TrainingSettings, 'task' | 'length' | 'imageSize'>,
): number {
  return settings.task === 'shapes-2d' ? settings.imageSize ** 2 * 3 : settings.length;
}

/** The seed of the validation set: its own, derived from the training seed. */
export function validationSeed(seed: number): number {
  return seed + 1_000_003;
}

/**
 * The trainer's configuration for `model` from settings the element has validated; an attention
 * model's with `attention` (default: the element's) and the variant's parameters.
 */
export function trainingConfigFor(
  settings: TrainingSettings,
  model: AnyModelId,
  attention: AttentionVariant = settings.attention,
): TrainingConfig {
  const defaults = defaultsFor(model);
  const run = {
    learningRate: settings.learningRate ?? defaults.learningRate,
    batchSize: settings.batchSize ?? defaults.batchSize,
    budget: parseBudget(settings.budget),
    seed: settings.seed,
    validationSeed: validationSeed(settings.seed),
    validationSize: validationSizeOf(settings),
    sampleIndex: settings.sample,
    backend: settings.backend,
  };
  if (isVisionModel(model)) {
    const options = resolveVisionOptions(model, {
      imageSize: settings.imageSize,
      patchSize: settings.patchSize,
      hidden: hiddenFor(settings, model),
      heads: settings.heads,
      blocks: blocksFor(settings, model),
      decoderBlocks: settings.decoderBlocks,
      queries: settings.queries,
      crossPrior: settings.crossPrior,
      channelAttention: settings.channelAttention,
      positional: settings.positional as 'none' | 'learnable' | 'sinusoidal' | 'rope',
    });
    return { ...options, model, task: 'shapes-2d', filter: settings.filter, ...run };
  }
  const options = resolveModelOptions(model, {
    length: settings.length,
    hidden: hiddenFor(settings, model),
    heads: model === 'mha' || model === 'transformer' ? settings.heads : undefined,
    positional: settings.positional,
    mask: settings.mask,
    embedding: settings.embedding,
    blocks: blocksFor(settings, model),
  });
  const variant = (VARIANT_MODELS as readonly string[]).includes(model)
    ? variantOptions(settings, attention)
    : {};
  return { ...options, ...variant, model, ...run };
}
