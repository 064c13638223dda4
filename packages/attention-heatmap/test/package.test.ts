import { describeElementPackage } from '../../ui/test/helpers.js';
import { AttentionHeatmap, VERSION } from '../src/index.js';

describeElementPackage(
  {
    name: '@decoding-attention/attention-heatmap',
    tag: 'attention-heatmap',
    elementClass: AttentionHeatmap,
    version: VERSION,
    register: () => import('../src/attention-heatmap.js'),
  },
  new URL('../package.json', import.meta.url),
);
