import type { CostVariant } from '@decoding-attention/core';

/** `cost-point`: a length of a variant was measured (times in ms, peak tensor memory in bytes). */
export interface CostPointDetail {
  variant: CostVariant;
  length: number;
  forward: number;
  both: number;
  peak: number;
  runs: number;
}

/** `variant-stop`: a variant's curve ended before the last length, and why. */
export interface VariantStopDetail {
  variant: CostVariant;
  length: number;
  reason: 'time' | 'memory' | 'failed' | 'broken';
  message: string;
}

/** `cost-done`: a run ended, finished or stopped. */
export interface CostDoneDetail {
  cancelled: boolean;
  /** The tfjs backend measured on ('' when stopped before it started). */
  backend: string;
  /** Points measured. */
  points: number;
}
