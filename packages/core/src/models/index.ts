/**
 * @decoding-attention/core/models: the series' models as tfjs LayersModels. Imports tfjs; load it
 * only when training or inference starts.
 */
import * as tf from '@tensorflow/tfjs';
import { sampleSeed } from '../random.js';
import { resolveModelOptions, type ModelId, type ModelOptions } from '../model-catalog.js';
import {
  AddPositionalEncoding,
  BidirectionalLSTM,
  Conv1DSame,
  Gelu,
  LayerNorm,
  PositionalProjection,
  Scale,
  SelfAttention,
} from './layers.js';

export {
  AddPositionalEncoding,
  Conv1DSame,
  Gelu,
  LayerNorm,
  PositionalProjection,
  Scale,
  SelfAttention,
  gelu,
} from './layers.js';
export { MODEL_IDS, modelCatalog, parameterCount, resolveModelOptions } from '../model-catalog.js';
export type { ModelDescription, ModelId, ModelOptions } from '../model-catalog.js';

/** The transformer's fixed output factor: the data's amplitude scale (see Scale). */
export const OUTPUT_SCALE = 20;

/**
 * Builds a model mapping a batch of 1D inputs [batch, length] to predictions [batch, length],
 * with exactly the architecture of docs/design/models.md (its parameter count is the proof).
 */
export function buildModel(id: ModelId, options: ModelOptions = {}): tf.LayersModel {
  const o = resolveModelOptions(id, options);
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
      const [attended] = new SelfAttention({
        seed: seed(),
        heads,
        outputProjection: id === 'mha',
        name: 'attention',
      }).apply(x) as tf.SymbolicTensor[];
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
        const [attended] = new SelfAttention({
          seed: seed(),
          heads: o.heads,
          outputProjection: true,
          mask: o.mask,
          ropeBase: o.positional === 'rope' ? 10000 : 0,
          name: `block${b + 1}/attention`,
        }).apply(normed) as tf.SymbolicTensor[];
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

/** The attention layers of a model, in order. */
export function attentionLayers(model: tf.LayersModel): SelfAttention[] {
  return model.layers.filter((layer): layer is SelfAttention => layer instanceof SelfAttention);
}

/**
 * A model sharing `model`'s layers that outputs its prediction and then every attention
 * layer's weights [batch, heads, length, length], for display; undefined if it has none.
 */
export function withAttentionOutputs(model: tf.LayersModel): tf.LayersModel | undefined {
  const layers = attentionLayers(model);
  if (layers.length === 0) return undefined;
  const weights = layers.map((layer) => (layer.output as tf.SymbolicTensor[])[1]);
  return tf.model({ inputs: model.inputs, outputs: [model.outputs[0], ...weights] });
}
