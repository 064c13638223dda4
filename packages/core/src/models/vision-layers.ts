/**
 * The layers of the vision models (docs/design/models.md, "Vision"): images to patch tokens and
 * back, a 3 x 3 convolution as one matrix multiply, and the tables a token stream adds.
 */
import * as tf from '@tensorflow/tfjs';
import {
  addRowVector,
  columnSums,
  layoutKernelsAvailable,
  patchImages,
  patchTokens,
} from '@decoding-attention/wasm-kernels/attention';
import { Dense, gelu } from './layers.js';
import { sampleSeed } from '../random.js';

type Shape = (number | null)[];
type LayerArgs = { name?: string; trainable?: boolean; seed?: number };

/**
 * How a patch is laid out as a token, as in `patches.ts`: channel by channel (R plane, then G,
 * then B), each plane row by row, so value `c * p * p + y * p + x` of a patch is channel `c` of
 * its pixel (x, y). `channel` tokens are those planes on their own: the R planes of every patch in
 * raster order, then the G planes, then the B planes.
 */
export type PatchTokens = 'patch' | 'channel';

/**
 * images [batch, H, W, C] -> patches [batch * rows, cols, C, p, p] and back, each one transpose:
 * a patch's values channel by channel, each plane row by row.
 */
const PATCH_ORDER = [0, 2, 4, 1, 3];
const IMAGE_ORDER = [0, 3, 1, 4, 2];

function toPatches(images: tf.Tensor, p: number): tf.Tensor {
  const [batch, height, width, channels] = images.shape;
  return tf.transpose(
    tf.reshape(images, [(batch * height) / p, p, width / p, p, channels]),
    PATCH_ORDER,
  );
}

/** The inverse of toPatches: values in patch order back to images [batch, H, W, C]. */
function fromPatches(
  patches: tf.Tensor,
  batch: number,
  height: number,
  width: number,
  p: number,
  channels: number,
): tf.Tensor {
  const grid = tf.reshape(patches, [(batch * height) / p, width / p, channels, p, p]);
  return tf.reshape(tf.transpose(grid, IMAGE_ORDER), [batch, height, width, channels]);
}

/** Patch tokens [batch, N, C p p] to plane tokens [batch, C N, p p] (`inverse`: back). */
function planesOf(tokens: tf.Tensor, channels: number, inverse = false): tf.Tensor {
  const [batch, n] = tokens.shape;
  const size = tokens.size / batch;
  const count = inverse ? n / channels : n;
  const split = inverse
    ? [batch, channels, count, size / (channels * count)]
    : [batch, count, channels, size / (channels * count)];
  const swapped = tf.transpose(tf.reshape(tokens, split), [0, 2, 1, 3]);
  return inverse
    ? tf.reshape(swapped, [batch, count, size / count])
    : tf.reshape(swapped, [batch, channels * count, size / (channels * count)]);
}

/**
 * images -> tokens and tokens -> images as single ops whose gradient is the other: neither
 * keeps any tensor for the backward pass (tfjs keeps the input of every reshape on the way, a
 * copy of the batch each), and each direction is one transpose of the batch (two for planes).
 */
function patchOps(height: number, width: number, p: number, channels: number, layout: PatchTokens) {
  const n = (height / p) * (width / p);
  // On the wasm backend with our kernels, one pass over the batch each way instead of a rank-5
  // transpose (tfjs-wasm's is several times slower): the same values in the same places.
  const oneKernel = (t: tf.Tensor) => t.dtype === 'float32' && layoutKernelsAvailable();
  const toTokens = (images: tf.Tensor) => {
    const batch = images.shape[0];
    const tokens = oneKernel(images)
      ? patchTokens(images as tf.Tensor4D, p)
      : tf.reshape(toPatches(images, p), [batch, n, channels * p * p]);
    return layout === 'channel' ? planesOf(tokens, channels) : tokens;
  };
  const toImages = (tokens: tf.Tensor) => {
    const patches = layout === 'channel' ? planesOf(tokens, channels, true) : tokens;
    return oneKernel(patches)
      ? patchImages(patches as tf.Tensor3D, p, height, width)
      : fromPatches(patches, tokens.shape[0], height, width, p, channels);
  };
  const op = (forward: (t: tf.Tensor) => tf.Tensor, backward: (t: tf.Tensor) => tf.Tensor) =>
    tf.customGrad((...args: unknown[]) => ({
      value: forward(args[0] as tf.Tensor),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => backward(dy as tf.Tensor),
    })) as (x: tf.Tensor) => tf.Tensor;
  return { patchify: op(toTokens, toImages), unpatchify: op(toImages, toTokens) };
}

/** images [batch, H, W, 3] -> patch tokens [batch, N, 3 p p] (or plane tokens [batch, 3 N, p p]). */
export function imageToTokens(
  images: tf.Tensor4D,
  patchSize: number,
  tokens: PatchTokens = 'patch',
): tf.Tensor3D {
  const [, height, width, channels] = images.shape;
  return patchOps(height, width, patchSize, channels, tokens).patchify(images) as tf.Tensor3D;
}

/** The inverse of `imageToTokens`: tokens back to images [batch, H, W, channels]. */
export function tokensToImage(
  tokens: tf.Tensor3D,
  height: number,
  width: number,
  patchSize: number,
  layout: PatchTokens = 'patch',
  channels = 3,
): tf.Tensor4D {
  return patchOps(height, width, patchSize, channels, layout).unpatchify(tokens) as tf.Tensor4D;
}

/**
 * x W + bias for x [rows, in], as one op, through our kernels: the product by the packed matrix
 * multiply (where tfjs-wasm's fused product with bias is about twice as slow at a vision
 * model's shapes), the bias by one pass over the rows; backward, two products and the bias
 * gradient as column sums in one pass. Without `inputGradient`, x is not an input of the op at
 * all, so no gradient is made for it (not even the zeros a gradient function would have to
 * return: a tensor the size of x, the patch embedding's whole batch, each step).
 */
function kernelAffine(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  inputGradient: boolean,
): tf.Tensor2D {
  if (!inputGradient) {
    const weightsOnly = tf.customGrad((...args: unknown[]) => {
      const [w, b, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
      save([x]);
      return {
        value: addRowVector(tf.matMul(x, w), b),
        gradFunc: (dy: tf.Tensor | tf.Tensor[], [input]: tf.Tensor[]) => {
          const d = dy as tf.Tensor2D;
          return [tf.matMul(input as tf.Tensor2D, d, true, false), columnSums(d)];
        },
      };
    });
    return weightsOnly(kernel, bias) as tf.Tensor2D;
  }
  const op = tf.customGrad((...args: unknown[]) => {
    const [a, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    save([a, w]);
    return {
      value: addRowVector(tf.matMul(a, w), b),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], [input, weights]: tf.Tensor[]) => {
        const d = dy as tf.Tensor2D;
        return [
          tf.matMul(d, weights as tf.Tensor2D, false, true),
          tf.matMul(input as tf.Tensor2D, d, true, false),
          columnSums(d),
        ];
      },
    };
  });
  return op(x, kernel, bias) as tf.Tensor2D;
}

/**
 * The vision models' dense layer: `Dense` (the same weights, initial values and outputs), whose
 * product, bias and bias gradient run on our kernels where they serve the wasm backend (see
 * `kernelAffine`); elsewhere, exactly `Dense`.
 */
export class TokenDense extends Dense {
  static override className = 'DATokenDense';
  private readonly withInputGradient: boolean;

  constructor(args: ConstructorParameters<typeof Dense>[0]) {
    super(args);
    this.withInputGradient = args.inputGradient ?? true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x.dtype !== 'float32' || !layoutKernelsAvailable()) return super.call(inputs);
    return tf.tidy(() => {
      // Dense's weights, in the order it adds them: the kernel [in, out], then the bias [out].
      const [kernel, bias] = this.weights.map((w) => w.read());
      const features = x.shape[x.rank - 1];
      const units = kernel.shape[1] as number;
      const flat = tf.reshape(x, [x.size / features, features]) as tf.Tensor2D;
      const y = kernelAffine(
        flat,
        kernel as tf.Tensor2D,
        bias as tf.Tensor1D,
        this.withInputGradient,
      );
      return tf.reshape(y, [...x.shape.slice(0, -1), units]);
    });
  }
}

/** Cuts images [batch, H, W, C] into patch tokens (see `imageToTokens`), or a grid of them. */
export class Patchify extends tf.layers.Layer {
  static className = 'DAPatchify';
  private readonly patchSize: number;
  private readonly tokens: PatchTokens;
  /** Keep the grid: [batch, rows, cols, C p p] rather than [batch, rows * cols, C p p]. */
  private readonly grid: boolean;

  constructor(args: LayerArgs & { patchSize: number; tokens?: PatchTokens; grid?: boolean }) {
    super(args);
    this.patchSize = args.patchSize;
    this.tokens = args.tokens ?? 'patch';
    this.grid = args.grid ?? false;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, height, width, channels] = inputShape as number[];
    const p = this.patchSize;
    const rows = height / p;
    const cols = width / p;
    if (this.grid) return [batch, rows, cols, channels * p * p];
    return this.tokens === 'patch'
      ? [batch, rows * cols, channels * p * p]
      : [batch, channels * rows * cols, p * p];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const images = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const out = imageToTokens(images, this.patchSize, this.tokens);
      if (!this.grid) return out;
      const [batch, height, width] = images.shape;
      const p = this.patchSize;
      return tf.reshape(out, [batch, height / p, width / p, out.shape[2]]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      patchSize: this.patchSize,
      tokens: this.tokens,
      grid: this.grid,
    };
  }
}

/** Reassembles patch tokens (or a grid of them) into images [batch, height, width, channels]. */
export class Unpatchify extends tf.layers.Layer {
  static className = 'DAUnpatchify';
  private readonly patchSize: number;
  private readonly tokens: PatchTokens;
  private readonly height: number;
  private readonly width: number;
  private readonly channels: number;

  constructor(
    args: LayerArgs & {
      patchSize: number;
      height: number;
      width: number;
      channels?: number;
      tokens?: PatchTokens;
    },
  ) {
    super(args);
    this.patchSize = args.patchSize;
    this.tokens = args.tokens ?? 'patch';
    this.height = args.height;
    this.width = args.width;
    this.channels = args.channels ?? 3;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [(inputShape as Shape)[0], this.height, this.width, this.channels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const [batch] = x.shape;
      const flat = tf.reshape(x, [batch, -1, x.shape[x.rank - 1]]) as tf.Tensor3D;
      return tokensToImage(
        flat,
        this.height,
        this.width,
        this.patchSize,
        this.tokens,
        this.channels,
      );
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      patchSize: this.patchSize,
      tokens: this.tokens,
      height: this.height,
      width: this.width,
      channels: this.channels,
    };
  }
}

/** The nine taps of a 3 x 3 "same" convolution of x [batch, H, W, C], concatenated: [batch * H * W, 9 C]. */
function taps3x3(x: tf.Tensor4D): tf.Tensor2D {
  const [batch, height, width, channels] = x.shape;
  const padded = tf.pad(x, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);
  const taps: tf.Tensor4D[] = [];
  for (let dy = 0; dy < 3; dy++)
    for (let dx = 0; dx < 3; dx++)
      taps.push(tf.slice(padded, [0, dy, dx, 0], [batch, height, width, channels]));
  return tf.reshape(tf.concat(taps, 3), [batch * height * width, 9 * channels]) as tf.Tensor2D;
}

/**
 * A 3 x 3 convolution with "same" padding (one zero all round) over [batch, H, W, C], as one
 * matrix multiply of the nine shifted inputs by a kernel [9 C, filters] (taps row by row, then
 * channels), plus a bias: no convolution kernels, which tfjs's wasm backend cannot differentiate.
 */
export class Conv2DSame extends tf.layers.Layer {
  static className = 'DAConv2DSame';
  private readonly filters: number;
  private readonly activation: 'linear' | 'gelu';
  private readonly seed: number | undefined;
  private kernel!: tf.LayerVariable;
  private bias!: tf.LayerVariable;

  constructor(args: LayerArgs & { filters: number; activation?: 'linear' | 'gelu' }) {
    super(args);
    this.filters = args.filters;
    this.activation = args.activation ?? 'linear';
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const channels = (inputShape as Shape)[3] as number;
    this.kernel = this.addWeight(
      'kernel',
      [9 * channels, this.filters],
      'float32',
      tf.initializers.glorotUniform({
        seed: this.seed === undefined ? undefined : sampleSeed(this.seed, 0),
      }),
    );
    this.bias = this.addWeight('bias', [this.filters], 'float32', tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [batch, height, width] = inputShape as Shape;
    return [batch, height, width, this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [batch, height, width] = x.shape;
      const y = tf.reshape(
        tf.add(tf.matMul(taps3x3(x), this.kernel.read() as tf.Tensor2D), this.bias.read()),
        [batch, height, width, this.filters],
      );
      return this.activation === 'gelu' ? gelu(y) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, activation: this.activation };
  }
}

/**
 * A trained table [rows, width] started at N(0, 0.02), added to tokens [batch, tokens, width]:
 * with `repeat` (tokens = repeat x rows), each row to every run of `tokens / repeat` tokens
 * (`per: 'run'`: the channel embedding, one row per colour plane), or the whole table to each
 * run (`per: 'token'`: learned decoder queries). Added to zeros when `replace` is set: the
 * queries themselves, one row per output patch, whatever the input.
 */
export class LearnedTable extends tf.layers.Layer {
  static className = 'DALearnedTable';
  private readonly rows: number;
  private readonly per: 'run' | 'token';
  private readonly replace: boolean;
  private readonly seed: number | undefined;
  private table!: tf.LayerVariable;

  constructor(args: LayerArgs & { rows: number; per?: 'run' | 'token'; replace?: boolean }) {
    super(args);
    this.rows = args.rows;
    this.per = args.per ?? 'token';
    this.replace = args.replace ?? false;
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const width = (inputShape as Shape)[2] as number;
    this.table = this.addWeight(
      'table',
      [this.rows, width],
      'float32',
      tf.initializers.randomNormal({
        mean: 0,
        stddev: 0.02,
        seed: this.seed === undefined ? undefined : sampleSeed(this.seed, 0),
      }),
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor3D;
      const [batch, tokens, width] = x.shape;
      const table = this.table.read() as tf.Tensor2D;
      const runs = this.per === 'run' ? this.rows : tokens / this.rows;
      // [runs, tokens / runs, width]: a row per run broadcast over its tokens, or the table per run.
      const added =
        this.per === 'run'
          ? tf.reshape(table, [runs, 1, width])
          : tf.reshape(table, [1, this.rows, width]);
      const base = this.replace
        ? tf.zeros([batch, runs, tokens / runs, width])
        : tf.reshape(x, [batch, runs, tokens / runs, width]);
      return tf.reshape(tf.add(base, added), [batch, tokens, width]);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rows: this.rows, per: this.per, replace: this.replace };
  }
}

for (const layer of [TokenDense, Patchify, Unpatchify, Conv2DSame, LearnedTable]) {
  tf.serialization.registerClass(
    layer as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
  );
}
