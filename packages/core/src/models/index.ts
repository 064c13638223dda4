/**
 * @decoding-attention/core/models: the series' models as tfjs LayersModels. Imports tfjs; load it
 * only when training or inference starts.
 */
import * as tf from '@tensorflow/tfjs';
import { sampleSeed } from '../random.js';
import {
  isVisionModel,
  resolveAttentionOptions,
  resolveModelOptions,
  resolveVisionOptions,
  type AnyModelId,
  type AttentionModelOptions,
  type ModelOptions,
  type VisionModelId,
  type VisionModelOptions,
} from '../model-catalog.js';
import {
  AddPositionalEncoding,
  BidirectionalLSTM,
  Conv1DSame,
  CrossAttention,
  Gelu,
  LayerNorm,
  PositionalProjection,
  Scale,
  SelfAttention,
  type SelfAttentionArgs,
} from './layers.js';
import { Conv2DSame, LearnedTable, Patchify, TokenDense, Unpatchify } from './vision-layers.js';
import { attentionLayer } from './variants/layer.js';

export {
  AddPositionalEncoding,
  Conv1DSame,
  CrossAttention,
  Dense,
  Gelu,
  LayerNorm,
  PositionalProjection,
  Scale,
  SelfAttention,
  addBias,
  gelu,
  sumRows,
} from './layers.js';
export type { RopeGrid, SelfAttentionArgs } from './layers.js';
export * from './variants/index.js';
export {
  Conv2DSame,
  LearnedTable,
  Patchify,
  TokenDense,
  Unpatchify,
  imageToTokens,
  tokensToImage,
} from './vision-layers.js';
export type { PatchTokens } from './vision-layers.js';
export {
  MODEL_IDS,
  VISION_MODEL_IDS,
  isVisionModel,
  modelCatalog,
  parameterCount,
  resolveModelOptions,
  resolveVisionOptions,
  visionModelCatalog,
  visionParameterCount,
} from '../model-catalog.js';
export type {
  AnyModelId,
  ModelDescription,
  ModelId,
  ModelOptions,
  VisionModelDescription,
  VisionModelId,
  VisionModelOptions,
} from '../model-catalog.js';

/** The transformer's fixed output factor: the data's amplitude scale (see Scale). */
export const OUTPUT_SCALE = 20;

/**
 * Builds a model mapping a batch of 1D inputs [batch, length] to predictions [batch, length],
 * with exactly the architecture of docs/design/models.md (its parameter count is the proof).
 */
export function buildModel(
  id: AnyModelId,
  options: ModelOptions & VisionModelOptions & AttentionModelOptions = {},
): tf.LayersModel {
  if (isVisionModel(id)) return buildVisionModel(id, options);
  const o = resolveModelOptions(id, options);
  const { attention } = resolveAttentionOptions(id, options);
  const { length: L, hidden: d } = o;
  // Every layer with random weights draws its own seed from the model's, in building order.
  let layersSeeded = 0;
  const seed = () => sampleSeed(o.seed, layersSeeded++);
  const dense = (args: Omit<Parameters<typeof tf.layers.dense>[0], 'kernelInitializer'>) =>
    tf.layers.dense({
      ...args,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed() }),
    });
  const input = tf.input({ shape: [L], name: 'input' });
  const sequence = () =>
    tf.layers.reshape({ targetShape: [L, 1] }).apply(input) as tf.SymbolicTensor;
  /** The per-position dense d -> 1, optionally times a fixed factor, as [batch, length]. */
  const flatten = (x: tf.SymbolicTensor, factor = 1) => {
    let y = dense({ units: 1, name: 'head' }).apply(x) as tf.SymbolicTensor;
    if (factor !== 1) y = new Scale({ factor, name: 'head-scale' }).apply(y) as tf.SymbolicTensor;
    return tf.layers
      .reshape({ targetShape: [L], name: 'prediction' })
      .apply(y) as tf.SymbolicTensor;
  };
  let output: tf.SymbolicTensor;
  switch (id) {
    case 'fcn': {
      let x: tf.SymbolicTensor = input;
      for (const name of ['dense1', 'dense2']) {
        x = dense({ units: 256, name }).apply(x) as tf.SymbolicTensor;
        x = new Gelu({ name: `${name}-gelu` }).apply(x) as tf.SymbolicTensor;
      }
      output = dense({ units: L, name: 'prediction' }).apply(x) as tf.SymbolicTensor;
      break;
    }
    case 'cnn': {
      let x = sequence();
      for (let i = 0; i < 4; i++)
        x = new Conv1DSame({
          seed: seed(),
          filters: d,
          activation: 'gelu',
          name: `conv${i + 1}`,
        }).apply(x) as tf.SymbolicTensor;
      x = new Conv1DSame({ seed: seed(), filters: 1, name: 'conv5' }).apply(x) as tf.SymbolicTensor;
      output = tf.layers
        .reshape({ targetShape: [L], name: 'prediction' })
        .apply(x) as tf.SymbolicTensor;
      break;
    }
    case 'lstm': {
      let x = sequence();
      for (let i = 0; i < 2; i++)
        x = new BidirectionalLSTM({ seed: seed(), units: d, name: `lstm${i + 1}` }).apply(
          x,
        ) as tf.SymbolicTensor;
      output = flatten(x);
      break;
    }
    case 'attention':
    case 'attention-pe':
    case 'mha': {
      let x = dense({ units: d, activation: 'relu', name: 'embed' }).apply(
        sequence(),
      ) as tf.SymbolicTensor;
      if (id !== 'attention') {
        x = tf.layers
          .reLU()
          .apply(
            new PositionalProjection({ seed: seed(), name: 'positional' }).apply(x),
          ) as tf.SymbolicTensor;
      }
      const heads = id === 'mha' ? o.heads : 1;
      const [attended] = attentionLayer(
        {
          seed: seed(),
          heads,
          outputProjection: id === 'mha',
          name: 'attention',
        },
        attention,
        options,
      ).apply(x) as tf.SymbolicTensor[];
      output = flatten(attended);
      break;
    }
    case 'transformer': {
      let x: tf.SymbolicTensor;
      if (o.embedding === 'conv') {
        x = new Conv1DSame({ seed: seed(), filters: d, activation: 'gelu', name: 'stem1' }).apply(
          sequence(),
        ) as tf.SymbolicTensor;
        x = new Conv1DSame({ seed: seed(), filters: d, name: 'stem2' }).apply(
          x,
        ) as tf.SymbolicTensor;
      } else {
        x = dense({ units: d, name: 'embed' }).apply(sequence()) as tf.SymbolicTensor;
      }
      if (o.positional !== 'none' && o.positional !== 'rope') {
        x = new AddPositionalEncoding({
          seed: seed(),
          kind: o.positional,
          name: 'positional',
        }).apply(x) as tf.SymbolicTensor;
      }
      for (let b = 0; b < o.blocks; b++) {
        const normed = new LayerNorm({ name: `block${b + 1}/norm1` }).apply(x) as tf.SymbolicTensor;
        const [attended] = attentionLayer(
          {
            seed: seed(),
            heads: o.heads,
            outputProjection: true,
            mask: o.mask,
            ropeBase: o.positional === 'rope' ? 10000 : 0,
            name: `block${b + 1}/attention`,
          },
          attention,
          options,
        ).apply(normed) as tf.SymbolicTensor[];
        x = tf.layers
          .add({ name: `block${b + 1}/residual1` })
          .apply([x, attended]) as tf.SymbolicTensor;
        let y = new LayerNorm({ name: `block${b + 1}/norm2` }).apply(x) as tf.SymbolicTensor;
        y = dense({ units: 4 * d, name: `block${b + 1}/ff1` }).apply(y) as tf.SymbolicTensor;
        y = new Gelu({ name: `block${b + 1}/ff1-gelu` }).apply(y) as tf.SymbolicTensor;
        y = dense({ units: d, name: `block${b + 1}/ff2` }).apply(y) as tf.SymbolicTensor;
        x = tf.layers.add({ name: `block${b + 1}/residual2` }).apply([x, y]) as tf.SymbolicTensor;
      }
      x = new LayerNorm({ name: 'final-norm' }).apply(x) as tf.SymbolicTensor;
      // The head reads unit-scale features; amplitudes are tens (RMS about 18 at the defaults).
      output = flatten(x, OUTPUT_SCALE);
      break;
    }
  }
  return tf.model({ inputs: input, outputs: output, name: id });
}

/**
 * Builds a vision model mapping images [batch, imageSize, imageSize, 3] to images of the same
 * shape, with exactly the architecture of docs/design/models.md ("Vision").
 */
export function buildVisionModel(
  id: VisionModelId,
  options: ModelOptions & VisionModelOptions = {},
): tf.LayersModel {
  const o = resolveVisionOptions(id, options);
  const { imageSize: size, patchSize: p, hidden: d } = o;
  const side = size / p;
  let layersSeeded = 0;
  const seed = () => sampleSeed(o.seed, layersSeeded++);
  const dense = (
    x: tf.SymbolicTensor,
    units: number,
    name: string,
    activation?: 'gelu',
    inputGradient = true,
  ): tf.SymbolicTensor => {
    const y = new TokenDense({ units, name, seed: seed(), inputGradient }).apply(
      x,
    ) as tf.SymbolicTensor;
    return activation ? (new Gelu({ name: `${name}-gelu` }).apply(y) as tf.SymbolicTensor) : y;
  };
  const norm = (x: tf.SymbolicTensor, name: string) =>
    new LayerNorm({ name }).apply(x) as tf.SymbolicTensor;
  const add = (a: tf.SymbolicTensor, b: tf.SymbolicTensor, name: string) =>
    tf.layers.add({ name }).apply([a, b]) as tf.SymbolicTensor;
  const input = tf.input({ shape: [size, size, 3], name: 'input' });
  const grid = (repeat = 1) => ({ rows: side, cols: side, repeat });
  /** The 2D positional encoding added to tokens on `repeat` grids, unless it is none or RoPE. */
  const position = (x: tf.SymbolicTensor, name: string, repeat = 1) =>
    o.positional === 'sinusoidal' || o.positional === 'learnable'
      ? (new AddPositionalEncoding({
          seed: seed(),
          kind: o.positional,
          grid: grid(repeat),
          name,
        }).apply(x) as tf.SymbolicTensor)
      : x;
  const attention = (repeat = 1): Omit<SelfAttentionArgs, 'role'> => ({
    heads: o.heads,
    outputProjection: true,
    ...(o.positional === 'rope' ? { ropeBase: 10000, ropeGrid: grid(repeat) } : {}),
  });
  const feedForward = (x: tf.SymbolicTensor, prefix: string, normName: string) => {
    let y = norm(x, `${prefix}/${normName}`);
    y = dense(y, 4 * d, `${prefix}/ff1`, 'gelu');
    y = dense(y, d, `${prefix}/ff2`);
    return add(x, y, `${prefix}/residual-ff`);
  };
  /** Pre-norm encoder blocks: x + attention(LN(x)), then x + FF(LN(x)). */
  const encoder = (x: tf.SymbolicTensor, args: SelfAttentionArgs) => {
    for (let b = 1; b <= o.blocks; b++) {
      const prefix = `encoder/block${b}`;
      const [attended] = new SelfAttention({
        seed: seed(),
        ...args,
        name: `${prefix}/attention`,
      }).apply(norm(x, `${prefix}/norm1`)) as tf.SymbolicTensor[];
      x = add(x, attended, `${prefix}/residual-attention`);
      x = feedForward(x, prefix, 'norm2');
    }
    return x;
  };
  const reassemble = (x: tf.SymbolicTensor, tokens: 'patch' | 'channel' = 'patch') =>
    new Unpatchify({ patchSize: p, height: size, width: size, tokens, name: 'prediction' }).apply(
      x,
    ) as tf.SymbolicTensor;

  let output: tf.SymbolicTensor;
  switch (id) {
    case 'vit':
    case 'vit-encdec': {
      const tokens = new Patchify({ patchSize: p, name: 'patches' }).apply(
        input,
      ) as tf.SymbolicTensor;
      let x = position(dense(tokens, d, 'embed', undefined, false), 'positional');
      x = encoder(x, { ...attention(), role: 'encoder-self' });
      x = norm(x, 'encoder/final-norm');
      if (id === 'vit-encdec') {
        const memory = x;
        // Each query starts where cross-attention can find its patch: from the encoder's token
        // at that patch, or from a trained row of its own; then its position.
        x =
          o.queries === 'learned'
            ? (new LearnedTable({
                seed: seed(),
                rows: side * side,
                replace: true,
                name: 'decoder/queries',
              }).apply(memory) as tf.SymbolicTensor)
            : memory;
        x = position(x, 'decoder/positional');
        for (let b = 1; b <= o.decoderBlocks; b++) {
          const prefix = `decoder/block${b}`;
          const [selfAttended] = new SelfAttention({
            seed: seed(),
            ...attention(),
            role: 'decoder-self',
            name: `${prefix}/self-attention`,
          }).apply(norm(x, `${prefix}/norm1`)) as tf.SymbolicTensor[];
          x = add(x, selfAttended, `${prefix}/residual-self`);
          const [crossAttended] = new CrossAttention({
            seed: seed(),
            ...attention(),
            prior: o.crossPrior,
            grid: grid(),
            name: `${prefix}/cross-attention`,
          }).apply([norm(x, `${prefix}/norm2`), memory]) as tf.SymbolicTensor[];
          x = add(x, crossAttended, `${prefix}/residual-cross`);
          x = feedForward(x, prefix, 'norm3');
        }
        x = norm(x, 'decoder/final-norm');
      }
      output = reassemble(dense(x, 3 * p * p, 'head'));
      break;
    }
    case 'vit-channels': {
      const planes = new Patchify({ patchSize: p, tokens: 'channel', name: 'planes' }).apply(
        input,
      ) as tf.SymbolicTensor;
      let x = dense(planes, d, 'embed', undefined, false);
      x = new LearnedTable({
        seed: seed(),
        rows: 3,
        per: 'run',
        name: 'channel-embedding',
      }).apply(x) as tf.SymbolicTensor;
      x = position(x, 'positional', 3);
      const within = o.channelAttention === 'within';
      x = encoder(x, {
        ...attention(3),
        groups: within ? 3 : 1,
        role: within ? 'channel-within' : 'channel-across',
      });
      x = norm(x, 'encoder/final-norm');
      output = reassemble(dense(x, p * p, 'head'), 'channel');
      break;
    }
    case 'unet': {
      const c = d / 2;
      const quarter = size / 4;
      // Down: 4 x 4 pixel blocks to c features, a 3 x 3 convolution, 2 x 2 blocks of those to d.
      const stem = new Patchify({ patchSize: 4, grid: true, name: 'stem-blocks' }).apply(
        input,
      ) as tf.SymbolicTensor;
      const skip = new Conv2DSame({
        seed: seed(),
        filters: c,
        activation: 'gelu',
        name: 'conv1',
      }).apply(dense(stem, c, 'stem', 'gelu', false)) as tf.SymbolicTensor;
      const down = new Patchify({ patchSize: 2, grid: true, name: 'down-blocks' }).apply(
        skip,
      ) as tf.SymbolicTensor;
      let x = new Conv2DSame({
        seed: seed(),
        filters: d,
        activation: 'gelu',
        name: 'conv2',
      }).apply(dense(down, d, 'down', 'gelu')) as tf.SymbolicTensor;
      // Up: each position to 2 x 2 of c features, plus the skip connection, a 3 x 3 convolution.
      x = new Unpatchify({
        patchSize: 2,
        height: quarter,
        width: quarter,
        channels: c,
        name: 'up-blocks',
      }).apply(dense(x, 4 * c, 'up')) as tf.SymbolicTensor;
      x = new Gelu({ name: 'skip-gelu' }).apply(add(x, skip, 'skip')) as tf.SymbolicTensor;
      x = new Conv2DSame({
        seed: seed(),
        filters: c,
        activation: 'gelu',
        name: 'conv3',
      }).apply(x) as tf.SymbolicTensor;
      output = new Unpatchify({
        patchSize: 4,
        height: size,
        width: size,
        name: 'prediction',
      }).apply(dense(x, 48, 'head')) as tf.SymbolicTensor;
      break;
    }
  }
  return tf.model({ inputs: input, outputs: output, name: id });
}

/**
 * What each attention layer of a model is, in the order of `attentionLayers`: `self` (the 1D
 * models), `encoder-self`, `decoder-self`, `cross` (decoder queries x encoder tokens),
 * `channel-within` (colour-plane tokens attending within their channel: three maps, the diagonal
 * blocks of the weights) or `channel-across` (one map over all the planes).
 */
export function attentionKinds(model: tf.LayersModel): string[] {
  return attentionLayers(model).map((layer) => layer.role);
}

/** The attention layers of a model, in order. */
export function attentionLayers(model: tf.LayersModel): SelfAttention[] {
  return model.layers.filter((layer): layer is SelfAttention => layer instanceof SelfAttention);
}

/**
 * A model sharing `model`'s layers that outputs its prediction and then every attention
 * layer's weights [batch, heads, queries, keys], for display; undefined if it has none.
 */
export function withAttentionOutputs(model: tf.LayersModel): tf.LayersModel | undefined {
  const layers = attentionLayers(model);
  if (layers.length === 0) return undefined;
  const weights = layers.map((layer) => (layer.output as tf.SymbolicTensor[])[1]);
  return tf.model({ inputs: model.inputs, outputs: [model.outputs[0], ...weights] });
}
