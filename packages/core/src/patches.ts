import type { Matrix } from './matrix.js';
import { SeededRandom } from './random.js';
import {
  applyRope2D,
  checkEncodingTable,
  positionSimilarity,
  positionalEncoding,
  positionalEncoding2D,
} from './positional.js';
import { checkInteger, checkNumber, checkOneOf, shownValue } from './validation.js';

/**
 * Patches of an image, the tokens a vision transformer reads (docs/design/models.md, "Patches").
 *
 * An image is cut into a `rows x cols` grid of `p x p` patches, numbered in raster order (left to
 * right, then top to bottom: patch `t` sits at row `floor(t / cols)`, column `t % cols`). Each
 * patch is flattened channel by channel, R plane then G then B, each plane row by row: value
 * `c * p * p + y * p + x` of a patch is channel `c` of its pixel (x, y). Planes keep a channel's
 * values together, so a channel-specific model can cut a patch into three tokens by slicing.
 */

/** The patch grid of an image: its rows and columns of patches and the values in each. */
export interface PatchGrid {
  /** Patch rows: height / patchSize. */
  rows: number;
  /** Patch columns: width / patchSize. */
  cols: number;
  /** Patches in all: rows * cols. */
  count: number;
  /** Values in one flattened patch: patchSize * patchSize * 3. */
  size: number;
  patchSize: number;
}

/** The sizes that cut a `width x height` image into whole patches: the common divisors. */
export function patchSizesFor(width: number, height: number): number[] {
  const sizes: number[] = [];
  for (let p = 1; p <= Math.min(width, height); p++) {
    if (width % p === 0 && height % p === 0) sizes.push(p);
  }
  return sizes;
}

/**
 * The grid of `patchSize` patches over a `width x height` image. Throws a RangeError naming
 * `patch-size` (and the sizes that would work) when the size does not divide the image.
 */
export function patchGrid(width: number, height: number, patchSize: number): PatchGrid {
  checkInteger('width', width, 1);
  checkInteger('height', height, 1);
  if (!Number.isInteger(patchSize) || patchSize < 1) {
    throw new RangeError(`patch-size must be a whole number >= 1, got ${shownValue(patchSize)}`);
  }
  if (width % patchSize !== 0 || height % patchSize !== 0) {
    throw new RangeError(
      `patch-size ${patchSize} does not divide the ${width} x ${height} image; ` +
        `sizes that would: ${patchSizesFor(width, height).join(', ')}`,
    );
  }
  const rows = height / patchSize;
  const cols = width / patchSize;
  return { rows, cols, count: rows * cols, size: patchSize * patchSize * 3, patchSize };
}

/**
 * How many values a pixel holds in `image`: 4 for RGBA (a canvas's or a `Sample2D`'s bytes), 3
 * for RGB (one sample of `generateBatch2D`'s NHWC floats). Throws naming `image` otherwise.
 */
function channelsOf(image: ArrayLike<number>, width: number, height: number): 3 | 4 {
  const pixels = width * height;
  if (image.length === pixels * 4) return 4;
  if (image.length === pixels * 3) return 3;
  throw new RangeError(
    `image holds ${image.length} values; a ${width} x ${height} image needs ` +
      `${pixels * 3} (RGB) or ${pixels * 4} (RGBA)`,
  );
}

/**
 * Cuts an image into patches: a `[count, p * p * 3]` matrix, patches in raster order, each
 * flattened in planes (see the top of this file).
 *
 * `image` is row-major, pixel by pixel: RGBA (`width * height * 4` values, alpha ignored) or RGB
 * (`width * height * 3`, the layout of one sample of `generateBatch2D`). Bytes (a
 * `Uint8ClampedArray` or `Uint8Array`) are divided by 255, so a viewer's sample and the batch
 * generator's floats for the same seed give the same patches; other arrays are copied as they are.
 */
export function patchify(
  image: ArrayLike<number>,
  width: number,
  height: number,
  patchSize: number,
): Matrix {
  const grid = patchGrid(width, height, patchSize);
  const channels = channelsOf(image, width, height);
  const divisor = image instanceof Uint8ClampedArray || image instanceof Uint8Array ? 255 : 1;
  const p = patchSize;
  const plane = p * p;
  const data = new Float32Array(grid.count * grid.size);
  for (let t = 0; t < grid.count; t++) {
    const top = Math.floor(t / grid.cols) * p;
    const left = (t % grid.cols) * p;
    const base = t * grid.size;
    for (let y = 0; y < p; y++) {
      for (let x = 0; x < p; x++) {
        const pixel = ((top + y) * width + left + x) * channels;
        const at = base + y * p + x;
        data[at] = image[pixel] / divisor;
        data[at + plane] = image[pixel + 1] / divisor;
        data[at + 2 * plane] = image[pixel + 2] / divisor;
      }
    }
  }
  return { data, rows: grid.count, cols: grid.size };
}

/**
 * The exact inverse of `patchify` for RGB: patches (`[count, p * p * 3]`, flat or as a matrix)
 * back into a `width * height * 3` row-major RGB image, the layout of `generateBatch2D`.
 */
export function unpatchify(
  patches: ArrayLike<number> | Matrix,
  width: number,
  height: number,
  patchSize: number,
): Float32Array {
  const grid = patchGrid(width, height, patchSize);
  const values = 'data' in patches && 'rows' in patches ? patches.data : patches;
  if (values.length !== grid.count * grid.size) {
    throw new RangeError(
      `patches hold ${values.length} values; ${grid.count} patches of ` +
        `${patchSize} x ${patchSize} x 3 need ${grid.count * grid.size}`,
    );
  }
  const p = patchSize;
  const plane = p * p;
  const image = new Float32Array(width * height * 3);
  for (let t = 0; t < grid.count; t++) {
    const top = Math.floor(t / grid.cols) * p;
    const left = (t % grid.cols) * p;
    const base = t * grid.size;
    for (let y = 0; y < p; y++) {
      for (let x = 0; x < p; x++) {
        const pixel = ((top + y) * width + left + x) * 3;
        const at = base + y * p + x;
        image[pixel] = values[at];
        image[pixel + 1] = values[at + plane];
        image[pixel + 2] = values[at + 2 * plane];
      }
    }
  }
  return image;
}

/**
 * A seeded linear patch embedding: a `[size, dim]` row-major matrix drawn from
 * N(0, 1 / size), so a patch of values in [0, 1] maps to features of order one.
 */
export function patchProjection(size: number, dim: number, seed = 0): Float32Array {
  checkInteger('size', size, 1);
  checkInteger('dim', dim, 1, 4096);
  const random = new SeededRandom(
    checkInteger('seed', seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER),
  );
  const scale = 1 / Math.sqrt(size);
  return Float32Array.from({ length: size * dim }, () => scale * random.gaussian());
}

/**
 * Checks a `[size, dim]` projection (a trained patch embedding, say): an array or typed array of
 * `size * dim` finite numbers inside float32's range. Throws a RangeError naming `projection`.
 */
export function checkProjection(projection: unknown, size: number, dim: number): Float32Array {
  try {
    return Float32Array.from(checkEncodingTable(projection, size, dim));
  } catch (error) {
    throw new RangeError((error as Error).message.replace(/^table/, 'projection'), {
      cause: error,
    });
  }
}

/**
 * Checks a projection's bias (a trained embedding's, say): `dim` finite numbers inside
 * float32's range. Throws a RangeError naming `bias`.
 */
export function checkBias(bias: unknown, dim: number): Float32Array {
  try {
    return Float32Array.from(checkEncodingTable(bias, 1, dim));
  } catch (error) {
    throw new RangeError((error as Error).message.replace(/^table/, 'bias'), { cause: error });
  }
}

/**
 * Each patch times the projection, plus the bias when given (a trained embedding's):
 * `[count, size] x [size, dim] + [dim]`, the patches' embeddings before any position is added.
 */
export function embedPatches(
  patches: Matrix,
  projection: ArrayLike<number>,
  dim: number,
  bias?: ArrayLike<number>,
): Matrix {
  const { rows: count, cols: size, data } = patches;
  if (projection.length !== size * dim)
    throw new RangeError(
      `projection holds ${projection.length} values; ${size} x ${dim} needs ${size * dim}`,
    );
  if (bias && bias.length !== dim)
    throw new RangeError(`bias holds ${bias.length} values; dim ${dim} needs ${dim}`);
  const out = new Float32Array(count * dim);
  const sum = new Float64Array(dim);
  for (let t = 0; t < count; t++) {
    sum.fill(0);
    if (bias) for (let d = 0; d < dim; d++) sum[d] = bias[d];
    for (let k = 0; k < size; k++) {
      const value = data[t * size + k];
      if (value === 0) continue;
      const row = k * dim;
      for (let d = 0; d < dim; d++) sum[d] += value * projection[row + d];
    }
    out.set(sum, t * dim);
  }
  return { data: out, rows: count, cols: dim };
}

/** The positional encodings of a patch grid. */
export const PATCH_ENCODING_KINDS = ['learnable', 'sinusoidal', 'rope'] as const;
export type PatchEncodingKind = (typeof PATCH_ENCODING_KINDS)[number];

export interface PatchEncodingOptions {
  /** sinusoidal, rope: the base of the frequencies (default 10000). */
  base?: number;
  /** learnable: the seed of the N(0, 0.02) initialisation (default 0). */
  seed?: number;
  /** learnable: a trained `[rows * cols, dim]` table to use instead. */
  table?: ArrayLike<number>;
  /**
   * rope: the attention heads the features are split into (default 1). The models turn each
   * head's features on its own, the first half of each head's by the row and the second half
   * by the column (docs/design/models.md); pass the model's heads (4 by default) to match it.
   */
  heads?: number;
}

function checkPatchDim(kind: PatchEncodingKind, dim: number, heads = 1): void {
  checkInteger('dim', dim, 1, 4096);
  if (kind === 'sinusoidal' && dim % 2 !== 0)
    throw new RangeError(`dim must be even for 2D sinusoidal (half per axis), got ${dim}`);
  if (kind !== 'rope') return;
  checkInteger('heads', heads, 1, dim);
  if (heads === 1 && dim % 4 !== 0)
    throw new RangeError(`dim must be a multiple of 4 for 2D RoPE (pairs per axis), got ${dim}`);
  if (dim % heads !== 0 || (dim / heads) % 4 !== 0)
    throw new RangeError(
      `dim / heads must be a multiple of 4 for 2D RoPE (pairs per axis in each head), got ${dim} / ${heads}`,
    );
}

/**
 * Axial 2D RoPE on `[rows * cols, dim]` tokens split into `heads` heads, as the models turn
 * queries and keys: each head's `dim / heads` features turned on their own by `applyRope2D`.
 */
export function applyPatchRope(
  x: ArrayLike<number>,
  rows: number,
  cols: number,
  dim: number,
  heads = 1,
  base = 10000,
): Float32Array {
  checkPatchDim('rope', dim, heads);
  const count = rows * cols;
  if (x.length !== count * dim)
    throw new RangeError(`x holds ${x.length} values; ${count} x ${dim} needs ${count * dim}`);
  if (heads === 1) return applyRope2D(x, rows, cols, dim, base);
  const size = dim / heads;
  const head = new Float32Array(count * size);
  const out = new Float32Array(count * dim);
  for (let h = 0; h < heads; h++) {
    for (let t = 0; t < count; t++)
      for (let f = 0; f < size; f++) head[t * size + f] = x[t * dim + h * size + f];
    const turned = applyRope2D(head, rows, cols, size, base);
    for (let t = 0; t < count; t++)
      out.set(turned.subarray(t * size, (t + 1) * size), t * dim + h * size);
  }
  return out;
}

/**
 * The `[rows * cols, dim]` positional encoding of a patch grid, row t for patch t:
 * - `learnable`: one row per patch drawn from N(0, 0.02) by `seed` (a ViT's table, which knows
 *   nothing of the grid until trained), or the trained `table`;
 * - `sinusoidal`: `positionalEncoding2D`: the first half of the features a 1D sinusoidal
 *   encoding of the patch's row, the second half of its column;
 * - `rope`: the rotations axial 2D RoPE applies to queries and keys (nothing is added to the
 *   token): cos and sin of each pair's angle, in each of `heads` heads the first half of its
 *   features turned by the row, the second by the column.
 */
export function patchPositionalEncoding(
  kind: PatchEncodingKind,
  rows: number,
  cols: number,
  dim: number,
  options: PatchEncodingOptions = {},
): Float32Array {
  checkOneOf('encoding', kind, PATCH_ENCODING_KINDS);
  checkInteger('rows', rows, 1);
  checkInteger('cols', cols, 1);
  const { base = 10000, seed = 0, table, heads = 1 } = options;
  checkPatchDim(kind, dim, heads);
  checkNumber('base', base, 1.000001);
  if (kind === 'learnable') {
    if (table) return Float32Array.from(checkEncodingTable(table, rows * cols, dim));
    return positionalEncoding('learnable', rows * cols, dim, { seed });
  }
  if (kind === 'sinusoidal' || heads === 1)
    return positionalEncoding2D(kind, rows, cols, dim, { base });
  // rope by head: each head's features carry the rotations of a head of dim / heads.
  const size = dim / heads;
  const one = positionalEncoding2D('rope', rows, cols, size, { base });
  const pe = new Float32Array(rows * cols * dim);
  for (let t = 0; t < rows * cols; t++)
    for (let h = 0; h < heads; h++)
      pe.set(one.subarray(t * size, (t + 1) * size), t * dim + h * size);
  return pe;
}

/**
 * The token that enters the encoder for each patch, from the patches' embeddings
 * (`[rows * cols, dim]`): the embedding plus the encoding for `learnable` and `sinusoidal`; for
 * `rope`, the token enters as it is, and what is returned is the embedding turned head by head
 * (`applyPatchRope`): the rotation the models apply to its queries and keys (here to the
 * embedding itself, as if the query and key projections were the identity).
 */
export function patchTokens(
  embeddings: ArrayLike<number>,
  kind: PatchEncodingKind,
  rows: number,
  cols: number,
  dim: number,
  options: PatchEncodingOptions = {},
): Float32Array {
  const pe = patchPositionalEncoding(kind, rows, cols, dim, options);
  if (embeddings.length !== rows * cols * dim)
    throw new RangeError(
      `embeddings hold ${embeddings.length} values; ${rows * cols} x ${dim} needs ${rows * cols * dim}`,
    );
  if (kind === 'rope')
    return applyPatchRope(embeddings, rows, cols, dim, options.heads, options.base ?? 10000);
  const tokens = new Float32Array(pe.length);
  for (let i = 0; i < pe.length; i++) tokens[i] = embeddings[i] + pe[i];
  return tokens;
}

/**
 * How alike the positions of every two patches are: a `[count, count]` matrix of cosine
 * similarities. For `learnable` and `sinusoidal`, of the encodings themselves; for `rope`, of
 * one content vector (all ones) turned to each patch's position, so entry (m, n) is the
 * normalised score q_m . k_n of equal content, which depends on the rows' and columns' offsets
 * alone.
 */
export function patchPositionSimilarity(
  kind: PatchEncodingKind,
  rows: number,
  cols: number,
  dim: number,
  options: PatchEncodingOptions = {},
): Matrix {
  const pe = patchPositionalEncoding(kind, rows, cols, dim, options);
  const count = rows * cols;
  if (kind !== 'rope') return positionSimilarity(pe, count, dim, 'cosine');
  const ones = new Float32Array(count * dim).fill(1);
  const turned = applyPatchRope(ones, rows, cols, dim, options.heads, options.base);
  return positionSimilarity(turned, count, dim, 'cosine');
}
