import { defineElement } from '@decoding-attention/ui';
import { ShapeDatasetViewer } from './ShapeDatasetViewer.js';

export * from './index.js';

defineElement('shape-dataset-viewer', ShapeDatasetViewer);

declare global {
  interface HTMLElementTagNameMap {
    'shape-dataset-viewer': ShapeDatasetViewer;
  }
}
