import * as tf from '@tensorflow/tfjs';
import {
  fusedAttention,
  fusedAttentionAvailable,
} from '@decoding-attention/wasm-kernels/attention';
import { attentionMask, type MaskKind, type MaskOptions } from '../attention.js';
import { pairFrequency, positionalEncoding, type EncodingKind } from '../positional.js';
import { sampleSeed } from '../random.js';
import { lstmRecurrence } from './lstm-recurrence.js';

type Shape = (number | null)[];
/**
 * What every layer takes: its name (the models name every layer, for weight export) and the seed
 * of its initial weights (drawn unseeded without one).
 */
type LayerArgs = { name?: string; trainable?: boolean; seed?: number };
type DisposeResult = ReturnType<tf.layers.Layer['dispose']>;

/** GELU, exactly: 0.5 x (1 + erf(x / sqrt 2)), from ops every backend has. */
export function gelu(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2)))));
}

/** A layer whose random initial weights each draw their own seed from the layer's seed. */
abstract class SeededLayer extends tf.layers.Layer {
  private readonly seed: number | undefined;
  private drawn = 0;

  constructor(args: LayerArgs) {
    super(args);
    this.seed = args.seed;
  }

  /** The seed of the next random weight, or undefined (unseeded) if the layer has no seed. */
  protected nextSeed(): number | undefined {
    return this.seed === undefined ? undefined : sampleSeed(this.seed, this.drawn++);
  }

  protected glorotUniform(): ReturnType<typeof tf.initializers.glorotUniform> {
    return tf.initializers.glorotUniform({ seed: this.nextSeed() });
  }
}

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

/**
 * A 1D convolution with "same" padding, computed as one batched matrix multiply over the
 * shifted inputs (im2col, one shift per kernel tap). It has exactly a Conv1D's parameters (kernel
 * [k * in, out] and a bias) but needs no convolution kernels: tfjs's wasm backend has no
 * Conv2DBackpropFilter, and a matrix multiply is what the fast kernels accelerate.
 */
export class Conv1DSame extends SeededLayer {
  static className = 'DAConv1DSame';
  private readonly filters: number;
  private readonly kernelSize: number;
  private readonly activation: 'linear' | 'gelu';
  private kernel!: tf.LayerVariable;
  private bias!: tf.LayerVariable;

  constructor(
    args: LayerArgs & { filters: number; kernelSize?: number; activation?: 'linear' | 'gelu' },
  ) {
    super(args);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize ?? 5;
    this.activation = args.activation ?? 'linear';
  }

  override build(inputShape: Shape | Shape[]): void {
    const channels = (inputShape as Shape)[2] as number;
    this.kernel = this.addWeight(
      'kernel',
      [this.kernelSize * channels, this.filters],
      'float32',
      this.glorotUniform(),
    );
    this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    return [shape[0], shape[1], this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs) as tf.Tensor3D;
      const [batch, length, channels] = x.shape;
      const before = Math.floor((this.kernelSize - 1) / 2);
      const padded = tf.pad(x, [
        [0, 0],
        [before, this.kernelSize - 1 - before],
        [0, 0],
      ]);
      // The taps stacked on a leading axis, each multiplied by its own [in, out] slice of the
      // kernel in one batched product, then summed. (Stacking them on the feature axis instead
      // makes the gradient split that axis, which tfjs-wasm does slowly: a fifth of a step.)
      const taps = tf.reshape(
        tf.stack(
          Array.from({ length: this.kernelSize }, (_, i) =>
            tf.slice(padded, [0, i, 0], [batch, length, channels]),
          ),
        ),
        [this.kernelSize, batch * length, channels],
      );
      const kernel = tf.reshape(this.kernel.read(), [this.kernelSize, channels, this.filters]);
      const y = tf.reshape(tf.add(tf.sum(tf.matMul(taps, kernel), 0), this.bias.read()), [
        batch,
        length,
        this.filters,
      ]);
      return this.activation === 'gelu' ? gelu(y) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      activation: this.activation,
    };
  }
}

/**
 * Layer normalisation over the last axis, with a learned scale `gamma` and offset `beta` (the
 * weights and epsilon of tfjs's LayerNormalization). tfjs's own layer tiles gamma and beta to the
 * input's shape, and the gradient of a tile is one slice and one add per copy: batch x length of
 * them per step (51,200 at batch 128, length 400), which made a transformer step take minutes.
 * Broadcasting instead gives the same values with a single reduction in the gradient.
 */
export class LayerNorm extends tf.layers.Layer {
  static className = 'DALayerNorm';
  private readonly epsilon: number;
  private gamma!: tf.LayerVariable;
  private beta!: tf.LayerVariable;

  constructor(args: LayerArgs & { epsilon?: number }) {
    super(args);
    this.epsilon = args.epsilon ?? 1e-3;
  }

  override build(inputShape: Shape | Shape[]): void {
    const features = (inputShape as Shape).at(-1) as number;
    this.gamma = this.addWeight('gamma', [features], 'float32', tf.initializers.ones());
    this.beta = this.addWeight('beta', [features], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const centered = tf.sub(x, tf.mean(x, -1, true));
      const variance = tf.mean(tf.square(centered), -1, true);
      const normed = tf.mul(centered, tf.rsqrt(tf.add(variance, this.epsilon)));
      return tf.add(tf.mul(normed, this.gamma.read()), this.beta.read());
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

/**
 * Multiplies by a fixed factor. The transformer's head reads LayerNorm-ed features (of unit
 * scale) but must predict amplitudes of tens; with a factor of that size on its output, Adam's
 * steps (of about the learning rate per weight, whatever the weight's scale) move the prediction
 * at the data's scale from the start, instead of over thousands of steps.
 */
export class Scale extends tf.layers.Layer {
  static className = 'DAScale';
  private readonly factor: number;

  constructor(args: LayerArgs & { factor: number }) {
    super(args);
    this.factor = args.factor;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.mul(single(inputs), this.factor));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), factor: this.factor };
  }
}

/** Rows of the RoPE tables for `length` positions and `size` features per head. */
function ropeTables(
  length: number,
  size: number,
  base: number,
): { cos: tf.Tensor2D; sin: tf.Tensor2D; swap: tf.Tensor2D } {
  const cos = new Float32Array(length * size);
  const sin = new Float32Array(length * size);
  for (let p = 0; p < length; p++) {
    for (let f = 0; f + 1 < size; f += 2) {
      const angle = p * pairFrequency(f / 2, size, base);
      cos[p * size + f] = cos[p * size + f + 1] = Math.cos(angle);
      // Signed so that x * cos + swap(x) * sin turns each pair: (a, b) -> (a cos - b sin, b cos + a sin).
      sin[p * size + f] = -Math.sin(angle);
      sin[p * size + f + 1] = Math.sin(angle);
    }
    if (size % 2 === 1) cos[p * size + size - 1] = 1;
  }
  // swap exchanges the features of each pair: a permutation matrix, so no gather (and no
  // gather gradient, which tfjs-wasm lacks) is needed.
  const swap = new Float32Array(size * size);
  for (let f = 0; f + 1 < size; f += 2) {
    swap[f * size + f + 1] = 1;
    swap[(f + 1) * size + f] = 1;
  }
  return {
    cos: tf.tensor2d(cos, [length, size]),
    sin: tf.tensor2d(sin, [length, size]),
    swap: tf.tensor2d(swap, [size, size]),
  };
}

export interface SelfAttentionArgs extends LayerArgs {
  heads: number;
  /** Add a dense output projection after the heads are joined. */
  outputProjection?: boolean;
  mask?: MaskKind;
  maskOptions?: MaskOptions;
  /** Rotate queries and keys by position (RoPE) with this base; 0 for none. */
  ropeBase?: number;
}

/**
 * Scaled dot-product self-attention with `heads` heads: Q, K and V are per-position dense
 * layers of the input's width, scores are QK^T / sqrt(d_head), an optional mask hides keys and
 * RoPE can turn queries and keys. Returns two tensors: the output [batch, length, width] and the
 * attention weights [batch, heads, length, length], so a model can show what it attends to.
 * While training where `fusedAttentionAvailable()` (the wasm backend with our kernels), the
 * attention runs as one fused op and the weights output is empty ([batch, heads, 0, length]).
 */
export class SelfAttention extends SeededLayer {
  static className = 'DASelfAttention';
  private readonly heads: number;
  private readonly outputProjection: boolean;
  private readonly maskKind: MaskKind;
  private readonly maskOptions: MaskOptions;
  private readonly ropeBase: number;
  private weightsOf: Record<string, tf.LayerVariable> = {};
  private constants: {
    mask?: tf.Tensor2D;
    cos?: tf.Tensor2D;
    sin?: tf.Tensor2D;
    swap?: tf.Tensor2D;
  } = {};

  constructor(args: SelfAttentionArgs) {
    super(args);
    this.heads = args.heads;
    this.outputProjection = args.outputProjection ?? false;
    this.maskKind = args.mask ?? 'full';
    this.maskOptions = args.maskOptions ?? {};
    this.ropeBase = args.ropeBase ?? 0;
  }

  override build(inputShape: Shape | Shape[]): void {
    const [, length, width] = inputShape as [null, number, number];
    if (width % this.heads !== 0)
      throw new RangeError(`width ${width} is not divisible by ${this.heads} heads`);
    const names = this.outputProjection
      ? ['query', 'key', 'value', 'output']
      : ['query', 'key', 'value'];
    for (const name of names) {
      this.weightsOf[`${name}/kernel`] = this.addWeight(
        `${name}/kernel`,
        [width, width],
        'float32',
        this.glorotUniform(),
      );
      this.weightsOf[`${name}/bias`] = this.addWeight(
        `${name}/bias`,
        [width],
        'float32',
        tf.initializers.zeros(),
      );
    }
    if (this.maskKind !== 'full') {
      const allowed = attentionMask(this.maskKind, length, length, this.maskOptions);
      this.constants.mask = tf.keep(
        tf.tensor2d(
          Float32Array.from(allowed, (a) => (a ? 0 : -1e9)),
          [length, length],
        ),
      );
    }
    if (this.ropeBase > 0) {
      const tables = ropeTables(length, width / this.heads, this.ropeBase);
      this.constants.cos = tf.keep(tables.cos);
      this.constants.sin = tf.keep(tables.sin);
      this.constants.swap = tf.keep(tables.swap);
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape[] {
    const [batch, length, width] = inputShape as Shape;
    return [
      [batch, length, width],
      [batch, this.heads, length, length],
    ];
  }

  private project(x: tf.Tensor2D, name: string): tf.Tensor2D {
    return tf.add(
      tf.matMul(x, this.weightsOf[`${name}/kernel`].read() as tf.Tensor2D),
      this.weightsOf[`${name}/bias`].read(),
    ) as tf.Tensor2D;
  }

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: Record<string, unknown> = {},
  ): tf.Tensor[] {
    return tf.tidy(() => {
      const x = single(inputs) as tf.Tensor3D;
      const [batch, length, width] = x.shape;
      const size = width / this.heads;
      const flat = tf.reshape(x, [batch * length, width]) as tf.Tensor2D;
      const split = (t: tf.Tensor2D) =>
        tf.transpose(tf.reshape(t, [batch, length, this.heads, size]), [0, 2, 1, 3]) as tf.Tensor4D;
      let q = split(this.project(flat, 'query'));
      let k = split(this.project(flat, 'key'));
      const v = split(this.project(flat, 'value'));
      const { cos, sin, swap, mask } = this.constants;
      if (cos && sin && swap) {
        const turn = (t: tf.Tensor4D) =>
          tf.add(
            tf.mul(t, cos),
            tf.mul(tf.reshape(tf.matMul(tf.reshape(t, [-1, size]), swap), t.shape), sin),
          ) as tf.Tensor4D;
        q = turn(q);
        k = turn(k);
      }
      // Scaling the queries rather than the scores: the same products, on length / size times
      // fewer numbers (and so in the gradient too).
      const scaled = tf.mul(q, 1 / Math.sqrt(size)) as tf.Tensor4D;
      let attended: tf.Tensor4D;
      let weights: tf.Tensor;
      if (kwargs['training'] === true && fusedAttentionAvailable()) {
        // Training on the wasm backend with @decoding-attention/wasm-kernels: one fused op that
        // never forms the [batch, heads, length, length] weights, forward or backward. Training
        // reads only the prediction, so the weights output is left empty.
        attended = fusedAttention(scaled, k, v, mask);
        weights = tf.zeros([batch, this.heads, 0, length]);
      } else {
        let scores = tf.matMul(scaled, k, false, true) as tf.Tensor4D;
        if (mask) scores = tf.add(scores, mask) as tf.Tensor4D;
        weights = tf.softmax(scores, -1);
        attended = tf.matMul(weights, v);
      }
      const joined = tf.reshape(tf.transpose(attended, [0, 2, 1, 3]), [
        batch * length,
        width,
      ]) as tf.Tensor2D;
      const out = this.outputProjection ? this.project(joined, 'output') : joined;
      return [tf.reshape(out, [batch, length, width]), weights];
    });
  }

  override dispose(): DisposeResult {
    const result = super.dispose();
    for (const constant of Object.values(this.constants)) constant?.dispose();
    this.constants = {};
    return result;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      heads: this.heads,
      outputProjection: this.outputProjection,
      mask: this.maskKind,
      ropeBase: this.ropeBase,
    };
  }
}

/**
 * Adds a positional encoding to [batch, length, width] features: a fixed table (linear,
 * sinusoidal, inverted) or, for `learnable`, a trained [length, width] table started at N(0, 0.02).
 */
export class AddPositionalEncoding extends SeededLayer {
  static className = 'DAAddPositionalEncoding';
  private readonly kind: Exclude<EncodingKind, 'rope'>;
  private table: tf.Tensor2D | undefined;
  private learned: tf.LayerVariable | undefined;

  constructor(args: LayerArgs & { kind: Exclude<EncodingKind, 'rope'> }) {
    super(args);
    this.kind = args.kind;
  }

  override build(inputShape: Shape | Shape[]): void {
    const [, length, width] = inputShape as [null, number, number];
    if (this.kind === 'learnable') {
      this.learned = this.addWeight(
        'table',
        [length, width],
        'float32',
        tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: this.nextSeed() }),
      );
    } else {
      this.table = tf.keep(
        tf.tensor2d(positionalEncoding(this.kind, length, width), [length, width]),
      );
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => tf.add(single(inputs), (this.learned?.read() ?? this.table) as tf.Tensor));
  }

  override dispose(): DisposeResult {
    const result = super.dispose();
    this.table?.dispose();
    this.table = undefined;
    return result;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kind: this.kind };
  }
}

/**
 * The draft's positional mixing for `attention-pe` and `mha`: features + dense(PE), with a
 * fixed sinusoidal PE and a trained dense layer (width x width, plus bias).
 */
export class PositionalProjection extends SeededLayer {
  static className = 'DAPositionalProjection';
  private table: tf.Tensor2D | undefined;
  private kernel!: tf.LayerVariable;
  private bias!: tf.LayerVariable;

  override build(inputShape: Shape | Shape[]): void {
    const [, length, width] = inputShape as [null, number, number];
    this.table = tf.keep(
      tf.tensor2d(positionalEncoding('sinusoidal', length, width), [length, width]),
    );
    this.kernel = this.addWeight('kernel', [width, width], 'float32', this.glorotUniform());
    this.bias = this.addWeight('bias', [width], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() =>
      tf.add(
        single(inputs),
        tf.add(tf.matMul(this.table!, this.kernel.read() as tf.Tensor2D), this.bias.read()),
      ),
    );
  }

  override dispose(): DisposeResult {
    const result = super.dispose();
    this.table?.dispose();
    this.table = undefined;
    return result;
  }
}

for (const layer of [
  Conv1DSame,
  LayerNorm,
  Scale,
  SelfAttention,
  AddPositionalEncoding,
  PositionalProjection,
]) {
  tf.serialization.registerClass(
    layer as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
  );
}

/**
 * A bidirectional LSTM over [batch, length, features], returning both directions' outputs
 * concatenated per position, with exactly tfjs's LSTM parameters (per direction: kernel
 * [in, 4u], recurrent kernel [u, 4u], one bias [4u]; gates in Keras order i, f, c, o). Faster
 * than tfjs's RNN machinery: the input projections of all positions are one matrix multiply,
 * and each time step is a handful of ops.
 */
export class BidirectionalLSTM extends SeededLayer {
  static className = 'DABidirectionalLSTM';
  private readonly units: number;
  private weightsOf: Record<string, tf.LayerVariable> = {};

  constructor(args: LayerArgs & { units: number }) {
    super(args);
    this.units = args.units;
  }

  override build(inputShape: Shape | Shape[]): void {
    const features = (inputShape as Shape)[2] as number;
    const u = this.units;
    for (const direction of ['forward', 'backward']) {
      this.weightsOf[`${direction}/kernel`] = this.addWeight(
        `${direction}/kernel`,
        [features, 4 * u],
        'float32',
        this.glorotUniform(),
      );
      this.weightsOf[`${direction}/recurrent`] = this.addWeight(
        `${direction}/recurrent_kernel`,
        [u, 4 * u],
        'float32',
        this.glorotUniform(),
      );
      // Keras starts the forget gate's bias at 1, so early gradients flow through time.
      const bias = new Float32Array(4 * u);
      bias.fill(1, u, 2 * u);
      this.weightsOf[`${direction}/bias`] = this.addWeight(
        `${direction}/bias`,
        [4 * u],
        'float32',
        tf.initializers.zeros(),
      );
      const start = this.weightsOf[`${direction}/bias`];
      tf.tidy(() => {
        start.write(tf.tensor1d(bias));
      });
    }
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = inputShape as Shape;
    return [shape[0], shape[1], 2 * this.units];
  }

  private direction(x: tf.Tensor3D, name: 'forward' | 'backward'): tf.Tensor3D {
    const [batch, length, features] = x.shape;
    const u = this.units;
    const kernel = this.weightsOf[`${name}/kernel`].read() as tf.Tensor2D;
    const recurrent = this.weightsOf[`${name}/recurrent`].read() as tf.Tensor2D;
    const bias = this.weightsOf[`${name}/bias`].read();
    // Every position's input projection at once, [batch, length, 4u]; then the recurrence.
    const projected = tf.reshape(
      tf.add(tf.matMul(tf.reshape(x, [batch * length, features]), kernel), bias),
      [batch, length, 4 * u],
    ) as tf.Tensor3D;
    return lstmRecurrence(projected, recurrent, name === 'backward');
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs) as tf.Tensor3D;
      return tf.concat([this.direction(x, 'forward'), this.direction(x, 'backward')], 2);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units };
  }
}

tf.serialization.registerClass(
  BidirectionalLSTM as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
);
