/** `<attention-heatmap>`'s class and types, with no side effects: import `./attention-heatmap.js` to register the tag. */
export { AttentionHeatmap, HEATMAP_SOURCES, type HeatmapSource } from './AttentionHeatmap.js';
export type {
  AttentionCellDetail,
  AttentionHoverEvent,
  AttentionSelectEvent,
} from './heatmap-interaction.js';
export { FLOAT32_MAX, HEATMAP_LIMITS } from './limits.js';
export {
  CHANNEL_NAMES,
  type AttentionLayer,
  type ChannelInput,
  type ChannelName,
  type ChannelsInput,
} from './layers.js';
export {
  LAYER_KINDS,
  LAYER_KIND_ALIASES,
  type GridInput,
  type LayerKind,
  type LayerKindInput,
  type PatchGrid,
  type PatchImage,
} from './patch-grid.js';
export { TINT_ALPHA } from './patch-picture.js';
export { parseHeatmapJson, type AttentionChangeDetail, type HeatmapData } from './sources.js';
export {
  BUCKET_COLORS,
  SAMPLE_SEED,
  SAMPLE_SPAN_SHARES,
  VARIANT_VIEWS,
  type VariantDetail,
  type VariantViewName,
} from './variant-view.js';
export { VERSION } from './version.js';
