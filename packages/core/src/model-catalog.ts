import { ENCODING_KINDS, type EncodingKind } from './positional.js';
import { checkInteger, checkOneOf } from './validation.js';

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

/** One entry of the model menu. */
export interface ModelDescription {
  id: ModelId;
  label: string;
  description: string;
  /** Trainable parameters with these options (tfjs counts one bias per LSTM gate set). */
  parameters: number;
  /** Whether the model has attention layers whose weights can be shown. */
  hasAttention: boolean;
  /** The options that change this model. */
  options: (keyof ModelOptions)[];
}

const DESCRIPTIONS: Record<ModelId, [string, string, (keyof ModelOptions)[]]> = {
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
    ['length', 'hidden'],
  ],
  'attention-pe': [
    'Attention + PE',
    'As Attention, with a sinusoidal positional encoding mixed into the features.',
    ['length', 'hidden'],
  ],
  mha: [
    'Multi-head attention',
    'Four heads of 16 features with an output projection, and positional encoding.',
    ['length', 'hidden', 'heads'],
  ],
  transformer: [
    'Transformer',
    'Pre-norm blocks (attention, feed-forward, residuals, LayerNorm) on a convolutional stem: local features plus global grouping.',
    ['length', 'hidden', 'heads', 'positional', 'mask', 'embedding', 'blocks'],
  ],
};

/** Trainable parameters of a model, worked out from its architecture (no tfjs needed). */
export function parameterCount(id: ModelId, options: ModelOptions = {}): number {
  const { length: L, hidden: d, blocks, embedding, positional } = resolveModelOptions(id, options);
  switch (id) {
    case 'fcn':
      return L * 256 + 256 + 256 * 256 + 256 + 256 * L + L;
    case 'cnn':
      return 5 * d + d + 3 * (5 * d * d + d) + 5 * d + 1;
    case 'lstm':
      return 2 * 4 * d * (d + 2) + 2 * 4 * d * (3 * d + 1) + 2 * d + 1;
    case 'attention':
      return 2 * d + 3 * (d * d + d) + d + 1;
    case 'attention-pe':
      return 2 * d + 4 * (d * d + d) + d + 1;
    case 'mha':
      return 2 * d + 5 * (d * d + d) + d + 1;
    case 'transformer': {
      const stem = embedding === 'conv' ? 5 * d + d + 5 * d * d + d : 2 * d;
      const table = positional === 'learnable' ? L * d : 0;
      const block = 2 * 2 * d + 4 * (d * d + d) + (d * 4 * d + 4 * d) + (4 * d * d + d);
      return stem + table + blocks * block + 2 * d + d + 1;
    }
  }
}

/** The menu of models with their descriptions and parameter counts for these options. */
export function modelCatalog(options: ModelOptions = {}): ModelDescription[] {
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
