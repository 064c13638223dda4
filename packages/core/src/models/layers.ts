import * as tf from '@tensorflow/tfjs';
import {
  addRowVector,
  fusedAttention,
  fusedAttentionAvailable,
  fusedGelu,
  fusedGeluAvailable,
  layoutKernelsAvailable,
} from '@decoding-attention/wasm-kernels/attention';
import { conv1d, conv1dAvailable } from '@decoding-attention/wasm-kernels/conv1d';
import {
  layerNorm as fusedLayerNorm,
  layerNormAvailable,
} from '@decoding-attention/wasm-kernels/layernorm';
import { attentionMask, type MaskKind, type MaskOptions } from '../attention.js';
import {
  pairFrequency,
  positionalEncoding,
  positionalEncoding2D,
  type EncodingKind,
} from '../positional.js';
import { sampleSeed } from '../random.js';
import { lstmRecurrence } from './lstm-recurrence.js';

type Shape = (number | null)[];
/**
 * What every layer takes: its name (the models name every layer, for weight export) and the seed
 * of its initial weights (drawn unseeded without one).
 */
type LayerArgs = { name?: string; trainable?: boolean; seed?: number };
type DisposeResult = ReturnType<tf.layers.Layer['dispose']>;

function single(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return Array.isArray(inputs) ? inputs[0] : inputs;
}

/** The standard normal's cumulative distribution, 0.5 (1 + erf(x / sqrt 2)). */
const normalCdf = (x: tf.Tensor) => tf.mul(0.5, tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));

/**
 * GELU from ops every backend has, as one op with its own gradient Phi(x) + x phi(x). Written
 * as plain ops, a training step would keep each of the five intermediate tensors (and their
 * gradients) of every GELU for the backward pass; this keeps only x.
 */
const geluOps = tf.customGrad((...args: unknown[]) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  save([x]);
  return {
    value: tf.mul(x, normalCdf(x)),
    // tfjs calls a custom gradient outside any tidy: its intermediates would live to the end of
    // the backward pass.
    gradFunc: (dy: tf.Tensor | tf.Tensor[], [input]: tf.Tensor[]) =>
      tf.tidy(() => {
        const density = tf.mul(tf.exp(tf.mul(tf.square(input), -0.5)), 1 / Math.sqrt(2 * Math.PI));
        return tf.mul(dy as tf.Tensor, tf.add(normalCdf(input), tf.mul(input, density)));
      }),
  };
}) as (x: tf.Tensor) => tf.Tensor;

/**
 * GELU, exactly: x Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), keeping only x for its gradient
 * Phi(x) + x phi(x). On the wasm backend with @decoding-attention/wasm-kernels, one kernel each
 * way; elsewhere one op of the backend's own erf, exp and products.
 */
export const gelu = (x: tf.Tensor): tf.Tensor =>
  x.dtype === 'float32' && fusedGeluAvailable() ? fusedGelu(x) : geluOps(x);

/** GELU as a layer (see gelu): what a dense layer's `gelu` activation computes, with less memory. */
export class Gelu extends tf.layers.Layer {
  static className = 'DAGelu';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return gelu(single(inputs));
  }
}

/**
 * The sum of t's rows: t [..., features] -> [features], as one matrix product of a row of ones
 * with t [rows, features]. tfjs-wasm sums over leading axes by first transposing them last, a
 * copy of the whole tensor and a slow reduction: at [2048, 256] the product is about 20 times
 * faster.
 */
export function sumRows(t: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => {
    const features = t.shape[t.rank - 1];
    const rows = t.size / features;
    const flat = tf.reshape(t, [rows, features]) as tf.Tensor2D;
    return tf.reshape(tf.matMul(tf.ones([1, rows]), flat), [features]) as tf.Tensor1D;
  });
}

/**
 * y + bias over the last axis, whose bias gradient is `sumRows` of dy (tfjs's own sums dy over
 * every leading axis, see sumRows). y's gradient is dy itself.
 */
export const addBias = tf.customGrad((...args: unknown[]) => {
  const [y, bias] = args as [tf.Tensor, tf.Tensor1D, tf.GradSaveFunc];
  return {
    value: tf.add(y, bias),
    gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
      const d = dy as tf.Tensor;
      return [d.clone(), sumRows(d)];
    },
  };
}) as (y: tf.Tensor, bias: tf.Tensor1D) => tf.Tensor;

/**
 * x W + bias for x [rows, in], as one op: forward, the backend's fused product with bias (on
 * tfjs-wasm one pass, where a separate broadcast add of the bias is slower than the product);
 * backward, two products and `sumRows` for the bias. With `inputGradient` false, x's gradient
 * is not worked out (zeros): for layers with nothing trained before them.
 */
function affine(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  inputGradient: boolean,
): tf.Tensor2D {
  const op = tf.customGrad((...args: unknown[]) => {
    const [a, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    save([a, w]);
    return {
      value: tf.fused.matMul({ a, b: w, bias: b }),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], [input, weights]: tf.Tensor[]) => {
        const d = dy as tf.Tensor2D;
        return [
          inputGradient ? tf.matMul(d, weights as tf.Tensor2D, false, true) : tf.zerosLike(input),
          tf.matMul(input as tf.Tensor2D, d, true, false),
          sumRows(d),
        ];
      },
    };
  });
  return op(x, kernel, bias) as tf.Tensor2D;
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

/** The zeros a "same" convolution with a kernel of `size` pads before its input (the rest go after). */
const zerosBefore = (size: number) => Math.floor((size - 1) / 2);

/**
 * The taps of a "same" convolution of x [batch, length, channels] with a kernel of `size`: the
 * input shifted by each offset (zeros beyond its ends), each as [batch * length, channels].
 */
function tapsOf(x: tf.Tensor3D, size: number): tf.Tensor2D[] {
  const [batch, length, channels] = x.shape;
  const before = zerosBefore(size);
  const padded = tf.pad(x, [
    [0, 0],
    [before, size - 1 - before],
    [0, 0],
  ]);
  return Array.from({ length: size }, (_, i) =>
    tf.reshape(tf.slice(padded, [0, i, 0], [batch, length, channels]), [batch * length, channels]),
  );
}

/**
 * y = sum over taps i of tap_i(x) K_i, plus the bias, as one op with its own gradient. The
 * gradient recomputes the taps from x rather than keeping them (k times x's size) and the
 * products (k times y's): kept, they would make the transformer's convolution stem the largest
 * part of what a training step holds.
 */
const convolveSame = tf.customGrad((...args: unknown[]) => {
  const [input, weights, offset, save] = args as [
    tf.Tensor3D,
    tf.Tensor2D,
    tf.Tensor,
    tf.GradSaveFunc,
  ];
  const [batch, length, channels] = input.shape;
  const filters = offset.shape[0];
  const size = weights.shape[0] / channels;
  save([input, weights]);
  // The taps stacked on a leading axis, each multiplied by its own [in, out] slice of the
  // kernel in one batched product, then summed.
  const products = tf.matMul(
    tf.stack(tapsOf(input, size)) as tf.Tensor3D,
    tf.reshape(weights, [size, channels, filters]) as tf.Tensor3D,
  );
  return {
    value: tf.reshape(tf.add(tf.sum(products, 0), offset), [batch, length, filters]),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], [x0, k2]: tf.Tensor[]) =>
      tf.tidy(() => {
        // Plain 2D products only: tfjs-webgl's BatchMatMul mishandles a broadcast batch
        // against a one-column operand.
        const dOut = tf.reshape(dy as tf.Tensor, [batch * length, filters]) as tf.Tensor2D;
        const dKernel = tf.concat(
          tapsOf(x0 as tf.Tensor3D, size).map((tap) => tf.matMul(tap, dOut, true, false)),
          0,
        );
        // Tap i read x at s + i - before, so x at s gets tap i's gradient at s - i + before:
        // each tap's gradient shifted back, zeros beyond the ends.
        const dTaps = tf.reshape(tf.matMul(dOut, k2 as tf.Tensor2D, false, true), [
          batch,
          length,
          size,
          channels,
        ]);
        const before = zerosBefore(size);
        const padded = tf.pad(dTaps, [
          [0, 0],
          [size - 1 - before, before],
          [0, 0],
          [0, 0],
        ]);
        const dx = tf.addN(
          Array.from({ length: size }, (_, i) =>
            tf.reshape(tf.slice(padded, [0, size - 1 - i, i, 0], [batch, length, 1, channels]), [
              batch,
              length,
              channels,
            ]),
          ),
        );
        return [dx, dKernel, tf.sum(dy as tf.Tensor, [0, 1])];
      }),
  };
}) as (x: tf.Tensor3D, kernel: tf.Tensor2D, bias: tf.Tensor) => tf.Tensor3D;

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
      const kernel = this.kernel.read() as tf.Tensor2D;
      // On the wasm backend with @decoding-attention/wasm-kernels: the convolution and its
      // gradients as products over the input's own rows, without the taps.
      const y =
        x.dtype === 'float32' && conv1dAvailable()
          ? conv1d(
              x,
              tf.reshape(kernel, [this.kernelSize, x.shape[2], this.filters]) as tf.Tensor3D,
              this.bias.read() as tf.Tensor1D,
            )
          : convolveSame(x, kernel, this.bias.read());
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
 * (x - mean) / sqrt(variance + epsilon) * gamma + beta over the last axis, as one op with its own
 * gradient: it keeps the normalised x and the reciprocal deviations for the backward pass, where
 * the plain ops would keep each step's tensor and gradient.
 */
function layerNorm(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, epsilon: number): tf.Tensor {
  // On the wasm backend with @decoding-attention/wasm-kernels: one kernel each way, keeping x
  // and two floats a row for the backward pass.
  if (x.dtype === 'float32' && layerNormAvailable())
    return fusedLayerNorm(x, gamma as tf.Tensor1D, beta as tf.Tensor1D, epsilon);
  const op = tf.customGrad((...args: unknown[]) => {
    const [input, scale, offset, save] = args as [tf.Tensor, tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    const centered = tf.sub(input, tf.mean(input, -1, true));
    const reciprocal = tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), epsilon));
    const normed = tf.mul(centered, reciprocal);
    save([normed, reciprocal, scale]);
    return {
      value: tf.add(tf.mul(normed, scale), offset),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], [n, r, g]: tf.Tensor[]) =>
        tf.tidy(() => {
          const d = dy as tf.Tensor;
          // dx = r (dn - mean(dn) - n mean(dn n)), with dn = dy gamma.
          const dn = tf.mul(d, g);
          const dx = tf.mul(
            r,
            tf.sub(tf.sub(dn, tf.mean(dn, -1, true)), tf.mul(n, tf.mean(tf.mul(dn, n), -1, true))),
          );
          return [dx, sumRows(tf.mul(d, n)), sumRows(d)];
        }),
    };
  });
  return op(x, gamma, beta);
}

/**
 * Layer normalisation over the last axis, with a learned scale `gamma` and offset `beta` (the
 * weights and epsilon of tfjs's LayerNormalization). tfjs's own layer tiles gamma and beta to the
 * input's shape, and the gradient of a tile is one slice and one add per copy: batch x length of
 * them per step (51,200 at batch 128, length 400). Broadcasting instead gives the same values
 * with a single reduction in the gradient.
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
    return tf.tidy(() =>
      layerNorm(single(inputs), this.gamma.read(), this.beta.read(), this.epsilon),
    );
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), epsilon: this.epsilon };
  }
}

/**
 * A dense layer over the last axis, with exactly tf.layers.dense's weights (`kernel` [in, out]
 * started Glorot-uniform from the layer's seed itself, `bias` [out] at zeros, in that order) and
 * output, whose backward pass sums the bias gradient by a product (see `affine`, `sumRows`).
 */
export class Dense extends tf.layers.Layer {
  static className = 'DADense';
  private readonly units: number;
  private readonly seed: number | undefined;
  private readonly inputGradient: boolean;
  private kernel!: tf.LayerVariable;
  private bias!: tf.LayerVariable;

  /**
   * `inputGradient: false` for a layer with nothing trained before it (a model's embedding of
   * its input): the gradient with respect to its input, never read there, is not worked out.
   */
  constructor(args: LayerArgs & { units: number; inputGradient?: boolean }) {
    super(args);
    this.units = args.units;
    this.seed = args.seed;
    this.inputGradient = args.inputGradient ?? true;
  }

  override build(inputShape: Shape | Shape[]): void {
    const features = (inputShape as Shape).at(-1) as number;
    this.kernel = this.addWeight(
      'kernel',
      [features, this.units],
      'float32',
      tf.initializers.glorotUniform({ seed: this.seed }),
    );
    this.bias = this.addWeight('bias', [this.units], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [...(inputShape as Shape).slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = single(inputs);
      const features = x.shape[x.rank - 1];
      const flat = tf.reshape(x, [x.size / features, features]) as tf.Tensor2D;
      const y = affine(
        flat,
        this.kernel.read() as tf.Tensor2D,
        this.bias.read() as tf.Tensor1D,
        this.inputGradient,
      );
      return tf.reshape(y, [...x.shape.slice(0, -1), this.units]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      units: this.units,
      ...(this.inputGradient ? {} : { inputGradient: false }),
    };
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

/** Where RoPE places tokens on a patch grid: `repeat` copies of a `rows x cols` grid in raster order. */
export interface RopeGrid {
  rows: number;
  cols: number;
  /** How many times the grid's tokens follow each other (3 for one token per colour plane). */
  repeat?: number;
}

/**
 * Rows of the RoPE tables for `length` positions and `size` features per head. On a `grid`
 * (axial 2D RoPE, as `applyRope2D`), the first half of the features turn with the token's patch
 * row and the second half with its column, each half as a 1D RoPE of size / 2 features.
 */
function ropeTables(
  length: number,
  size: number,
  base: number,
  grid?: RopeGrid,
): { cos: tf.Tensor2D; sin: tf.Tensor2D; swap: tf.Tensor2D } {
  const cos = new Float32Array(length * size);
  const sin = new Float32Array(length * size);
  const half = size / 2;
  for (let p = 0; p < length; p++) {
    const cell = grid ? p % (grid.rows * grid.cols) : 0;
    for (let f = 0; f + 1 < size; f += 2) {
      const angle = grid
        ? f < half
          ? Math.floor(cell / grid.cols) * pairFrequency(f / 2, half, base)
          : (cell % grid.cols) * pairFrequency((f - half) / 2, half, base)
        : p * pairFrequency(f / 2, size, base);
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
  /** With RoPE: the patch grid the tokens lie on (axial 2D RoPE) instead of a line. */
  ropeGrid?: RopeGrid;
  /**
   * Cut the tokens into this many consecutive groups of equal size, each attending only within
   * itself (a block-diagonal mask; 1, the default, for none): the three colour planes of a
   * channel-specific model, attending within their channel.
   */
  groups?: number;
  /** What the layer is in its model, for display (`self` by default): see `attentionKinds`. */
  role?: string;
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
  protected readonly heads: number;
  private readonly outputProjection: boolean;
  private readonly maskKind: MaskKind;
  private readonly maskOptions: MaskOptions;
  private readonly ropeBase: number;
  private readonly ropeGrid: RopeGrid | undefined;
  private readonly groups: number;
  /** What the layer is in its model: `self`, `encoder-self`, `decoder-self`, `cross`, ... */
  readonly role: string;
  protected weightsOf: Record<string, tf.LayerVariable> = {};
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
    this.ropeGrid = args.ropeGrid;
    this.groups = args.groups ?? 1;
    this.role = args.role ?? 'self';
  }

  override build(inputShape: Shape | Shape[]): void {
    const [, length, width] = inputShape as [null, number, number];
    this.buildFor(length, width, length);
  }

  /** Builds the projections and constants for `queries` tokens of `width` features reading `keys` tokens. */
  protected buildFor(queries: number, width: number, keys: number): void {
    const length = queries;
    if (width % this.heads !== 0)
      throw new RangeError(`width ${width} is not divisible by ${this.heads} heads`);
    if (length % this.groups !== 0 || (keys !== length && this.groups > 1))
      throw new RangeError(`${length} tokens cannot be cut into ${this.groups} equal groups`);
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
    if (this.maskKind !== 'full' || this.groups > 1) {
      const allowed =
        this.maskKind === 'full'
          ? new Uint8Array(length * length).fill(1)
          : attentionMask(this.maskKind, length, length, this.maskOptions);
      const size = length / this.groups;
      for (let q = 0; q < length; q++)
        for (let k = 0; k < length; k++)
          if (Math.floor(q / size) !== Math.floor(k / size)) allowed[q * length + k] = 0;
      this.constants.mask = tf.keep(
        tf.tensor2d(
          Float32Array.from(allowed, (a) => (a ? 0 : -1e9)),
          [length, length],
        ),
      );
    }
    if (this.ropeBase > 0) {
      if (keys !== length)
        throw new RangeError('RoPE across two sequences needs as many keys as queries');
      const tables = ropeTables(length, width / this.heads, this.ropeBase, this.ropeGrid);
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
    return addBias(
      tf.matMul(x, this.weightsOf[`${name}/kernel`].read() as tf.Tensor2D),
      this.weightsOf[`${name}/bias`].read() as tf.Tensor1D,
    ) as tf.Tensor2D;
  }

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: Record<string, unknown> = {},
  ): tf.Tensor[] {
    const x = single(inputs) as tf.Tensor3D;
    return this.attend(x, x, kwargs['training'] === true);
  }

  /** Queries from `x`, keys and values from `memory` (x itself for self-attention). */
  protected attend(x: tf.Tensor3D, memory: tf.Tensor3D, training: boolean): tf.Tensor[] {
    return tf.tidy(() => {
      const [batch, length, width] = x.shape;
      const keys = memory.shape[1];
      const size = width / this.heads;
      const flat = tf.reshape(x, [batch * length, width]) as tf.Tensor2D;
      const flatMemory =
        memory === x ? flat : (tf.reshape(memory, [batch * keys, width]) as tf.Tensor2D);
      const split = (t: tf.Tensor2D, tokens: number) =>
        tf.transpose(tf.reshape(t, [batch, tokens, this.heads, size]), [0, 2, 1, 3]) as tf.Tensor4D;
      let q = split(this.project(flat, 'query'), length);
      let k = split(this.project(flatMemory, 'key'), keys);
      const v = split(this.project(flatMemory, 'value'), keys);
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
      let scaled = tf.mul(q, 1 / Math.sqrt(size)) as tf.Tensor4D;
      const sharpness = this.sharpness();
      if (sharpness) scaled = tf.mul(scaled, sharpness) as tf.Tensor4D;
      const bias = this.scoreBias();
      let attended: tf.Tensor4D;
      let weights: tf.Tensor;
      if (training && !bias && fusedAttentionAvailable()) {
        // Training on the wasm backend with @decoding-attention/wasm-kernels: one fused op that
        // never forms the [batch, heads, length, length] weights, forward or backward. Training
        // reads only the prediction, so the weights output is left empty.
        attended = fusedAttention(scaled, k, v, mask);
        weights = tf.zeros([batch, this.heads, 0, keys]);
      } else {
        let scores = tf.matMul(scaled, k, false, true) as tf.Tensor4D;
        if (mask) scores = tf.add(scores, mask) as tf.Tensor4D;
        if (bias) scores = tf.add(scores, bias) as tf.Tensor4D;
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

  /**
   * A trained addition to the scores, [heads, queries, keys], or undefined for none; a layer with
   * one attends without the fused op (whose mask is fixed).
   */
  protected scoreBias(): tf.Tensor3D | undefined {
    return undefined;
  }

  /** A trained factor on each head's scores, [heads, 1, 1], or undefined for none. */
  protected sharpness(): tf.Tensor3D | undefined {
    return undefined;
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
      ...(this.ropeGrid ? { ropeGrid: { ...this.ropeGrid } } : {}),
      ...(this.groups > 1 ? { groups: this.groups } : {}),
      ...(this.role !== 'self' ? { role: this.role } : {}),
    };
  }
}

/** The content prior's starting factor on the scores (docs/design/models.md, "Vision"). */
const CONTENT_SHARPNESS = 4;

/** How a cross-attention layer starts: see `CrossAttentionArgs.prior`. */
export type CrossAttentionPrior = 'none' | 'content' | 'locality' | 'both';

export interface CrossAttentionArgs extends SelfAttentionArgs {
  /**
   * What a query's scores favour from the first step (docs/design/models.md, "Vision"):
   * - `none`: random projections, every key alike on average (the layer's default; vit-encdec's
   *   is `locality`);
   * - `content`: the key projection starts as a copy of the query projection, so a query scores
   *   highest the memory tokens that look like itself (its own patch first, when the queries
   *   start from the memory's tokens), and a trained factor per head, started at 4, sharpens
   *   the scores;
   * - `locality`: a trained 2D locality bias per head, -strength x the squared distance between
   *   the query's patch and the key's on `grid`, started at 1 / (2 sigma^2) with sigma 1, 2, 4, ...
   *   patches, the last head at 0 (it reads by content alone);
   * - `both`: the two together.
   */
  prior?: CrossAttentionPrior;
  /** With a locality prior: the patch grid both the queries and the keys lie on, raster order. */
  grid?: RopeGrid;
}

/**
 * Cross-attention: the same layer as SelfAttention, applied to two inputs, `[queries, memory]`:
 * queries [batch, Lq, width] are projected from the first, keys and values from the second
 * [batch, Lk, width]. Outputs [batch, Lq, width] and the weights [batch, heads, Lq, Lk]
 * (queries by memory tokens). Its role is `cross` unless given.
 */
export class CrossAttention extends SelfAttention {
  static override className = 'DACrossAttention';
  private readonly prior: CrossAttentionPrior;
  private readonly grid: RopeGrid | undefined;
  private strength: tf.LayerVariable | undefined;
  private sharpnessOf: tf.LayerVariable | undefined;
  private distances: tf.Tensor2D | undefined;

  constructor(args: CrossAttentionArgs) {
    super({ role: 'cross', ...args });
    this.prior = args.prior ?? 'none';
    this.grid = args.grid;
    if (
      this.prior !== 'none' &&
      this.prior !== 'content' &&
      this.prior !== 'locality' &&
      this.prior !== 'both'
    )
      throw new RangeError(`unknown cross-attention prior ${String(this.prior)}`);
    if ((this.prior === 'locality' || this.prior === 'both') && !this.grid)
      throw new RangeError('a locality prior needs the patch grid');
  }

  override build(inputShape: Shape | Shape[]): void {
    const [[, queries, width], [, keys, memoryWidth]] = inputShape as [
      [null, number, number],
      [null, number, number],
    ];
    if (memoryWidth !== width)
      throw new RangeError(`cross-attention needs memory of width ${width}, got ${memoryWidth}`);
    this.buildFor(queries, width, keys);
    if (this.prior === 'content' || this.prior === 'both') {
      this.weightsOf['key/kernel'].write(tf.clone(this.weightsOf['query/kernel'].read()));
      // Alike tokens differ little in their scores at first (they share most of their
      // features); a sharper start lets those differences show in the weights.
      this.sharpnessOf = this.addWeight(
        'content/sharpness',
        [this.heads, 1, 1],
        'float32',
        tf.initializers.constant({ value: CONTENT_SHARPNESS }),
      );
    }
    if (this.prior === 'locality' || this.prior === 'both') {
      const grid = this.grid as RopeGrid;
      const cells = grid.rows * grid.cols;
      if (queries !== cells || keys !== cells)
        throw new RangeError(
          `a locality prior needs ${cells} queries and keys (the ${grid.rows} x ${grid.cols} grid), got ${queries} and ${keys}`,
        );
      const start = Float32Array.from({ length: this.heads }, (_, h) =>
        h === this.heads - 1 && this.heads > 1 ? 0 : 1 / (2 * 4 ** h),
      );
      this.strength = this.addWeight(
        'locality/strength',
        [this.heads, 1, 1],
        'float32',
        tf.initializers.zeros(),
      );
      this.strength.write(tf.tensor3d(start, [this.heads, 1, 1]));
      const squared = new Float32Array(cells * cells);
      for (let q = 0; q < cells; q++)
        for (let k = 0; k < cells; k++) {
          const dy = Math.floor(q / grid.cols) - Math.floor(k / grid.cols);
          const dx = (q % grid.cols) - (k % grid.cols);
          squared[q * cells + k] = -(dy * dy + dx * dx);
        }
      this.distances = tf.keep(tf.tensor2d(squared, [cells, cells]));
    }
  }

  protected override sharpness(): tf.Tensor3D | undefined {
    return this.sharpnessOf?.read() as tf.Tensor3D | undefined;
  }

  protected override scoreBias(): tf.Tensor3D | undefined {
    if (!this.strength || !this.distances) return undefined;
    return tf.mul(this.strength.read(), this.distances) as tf.Tensor3D;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape[] {
    const [[batch, queries, width], [, keys]] = inputShape as Shape[];
    return [
      [batch, queries, width],
      [batch, this.heads, queries, keys],
    ];
  }

  override call(
    inputs: tf.Tensor | tf.Tensor[],
    kwargs: Record<string, unknown> = {},
  ): tf.Tensor[] {
    const [x, memory] = inputs as tf.Tensor3D[];
    return this.attend(x, memory, kwargs['training'] === true);
  }

  override dispose(): DisposeResult {
    const result = super.dispose();
    this.distances?.dispose();
    this.distances = undefined;
    return result;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      ...(this.prior !== 'none' ? { prior: this.prior } : {}),
      ...(this.grid ? { grid: { ...this.grid } } : {}),
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
  private readonly grid: RopeGrid | undefined;
  private table: tf.Tensor2D | undefined;
  private learned: tf.LayerVariable | undefined;

  /**
   * On a `grid` (`repeat` copies of a `rows x cols` patch grid), a fixed table is the 2D one of
   * `positionalEncoding2D` (the first half of the features the patch's row, the second its
   * column) and a learnable one has a row per patch, shared by the copies.
   */
  constructor(args: LayerArgs & { kind: Exclude<EncodingKind, 'rope'>; grid?: RopeGrid }) {
    super(args);
    this.kind = args.kind;
    this.grid = args.grid;
  }

  override build(inputShape: Shape | Shape[]): void {
    const [, length, width] = inputShape as [null, number, number];
    const grid = this.grid;
    const repeat = grid?.repeat ?? 1;
    const rows = grid ? grid.rows * grid.cols : length;
    if (grid && rows * repeat !== length)
      throw new RangeError(`${length} tokens do not lie on ${repeat} grids of ${rows} patches`);
    const tile = (table: tf.Tensor2D) =>
      repeat === 1 ? table : (tf.concat(Array<tf.Tensor2D>(repeat).fill(table), 0) as tf.Tensor2D);
    if (this.kind === 'learnable') {
      this.learned = this.addWeight(
        'table',
        [rows, width],
        'float32',
        tf.initializers.randomNormal({ mean: 0, stddev: 0.02, seed: this.nextSeed() }),
      );
      this.tileLearned = grid ? tile : undefined;
    } else {
      const values = grid
        ? positionalEncoding2D(this.kind, grid.rows, grid.cols, width)
        : positionalEncoding(this.kind, length, width);
      this.table = tf.keep(tf.tidy(() => tile(tf.tensor2d(values, [rows, width]))));
    }
    this.built = true;
  }

  private tileLearned: ((table: tf.Tensor2D) => tf.Tensor2D) | undefined;

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const learned = this.learned?.read() as tf.Tensor2D | undefined;
      const table = learned ? (this.tileLearned?.(learned) ?? learned) : this.table!;
      return tf.add(single(inputs), table);
    });
  }

  override dispose(): DisposeResult {
    const result = super.dispose();
    this.table?.dispose();
    this.table = undefined;
    return result;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      kind: this.kind,
      ...(this.grid ? { grid: { ...this.grid } } : {}),
    };
  }
}

/**
 * The positional mixing of `attention-pe` and `mha` (docs/design/models.md): features + dense(PE),
 * with a fixed sinusoidal PE and a trained dense layer (width x width, plus bias).
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
  Gelu,
  Dense,
  Conv1DSame,
  LayerNorm,
  Scale,
  SelfAttention,
  CrossAttention,
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
    const product = tf.matMul(tf.reshape(x, [batch * length, features]), kernel);
    // On our kernels, the bias in one pass and its gradient as column sums in one more (tfjs-wasm's
    // Sum over the [batch length, 4u] gradient took a third of a training step).
    const biased =
      product.dtype === 'float32' && layoutKernelsAvailable()
        ? addRowVector(product, bias as tf.Tensor1D)
        : tf.add(product, bias);
    const projected = tf.reshape(biased, [batch, length, 4 * u]) as tf.Tensor3D;
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
