import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html } from 'lit';
import '@decoding-attention/efficient-attention-explorer/efficient-attention-explorer.js';
import '@decoding-attention/shape-dataset-viewer/shape-dataset-viewer.js';
import '@decoding-attention/trainable-model/trainable-model.js';

interface Args {
  method: 'performer' | 'reformer' | 'linformer' | 'patterns';
  length: number;
  seed: number;
}

const meta: Meta<Args> = {
  title: 'Elements/efficient-attention-explorer',
  component: 'efficient-attention-explorer',
  tags: ['autodocs'],
  parameters: {
    docs: {
      description: {
        component:
          "Inside the efficient attention approximations, on a 1D sample's queries and keys: Performer's random features (error against m, orthogonal against i.i.d., positive against trigonometric), Reformer's hash, sort, chunk and attend (the share of exact attention mass its buckets keep), Linformer's low rank (singular values, error against k, the projections E and F), a model's adaptive spans as it trains, and local, sparse and global patterns with their cost and reach. Move a slider: the numbers and matrices follow at once, from results worked out in slices beforehand.",
      },
    },
  },
  argTypes: {
    method: { control: 'select', options: ['performer', 'reformer', 'linformer', 'patterns'] },
    length: { control: { type: 'number', min: 8, max: 512, step: 8 } },
  },
  args: { method: 'performer', length: 400, seed: 0 },
  render: (args) => html`
    <efficient-attention-explorer
      method=${args.method}
      length=${args.length}
      seed=${args.seed}
    ></efficient-attention-explorer>
  `,
};
export default meta;

type Story = StoryObj<Args>;

/** Performer: the estimate beside exact attention, and its error against the number of random features. */
export const Performer: Story = {};

/** Reformer: hash, sort, chunk and attend, two rounds; move the rounds slider to keep more of the mass. */
export const Reformer: Story = { args: { method: 'reformer' } };

/** Reformer one step at a time: only the hashing, positions coloured by bucket. */
export const ReformerHashStep: Story = {
  render: () => html`
    <efficient-attention-explorer
      method="reformer"
      step="hash"
      hashes="4"
    ></efficient-attention-explorer>
  `,
};

/** Linformer: singular values, error against k beside the best rank-k, and the projections. */
export const Linformer: Story = { args: { method: 'linformer' } };

/** Patterns: a local window; change it, or pick sparse or global, and watch cost and reach. */
export const Patterns: Story = { args: { method: 'patterns' } };

/** A global pattern with two global positions: every position two steps from any other. */
export const GlobalPattern: Story = {
  render: () => html`
    <efficient-attention-explorer
      method="patterns"
      pattern="global"
      window="4"
      globals="0 200"
    ></efficient-attention-explorer>
  `,
};

/** Following a dataset viewer: a new sample, new queries and keys. */
export const LinkedToViewer: Story = {
  render: (args) => html`
    <shape-dataset-viewer id="explored-shapes" length="160"></shape-dataset-viewer>
    <efficient-attention-explorer
      for="explored-shapes"
      method=${args.method}
    ></efficient-attention-explorer>
  `,
};

/** Adaptive span: press Train; each head's span is drawn as the model learns it. */
export const AdaptiveSpans: Story = {
  render: () => html`
    <trainable-model
      id="adaptive-model"
      model="attention"
      attention="adaptive"
      budget="30s"
    ></trainable-model>
    <efficient-attention-explorer
      for="adaptive-model"
      method="adaptive"
    ></efficient-attention-explorer>
  `,
};

/** Bad input: an unknown method is named inside the element, with the methods that exist. */
export const UnknownMethod: Story = {
  tags: ['expect-warnings'],
  render: () =>
    html`<efficient-attention-explorer method="nystrom"></efficient-attention-explorer>`,
};
