import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { ATTENTION_VARIANTS, MODEL_IDS, VISION_MODEL_IDS } from '@decoding-attention/core';
import { html, nothing } from 'lit';
import '@decoding-attention/trainable-model/trainable-model.js';
import '@decoding-attention/attention-heatmap/attention-heatmap.js';

interface Args {
  task?: 'shapes-1d' | 'shapes-2d';
  model?: (typeof MODEL_IDS)[number] | (typeof VISION_MODEL_IDS)[number];
  filter?: string;
  'patch-size'?: number;
  queries?: string;
  'channel-attention'?: string;
  models?: string;
  attention?: string;
  attentions?: string;
  window?: number;
  features?: number;
  budget: string;
  length?: number;
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
          'Press Train: the model learns the 1D task in your browser (in a Worker, so the page stays responsive). Below the copy-the-input line (about 26) it has learned to use the other shapes of the group. The default model, the conv-stem transformer at width 32, one block deep, with batches of 16, crosses it in about 10 seconds on a laptop. Attention models show their attention maps forming; hover one to see the query and key on the validation sample.',
      },
    },
  },
  argTypes: {
    task: { control: 'inline-radio', options: ['shapes-1d', 'shapes-2d'] },
    model: { control: 'select', options: [...MODEL_IDS, ...VISION_MODEL_IDS] },
    filter: { control: 'inline-radio', options: ['none', 'channel', 'filled-circles'] },
    queries: { control: 'inline-radio', options: ['encoder', 'learned'] },
    'channel-attention': { control: 'inline-radio', options: ['within', 'across'] },
    backend: { control: 'inline-radio', options: ['auto', 'wasm', 'webgl', 'cpu'] },
    attention: { control: 'select', options: [...ATTENTION_VARIANTS] },
  },
  args: {
    budget: '60s',
    backend: 'auto',
  },
  render: (args) => html`
    <trainable-model
      task=${args.task ?? nothing}
      model=${args.model ?? nothing}
      models=${args.models ?? nothing}
      attention=${args.attention ?? nothing}
      attentions=${args.attentions ?? nothing}
      window=${args.window ?? nothing}
      features=${args.features ?? nothing}
      filter=${args.filter ?? nothing}
      patch-size=${args['patch-size'] ?? nothing}
      queries=${args.queries ?? nothing}
      channel-attention=${args['channel-attention'] ?? nothing}
      budget=${args.budget}
      length=${args.length ?? nothing}
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

/** Post 2: the transformer with local attention, a window of 20 keys each side. */
export const LocalAttention: Story = {
  name: 'Efficient attention: local',
  args: { attention: 'local', window: 20 },
};

/** Post 2: attention variants of the transformer on the same samples, a results row each. */
export const VariantComparison: Story = {
  name: 'Efficient attention: variants compared',
  args: { attentions: 'full local linformer performer', budget: '2000 samples' },
};

/** Post 2: adaptive span; the heatmap below draws each head's learned span over its map. */
export const AdaptiveSpanFollowed: Story = {
  name: 'Efficient attention: adaptive span, followed',
  render: (args) => html`
    <trainable-model
      id="adaptive-model"
      attention="adaptive"
      budget=${args.budget}
    ></trainable-model>
    <attention-heatmap for="adaptive-model" label="Each head's learned span"></attention-heatmap>
  `,
};

/** A trained multi-head model's heads, followed by a heatmap elsewhere on the page. */
export const HeadsFollowed: Story = {
  name: 'Heads, followed by a heatmap',
  render: (args) => html`
    <trainable-model id="heads-model" model="mha" budget=${args.budget}></trainable-model>
    <attention-heatmap for="heads-model" label="Multi-head attention, followed"></attention-heatmap>
  `,
};

/**
 * Post 3: the ViT encoder-decoder rebuilds the target image. Point at a patch of the prediction
 * to see which input patches its cross-attention reads; below, every layer's attention on the
 * patch grid and the rollout across the encoder's layers.
 */
export const ImagesEncoderDecoder: Story = {
  name: 'Images: ViT encoder-decoder',
  args: { task: 'shapes-2d' },
};

/** The encoder-only ViT: each output patch is its own token's projection. */
export const ImagesEncoder: Story = {
  name: 'Images: ViT encoder',
  args: { task: 'shapes-2d', model: 'vit' },
};

/** Decoder queries from a trained table: cross-attention must first find its own patch. */
export const ImagesLearnedQueries: Story = {
  name: 'Images: learned decoder queries',
  args: { task: 'shapes-2d', queries: 'learned' },
};

/** Colour planes as tokens, attending within their channel: the R, G and B maps beside each layer. */
export const ImagesChannels: Story = {
  name: 'Images: channel-specific attention (filter channel)',
  args: { task: 'shapes-2d', model: 'vit-channels', filter: 'channel' },
};

/** The image models on the same data and budget, with the results table. */
export const ImagesComparison: Story = {
  name: 'Images: comparison',
  args: { task: 'shapes-2d', models: 'vit vit-encdec vit-channels unet', budget: '30s' },
};
