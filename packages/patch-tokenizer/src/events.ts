import type { PatchEncodingKind } from '@decoding-attention/core';

/** What `patch-focus` carries: the patch shown, by its raster number, row and column. */
export interface PatchFocusDetail {
  index: number;
  row: number;
  col: number;
}

/** What `tokens-change` carries: every patch's token, `[rows * cols, dim]` row-major. */
export interface TokensChangeDetail {
  encoding: PatchEncodingKind;
  patchSize: number;
  rows: number;
  cols: number;
  dim: number;
  tokens: Float32Array;
}

/** What `weights-change` carries: the followed model's weights arrived (id, patch size, width). */
export interface WeightsChangeDetail {
  model: string;
  patchSize: number;
  dim: number;
}
