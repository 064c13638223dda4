/**
 * The efficient attention variants of post 2 (docs/design/models.md, "Attention variants"): each
 * as a function on [n, L, d] queries, keys and values, and as a layer (`VariantAttention`).
 */
export { adaptiveSpanAttention, bandedAttention, neighbourBlocks } from './banded.js';
export type { AdaptiveOptions, BandedOptions, VariantResult } from './banded.js';
export { binarise, binaryAttention } from './binary.js';
export {
  VARIANT_DISPLAY_CELLS,
  VariantAttention,
  attentionLayer,
  variantWeightShapes,
} from './layer.js';
export type { VariantAttentionArgs } from './layer.js';
export { linformerAttention } from './linformer.js';
export type { LinformerResult } from './linformer.js';
export {
  ATTENTION_VARIANTS,
  VARIANT_DEFAULTS,
  globalPositions,
  resolveVariantOptions,
} from './options.js';
export type {
  AttentionVariant,
  EfficientVariant,
  ResolvedVariantOptions,
  VariantOptions,
} from './options.js';
export { orthogonalFeatures, performerAttention } from './performer.js';
export { randomRotations, reformerAttention } from './reformer.js';
export type { ReformerOptions, ReformerResult } from './reformer.js';
export { causalMask, denseAttention, gatherPositions, gatherRows, withoutGradient } from './ops.js';
