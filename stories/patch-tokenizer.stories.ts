import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { PATCH_ENCODING_KINDS } from '@decoding-attention/core';
import { html } from 'lit';
import '@decoding-attention/patch-tokenizer/patch-tokenizer.js';
import '@decoding-attention/shape-dataset-viewer/shape-dataset-viewer.js';
import '@decoding-attention/trainable-model/trainable-model.js';

interface Args {
  patchSize: number;
  encoding: (typeof PATCH_ENCODING_KINDS)[number];
  dim: number;
  seed: number;
}

const meta: Meta<Args> = {
  title: 'Elements/patch-tokenizer',
  component: 'patch-tokenizer',
  tags: ['autodocs'],
  parameters: {
    docs: {
      description: {
        component:
          'How a vision transformer reads an image: cut into patches numbered in raster order, each patch flattened into its red, green and blue planes, multiplied by a projection into an embedding, and given its position, which makes it a token. Hover a patch, or focus the image and use the arrow keys: every part shows that patch, and the grid on the right shades every patch by how alike its position is.',
      },
    },
  },
  argTypes: {
    patchSize: { control: 'select', options: [8, 16, 32, 64, 128] },
    encoding: { control: 'select', options: PATCH_ENCODING_KINDS },
    dim: { control: { type: 'number', min: 4, max: 64, step: 4 } },
  },
  args: { patchSize: 16, encoding: 'sinusoidal', dim: 16, seed: 0 },
  render: (args) => html`
    <patch-tokenizer
      patch-size=${args.patchSize}
      encoding=${args.encoding}
      dim=${args.dim}
      seed=${args.seed}
    ></patch-tokenizer>
  `,
};
export default meta;

type Story = StoryObj<Args>;

/** 64 patches of 16 x 16, 2D sinusoidal positions: row in one half of the features, column in the other. */
export const Sinusoidal: Story = {};

/** Axial 2D RoPE: nothing added; queries and keys turned by row and column. */
export const Rope: Story = { args: { encoding: 'rope' } };

/** A fresh learnable table: random, no grid in its similarities until trained. */
export const Learnable: Story = { args: { encoding: 'learnable' } };

/** Smaller patches: 256 tokens of 8 x 8 x 3 = 192 values. */
export const SmallPatches: Story = { args: { patchSize: 8 } };

/** Following a dataset viewer: new sample, new tokens. */
export const LinkedToViewer: Story = {
  render: (args) => html`
    <shape-dataset-viewer id="tokenized-shapes" mode="2d"></shape-dataset-viewer>
    <patch-tokenizer
      for="tokenized-shapes"
      patch-size=${args.patchSize}
      encoding=${args.encoding}
      dim=${args.dim}
    ></patch-tokenizer>
  `,
};

/**
 * Following a model as it trains: `for` names the viewer (the image) and a
 * `<trainable-model task="shapes-2d">` (the weights). Press Train: every few seconds the tokens
 * are remade from the model's trained patch embedding and, with `positional="learnable"`, its
 * learned positions; the tokenizer takes the model's patch size and width.
 */
export const FollowingATrainedModel: Story = {
  render: () => html`
    <shape-dataset-viewer id="tokenized-for-model" mode="2d"></shape-dataset-viewer>
    <trainable-model
      id="tokenizer-model"
      task="shapes-2d"
      model="vit"
      positional="learnable"
      budget="30s"
    ></trainable-model>
    <patch-tokenizer for="tokenized-for-model tokenizer-model"></patch-tokenizer>
  `,
};
