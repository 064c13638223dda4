import type { Meta, StoryObj } from '@storybook/web-components-vite';
import { html, nothing } from 'lit';
import '@decoding-attention/shape-dataset-viewer/shape-dataset-viewer.js';

interface Args {
  mode: '1d' | '2d';
  seed: number;
  length?: number;
  'noise-std'?: number;
  'noise-sigma'?: number;
  filter?: 'none' | 'channel' | 'filled-circles';
  'blur-sigma'?: number;
  theme?: 'auto' | 'light' | 'dark';
}

const meta: Meta<Args> = {
  title: 'Elements/shape-dataset-viewer',
  component: 'shape-dataset-viewer',
  tags: ['autodocs'],
  parameters: {
    docs: {
      description: {
        component:
          "The datasets of the series. In 1D, a series holds 3 or 4 kinds of shapes; the target redraws each shape at the mean amplitude of its kind, wherever the others are. In 2D, shapes take their group's mean colour. Hover a shape in the list or the plot; use ← → to step through seeds.",
      },
    },
  },
  argTypes: {
    mode: { control: 'inline-radio', options: ['1d', '2d'] },
    filter: { control: 'select', options: ['none', 'channel', 'filled-circles'] },
    theme: { control: 'inline-radio', options: ['auto', 'light', 'dark'] },
    // The maxima of VIEWER_LIMITS: beyond them the element names the attribute and its maximum.
    length: { control: { type: 'number', min: 1, max: 20000, step: 1 } },
    'noise-sigma': { control: { type: 'number', min: 0, max: 100 } },
    'blur-sigma': { control: { type: 'number', min: 0, max: 5 } },
  },
  args: { mode: '1d', seed: 0 },
  render: (args) => html`
    <shape-dataset-viewer
      mode=${args.mode}
      seed=${args.seed}
      length=${args.length ?? nothing}
      noise-std=${args['noise-std'] ?? nothing}
      noise-sigma=${args['noise-sigma'] ?? nothing}
      filter=${args.filter ?? nothing}
      blur-sigma=${args['blur-sigma'] ?? nothing}
      theme=${args.theme ?? nothing}
    ></shape-dataset-viewer>
  `,
};
export default meta;

type Story = StoryObj<Args>;

/** A 1D sample at the series' defaults: length 400, smooth noise of std 3. */
export const OneD: Story = { name: '1D', args: { seed: 7 } };

/** Without noise the input is the shapes at their own amplitudes: compare each with its group mean. */
export const OneDNoNoise: Story = { name: '1D, no noise', args: { seed: 7, 'noise-std': 0 } };

/** Any length works, not only the default 400: here 500. */
export const OneDLength500: Story = { name: '1D, length 500', args: { seed: 3, length: 500 } };

/** The longest series, with the widest smoothing, the viewer draws: its maxima, length 20,000 and noise-sigma 100. */
export const OneDLongest: Story = {
  name: '1D, at its maxima',
  args: { seed: 7, length: 20000, 'noise-sigma': 100 },
};

/** A 2D sample: noisy input, target in group mean colours. */
export const TwoD: Story = { name: '2D', args: { mode: '2d', seed: 2 } };

/** 2D without noise or blur. */
export const TwoDNoNoise: Story = {
  name: '2D, no noise',
  args: { mode: '2d', seed: 2, 'noise-std': 0, 'blur-sigma': 0 },
};

/** The `channel` rule: triangles need red > 128, rectangles green ≥ 128, circles blue ≥ 128 to reach the target. */
export const TwoDChannelFilter: Story = {
  name: '2D, channel filter',
  args: { mode: '2d', seed: 3, filter: 'channel' },
};

/** The `filled-circles` rule: only filled circles are tested (blue ≥ 128). */
export const TwoDFilledCirclesFilter: Story = {
  name: '2D, filled-circles filter',
  args: { mode: '2d', seed: 11, filter: 'filled-circles' },
};

/** Forced dark scheme; by default the element follows the reader's preference. */
export const Dark: Story = { args: { seed: 7, theme: 'dark' } };

/** A bad attribute shows a specific message inside the element; fix it and the sample returns. */
export const BadInput: Story = {
  name: 'Bad input',
  tags: ['expect-warnings'],
  args: { seed: 7, length: -5 },
};
