import {
  attentionMask,
  averageMatrices,
  maskWeights,
  softmaxRows,
  type MaskKind,
  type MaskOptions,
  type Matrix,
} from '@decoding-attention/core';
import type { HeatmapData } from './sources.js';

/** One panel: the matrices under one mask. */
export interface Panel {
  mask: MaskKind;
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
 * The data under each mask: weights are masked and their rows renormalised, raw scores go
 * through a softmax over the keys the mask allows. Options are validated by the element.
 */
export function buildPanels(data: HeatmapData, { masks, head, ...options }: PanelOptions): Panel[] {
  const [{ rows, cols }] = data.heads;
  return masks.map((mask) => {
    const allowed = mask === 'full' ? undefined : attentionMask(mask, rows, cols, options);
    const heads = data.heads.map((m) =>
      data.kind === 'scores' ? softmaxRows(m, allowed) : allowed ? maskWeights(m, allowed) : m,
    );
    const average = heads.length === 1 ? heads[0] : averageMatrices(heads);
    return { mask, allowed, heads, average, shown: head === 'average' ? average : heads[head] };
  });
}

/** A weight as the tooltip, colour bar and table show it: three decimals, or exponent form. */
export function formatWeight(value: number): string {
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  return magnitude >= 0.01 && magnitude < 1000 ? value.toFixed(3) : value.toExponential(2);
}
