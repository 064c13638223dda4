/**
 * What the snapshot's attention layers show of an efficient variant (docs/design/models.md,
 * "Attention variants"): the model that reports every attention layer's weights, and beside
 * them, per VariantAttention layer, what the variant did on the sample: Reformer's buckets,
 * adaptive spans, Linformer's projected weights, and for Performer exact softmax attention on
 * the same queries and keys.
 */
import * as tf from '@tensorflow/tfjs';
import { attentionLayers, VariantAttention, type SelfAttention } from '../models/index.js';
import { VARIANT_PARAMETERS, type VariantSnapshot } from './protocol.js';

/** A model sharing a trained model's layers that outputs what the snapshot shows. */
export interface SnapshotInspector {
  /** Outputs the prediction, every attention layer's weights, then each Performer layer's input. */
  model: tf.LayersModel;
  /** The attention layers, in the order of their weights. */
  layers: SelfAttention[];
  /** The Performer layers whose inputs follow the weights, in that order. */
  performers: VariantAttention[];
}

/** The inspector of `model`, or undefined if it has no attention layers. */
export function snapshotInspector(model: tf.LayersModel): SnapshotInspector | undefined {
  const layers = attentionLayers(model);
  if (layers.length === 0) return undefined;
  const weights = layers.map((layer) => (layer.output as tf.SymbolicTensor[])[1]);
  const performers = layers.filter(
    (layer): layer is VariantAttention =>
      layer instanceof VariantAttention && layer.attention === 'performer',
  );
  const inputs = performers.map((layer) => layer.input as tf.SymbolicTensor);
  return {
    model: tf.model({ inputs: model.inputs, outputs: [model.outputs[0], ...weights, ...inputs] }),
    layers,
    performers,
  };
}

/** A weight of `layer` by the name it was added under (`query/kernel`, ...). */
function weightOf(layer: SelfAttention, name: string): tf.Tensor {
  const found = layer.weights.find((w) => w.originalName.endsWith(`/${name}`));
  if (!found) throw new Error(`layer ${layer.name} has no weight ${name}`);
  return found.read();
}

/**
 * Exact softmax attention [heads, L, L] of a Performer layer on its input `x` [1, L, width]:
 * the layer's own query and key projections, scaled by 1/sqrt(d), causal if the layer is.
 */
export function exactAttention(layer: VariantAttention, x: tf.Tensor, heads: number): tf.Tensor3D {
  return tf.tidy(() => {
    const [, length, width] = x.shape as [number, number, number];
    const size = width / heads;
    const flat = tf.reshape(x, [length, width]) as tf.Tensor2D;
    const project = (name: string) =>
      tf.transpose(
        tf.reshape(
          tf.add(
            tf.matMul(flat, weightOf(layer, `${name}/kernel`) as tf.Tensor2D),
            weightOf(layer, `${name}/bias`),
          ),
          [length, heads, size],
        ),
        [1, 0, 2],
      ) as tf.Tensor3D;
    let scores = tf.mul(
      tf.matMul(project('query'), project('key'), false, true),
      1 / Math.sqrt(size),
    );
    if (layer.options.causal) {
      const later = tf.sub(1, tf.linalg.bandPart(tf.ones([length, length]), -1, 0));
      scores = tf.add(scores, tf.mul(later, -1e9));
    }
    return tf.softmax(scores) as tf.Tensor3D;
  });
}

/**
 * Per attention layer, what its variant did on the snapshot's sample, or undefined for the
 * fused layers. `weights` are the layers' reported weights [1, heads, L, L] (empty past the
 * display limit: then only the variant's name, options and spans are sent); `inputs` the
 * Performer layers' inputs, in the inspector's order.
 */
export async function variantSnapshots(
  inspector: SnapshotInspector,
  weights: tf.Tensor[],
  inputs: tf.Tensor[],
): Promise<(VariantSnapshot | undefined)[]> {
  const out: (VariantSnapshot | undefined)[] = [];
  for (const [i, layer] of inspector.layers.entries()) {
    if (!(layer instanceof VariantAttention)) {
      out.push(undefined);
      continue;
    }
    const [, heads, rows] = weights[i].shape as number[];
    const reported = rows > 0;
    const o = layer.options;
    const options: Record<string, number | number[] | boolean> = { causal: o.causal };
    for (const name of VARIANT_PARAMETERS[layer.attention]) {
      const value = o[name];
      options[name] = Array.isArray(value) ? [...value] : value;
    }
    const shot: VariantSnapshot = { attention: layer.attention, options };
    if (layer.attention === 'adaptive') {
      shot.spans = Float32Array.from(layer.spans());
      shot.maxSpan = o.span;
    }
    if (reported && layer.attention === 'reformer' && layer.lastBuckets) {
      shot.buckets = Int32Array.from(layer.lastBuckets.flat(2));
      shot.hashes = layer.lastBuckets.length;
    }
    if (reported && layer.attention === 'linformer' && layer.lastProjected) {
      shot.projected = Float32Array.from(layer.lastProjected[0].flat(2));
      shot.rows = o.projected;
    }
    // E and F are k x L, small at any length: sent past the display limit too.
    const projections = layer.attention === 'linformer' ? layer.projections() : undefined;
    if (projections) {
      shot.e = Float32Array.from(projections.e.flat());
      shot.f = Float32Array.from(projections.f.flat());
      shot.rows = o.projected;
    }
    if (reported && layer.attention === 'performer') {
      const input = inputs[inspector.performers.indexOf(layer)];
      const exact = exactAttention(layer, input, heads);
      shot.exact = ((await exact.data()) as Float32Array).slice();
      exact.dispose();
    }
    out.push(shot);
  }
  return out;
}
