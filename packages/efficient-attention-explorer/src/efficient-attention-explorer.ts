import { defineElement } from '@decoding-attention/ui';
import { EfficientAttentionExplorer } from './EfficientAttentionExplorer.js';

export * from './index.js';

defineElement('efficient-attention-explorer', EfficientAttentionExplorer);

declare global {
  interface HTMLElementTagNameMap {
    'efficient-attention-explorer': EfficientAttentionExplorer;
  }
}
