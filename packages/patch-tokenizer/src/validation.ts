import {
  PATCH_ENCODING_KINDS,
  checkBias,
  checkEncodingTable,
  checkInteger,
  checkOneOf,
  checkProjection,
  patchGrid,
  patchSizesFor,
  shownValue,
  type PatchEncodingKind,
  type PatchGrid,
} from '@decoding-attention/core';
import { TOKENIZER_LIMITS } from './limits.js';

/** What the tokenizer checks before any value reaches the maths: its settings as set. */
export interface TokenizerSettings {
  encoding?: unknown;
  patchSize?: unknown;
  dim?: unknown;
  seed?: unknown;
  patch?: unknown;
  for?: unknown;
  projection?: unknown;
  bias?: unknown;
  positionalTable?: unknown;
  heads?: unknown;
}

/** The checked settings, with the grid over the image and the projection handed in, if any. */
export interface CheckedSettings {
  encoding: PatchEncodingKind;
  patchSize: number;
  dim: number;
  seed: number;
  patch: number;
  grid: PatchGrid;
  projection: Float32Array | undefined;
  bias: Float32Array | undefined;
  positionalTable: Float32Array | undefined;
  heads: number;
}

/** A value as `checkOneOf` compares it: a string, or a text that matches no choice. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : shownValue(value);
}

/** The sizes that divide the image and give at most the patches allowed. */
export function usablePatchSizes(width: number, height: number): number[] {
  return patchSizesFor(width, height).filter(
    (p) => (width / p) * (height / p) <= TOKENIZER_LIMITS.patches,
  );
}

/**
 * Checks every setting under its attribute's name (as authors write it), for an image of
 * `width x height`; throws a RangeError on the first bad one.
 */
export function validateSettings(
  s: TokenizerSettings,
  width: number,
  height: number,
): CheckedSettings {
  const encoding = checkOneOf('encoding', asText(s.encoding), PATCH_ENCODING_KINDS);
  const patchSize = s.patchSize as number;
  const grid = patchGrid(width, height, patchSize);
  if (grid.count > TOKENIZER_LIMITS.patches)
    throw new RangeError(
      `patch-size ${patchSize} cuts the ${width} x ${height} image into ${grid.count} patches; ` +
        `at most ${TOKENIZER_LIMITS.patches} are shown: use ${usablePatchSizes(width, height).join(', ')}`,
    );
  const { min, max } = TOKENIZER_LIMITS.dim;
  const dim = checkInteger('dim', s.dim as number, min, max);
  if (encoding === 'sinusoidal' && dim % 2 !== 0)
    throw new RangeError(
      `dim must be even for the sinusoidal encoding (half per axis), got ${dim}`,
    );
  if (encoding === 'rope' && dim % 4 !== 0)
    throw new RangeError(
      `dim must be a multiple of 4 for the rope encoding (pairs turned by row and by column), got ${dim}`,
    );
  const heads = checkInteger('heads', s.heads as number, 1, max);
  if (encoding === 'rope' && (dim % heads !== 0 || (dim / heads) % 4 !== 0)) {
    const fit = [1, 2, 4, 8, 16].filter((h) => dim % h === 0 && (dim / h) % 4 === 0);
    throw new RangeError(
      `dim / heads must be a multiple of 4 for the rope encoding (each head's features turned half by row, half by column), got ${dim} / ${heads}: use heads ${fit.join(', ')}`,
    );
  }
  const values = grid.size * dim;
  if (values > TOKENIZER_LIMITS.projectionValues)
    throw new RangeError(
      `patch-size ${patchSize} with dim ${dim} needs a projection of ${values} values; at most ` +
        `${TOKENIZER_LIMITS.projectionValues}: lower dim to ${Math.floor(TOKENIZER_LIMITS.projectionValues / grid.size)} or patch-size`,
    );
  const seed = checkInteger(
    'seed',
    s.seed as number,
    Number.MIN_SAFE_INTEGER,
    Number.MAX_SAFE_INTEGER,
  );
  const patch = checkInteger('patch', s.patch as number, 0, grid.count - 1);
  if (s.for !== undefined && typeof s.for !== 'string')
    throw new RangeError(
      `for must be ids, space-separated, of a <shape-dataset-viewer mode="2d"> and a <trainable-model task="shapes-2d">, got ${shownValue(s.for)}`,
    );
  const set = (value: unknown) => value !== undefined && value !== null;
  const projection = set(s.projection) ? checkProjection(s.projection, grid.size, dim) : undefined;
  if (set(s.bias) && !projection)
    throw new RangeError(
      'bias is added to a trained projection: set projection too (the seeded one has none)',
    );
  const bias = set(s.bias) ? checkBias(s.bias, dim) : undefined;
  let positionalTable: Float32Array | undefined;
  if (set(s.positionalTable)) {
    try {
      positionalTable = Float32Array.from(checkEncodingTable(s.positionalTable, grid.count, dim));
    } catch (error) {
      throw new RangeError((error as Error).message.replace(/^table/, 'positionalTable'), {
        cause: error,
      });
    }
  }
  return {
    encoding,
    patchSize,
    dim,
    seed,
    patch,
    grid,
    projection,
    bias,
    positionalTable,
    heads,
  };
}
