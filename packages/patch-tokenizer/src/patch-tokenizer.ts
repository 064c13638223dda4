import { defineElement } from '@decoding-attention/ui';
import { PatchTokenizer } from './PatchTokenizer.js';

export * from './index.js';

defineElement('patch-tokenizer', PatchTokenizer);

declare global {
  interface HTMLElementTagNameMap {
    'patch-tokenizer': PatchTokenizer;
  }
}
