/** `<attention-heatmap>`'s class and types, with no side effects: import `./attention-heatmap.js` to register the tag. */
export { AttentionHeatmap, HEATMAP_SOURCES, type HeatmapSource } from './AttentionHeatmap.js';
export type {
  AttentionCellDetail,
  AttentionHoverEvent,
  AttentionSelectEvent,
} from './heatmap-interaction.js';
export { FLOAT32_MAX, HEATMAP_LIMITS } from './limits.js';
export { parseHeatmapJson, type AttentionChangeDetail, type HeatmapData } from './sources.js';
export { VERSION } from './version.js';
