import {
  FILTER_MODES_2D,
  MODEL_ENCODINGS,
  MODEL_IDS,
  SHAPES_1D_DEFAULTS,
  SHAPES_2D_LIMITS,
  VISION_ENCODINGS,
  VISION_MODEL_IDS,
  VISION_TOKEN_LIMIT,
  checkInteger,
  checkNumber,
  checkOneOf,
  isVisionModel,
  patchSizesWithinTokens,
  modelCatalog,
  shownValue,
  visionModelCatalog,
  visionTokens,
  type AnyModelId,
  type AttentionVariant,
  type VisionModelId,
} from '@decoding-attention/core';
import {
  TASKS,
  VARIANT_MODELS,
  VARIANT_PARAMETERS,
  type TaskId,
  type WeightsFile,
} from '@decoding-attention/core/train';
import { checkVariantSettings } from './variant-settings.js';
import {
  DEFAULT_MODELS,
  blocksFor,
  hiddenFor,
  parseBudget,
  sampleValues,
  validationSizeOf,
  type TrainingSettings,
} from './training-config.js';

const BACKENDS = ['auto', 'wasm', 'webgl', 'cpu'] as const;

/**
 * The element's bounds: each keeps the work a value causes within reach of a laptop. The
 * validation set lives in the Worker (inputs and targets as float32): at most
 * `validationValues` numbers, 32 MB, whatever the length or image size. Images are at most 256
 * pixels a side (the 2D generator's own bound).
 */
export const TRAINABLE_MODEL_LIMITS = Object.freeze({
  length: { min: SHAPES_1D_DEFAULTS.maxWidth, max: 4096 },
  imageSize: { min: 8, max: SHAPES_2D_LIMITS.width.max },
  validationSize: { min: 1, max: 10_000 },
  validationValues: 4_194_304,
  models: { max: Math.max(MODEL_IDS.length, VISION_MODEL_IDS.length) },
});

/** The models each task trains: the 1D line-up, or the vision models. */
export const TASK_MODELS: Record<TaskId, readonly AnyModelId[]> = {
  'shapes-1d': MODEL_IDS,
  'shapes-2d': VISION_MODEL_IDS,
};

/** What each task is called in messages. */
const TASK_NAMES: Record<TaskId, string> = {
  'shapes-1d': 'the series task',
  'shapes-2d': 'the image task',
};

/** Every setting of the element, as its properties hold them. */
export interface ElementSettings extends TrainingSettings {
  model?: AnyModelId;
  models?: string[];
  runOn: 'worker' | 'page';
}

/** The model trained: `model`, or the task's default (`transformer`, or `vit-encdec` on images). */
export function modelOf(settings: Pick<ElementSettings, 'model' | 'task'>): AnyModelId {
  // Compared, not looked up: a bad task set from script may be any value, even a symbol.
  return (
    settings.model ?? DEFAULT_MODELS[settings.task === 'shapes-2d' ? 'shapes-2d' : 'shapes-1d']
  );
}

/** Checks a model id against the task's models, naming the attribute and the task's choices. */
function checkTaskModel(name: string, id: unknown, task: TaskId): void {
  const models = TASK_MODELS[task];
  if ((models as readonly unknown[]).includes(id)) return;
  const known = isVisionModel(id) || (MODEL_IDS as readonly unknown[]).includes(id);
  throw new RangeError(
    known
      ? `${name} "${String(id)}" does not train on task="${task}": ${TASK_NAMES[task]} offers ${models.join(', ')}`
      : `${name} must be one of ${models.join(', ')}, got "${shownValue(id)}"${task === 'shapes-2d' ? ' (the models of task="shapes-2d")' : ''}`,
  );
}

/**
 * Checks every setting under its attribute name, before any reaches core (properties set from
 * script included, whatever their type); throws a RangeError naming the first bad one.
 */
export function checkSettings(settings: ElementSettings): void {
  const limits = TRAINABLE_MODEL_LIMITS;
  checkOneOf('task', settings.task, TASKS);
  const images = settings.task === 'shapes-2d';
  if (settings.model !== undefined) checkTaskModel('model', settings.model, settings.task);
  if (settings.models !== undefined) checkModels(settings.models, settings.task);
  // Shapes are up to SHAPES_1D_DEFAULTS.maxWidth samples wide: a series holds at least one.
  checkInteger('length', settings.length, limits.length.min, limits.length.max);
  checkOneOf('filter', settings.filter, FILTER_MODES_2D);
  checkInteger('image-size', settings.imageSize, limits.imageSize.min, limits.imageSize.max);
  checkInteger('patch-size', settings.patchSize, 1, settings.imageSize);
  if (settings.imageSize % settings.patchSize !== 0) {
    const sizes = [];
    for (let p = 1; p <= settings.imageSize; p++) if (settings.imageSize % p === 0) sizes.push(p);
    throw new RangeError(
      `patch-size ${settings.patchSize} does not divide image-size ${settings.imageSize}: use one of ${sizes.join(', ')}`,
    );
  }
  checkInteger('decoder-blocks', settings.decoderBlocks, 1, 24);
  checkOneOf('queries', settings.queries, ['encoder', 'learned'] as const);
  checkOneOf('cross-prior', settings.crossPrior, ['locality', 'content', 'both', 'none'] as const);
  checkOneOf('channel-attention', settings.channelAttention, ['within', 'across'] as const);
  if (settings.hiddenSize !== undefined) checkInteger('hidden-size', settings.hiddenSize, 2, 1024);
  checkInteger('heads', settings.heads, 1, 64);
  checkOneOf('positional', settings.positional, MODEL_ENCODINGS);
  if (images && !(VISION_ENCODINGS as readonly unknown[]).includes(settings.positional))
    throw new RangeError(
      `positional must be one of ${VISION_ENCODINGS.join(', ')} on task="shapes-2d" (encodings of the patch grid), got "${settings.positional}"`,
    );
  checkOneOf('mask', settings.mask, ['full', 'causal'] as const);
  checkOneOf('embedding', settings.embedding, ['dense', 'conv'] as const);
  if (settings.blocks !== undefined) checkInteger('blocks', settings.blocks, 1, 24);
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
  if (settings.validationSize !== undefined)
    checkInteger('validation-size', settings.validationSize, min, max);
  const validationSize = validationSizeOf(settings);
  const perSample = sampleValues(settings);
  const values = validationSize * perSample;
  if (values > limits.validationValues) {
    const size = images
      ? `image-size (${settings.imageSize}) squared times 3`
      : `length (${settings.length})`;
    throw new RangeError(
      `validation-size (${validationSize}) times ${size} is ${values.toLocaleString('en')} values; at most ${limits.validationValues.toLocaleString('en')} (validation-size up to ${Math.floor(limits.validationValues / perSample)} at this ${images ? 'image size' : 'length'})`,
    );
  }
  checkInteger('sample', settings.sample, 0, validationSize - 1);
  if (images) checkVisionWidths(settings);
  else checkSeriesWidths(settings);
  const trained = (settings.models ?? [modelOf(settings)]) as AnyModelId[];
  checkVariantSettings(
    settings,
    images ? [] : trained,
    (id) => ({
      length: settings.length,
      hidden: hiddenFor(settings, id),
      heads: id === 'mha' || id === 'transformer' ? settings.heads : undefined,
      positional: settings.positional,
      mask: settings.mask,
      embedding: settings.embedding,
      blocks: blocksFor(settings, id),
    }),
    images ? Number.MAX_SAFE_INTEGER : settings.length,
  );
}

/** The 1D models with heads split their width between them; the menu offers both, so both count. */
function checkSeriesWidths(settings: ElementSettings): void {
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

/** The vision transformers split their width between heads (the menu offers them all). */
function checkVisionWidths(settings: ElementSettings): void {
  const hidden = hiddenFor(settings, 'vit');
  if (hidden % settings.heads !== 0)
    throw new RangeError(`hidden-size (${hidden}) must be divisible by heads (${settings.heads})`);
  if (hidden % 2 !== 0)
    throw new RangeError(
      `hidden-size must be even on task="shapes-2d" (the 2D encodings and the U-Net split it in two), got ${hidden}`,
    );
  const perHead = hidden / settings.heads;
  if (settings.positional === 'rope' && perHead % 4 !== 0)
    throw new RangeError(
      `positional="rope" on images needs a multiple of 4 features per head (half per axis); hidden-size / heads is ${perHead}`,
    );
  // Attention over N tokens holds N x N weights per head: the trainer refuses more than its limit,
  // so the element says so before Train is pressed.
  const trained = (settings.models ?? [modelOf(settings)]) as VisionModelId[];
  for (const id of trained) {
    const tokens = visionTokens(id, settings.imageSize, settings.patchSize);
    if (tokens <= VISION_TOKEN_LIMIT) continue;
    const fit = patchSizesWithinTokens(id, settings.imageSize);
    const per = id === 'vit-channels' ? ' (three per patch, one per colour plane)' : '';
    throw new RangeError(
      `patch-size ${settings.patchSize} gives ${id} ${tokens.toLocaleString('en')} tokens${per} on image-size ${settings.imageSize}; its attention takes at most ${VISION_TOKEN_LIMIT}: use patch-size ${fit.join(', ')}`,
    );
  }
  if (modelOf(settings) === 'unet' && settings.imageSize % 8 !== 0)
    throw new RangeError(
      `model="unet" needs an image-size divisible by 8, got ${settings.imageSize}`,
    );
}

/** The options that shape each model's weights, by the element's attribute-backed names. */
const OPTION_NAMES: Record<string, keyof ElementSettings> = {
  hidden: 'hiddenSize',
};

/**
 * The element's settings a weights file was trained at: the task, the model and each option
 * that shapes its weights. Throws an Error saying what is wrong with a file that is not one.
 */
export function weightsSettings(weights: WeightsFile<AnyModelId>): Partial<ElementSettings> {
  const options = weights?.options as Partial<WeightsFile<AnyModelId>['options']> | undefined;
  const vision = isVisionModel(weights?.model);
  if (
    weights?.format !== 'decoding-attention-weights' ||
    weights.version !== 1 ||
    !(vision || (MODEL_IDS as readonly unknown[]).includes(weights.model)) ||
    typeof options !== 'object' ||
    options === null
  )
    throw new Error('This is not a decoding-attention weights file (version 1).');
  const shaping: string[] = vision
    ? visionModelCatalog().find((m) => m.id === weights.model)!.options
    : ['length', ...modelCatalog().find((m) => m.id === weights.model)!.options];
  const settings: Record<string, unknown> = {
    task: vision ? 'shapes-2d' : 'shapes-1d',
    model: weights.model,
    models: undefined,
  };
  // The targets a vision model learned: a file written before filters were recorded means none.
  if (vision) settings.filter = weights.filter ?? 'none';
  for (const option of shaping) {
    const value = (options as Record<string, unknown>)[option];
    if (value !== undefined) settings[OPTION_NAMES[option] ?? option] = value;
  }
  // An attention model's variant and its parameters: a file written before the variants is full attention's.
  if ((VARIANT_MODELS as readonly unknown[]).includes(weights.model)) {
    const attention = (options.attention ?? 'full') as AttentionVariant;
    settings.attention = attention;
    settings.attentions = undefined;
    for (const name of VARIANT_PARAMETERS[attention] ?? []) {
      const value = (options as Record<string, unknown>)[name];
      if (value !== undefined) settings[name] = Array.isArray(value) ? [...value] : value;
    }
  }
  return settings as Partial<ElementSettings>;
}

/** Checks the `models` list: the task's model ids, each once, as the attribute or a property. */
function checkModels(models: unknown, task: TaskId): void {
  if (!Array.isArray(models))
    throw new RangeError(
      `models must be a list of model ids such as "${task === 'shapes-2d' ? 'vit vit-encdec' : 'fcn cnn lstm'}", got ${shownValue(models)}`,
    );
  const { max } = TRAINABLE_MODEL_LIMITS.models;
  if (models.length > max)
    throw new RangeError(`models lists ${models.length} models; at most ${max}, each once`);
  for (const id of models) checkTaskModel('models', id, task);
  if (new Set(models).size !== models.length)
    throw new RangeError(`models lists a model twice: ${models.join(', ')}`);
}
