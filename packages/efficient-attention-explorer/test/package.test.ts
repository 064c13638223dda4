import { describeElementPackage } from '../../ui/test/helpers.js';
import { EfficientAttentionExplorer, VERSION } from '../src/index.js';

describeElementPackage(
  {
    name: '@decoding-attention/efficient-attention-explorer',
    tag: 'efficient-attention-explorer',
    elementClass: EfficientAttentionExplorer,
    version: VERSION,
    register: () => import('../src/efficient-attention-explorer.js'),
  },
  new URL('../package.json', import.meta.url),
);
