import {
  MODEL_ENCODINGS,
  MODEL_IDS,
  SHAPES_1D_DEFAULTS,
  checkInteger,
  checkNumber,
  checkOneOf,
  modelCatalog,
  shownValue,
  type ModelId,
} from '@decoding-attention/core';
import type { WeightsFile } from '@decoding-attention/core/train';
import { hiddenFor, parseBudget, type TrainingSettings } from './training-config.js';

const BACKENDS = ['auto', 'wasm', 'webgl', 'cpu'] as const;

/**
 * The element's bounds: each keeps the work a value causes within reach of a laptop. The
 * validation set lives in the Worker (inputs and targets as float32): at most
 * `validationValues` numbers, 32 MB, whatever the length.
 */
export const TRAINABLE_MODEL_LIMITS = Object.freeze({
  length: { min: SHAPES_1D_DEFAULTS.maxWidth, max: 4096 },
  validationSize: { min: 1, max: 10_000 },
  validationValues: 4_194_304,
  models: { max: MODEL_IDS.length },
});

/** Every setting of the element, as its properties hold them. */
export interface ElementSettings extends TrainingSettings {
  model: ModelId;
  models?: string[];
  runOn: 'worker' | 'page';
}

/**
 * Checks every setting under its attribute name, before any reaches core (properties set from
 * script included, whatever their type); throws a RangeError naming the first bad one.
 */
export function checkSettings(settings: ElementSettings): void {
  const limits = TRAINABLE_MODEL_LIMITS;
  checkOneOf('model', settings.model, MODEL_IDS);
  if (settings.models !== undefined) checkModels(settings.models);
  // Shapes are up to SHAPES_1D_DEFAULTS.maxWidth samples wide: a series holds at least one.
  checkInteger('length', settings.length, limits.length.min, limits.length.max);
  if (settings.hiddenSize !== undefined) checkInteger('hidden-size', settings.hiddenSize, 2, 1024);
  checkInteger('heads', settings.heads, 1, 64);
  checkOneOf('positional', settings.positional, MODEL_ENCODINGS);
  checkOneOf('mask', settings.mask, ['full', 'causal'] as const);
  checkOneOf('embedding', settings.embedding, ['dense', 'conv'] as const);
  checkInteger('blocks', settings.blocks, 1, 24);
  if (settings.learningRate !== undefined)
    checkNumber('learning-rate', settings.learningRate, 1e-9, 10);
  if (settings.batchSize !== undefined) checkInteger('batch-size', settings.batchSize, 1, 4096);
  if (typeof settings.budget !== 'string')
    throw new RangeError(`budget must be text such as "60s", got ${shownValue(settings.budget)}`);
  parseBudget(settings.budget);
  checkInteger('seed', settings.seed, 0, Number.MAX_SAFE_INTEGER);
  checkOneOf('backend', settings.backend, BACKENDS);
  checkOneOf('run-on', settings.runOn, ['worker', 'page'] as const);
  const { min, max } = limits.validationSize;
  checkInteger('validation-size', settings.validationSize, min, max);
  const values = settings.validationSize * settings.length;
  if (values > limits.validationValues)
    throw new RangeError(
      `validation-size (${settings.validationSize}) times length (${settings.length}) is ${values.toLocaleString('en')} values; at most ${limits.validationValues.toLocaleString('en')} (validation-size up to ${Math.floor(limits.validationValues / settings.length)} at this length)`,
    );
  checkInteger('sample', settings.sample, 0, settings.validationSize - 1);
  // The models with heads split their width between them; the menu offers both, so both count.
  for (const id of ['mha', 'transformer'] as const) {
    const hidden = hiddenFor(settings, id);
    if (hidden % settings.heads !== 0)
      throw new RangeError(
        `hidden-size (${hidden}) must be divisible by heads (${settings.heads})`,
      );
  }
  const perHead = hiddenFor(settings, 'transformer') / settings.heads;
  if (settings.positional === 'rope' && perHead % 2 !== 0)
    throw new RangeError(
      `positional="rope" needs an even number of features per head; hidden-size / heads is ${perHead}`,
    );
}

/**
 * The element's settings a weights file was trained at: the model and each option that shapes
 * its weights. Throws an Error saying what is wrong with a file that is not one.
 */
export function weightsSettings(weights: WeightsFile): Partial<ElementSettings> {
  const options = weights?.options as Partial<WeightsFile['options']> | undefined;
  if (
    weights?.format !== 'decoding-attention-weights' ||
    weights.version !== 1 ||
    !(MODEL_IDS as readonly unknown[]).includes(weights.model) ||
    typeof options !== 'object' ||
    options === null
  )
    throw new Error('This is not a decoding-attention weights file (version 1).');
  const shaping = modelCatalog().find((m) => m.id === weights.model)!.options;
  const settings: Record<string, unknown> = { model: weights.model, models: undefined };
  const names: Record<string, keyof ElementSettings> = { hidden: 'hiddenSize' };
  for (const option of ['length', ...shaping] as const)
    if (options[option] !== undefined) settings[names[option] ?? option] = options[option];
  return settings as Partial<ElementSettings>;
}

/** Checks the `models` list: known model ids, each once, as the attribute or a property. */
function checkModels(models: unknown): void {
  if (!Array.isArray(models))
    throw new RangeError(
      `models must be a list of model ids such as "fcn cnn lstm", got ${shownValue(models)}`,
    );
  const { max } = TRAINABLE_MODEL_LIMITS.models;
  if (models.length > max)
    throw new RangeError(`models lists ${models.length} models; at most ${max}, each once`);
  for (const id of models) checkOneOf('models', id as string, MODEL_IDS);
  if (new Set(models).size !== models.length)
    throw new RangeError(`models lists a model twice: ${models.join(', ')}`);
}
