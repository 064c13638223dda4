import { describeElementPackage } from '../../ui/test/helpers.js';
import { TrainableModel, VERSION } from '../src/index.js';

describeElementPackage(
  {
    name: '@decoding-attention/trainable-model',
    tag: 'trainable-model',
    elementClass: TrainableModel,
    version: VERSION,
    register: () => import('../src/trainable-model.js'),
  },
  new URL('../package.json', import.meta.url),
);
