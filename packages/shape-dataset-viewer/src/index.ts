/** `<shape-dataset-viewer>`'s class and types, with no side effects: import `./shape-dataset-viewer.js` to register the tag. */
export {
  ShapeDatasetViewer,
  type DatasetMode,
  type SampleChangeDetail,
  type SampleChangeEvent,
  type ShapeHighlightDetail,
  type ShapeHighlightEvent,
} from './ShapeDatasetViewer.js';
export { VIEWER_LIMITS } from './viewer-options.js';
export { VERSION } from './version.js';
