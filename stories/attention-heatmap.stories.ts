import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { COLORMAPS } from '@decoding-attention/core';
import { html, nothing } from 'lit';
import '@decoding-attention/attention-heatmap/attention-heatmap.js';
import '@decoding-attention/shape-dataset-viewer/shape-dataset-viewer.js';
import { crossAttention, fourHeads, largeAttention, sampleAttention } from './attention-data.js';

interface Args {
  mask: 'full' | 'causal' | 'local' | 'sparse' | 'global';
  compare?: '' | 'full' | 'causal' | 'local' | 'sparse' | 'global';
  window: number;
  stride: number;
  globals: string;
  colormap: string;
  scale: 'linear' | 'log';
  normalize: 'global' | 'row';
  label?: string;
}

const meta: Meta<Args> = {
  title: 'Elements/attention-heatmap',
  component: 'attention-heatmap',
  tags: ['autodocs'],
  parameters: {
    docs: {
      description: {
        component:
          'An attention matrix: each row is a query, each column a key, each cell how much the query attends to the key. Hover or use the arrow keys to read a cell; click or Enter locks it. Masks show which keys a query may see; heads appear as small multiples.',
      },
    },
  },
  argTypes: {
    mask: { control: 'select', options: ['full', 'causal', 'local', 'sparse', 'global'] },
    compare: { control: 'select', options: ['', 'full', 'causal', 'local', 'sparse', 'global'] },
    colormap: { control: 'select', options: COLORMAPS },
    scale: { control: 'inline-radio', options: ['linear', 'log'] },
    normalize: { control: 'inline-radio', options: ['global', 'row'] },
  },
  args: {
    mask: 'full',
    window: 8,
    stride: 8,
    globals: '0',
    colormap: 'viridis',
    scale: 'linear',
    normalize: 'global',
  },
};
export default meta;

type Story = StoryObj<Args>;

const heatmap = (args: Args, matrix: unknown) => html`
  <attention-heatmap
    mask=${args.mask}
    compare=${args.compare || nothing}
    window=${args.window}
    stride=${args.stride}
    globals=${args.globals}
    colormap=${args.colormap}
    scale=${args.scale}
    normalize=${args.normalize}
    label=${args.label ?? nothing}
    .matrix=${matrix}
  ></attention-heatmap>
`;

/**
 * A 1D sample and its attention, full beside causal. The heatmap follows the viewer: step
 * through samples, hover a shape to see its span, hover a cell to see its query and key marked.
 */
export const SampleFullVsCausal: Story = {
  name: '1D sample: full vs causal',
  args: { compare: 'causal', normalize: 'row' },
  render: (args) => html`
    <shape-dataset-viewer id="sample-viewer" seed="7"></shape-dataset-viewer>
    <attention-heatmap
      for="sample-viewer"
      mask=${args.mask}
      compare=${args.compare || nothing}
      colormap=${args.colormap}
      scale=${args.scale}
      normalize=${args.normalize}
      label="Attention by local shape"
    ></attention-heatmap>
  `,
};

/** What a perfect model would attend to: every position of the shapes of the same type. */
export const SampleGroups: Story = {
  name: '1D sample: what the task needs',
  render: (args) => html`
    <shape-dataset-viewer id="groups-viewer" seed="7"></shape-dataset-viewer>
    <attention-heatmap
      for="groups-viewer"
      source="groups"
      mask=${args.mask}
      label="Attention to the group"
    ></attention-heatmap>
  `,
};

/** Four heads, four ideas of where to look; pick one, or see their average. */
export const FourHeads: Story = {
  name: 'Four heads',
  render: (args) => html`
    <attention-heatmap
      mask=${args.mask}
      colormap=${args.colormap}
      scale=${args.scale}
      normalize=${args.normalize}
      .heads=${fourHeads()}
    ></attention-heatmap>
  `,
};

/** 64 decoder queries attending over 256 encoder keys. */
export const CrossAttention: Story = {
  name: 'Cross-attention 64 x 256',
  args: { label: 'Cross-attention' },
  render: (args) => html`
    <attention-heatmap
      query-label="Decoder query"
      key-label="Encoder key"
      colormap=${args.colormap}
      scale=${args.scale}
      normalize=${args.normalize}
      label=${args.label ?? nothing}
      .matrix=${crossAttention()}
    ></attention-heatmap>
  `,
};

/** A million cells, drawn with one putImageData; hover stays smooth. */
export const Large: Story = {
  name: '1024 x 1024',
  args: { scale: 'log' },
  render: (args) => heatmap(args, largeAttention()),
};

export const CausalMask: Story = {
  name: 'Mask: causal',
  args: { mask: 'causal' },
  render: (args) => heatmap(args, sampleAttention()),
};
export const LocalMask: Story = {
  name: 'Mask: local',
  args: { mask: 'local', window: 12 },
  render: (args) => heatmap(args, sampleAttention()),
};
export const SparseMask: Story = {
  name: 'Mask: sparse',
  args: { mask: 'sparse', window: 6, stride: 16 },
  render: (args) => heatmap(args, sampleAttention()),
};
export const GlobalMask: Story = {
  name: 'Mask: global',
  args: { mask: 'global', window: 6, globals: '0 80' },
  render: (args) => heatmap(args, sampleAttention()),
};

/** Every colour map on the same matrix: four sequential, two diverging (centred on 0). */
export const ColourMaps: Story = {
  name: 'Colour maps',
  render: () => {
    const matrix = sampleAttention(7, 96);
    const centred = {
      ...matrix,
      data: matrix.data.map((v, i) => v - 1 / 96 + (i % 97 === 0 ? 0 : 0)),
    };
    return html`
      <div
        style="display: grid; grid-template-columns: repeat(auto-fill, minmax(280px, 1fr)); gap: 1rem; --da-heatmap-size: 200px"
      >
        ${COLORMAPS.map(
          (name) => html`
            <attention-heatmap
              colormap=${name}
              label=${name === 'rdbu' || name === 'puor' ? `${name}: weight − 1/96` : name}
              .matrix=${name === 'rdbu' || name === 'puor' ? centred : matrix}
            ></attention-heatmap>
          `,
        )}
      </div>
    `;
  },
};

/** Token labels written in HTML: `row-labels` and `col-labels`, words separated by spaces or commas. */
export const TokenLabels: Story = {
  name: 'Token labels in HTML',
  args: { mask: 'causal' },
  render: (args) => {
    // Each token attends most to itself, less the further away a token is.
    const matrix = Array.from({ length: 6 }, (_, q) => {
      const row = Array.from({ length: 6 }, (_, k) => 2 ** -Math.abs(q - k));
      const sum = row.reduce((a, b) => a + b, 0);
      return row.map((v) => v / sum);
    });
    return html`
      <attention-heatmap
        row-labels="the cat sat on the mat"
        col-labels="the cat sat on the mat"
        mask=${args.mask}
        colormap=${args.colormap}
        scale=${args.scale}
        normalize=${args.normalize}
        label="Attention between tokens"
        .matrix=${matrix}
      ></attention-heatmap>
    `;
  },
};
