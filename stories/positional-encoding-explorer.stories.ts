import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { ENCODING_KINDS } from '@decoding-attention/core';
import { html, nothing } from 'lit';
import '@decoding-attention/positional-encoding-explorer/positional-encoding-explorer.js';
import '@decoding-attention/shape-dataset-viewer/shape-dataset-viewer.js';

interface Args {
  encoding: (typeof ENCODING_KINDS)[number];
  compare?: '' | (typeof ENCODING_KINDS)[number];
  length: number;
  dim: number;
  base: number;
  seed: number;
  view: string;
}

const meta: Meta<Args> = {
  title: 'Elements/positional-encoding-explorer',
  component: 'positional-encoding-explorer',
  tags: ['autodocs'],
  parameters: {
    docs: {
      description: {
        component:
          'Attention compares contents, so on its own it cannot tell first from last. Positional encodings give it order. The explorer shows each encoding as a table and as curves, how alike it makes two positions, how RoPE rotates queries and keys, and what the encoding does to attention on a sample. Hover anywhere: the position is marked in every view.',
      },
    },
  },
  argTypes: {
    encoding: { control: 'select', options: ENCODING_KINDS },
    compare: { control: 'select', options: ['', ...ENCODING_KINDS] },
  },
  args: {
    encoding: 'sinusoidal',
    length: 64,
    dim: 32,
    base: 10000,
    seed: 0,
    view: 'encoding similarity rope attention',
  },
  render: (args) => html`
    <positional-encoding-explorer
      encoding=${args.encoding}
      compare=${args.compare || nothing}
      length=${args.length}
      dim=${args.dim}
      base=${args.base}
      seed=${args.seed}
      view=${args.view}
    ></positional-encoding-explorer>
  `,
};
export default meta;

type Story = StoryObj<Args>;

/** The standard encoding: sin and cos pairs, from fast to slow. */
export const Sinusoidal: Story = {};

/** One growing number: nearby positions alike, but so are any two late ones. */
export const Linear: Story = { args: { encoding: 'linear' } };

/** A learned table, before learning: noise, with nothing about order in it yet. */
export const Learnable: Story = { args: { encoding: 'learnable' } };

/** Rotations of queries and keys: the score depends on the offset alone. */
export const Rope: Story = { name: 'RoPE', args: { encoding: 'rope' } };

/** The "inverted frequencies" slip beside the standard: 10000^(+2i/d) makes most pairs alias into noise. */
export const InvertedFrequencies: Story = {
  name: 'Inverted frequencies',
  args: { encoding: 'sinusoidal', compare: 'sinusoidal-inverted', view: 'encoding similarity' },
};

/** Two encodings side by side in every view. */
export const Compare: Story = { args: { encoding: 'sinusoidal', compare: 'linear' } };

/** RoPE's relative property: q·k at any absolute position, against the offset, gives one curve. */
export const RopeRelativeProperty: Story = {
  name: 'RoPE relative property',
  args: { encoding: 'rope', view: 'rope', dim: 16 },
};

/** Following a viewer: the attention part uses its sample; hover a cell to see the positions in the plot. */
export const WithViewer: Story = {
  name: 'With a linked viewer',
  render: (args) => html`
    <shape-dataset-viewer id="pe-sample" seed="7"></shape-dataset-viewer>
    <positional-encoding-explorer
      for="pe-sample"
      encoding=${args.encoding}
      view="attention"
    ></positional-encoding-explorer>
  `,
};
