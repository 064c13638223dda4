import {
  embedPatches,
  patchGrid,
  patchPositionSimilarity,
  patchPositionalEncoding,
  patchProjection,
  patchTokens,
  patchify,
  type Matrix,
  type PatchEncodingKind,
  type PatchGrid,
  type Sample2D,
} from '@decoding-attention/core';

/** Everything the tokenizer shows, worked out from one image and its settings. */
export interface WorkedTokens {
  sample: Sample2D;
  grid: PatchGrid;
  encoding: PatchEncodingKind;
  dim: number;
  /** rope: the heads each turned on their own. */
  heads: number;
  /** `[count, p * p * 3]`: each patch flattened, R plane, G plane, B plane, values in [0, 1]. */
  patches: Matrix;
  /** `[p * p * 3, dim]`: the projection used (seeded, or the one handed in). */
  projection: Float32Array;
  /** `[count, dim]`: each patch times the projection. */
  embeddings: Matrix;
  /** `[count, dim]`: the positional encoding (for rope, the cos and sin of its rotations, head by head). */
  encodings: Float32Array;
  /**
   * `[count, dim]`: the tokens that enter the encoder; for rope, the embedding turned head by
   * head, the rotation its queries and keys receive (the token itself enters unchanged).
   */
  tokens: Float32Array;
  /** `[count, count]`: cosine similarity of every two patches' positions. */
  similarity: Matrix;
}

export interface TokenSettings {
  patchSize: number;
  dim: number;
  encoding: PatchEncodingKind;
  seed: number;
  /** A checked `[p * p * 3, dim]` projection, or undefined for the seeded one. */
  projection?: Float32Array;
  /** A checked `[dim]` bias of the projection (a trained embedding's), or none. */
  bias?: Float32Array;
  /** learnable: a checked trained `[patches, dim]` table, or undefined for the seeded one. */
  positionalTable?: Float32Array;
  /** rope: the heads whose features are turned each on their own, as the models do. */
  heads?: number;
}

/** Works out the patches, their embeddings, encodings, tokens and similarities. */
export function workOutTokens(sample: Sample2D, settings: TokenSettings): WorkedTokens {
  const { patchSize, dim, encoding, seed } = settings;
  const grid = patchGrid(sample.width, sample.height, patchSize);
  const patches = patchify(sample.input, sample.width, sample.height, patchSize);
  const projection = settings.projection ?? patchProjection(grid.size, dim, seed);
  const embeddings = embedPatches(patches, projection, dim, settings.bias);
  const heads = settings.heads ?? 1;
  const options = { seed, heads, table: settings.positionalTable };
  return {
    sample,
    grid,
    encoding,
    dim,
    heads,
    patches,
    projection,
    embeddings,
    encodings: patchPositionalEncoding(encoding, grid.rows, grid.cols, dim, options),
    tokens: patchTokens(embeddings.data, encoding, grid.rows, grid.cols, dim, options),
    similarity: patchPositionSimilarity(encoding, grid.rows, grid.cols, dim, options),
  };
}

/** Row `index` of a row-major `[n, cols]` array. */
export function rowOf(data: Float32Array, cols: number, index: number): Float32Array {
  return data.subarray(index * cols, (index + 1) * cols);
}

/** The patch's place: its row and column in the grid. */
export function placeOf(grid: PatchGrid, index: number): { row: number; col: number } {
  return { row: Math.floor(index / grid.cols), col: index % grid.cols };
}

/** The patch reached from `index` by a key, or undefined for a key that moves nothing. */
export function patchAfterKey(grid: PatchGrid, index: number, key: string): number | undefined {
  const { row, col } = placeOf(grid, index);
  switch (key) {
    case 'ArrowRight':
      return row * grid.cols + Math.min(grid.cols - 1, col + 1);
    case 'ArrowLeft':
      return row * grid.cols + Math.max(0, col - 1);
    case 'ArrowDown':
      return Math.min(grid.rows - 1, row + 1) * grid.cols + col;
    case 'ArrowUp':
      return Math.max(0, row - 1) * grid.cols + col;
    case 'Home':
      return 0;
    case 'End':
      return grid.count - 1;
    default:
      return undefined;
  }
}

/** The mean of each channel's plane of one flattened patch, in 0-255 units. */
export function channelMeans(patch: Float32Array, patchSize: number): [number, number, number] {
  const plane = patchSize * patchSize;
  const means = [0, 1, 2].map((c) => {
    let sum = 0;
    for (let i = c * plane; i < (c + 1) * plane; i++) sum += patch[i];
    return Math.round((255 * sum) / plane);
  });
  return means as [number, number, number];
}

/** One patch in words, for the screen-reader announcement and the caption. */
export function describePatch(worked: WorkedTokens, index: number): string {
  const { grid } = worked;
  const { row, col } = placeOf(grid, index);
  const [r, g, b] = channelMeans(rowOf(worked.patches.data, grid.size, index), grid.patchSize);
  const similarity = worked.similarity.data.subarray(index * grid.count, (index + 1) * grid.count);
  let nearest = -1;
  for (let t = 0; t < grid.count; t++) {
    if (t !== index && (nearest < 0 || similarity[t] > similarity[nearest])) nearest = t;
  }
  const near =
    nearest >= 0
      ? `; its position is most like patch ${nearest}'s (cosine ${similarity[nearest].toFixed(2)})`
      : '';
  return (
    `Patch ${index} of ${grid.count}, row ${row}, column ${col}: ` +
    `mean colour red ${r}, green ${g}, blue ${b}${near}.`
  );
}

/** The worked tokens as plain data, for the JSON export. */
export function tokensAsData(worked: WorkedTokens, shown: number): Record<string, unknown> {
  const { grid, dim } = worked;
  const { row, col } = placeOf(grid, shown);
  return {
    image: { width: worked.sample.width, height: worked.sample.height },
    patchSize: grid.patchSize,
    grid: { rows: grid.rows, cols: grid.cols, patches: grid.count, valuesPerPatch: grid.size },
    patchOrder: 'raster: left to right, then top to bottom',
    valueOrder: 'R plane, G plane, B plane; each plane row by row; values in [0, 1]',
    encoding: worked.encoding,
    dim,
    ...(worked.encoding === 'rope' ? { heads: worked.heads } : {}),
    shown: {
      index: shown,
      row,
      col,
      values: rowOf(worked.patches.data, grid.size, shown),
      embedding: rowOf(worked.embeddings.data, dim, shown),
      encoding: rowOf(worked.encodings, dim, shown),
      token: rowOf(worked.tokens, dim, shown),
      similarity: rowOf(worked.similarity.data, grid.count, shown),
    },
    tokens: worked.tokens,
  };
}
