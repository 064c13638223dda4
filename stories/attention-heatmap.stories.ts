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

/** A 2D sample's mean colour per patch of a `side x side` grid, `[r, g, b]` each in 0-255. */
function patchColours(
  sample: { input: Uint8ClampedArray; width: number; height: number },
  side: number,
): number[][] {
  const { input, width, height } = sample;
  const [pw, ph] = [width / side, height / side];
  return Array.from({ length: side * side }, (_, patch) => {
    const [row, col] = [Math.floor(patch / side), patch % side];
    const sum = [0, 0, 0];
    for (let y = row * ph; y < (row + 1) * ph; y++)
      for (let x = col * pw; x < (col + 1) * pw; x++)
        for (let c = 0; c < 3; c++) sum[c] += input[4 * (y * width + x) + c];
    return sum.map((s) => s / (pw * ph));
  });
}

/** Rows of weights: a softmax over the keys of `score(query, key)`. */
function softmaxOf(queries: number, keys: number, score: (q: number, k: number) => number) {
  return Array.from({ length: queries }, (_, q) => {
    const row = Array.from({ length: keys }, (_, k) => score(q, k));
    const top = Math.max(...row);
    const exp = row.map((s) => Math.exp(s - top));
    const sum = exp.reduce((a, b) => a + b, 0);
    return exp.map((e) => e / sum);
  });
}

/**
 * Attention as a vision transformer might learn it, worked out from a 2D sample without
 * training: an encoder head that attends to patches of like colour (the same shape, or its
 * group-mates), one that attends to its neighbours, per-channel maps of like colour in one
 * plane, and cross-attention from a 4 x 4 grid of decoder queries to the 8 x 8 patches under
 * each.
 */
function imageAttention(sample: { input: Uint8ClampedArray; width: number; height: number }) {
  const side = 8;
  const colours = patchColours(sample, side);
  const patches = side * side;
  const distance2 = (a: number[], b: number[]) => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0);
  const where = (p: number, n: number) => [Math.floor(p / n) + 0.5, (p % n) + 0.5];
  const colour = softmaxOf(patches, patches, (q, k) => -distance2(colours[q], colours[k]) / 800);
  const near = softmaxOf(patches, patches, (q, k) => -distance2(where(q, side), where(k, side)));
  const channel = (c: number) =>
    softmaxOf(patches, patches, (q, k) => -((colours[q][c] - colours[k][c]) ** 2) / 300);
  // Decoder query q of the 4 x 4 grid sits over 2 x 2 encoder patches.
  const cross = softmaxOf(16, patches, (q, k) => {
    const [qy, qx] = where(q, 4).map((v) => v * 2);
    const [ky, kx] = where(k, side);
    return -((qy - ky) ** 2 + (qx - kx) ** 2) / 1.5;
  });
  return {
    layers: [
      { kind: 'encoder', heads: [colour, near] },
      { kind: 'cross', heads: [cross], label: 'cross-attention' },
    ],
    full: colour,
    channels: [channel(0), channel(1), channel(2)],
  };
}

/**
 * Patch-grid mode over the sample of a 2D viewer: the encoder's self-attention over its 8 x 8
 * patches and the decoder's cross-attention (layer menu), then channel-specific maps beside the
 * full attention. Hover a patch of the image or a cell of the matrix to pick the query; arrow
 * keys move it patch by patch. The attention is worked out from the image's colours, not
 * learned: `<trainable-model>` sends the learned layers in the same shape.
 */
export const ImagePatches: Story = {
  name: 'Image patches: self-attention, cross-attention, channel maps',
  args: { colormap: 'magma' },
  render: (args) => {
    const show = (event: Event) => {
      const viewer = event.currentTarget as HTMLElement & {
        sample?: { input: Uint8ClampedArray; width: number; height: number };
      };
      const sample = viewer.sample;
      const root = viewer.parentElement;
      if (!sample || !('width' in sample) || !root) return;
      const { layers, full, channels } = imageAttention(sample);
      Object.assign(root.querySelector('#patch-layers')!, { layers });
      Object.assign(root.querySelector('#patch-channels')!, { matrix: full, channels });
    };
    return html`
      <shape-dataset-viewer
        id="patch-viewer"
        mode="2d"
        seed="3"
        @sample-change=${show}
      ></shape-dataset-viewer>
      <attention-heatmap
        id="patch-layers"
        for="patch-viewer"
        grid="8x8"
        query-grid="4x4"
        colormap=${args.colormap}
        scale=${args.scale}
        normalize=${args.normalize}
        label="Vision transformer attention"
      ></attention-heatmap>
      <attention-heatmap
        id="patch-channels"
        for="patch-viewer"
        grid="8x8"
        colormap=${args.colormap}
        scale=${args.scale}
        normalize=${args.normalize}
        label="Full and channel-specific attention"
        style="--da-heatmap-size: 200px; --da-heatmap-image-size: 160px"
        compact
      ></attention-heatmap>
    `;
  },
};

/** A variant computed by core on a 1D sample of 96 positions, with what is inside it. */
const onSample = (id: string, label: string, attributes: Record<string, string>) => html`
  <shape-dataset-viewer id=${id} seed="4" length="96"></shape-dataset-viewer>
  <attention-heatmap
    for=${id}
    label=${label}
    attention=${attributes.attention}
    span=${attributes.span ?? nothing}
    features=${attributes.features ?? nothing}
    projected=${attributes.projected ?? nothing}
    buckets=${attributes.buckets ?? nothing}
    hashes=${attributes.hashes ?? nothing}
    chunk=${attributes.chunk ?? nothing}
  ></attention-heatmap>
`;

/**
 * Reformer on a sample: each position coloured by its LSH bucket along the rows and columns of
 * each hashing round; a query sees only the keys of its bucket in its chunk (and the one before).
 */
export const VariantReformer: Story = {
  name: 'Variant: Reformer buckets',
  render: () =>
    onSample('reformer-viewer', 'Reformer (LSH) attention', {
      attention: 'reformer',
      buckets: '4',
      hashes: '2',
      chunk: '16',
    }),
};

/** Adaptive span on a sample: four heads, each with its soft window drawn over its map. */
export const VariantAdaptive: Story = {
  name: 'Variant: adaptive span',
  render: () =>
    onSample('adaptive-viewer', 'Adaptive-span attention', { attention: 'adaptive', span: '24' }),
};

/** Linformer on a sample: the attention over k = 8 projected rows, not over 96 keys. */
export const VariantLinformer: Story = {
  name: 'Variant: Linformer projected rows',
  render: () =>
    onSample('linformer-viewer', 'Linformer attention', {
      attention: 'linformer',
      projected: '8',
    }),
};

/** Performer on a sample: the estimate from 16 random features beside exact softmax, and the error. */
export const VariantPerformer: Story = {
  name: 'Variant: Performer vs exact',
  render: () =>
    onSample('performer-viewer', 'Performer attention', {
      attention: 'performer',
      features: '16',
    }),
};
