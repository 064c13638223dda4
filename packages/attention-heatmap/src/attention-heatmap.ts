import { defineElement } from '@decoding-attention/ui';
import { AttentionHeatmap } from './AttentionHeatmap.js';

export * from './index.js';

defineElement('attention-heatmap', AttentionHeatmap);

declare global {
  interface HTMLElementTagNameMap {
    'attention-heatmap': AttentionHeatmap;
  }
}
