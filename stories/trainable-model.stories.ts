import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { MODEL_IDS } from '@decoding-attention/core';
import { html, nothing } from 'lit';
import '@decoding-attention/trainable-model/trainable-model.js';
import '@decoding-attention/attention-heatmap/attention-heatmap.js';

interface Args {
  model: (typeof MODEL_IDS)[number];
  models?: string;
  budget: string;
  length: number;
  'batch-size'?: number;
  'learning-rate'?: number;
  positional?: string;
  backend: string;
  'hidden-size'?: number;
  'validation-size'?: number;
}

const meta: Meta<Args> = {
  title: 'Elements/trainable-model',
  component: 'trainable-model',
  tags: ['autodocs'],
  parameters: {
    docs: {
      description: {
        component:
          'Press Train: the model learns the 1D task in your browser (in a Worker, so the page stays responsive). Below the copy-the-input line (about 26) it has learned to use the other shapes of the group. The default model, the conv-stem transformer at width 32 and batches of 16, crosses it in about 20 seconds on a laptop. Attention models show their attention maps forming; hover one to see the query and key on the validation sample.',
      },
    },
  },
  argTypes: {
    model: { control: 'select', options: MODEL_IDS },
    backend: { control: 'inline-radio', options: ['auto', 'wasm', 'webgl', 'cpu'] },
  },
  args: {
    model: 'transformer',
    budget: '60s',
    length: 400,
    backend: 'auto',
  },
  render: (args) => html`
    <trainable-model
      model=${args.model}
      models=${args.models ?? nothing}
      budget=${args.budget}
      length=${args.length}
      batch-size=${args['batch-size'] ?? nothing}
      learning-rate=${args['learning-rate'] ?? nothing}
      positional=${args.positional ?? nothing}
      backend=${args.backend}
      hidden-size=${args['hidden-size'] ?? nothing}
      validation-size=${args['validation-size'] ?? nothing}
    ></trainable-model>
  `,
};
export default meta;

type Story = StoryObj<Args>;

export const FCN: Story = { name: 'FCN', args: { model: 'fcn' } };
export const CNN: Story = { name: 'CNN', args: { model: 'cnn' } };
export const LSTM: Story = { name: 'RNN (LSTM)', args: { model: 'lstm' } };
export const Attention: Story = { args: { model: 'attention' } };
export const AttentionPE: Story = { name: 'Attention + PE', args: { model: 'attention-pe' } };
export const MultiHead: Story = { name: 'Multi-head attention', args: { model: 'mha' } };
export const Transformer: Story = { args: { model: 'transformer' } };

/** The post-1 line-up on the same data and budget: the results table says who wins. */
export const Comparison: Story = {
  args: { models: 'fcn cnn lstm attention mha', budget: '2000 samples' },
};

/** A trained multi-head model's heads, followed by a heatmap elsewhere on the page. */
export const HeadsFollowed: Story = {
  name: 'Heads, followed by a heatmap',
  render: (args) => html`
    <trainable-model id="heads-model" model="mha" budget=${args.budget}></trainable-model>
    <attention-heatmap for="heads-model" label="Multi-head attention, followed"></attention-heatmap>
  `,
};
