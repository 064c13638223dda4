/**
 * Every decoding-attention element, registered: `<shape-dataset-viewer>`, `<attention-heatmap>`,
 * `<positional-encoding-explorer>`, `<patch-tokenizer>`, `<trainable-model>`, `<attention-cost>`
 * and `<efficient-attention-explorer>`. Load `dist/elements.js` with a script tag, or one
 * element's own file (`dist/attention-heatmap.js`, …) for that tag alone.
 */
import '@decoding-attention/shape-dataset-viewer/shape-dataset-viewer.js';
import '@decoding-attention/attention-heatmap/attention-heatmap.js';
import '@decoding-attention/positional-encoding-explorer/positional-encoding-explorer.js';
import '@decoding-attention/patch-tokenizer/patch-tokenizer.js';
import '@decoding-attention/trainable-model/trainable-model.js';
import '@decoding-attention/attention-cost/attention-cost.js';
import '@decoding-attention/efficient-attention-explorer/efficient-attention-explorer.js';

export { ShapeDatasetViewer } from '@decoding-attention/shape-dataset-viewer';
export { AttentionHeatmap } from '@decoding-attention/attention-heatmap';
export { PositionalEncodingExplorer } from '@decoding-attention/positional-encoding-explorer';
export { PatchTokenizer } from '@decoding-attention/patch-tokenizer';
export { TrainableModel } from '@decoding-attention/trainable-model';
export { AttentionCost } from '@decoding-attention/attention-cost';
export { EfficientAttentionExplorer } from '@decoding-attention/efficient-attention-explorer';
