import { describeElementPackage } from '../../ui/test/helpers.js';
import { ShapeDatasetViewer, VERSION } from '../src/index.js';

describeElementPackage(
  {
    name: '@decoding-attention/shape-dataset-viewer',
    tag: 'shape-dataset-viewer',
    elementClass: ShapeDatasetViewer,
    version: VERSION,
    register: () => import('../src/shape-dataset-viewer.js'),
  },
  new URL('../package.json', import.meta.url),
);
