import { describeElementPackage } from '../../ui/test/helpers.js';
import { PositionalEncodingExplorer, VERSION } from '../src/index.js';

describeElementPackage(
  {
    name: '@decoding-attention/positional-encoding-explorer',
    tag: 'positional-encoding-explorer',
    elementClass: PositionalEncodingExplorer,
    version: VERSION,
    register: () => import('../src/positional-encoding-explorer.js'),
  },
  new URL('../package.json', import.meta.url),
);
