import { defineElement } from '@decoding-attention/ui';
import { PositionalEncodingExplorer } from './PositionalEncodingExplorer.js';

export * from './index.js';

defineElement('positional-encoding-explorer', PositionalEncodingExplorer);

declare global {
  interface HTMLElementTagNameMap {
    'positional-encoding-explorer': PositionalEncodingExplorer;
  }
}
