import { describeElementPackage } from '../../ui/test/helpers.js';
import { AttentionCost, VERSION } from '../src/index.js';

describeElementPackage(
  {
    name: '@decoding-attention/attention-cost',
    tag: 'attention-cost',
    elementClass: AttentionCost,
    version: VERSION,
    register: () => import('../src/attention-cost.js'),
  },
  new URL('../package.json', import.meta.url),
);
