import { ENCODING_KINDS, type EncodingKind } from './positional.js';
import { checkInteger, checkOneOf } from './validation.js';
import {
  resolveVariantOptions,
  type AttentionVariant,
  type ResolvedVariantOptions,
  type VariantOptions,
} from './models/variants/options.js';

/** The models of docs/design/models.md: post 1's line-up, then a proper transformer. */
export const MODEL_IDS = [
  'fcn',
  'cnn',
  'lstm',
  'attention',
  'attention-pe',
  'mha',
  'transformer',
] as const;
export type ModelId = (typeof MODEL_IDS)[number];

/** The positional encodings a transformer can use (`none` leaves it blind to order). */
export const MODEL_ENCODINGS = ['none', ...ENCODING_KINDS] as const;
export type ModelEncoding = 'none' | EncodingKind;

/** Options of `buildModel`; each has the default of docs/design/models.md. */
export interface ModelOptions {
  /** Samples per series (default 400). */
  length?: number;
  /** Width of every layer: channels, LSTM units, attention features (default 64). */
  hidden?: number;
  /** Attention heads of `mha` and `transformer` (default 4). */
  heads?: number;
  /** transformer: positional encoding (default `sinusoidal`). */
  positional?: ModelEncoding;
  /** transformer: `full` or `causal` attention (default `full`). */
  mask?: 'full' | 'causal';
  /** transformer: `conv` (two convolutions, kernel 5) or `dense` (each position alone) input embedding (default `conv`). */
  embedding?: 'dense' | 'conv';
  /** transformer: number of blocks (default 2). */
  blocks?: number;
  /** Seed of the initial weights (default 0): the same options build the same model. */
  seed?: number;
}

export type ResolvedModelOptions = Required<ModelOptions>;

export const MODEL_DEFAULTS: Readonly<ResolvedModelOptions> = Object.freeze({
  length: 400,
  hidden: 64,
  heads: 4,
  positional: 'sinusoidal',
  mask: 'full',
  embedding: 'conv',
  blocks: 2,
  seed: 0,
});

/** Fills in defaults and checks every option, throwing a RangeError that names a bad one. */
export function resolveModelOptions(id: ModelId, options: ModelOptions = {}): ResolvedModelOptions {
  checkOneOf('model', id, MODEL_IDS);
  const o = { ...MODEL_DEFAULTS };
  for (const [key, value] of Object.entries(options))
    if (value !== undefined) (o as Record<string, unknown>)[key] = value;
  checkInteger('length', o.length, 8, 4096);
  checkInteger('hidden', o.hidden, 2, 1024);
  checkInteger('heads', o.heads, 1, 64);
  checkInteger('blocks', o.blocks, 1, 24);
  checkInteger('seed', o.seed, 0, Number.MAX_SAFE_INTEGER);
  checkOneOf('positional', o.positional, MODEL_ENCODINGS);
  checkOneOf('mask', o.mask, ['full', 'causal'] as const);
  checkOneOf('embedding', o.embedding, ['dense', 'conv'] as const);
  if ((id === 'mha' || id === 'transformer') && o.hidden % o.heads !== 0) {
    throw new RangeError(`hidden (${o.hidden}) must be divisible by heads (${o.heads})`);
  }
  if (id === 'transformer' && o.positional === 'rope' && (o.hidden / o.heads) % 2 !== 0) {
    throw new RangeError(
      `RoPE needs an even number of features per head; hidden / heads is ${o.hidden / o.heads}`,
    );
  }
  return o;
}

/**
 * The attention models' (`attention`, `attention-pe`, `mha`, `transformer`) choice of attention:
 * the variant (default `full`) and its parameters (VariantOptions; `causal` comes from `mask`).
 */
export interface AttentionModelOptions extends Omit<VariantOptions, 'causal'> {
  attention?: AttentionVariant;
}

/** Whether a variant is computed by the fused attention layer (full or causal), not VariantAttention. */
export function isFused(attention: AttentionVariant): attention is 'full' | 'causal' {
  return attention === 'full' || attention === 'causal';
}

/**
 * The model's attention variant and its parameters, checked (a RangeError names a bad one:
 * an unknown variant, a window that is not a positive whole number, Linformer asked to be
 * causal, RoPE with a variant other than full or causal).
 */
export function resolveAttentionOptions(
  id: ModelId,
  options: ModelOptions & AttentionModelOptions = {},
): { attention: AttentionVariant; variant: ResolvedVariantOptions } {
  const o = resolveModelOptions(id, options);
  const attention = options.attention ?? 'full';
  const variant = resolveVariantOptions(
    attention,
    { ...options, causal: attention === 'causal' || o.mask === 'causal' },
    o.length,
  );
  if (id === 'transformer' && o.positional === 'rope' && !isFused(attention))
    throw new RangeError(
      `positional "rope" works with attention full or causal, not "${attention}"`,
    );
  return { attention, variant };
}

/**
 * The parameters one attention layer of `heads` heads and width `d` adds for its variant, on
 * top of its query, key, value (and output) projections: Linformer's E and F (2 k L), adaptive
 * span's span per head; Reformer has no key projection (-(d^2 + d)).
 */
function variantExtra(
  attention: AttentionVariant,
  variant: ResolvedVariantOptions,
  length: number,
  d: number,
  heads: number,
): number {
  switch (attention) {
    case 'linformer':
      return 2 * variant.projected * length;
    case 'adaptive':
      return heads;
    case 'reformer':
      return -(d * d + d);
    default:
      return 0;
  }
}

/** One entry of the model menu. */
export interface ModelDescription {
  id: ModelId;
  label: string;
  description: string;
  /** Trainable parameters with these options (tfjs counts one bias per LSTM gate set). */
  parameters: number;
  /** Whether the model has attention layers whose weights can be shown. */
  hasAttention: boolean;
  /**
   * The options that change this model; the attention models' include `attention`, the variant
   * (AttentionModelOptions), whose own parameters (window, features, ...) come with it.
   */
  options: (keyof (ModelOptions & AttentionModelOptions))[];
}

const DESCRIPTIONS: Record<
  ModelId,
  [string, string, (keyof (ModelOptions & AttentionModelOptions))[]]
> = {
  fcn: [
    'FCN',
    'Every output sees every input through two dense layers of 256; no notion of locality or order.',
    ['length'],
  ],
  cnn: [
    'CNN',
    'Five convolutions of width 5: each output sees 21 neighbours, never the far-away shapes of its group.',
    ['length', 'hidden'],
  ],
  lstm: [
    'RNN (LSTM)',
    'Two bidirectional LSTM layers: must carry what it has seen along the sequence.',
    ['length', 'hidden'],
  ],
  attention: [
    'Attention',
    'One head of dot-product attention over per-position features: looks up by content, but each position sees only its own value.',
    ['length', 'hidden', 'attention'],
  ],
  'attention-pe': [
    'Attention + PE',
    'As Attention, with a sinusoidal positional encoding mixed into the features.',
    ['length', 'hidden', 'attention'],
  ],
  mha: [
    'Multi-head attention',
    'Four heads of 16 features with an output projection, and positional encoding.',
    ['length', 'hidden', 'heads', 'attention'],
  ],
  transformer: [
    'Transformer',
    'Pre-norm blocks (attention, feed-forward, residuals, LayerNorm) on a convolutional stem: local features plus global grouping.',
    ['length', 'hidden', 'heads', 'positional', 'mask', 'embedding', 'blocks', 'attention'],
  ],
};

/** Trainable parameters of a model, worked out from its architecture (no tfjs needed). */
export function parameterCount(
  id: ModelId,
  options: ModelOptions & AttentionModelOptions = {},
): number {
  const o = resolveModelOptions(id, options);
  const { length: L, hidden: d, blocks, embedding, positional } = o;
  const { attention, variant } = resolveAttentionOptions(id, options);
  const extra = (heads: number) => variantExtra(attention, variant, L, d, heads);
  switch (id) {
    case 'fcn':
      return L * 256 + 256 + 256 * 256 + 256 + 256 * L + L;
    case 'cnn':
      return 5 * d + d + 3 * (5 * d * d + d) + 5 * d + 1;
    case 'lstm':
      return 2 * 4 * d * (d + 2) + 2 * 4 * d * (3 * d + 1) + 2 * d + 1;
    case 'attention':
      return 2 * d + 3 * (d * d + d) + d + 1 + extra(1);
    case 'attention-pe':
      return 2 * d + 4 * (d * d + d) + d + 1 + extra(1);
    case 'mha':
      return 2 * d + 5 * (d * d + d) + d + 1 + extra(o.heads);
    case 'transformer': {
      const stem = embedding === 'conv' ? 5 * d + d + 5 * d * d + d : 2 * d;
      const table = positional === 'learnable' ? L * d : 0;
      const block = 2 * 2 * d + 4 * (d * d + d) + (d * 4 * d + 4 * d) + (4 * d * d + d);
      return stem + table + blocks * (block + extra(o.heads)) + 2 * d + d + 1;
    }
  }
}

/** The menu of models with their descriptions and parameter counts for these options. */
export function modelCatalog(
  options: ModelOptions & AttentionModelOptions = {},
): ModelDescription[] {
  return MODEL_IDS.map((id) => {
    const [label, description, relevant] = DESCRIPTIONS[id];
    return {
      id,
      label,
      description,
      parameters: parameterCount(id, options),
      hasAttention:
        id === 'attention' || id === 'attention-pe' || id === 'mha' || id === 'transformer',
      options: relevant,
    };
  });
}

/**
 * The vision models of post 3 (docs/design/models.md, "Vision"): they map a batch of images
 * [batch, imageSize, imageSize, 3] (values in [0, 1]) to images of the same shape, and train on
 * the `shapes-2d` task.
 */
export const VISION_MODEL_IDS = ['vit', 'vit-encdec', 'vit-channels', 'unet'] as const;
export type VisionModelId = (typeof VISION_MODEL_IDS)[number];

/** Any model the trainer can build: a 1D model of post 1 and 2, or a vision model. */
export type AnyModelId = ModelId | VisionModelId;

/** Whether `id` names a vision model. */
export function isVisionModel(id: unknown): id is VisionModelId {
  return (VISION_MODEL_IDS as readonly unknown[]).includes(id);
}

/** The positional encodings a vision model can use: 2D ones over the patch grid. */
export const VISION_ENCODINGS = ['none', 'learnable', 'sinusoidal', 'rope'] as const;
export type VisionEncoding = (typeof VISION_ENCODINGS)[number];

/**
 * Options of the vision models, beside `hidden`, `heads`, `blocks` and `seed` of ModelOptions
 * (whose defaults they share: width 64, 4 heads, 2 encoder blocks).
 */
export interface VisionModelOptions {
  /** Side of the square images, in pixels (default 128). */
  imageSize?: number;
  /** Side of the square patches, in pixels; must divide `imageSize` (default 16). */
  patchSize?: number;
  /** vit-encdec: decoder blocks (default 2). */
  decoderBlocks?: number;
  /**
   * vit-encdec: where each decoder query starts: `encoder`, the encoder's token at the query's
   * own patch plus its position (default), or `learned`, a trained table plus its position.
   */
  queries?: 'encoder' | 'learned';
  /**
   * vit-encdec: what cross-attention's scores favour from the first step: `locality` (default:
   * a trained 2D distance bias per head, started peaked on the query's own patch and its
   * neighbours), `content` (keys projected as the queries are, so a query first reads the
   * tokens that look like its own), `both`, or `none` (random projections: every key alike).
   */
  crossPrior?: 'none' | 'content' | 'locality' | 'both';
  /**
   * vit-channels: a patch's R, G and B planes are tokens of their own; they attend `within`
   * their channel (three maps, default) or `across` channels (one map over all of them).
   */
  channelAttention?: 'within' | 'across';
}

export type ResolvedVisionModelOptions = Required<ModelOptions> & Required<VisionModelOptions>;

export const VISION_DEFAULTS: Readonly<Required<VisionModelOptions>> = Object.freeze({
  imageSize: 128,
  patchSize: 16,
  decoderBlocks: 2,
  queries: 'encoder',
  crossPrior: 'locality',
  channelAttention: 'within',
});

/**
 * The most tokens a vision model's attention runs over: `(imageSize / patchSize)^2` patches,
 * three tokens each for `vit-channels` (its R, G and B planes). A training step holds every
 * layer's weights [batch, heads, tokens, tokens] with their gradients: at batch 32 and the
 * default widths, a step of `vit-encdec` at 256 tokens (patch 8 on 128 x 128) peaks at about
 * 1.1 GB of tensors on the wasm backend, `vit` at 0.5 GB; the next size, patch 4 (1,024 tokens),
 * holds 16 times the attention weights (docs/design/models.md).
 */
export const VISION_TOKEN_LIMIT = 256;

/** The tokens a vision model's attention runs over at these sizes; 0 for `unet`, which has none. */
export function visionTokens(id: VisionModelId, imageSize: number, patchSize: number): number {
  if (id === 'unet') return 0;
  return (imageSize / patchSize) ** 2 * (id === 'vit-channels' ? 3 : 1);
}

/**
 * Fills in a vision model's defaults and checks every option, throwing a RangeError naming a bad
 * one; a model is built and trained only within `VISION_TOKEN_LIMIT` tokens.
 */
export function resolveVisionOptions(
  id: VisionModelId,
  options: ModelOptions & VisionModelOptions = {},
): ResolvedVisionModelOptions {
  const o = resolveVisionSizes(id, options);
  checkVisionTokens(id, o.imageSize, o.patchSize);
  return o;
}

/** The patch sizes that divide `imageSize` and keep `id` within `VISION_TOKEN_LIMIT` tokens. */
export function patchSizesWithinTokens(id: VisionModelId, imageSize: number): number[] {
  const fit: number[] = [];
  for (let p = 1; p <= imageSize; p++)
    if (imageSize % p === 0 && visionTokens(id, imageSize, p) <= VISION_TOKEN_LIMIT) fit.push(p);
  return fit;
}

/**
 * Throws a RangeError naming `patchSize` (an element's `patch-size`) and the sizes that fit
 * when the model's attention would run over more than `VISION_TOKEN_LIMIT` tokens.
 */
export function checkVisionTokens(id: VisionModelId, imageSize: number, patchSize: number): void {
  const tokens = visionTokens(id, imageSize, patchSize);
  if (tokens <= VISION_TOKEN_LIMIT) return;
  const fit = patchSizesWithinTokens(id, imageSize);
  const per = id === 'vit-channels' ? ', three per patch (its R, G and B planes)' : '';
  throw new RangeError(
    `patchSize (patch-size) ${patchSize} gives ${id} ${tokens.toLocaleString('en-US')} tokens on the ${imageSize} x ${imageSize} image${per}; its attention takes at most ${VISION_TOKEN_LIMIT}: use patchSize ${fit.join(', ')}`,
  );
}

/**
 * `resolveVisionOptions` without the token limit: what counting a model's parameters needs,
 * so that a menu can list a model at sizes it would not train at.
 */
function resolveVisionSizes(
  id: VisionModelId,
  options: ModelOptions & VisionModelOptions,
): ResolvedVisionModelOptions {
  checkOneOf('model', id, VISION_MODEL_IDS);
  const o = { ...MODEL_DEFAULTS, ...VISION_DEFAULTS };
  for (const [key, value] of Object.entries(options))
    if (value !== undefined) (o as Record<string, unknown>)[key] = value;
  checkInteger('imageSize', o.imageSize, 8, 512);
  checkInteger('patchSize', o.patchSize, 1, o.imageSize);
  if (o.imageSize % o.patchSize !== 0)
    throw new RangeError(
      `patchSize ${o.patchSize} does not divide the ${o.imageSize} x ${o.imageSize} image`,
    );
  if (id === 'unet' && o.imageSize % 8 !== 0)
    throw new RangeError(`unet needs an imageSize divisible by 8, got ${o.imageSize}`);
  checkInteger('hidden', o.hidden, 2, 1024);
  checkInteger('heads', o.heads, 1, 64);
  checkInteger('blocks', o.blocks, 1, 24);
  checkInteger('decoderBlocks', o.decoderBlocks, 1, 24);
  checkInteger('seed', o.seed, 0, Number.MAX_SAFE_INTEGER);
  checkOneOf('positional', o.positional, VISION_ENCODINGS);
  checkOneOf('queries', o.queries, ['encoder', 'learned'] as const);
  checkOneOf('crossPrior', o.crossPrior, ['none', 'content', 'locality', 'both'] as const);
  checkOneOf('channelAttention', o.channelAttention, ['within', 'across'] as const);
  if (id !== 'unet') {
    if (o.hidden % o.heads !== 0)
      throw new RangeError(`hidden (${o.hidden}) must be divisible by heads (${o.heads})`);
    if (o.positional === 'sinusoidal' && o.hidden % 2 !== 0)
      throw new RangeError(`a 2D sinusoidal encoding needs an even hidden, got ${o.hidden}`);
    if (o.positional === 'rope' && (o.hidden / o.heads) % 4 !== 0)
      throw new RangeError(
        `2D RoPE needs a multiple of 4 features per head; hidden / heads is ${o.hidden / o.heads}`,
      );
  } else if (o.hidden % 2 !== 0) {
    throw new RangeError(`unet needs an even hidden, got ${o.hidden}`);
  }
  return o;
}

/** One entry of the vision model menu. */
export interface VisionModelDescription {
  id: VisionModelId;
  label: string;
  description: string;
  parameters: number;
  hasAttention: boolean;
  /** The options that change this model. */
  options: (keyof (ModelOptions & VisionModelOptions))[];
}

const VISION_DESCRIPTIONS: Record<
  VisionModelId,
  [string, string, (keyof (ModelOptions & VisionModelOptions))[]]
> = {
  vit: [
    'ViT (encoder)',
    'Patches embedded as tokens plus their 2D position, pre-norm encoder blocks, each token projected back to its patch.',
    ['imageSize', 'patchSize', 'hidden', 'heads', 'blocks', 'positional'],
  ],
  'vit-encdec': [
    'ViT encoder-decoder',
    'An encoder over the patches; one decoder query per output patch self-attends, then cross-attends to the encoder tokens.',
    [
      'imageSize',
      'patchSize',
      'hidden',
      'heads',
      'blocks',
      'decoderBlocks',
      'queries',
      'crossPrior',
      'positional',
    ],
  ],
  'vit-channels': [
    'Channel-specific ViT',
    "Each patch's R, G and B planes are tokens of their own, attending within their channel (three maps) or across channels.",
    ['imageSize', 'patchSize', 'hidden', 'heads', 'blocks', 'positional', 'channelAttention'],
  ],
  unet: [
    'U-Net (CNN)',
    'Strided convolutions down to an eighth of the resolution and back up, with a skip connection: local features only.',
    ['imageSize', 'hidden'],
  ],
};

/** Parameters of one pre-norm encoder block of width d (two LayerNorms, attention, feed-forward 4d). */
const encoderBlock = (d: number) =>
  2 * 2 * d + 4 * (d * d + d) + (d * 4 * d + 4 * d) + (4 * d * d + d);
/** Parameters of one decoder block: three LayerNorms, self- and cross-attention, feed-forward 4d. */
const decoderBlock = (d: number) =>
  3 * 2 * d + 8 * (d * d + d) + (d * 4 * d + 4 * d) + (4 * d * d + d);

/** Trainable parameters of a vision model, worked out from its architecture (no tfjs needed). */
export function visionParameterCount(
  id: VisionModelId,
  options: ModelOptions & VisionModelOptions = {},
): number {
  const o = resolveVisionSizes(id, options);
  const d = o.hidden;
  const grid = (o.imageSize / o.patchSize) ** 2;
  const patch = o.patchSize * o.patchSize * 3;
  const table = o.positional === 'learnable' ? grid * d : 0;
  switch (id) {
    case 'vit':
      return patch * d + d + table + o.blocks * encoderBlock(d) + 2 * d + d * patch + patch;
    case 'vit-encdec': {
      const encoder = patch * d + d + table + o.blocks * encoderBlock(d) + 2 * d;
      // The decoder's queries: a learned table or none, plus its own learnable position table.
      const queries = (o.queries === 'learned' ? grid * d : 0) + table;
      // Each cross-attention layer: a trained strength per head for a locality prior, a trained
      // sharpness per head for a content prior.
      const locality =
        (o.crossPrior === 'locality' || o.crossPrior === 'both' ? o.heads : 0) +
        (o.crossPrior === 'content' || o.crossPrior === 'both' ? o.heads : 0);
      return (
        encoder +
        queries +
        o.decoderBlocks * (decoderBlock(d) + locality) +
        2 * d +
        d * patch +
        patch
      );
    }
    case 'vit-channels': {
      const plane = o.patchSize * o.patchSize;
      // A dense per plane, a learned embedding per channel, one position table for all three.
      return plane * d + d + 3 * d + table + o.blocks * encoderBlock(d) + 2 * d + d * plane + plane;
    }
    case 'unet': {
      const c = d / 2;
      return (
        48 * c +
        c + // stem: 4 x 4 x 3 pixels -> c
        (9 * c * c + c) + // 3 x 3 convolution at a quarter of the resolution
        (4 * c * d + d) + // down: 2 x 2 x c -> d
        (9 * d * d + d) + // 3 x 3 convolution at an eighth
        (d * 4 * c + 4 * c) + // up: d -> 2 x 2 x c
        (9 * c * c + c) + // 3 x 3 convolution after the skip connection
        (c * 48 + 48) // head: c -> 4 x 4 x 3 pixels
      );
    }
  }
}

/** The menu of vision models with their descriptions and parameter counts for these options. */
export function visionModelCatalog(
  options: ModelOptions & VisionModelOptions = {},
): VisionModelDescription[] {
  return VISION_MODEL_IDS.map((id) => {
    const [label, description, relevant] = VISION_DESCRIPTIONS[id];
    return {
      id,
      label,
      description,
      parameters: visionParameterCount(id, options),
      hasAttention: id !== 'unet',
      options: relevant,
    };
  });
}
