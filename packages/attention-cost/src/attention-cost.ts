import { defineElement } from '@decoding-attention/ui';
import { AttentionCost } from './AttentionCost.js';

export * from './index.js';

defineElement('attention-cost', AttentionCost);

declare global {
  interface HTMLElementTagNameMap {
    'attention-cost': AttentionCost;
  }
}
