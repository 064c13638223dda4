/**
 * The tasks a model trains on (docs/design/training.md): the 1D series of posts 1 and 2, or the
 * 2D images of post 3. A task gives the training session its data, the shape of a sample, the
 * scale its losses are reported in, and the baselines a run is measured against.
 */
import { baselineScores1D, generateBatch1D } from '../shapes1d.js';
import { generateBatch2D, type FilterMode2D } from '../shapes2d.js';

export const TASKS = ['shapes-1d', 'shapes-2d'] as const;
export type TaskId = (typeof TASKS)[number];

/**
 * What 2D losses are reported in: the MSE on pixels in [0, 1] times 1,000 (so "42.5" is an MSE
 * of 0.0425), the scale of the series' figures. The model is trained on the plain MSE.
 */
export const LOSS_SCALE_2D = 1000;

/** A batch of samples as flat arrays, inputs and targets alike. */
export interface TaskBatch {
  inputs: Float32Array;
  targets: Float32Array;
}

export interface TrainingTask {
  id: TaskId;
  /** One sample's shape: [length] for a series, [size, size, 3] (NHWC) for an image. */
  shape: number[];
  /** Values in one sample. */
  size: number;
  /** Reported losses are the MSE times this (1 for series, LOSS_SCALE_2D for images). */
  lossScale: number;
  /** Samples firstIndex ... firstIndex + count - 1 of the stream of `seed`, into `into` when given. */
  generate(count: number, seed: number, firstIndex?: number, into?: TaskBatch): TaskBatch;
  /** What the predictions that need no training score on a batch, in the reported units. */
  baselines(batch: TaskBatch): Record<string, number>;
}

/**
 * What three predictions that need no training score on a batch of 2D samples, as MSE x 1,000
 * on [0, 1] pixels: `black` (every pixel 0; the target's background is black), `copy` (the noisy
 * input) and `channelMean` (every pixel the batch's mean target colour, channel by channel: the
 * best constant prediction).
 */
export function baselineScores2D({ inputs, targets }: TaskBatch): {
  black: number;
  copy: number;
  channelMean: number;
} {
  const mean = [0, 0, 0];
  for (let i = 0; i < targets.length; i++) mean[i % 3] += targets[i];
  const pixels = targets.length / 3;
  for (let c = 0; c < 3; c++) mean[c] /= pixels;
  let black = 0;
  let copy = 0;
  let channelMean = 0;
  for (let i = 0; i < targets.length; i++) {
    const t = targets[i];
    black += t * t;
    copy += (inputs[i] - t) ** 2;
    channelMean += (mean[i % 3] - t) ** 2;
  }
  const scale = LOSS_SCALE_2D / targets.length;
  return { black: black * scale, copy: copy * scale, channelMean: channelMean * scale };
}

/** The task of a resolved training configuration. */
export function trainingTask(c: {
  task: TaskId;
  length: number;
  imageSize: number;
  filter: FilterMode2D;
}): TrainingTask {
  if (c.task === 'shapes-2d') {
    const size = c.imageSize;
    return {
      id: 'shapes-2d',
      shape: [size, size, 3],
      size: size * size * 3,
      lossScale: LOSS_SCALE_2D,
      generate: (count, seed, firstIndex = 0, into) =>
        generateBatch2D(
          count,
          { seed, firstIndex, width: size, height: size, filter: c.filter },
          into,
        ),
      baselines: (batch) => baselineScores2D(batch),
    };
  }
  return {
    id: 'shapes-1d',
    shape: [c.length],
    size: c.length,
    lossScale: 1,
    generate: (count, seed, firstIndex = 0, into) =>
      generateBatch1D(count, { seed, firstIndex, length: c.length }, into),
    baselines: (batch) => baselineScores1D(batch),
  };
}
