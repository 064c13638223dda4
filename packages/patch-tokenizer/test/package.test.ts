import { describeElementPackage } from '../../ui/test/helpers.js';
import { PatchTokenizer, VERSION } from '../src/index.js';

describeElementPackage(
  {
    name: '@decoding-attention/patch-tokenizer',
    tag: 'patch-tokenizer',
    elementClass: PatchTokenizer,
    version: VERSION,
    register: () => import('../src/patch-tokenizer.js'),
  },
  new URL('../package.json', import.meta.url),
);
