import { setCustomElementsManifest } from '@storybook/web-components-vite';
import type { Preview } from '@storybook/web-components-vite';
import shapeDatasetViewer from '../packages/shape-dataset-viewer/custom-elements.json';

type Manifest = { schemaVersion: string; modules: unknown[] };

/** One manifest for all element packages, so every element's docs table comes from its code. */
function mergeManifests(manifests: Manifest[]): Manifest {
  return {
    schemaVersion: manifests[0].schemaVersion,
    modules: manifests.flatMap((m) => m.modules),
  };
}

setCustomElementsManifest(mergeManifests([shapeDatasetViewer as Manifest]));

const preview: Preview = {
  tags: ['autodocs'],
  parameters: {
    controls: { expanded: true },
    a11y: { test: 'error' },
  },
};

export default preview;
