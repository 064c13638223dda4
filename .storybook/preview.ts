import { setCustomElementsManifest } from '@storybook/web-components-vite';
import type { Preview } from '@storybook/web-components-vite';
import attentionCost from '../packages/attention-cost/custom-elements.json';
import attentionHeatmap from '../packages/attention-heatmap/custom-elements.json';
import efficientAttentionExplorer from '../packages/efficient-attention-explorer/custom-elements.json';
import positionalEncodingExplorer from '../packages/positional-encoding-explorer/custom-elements.json';
import patchTokenizer from '../packages/patch-tokenizer/custom-elements.json';
import shapeDatasetViewer from '../packages/shape-dataset-viewer/custom-elements.json';
import trainableModel from '../packages/trainable-model/custom-elements.json';

interface Member {
  kind: string;
  name: string;
  privacy?: string;
  static?: boolean;
}

interface Manifest {
  schemaVersion: string;
  modules: { declarations?: { members?: Member[] }[] }[];
}

/**
 * One manifest for all element packages, so every element's docs table comes from its code,
 * keeping only the public instance API: private state and statics are not for authors.
 */
function mergeManifests(manifests: Manifest[]): Manifest {
  return {
    schemaVersion: manifests[0].schemaVersion,
    modules: manifests
      .flatMap((manifest) => manifest.modules)
      .map((module) => ({
        ...module,
        declarations: module.declarations?.map((declaration) => ({
          ...declaration,
          members: declaration.members?.filter(
            (member) =>
              !member.static && member.privacy !== 'private' && member.privacy !== 'protected',
          ),
        })),
      })),
  };
}

setCustomElementsManifest(
  mergeManifests([
    shapeDatasetViewer as Manifest,
    attentionHeatmap as Manifest,
    positionalEncodingExplorer as Manifest,
    patchTokenizer as Manifest,
    trainableModel as Manifest,
    attentionCost as Manifest,
    efficientAttentionExplorer as Manifest,
  ]),
);

const preview: Preview = {
  tags: ['autodocs'],
  parameters: {
    controls: { expanded: true },
    a11y: { test: 'error' },
  },
};

export default preview;
