import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { COST_VARIANTS } from '@decoding-attention/core';
import { html } from 'lit';
import '@decoding-attention/attention-cost/attention-cost.js';

interface Args {
  variants: string;
  lengths: string;
  maxLength: number;
  budget: number;
  mode: 'forward' | 'backward';
  kvTokens: number;
}

const meta: Meta<Args> = {
  title: 'Elements/attention-cost',
  component: 'attention-cost',
  tags: ['autodocs'],
  parameters: {
    docs: {
      description: {
        component:
          "Is efficient attention actually faster, here? Press Measure: each variant's attention layer runs at growing lengths in a Worker (the page stays responsive), forward and forward+backward, each result drawn as it arrives on log-log axes beside the variant's theoretical slope, with the length where it overtakes full attention on this device marked. A variant stops when its next step would pass the time budget or memory runs out, and says so. Below: the complexity table with the measured columns, and a key-value cache panel generating tokens with and without the cache.",
      },
    },
  },
  argTypes: {
    variants: { control: 'text' },
    lengths: { control: 'text' },
    mode: { control: 'select', options: ['backward', 'forward'] },
    budget: { control: { type: 'number', min: 1, step: 100 } },
    maxLength: { control: { type: 'number', min: 4 } },
    kvTokens: { control: { type: 'number', min: 0, max: 4096 } },
  },
  args: {
    variants: COST_VARIANTS.join(' '),
    lengths: '256 512 1024 2048 4096 8192 16384',
    maxLength: 16384,
    budget: 2000,
    mode: 'backward',
    kvTokens: 256,
  },
  render: (args) => html`
    <attention-cost
      variants=${args.variants}
      lengths=${args.lengths}
      max-length=${args.maxLength}
      budget=${args.budget}
      mode=${args.mode}
      kv-tokens=${args.kvTokens}
    ></attention-cost>
  `,
};
export default meta;

type Story = StoryObj<Args>;

/** Every variant from 256 to 16K tokens, a two-second budget per step: press Measure. */
export const AllVariants: Story = {};

/** The forward pass alone (inference), as a reader serving a model would see it. */
export const ForwardOnly: Story = { args: { mode: 'forward' } };

/** A quick look: full against two linear variants up to 2K, half a second per step. */
export const Quick: Story = {
  args: { variants: 'full local performer', maxLength: 2048, budget: 500, kvTokens: 128 },
};

/** A variant name that does not exist: the element names the attribute and measures nothing. */
export const BadVariant: Story = {
  args: { variants: 'full flash' },
  tags: ['expect-warnings'],
};
