/**
 * The tokenizer's bounds. Beyond one it shows a message naming the attribute and the bound.
 * `patches` keeps the raster numbers legible and the similarity of every two patches (worked
 * out whole, patches² x dim) a few milliseconds.
 */
export const TOKENIZER_LIMITS = {
  /** Most patches in the grid: 256, so patch-size 8 or more on the 128 x 128 image. */
  patches: 256,
  /** Fewest and most features per token (`dim`), drawn as one bar each. */
  dim: { min: 4, max: 64 },
  /** Most values in the projection (patch-size² x 3 x dim): drawing them is the costliest step. */
  projectionValues: 393_216,
  /** Most values drawn in the flattened strip; a larger patch is drawn one value in n. */
  stripValues: 3072,
} as const;
