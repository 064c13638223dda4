/** Shared building blocks of the decoding-attention elements. */
export { defineElement, type VersionedElement } from './define.js';
export {
  themeStyles,
  readThemeColors,
  rgbOf,
  THEME_TOKENS,
  type ThemeColors,
  type ThemeToken,
} from './theme.js';
export { ThemeColorsController, type ThemedHost } from './theme-colors.js';
export { loadVega, embedChart, chartConfig, type Chart } from './chart.js';
export {
  VegaChartController,
  fittedWidth,
  type ChartDrawing,
  type ChartHost,
} from './chart-controller.js';
export { FirstSightController } from './first-sight.js';
export { listConverter, wordList, numberList, word } from './converters.js';
export {
  eventDetail,
  highlightCells,
  isPositionMarker,
  isSampleSource,
  type CellHighlighter,
  type PositionMarker,
  type SampleSource,
} from './linked.js';
export {
  downloadBlob,
  downloadJson,
  toJsonText,
  canvasToPng,
  composeSideBySide,
} from './download.js';
export { DecodingElement, THEMES } from './DecodingElement.js';
export {
  HEATMAP_NORMALIZATIONS,
  HEATMAP_SCALES,
  drawColorBar,
  drawHeatmap,
  drawHeatmapInSlices,
  heatmapDomain,
  heatmapPixels,
  niceTicks,
  packRgb,
  scaleValue,
  type HeatmapStyle,
  type SliceOptions,
} from './heatmap.js';
export { ElementLink } from './link.js';
export { nextTask } from '@decoding-attention/core';
export { embedCode, copyText } from './embed.js';
export { styleProps } from './style-props.js';
export { seriesLegendStyles } from './legend-styles.js';
export { toolbarLabelStyles } from './toolbar-styles.js';
export {
  BUCKET_COLORS,
  drawVariant,
  formatWeight,
  reformerSeen,
  renderVariant,
  shownMatrix,
  spanOverlay,
  spanText,
  type VariantInternals,
  type VariantState,
} from './variant-figures.js';
