/**
 * Messages between a page's `CostRunner` and the cost session in the Worker (the training
 * Worker's, which routes them by their `cost-` prefix). Types only: no tfjs.
 */
import type { CostVariant } from '../attention-cost.js';

/** A measured length of a variant's layer: times in ms, peak in bytes. */
export interface CostPointMessage {
  type: 'cost-point';
  variant: CostVariant;
  length: number;
  forward: number;
  both: number;
  peak: number;
  runs: number;
}

/** A variant's curve ended: over the time budget, out of memory, failed, or its backend broke. */
export interface CostStopMessage {
  type: 'cost-stop';
  variant: CostVariant;
  length: number;
  reason: 'time' | 'memory' | 'failed' | 'broken';
  message: string;
}

/** A bin of generated tokens' mean time, with or without the key-value cache. */
export interface KvPointMessage {
  type: 'cost-kv-point';
  cached: boolean;
  position: number;
  ms: number;
}

export interface CostDoneMessage {
  type: 'cost-done';
  /** The backend the figures were measured on. */
  backend: string;
  cancelled: boolean;
  /** The key-value passes' generated tokens and why each ended early, when they ran. */
  kv?: { cached: boolean; tokens: number[]; stopped?: string }[];
}

export interface CostErrorMessage {
  type: 'cost-error';
  message: string;
}

export interface CostMemoryMessage {
  type: 'cost-memory';
  id: number;
  numTensors: number;
  numBytes: number;
}

export type CostMessage =
  | CostPointMessage
  | CostStopMessage
  | KvPointMessage
  | CostDoneMessage
  | CostErrorMessage
  | CostMemoryMessage;

/** What to measure: the sweep, the key-value cache, or both. */
export interface CostRequest {
  variants: readonly CostVariant[];
  lengths: readonly number[];
  /** A step (forward+backward, or a generated token) over this many ms ends its curve. */
  budget: number;
  /** Sequences per step (default 1). */
  batch?: number;
  /** Tokens the key-value panel generates; 0 skips it (default 0). */
  kvTokens?: number;
  /** Whether to sweep the variants (default true). */
  sweep?: boolean;
  /** The backend to measure on: wasm (default, with our kernels and fused attention) or cpu. */
  backend?: 'wasm' | 'cpu';
}

export type CostCommand =
  | { type: 'cost-start'; request: CostRequest }
  | { type: 'cost-stop' }
  | { type: 'cost-memory'; id: number };

/** Whether a message to the Worker is the cost session's. */
export function isCostCommand(command: { type: string }): command is CostCommand {
  return command.type.startsWith('cost-');
}
