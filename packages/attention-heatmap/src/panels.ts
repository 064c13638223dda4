import {
  attentionMask,
  averageMatrices,
  maskWeights,
  poolMatrix,
  softmaxRows,
  type MaskKind,
  type MaskOptions,
  type Matrix,
} from '@decoding-attention/core';
export { formatWeight } from '@decoding-attention/ui';
import { CHANNEL_NAMES, type ChannelName } from './layers.js';
import type { HeatmapData } from './sources.js';

/** One panel: the matrices under one mask, of the attention or of one channel's. */
export interface Panel {
  mask: MaskKind;
  /** The channel of a channel-specific map, shown beside the full attention; undefined for that. */
  channel?: ChannelName;
  /** Which keys each query may see (1) or not (0); undefined for `full`. */
  allowed: Uint8Array | undefined;
  heads: Matrix[];
  average: Matrix;
  /** The matrix drawn large: the head chosen, or the average. */
  shown: Matrix;
}

/** What the panels are made of besides the data: the masks side by side and the head shown. */
export interface PanelOptions extends MaskOptions {
  masks: readonly MaskKind[];
  head: number | 'average';
}

/**
 * A panel of `heads`: their average is worked out when first read (a new snapshot of a model
 * with heads drawn one by one need not wait for it), and kept.
 */
function withAverage(panel: Omit<Panel, 'average' | 'shown'>, head: number | 'average'): Panel {
  let average: Matrix | undefined;
  const averaged = () =>
    (average ??= panel.heads.length === 1 ? panel.heads[0] : averageMatrices(panel.heads));
  return {
    ...panel,
    get average() {
      return averaged();
    },
    get shown() {
      return head === 'average' ? averaged() : panel.heads[head];
    },
  };
}

/**
 * The data under each mask: weights are masked and their rows renormalised, raw scores go
 * through a softmax over the keys the mask allows. Channel-specific maps follow, one panel per
 * channel under the first mask. Options are validated by the element.
 */
export function buildPanels(data: HeatmapData, { masks, head, ...options }: PanelOptions): Panel[] {
  const [{ rows, cols }] = data.heads;
  const allowedBy = (mask: MaskKind) =>
    mask === 'full' ? undefined : attentionMask(mask, rows, cols, options);
  const panel = (mask: MaskKind, allowed: Uint8Array | undefined, weights: readonly Matrix[]) => {
    const heads = weights.map((m) =>
      data.kind === 'scores' ? softmaxRows(m, allowed) : allowed ? maskWeights(m, allowed) : m,
    );
    return withAverage({ mask, allowed, heads }, head);
  };
  const panels: Panel[] = masks.map((mask) => panel(mask, allowedBy(mask), data.heads));
  if (data.channels) {
    const [first] = panels;
    data.channels.forEach((channel, c) => {
      // Channel maps are weights, whatever the attention beside them is.
      const weights = channel.map((m) => (first.allowed ? maskWeights(m, first.allowed) : m));
      panels.push(
        withAverage(
          { mask: first.mask, channel: CHANNEL_NAMES[c], allowed: first.allowed, heads: weights },
          head,
        ),
      );
    });
  }
  return panels;
}

/**
 * What a head's thumbnail draws: the matrix pooled by whole factors down to no fewer cells than
 * the thumbnail has device pixels (`size` CSS pixels a side), each pixel the mean of the weights
 * it covers. A 400 x 400 head shown at 72 px is coloured and composited as 80 x 80, not 400 x 400.
 */
export function thumbnailOf(
  matrix: Matrix,
  mask: Uint8Array | undefined,
  size: number,
  pixelRatio = globalThis.devicePixelRatio || 1,
): { matrix: Matrix; mask?: Uint8Array } {
  const pixels = size * pixelRatio;
  const factor = (cells: number) => Math.max(1, Math.floor(cells / pixels));
  return poolMatrix(matrix, [factor(matrix.rows), factor(matrix.cols)], mask);
}
