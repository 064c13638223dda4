import { eventDetail } from '@decoding-attention/ui';
import type { Matrix } from '@decoding-attention/core';

/** What the explorer reads of a `<trainable-model>`'s `attention-change`. */
export interface SpanDetail {
  heads?: readonly Matrix[];
  variant?: {
    attention?: string;
    spans?: readonly number[];
    maxSpan?: number;
    options?: Record<string, unknown>;
  };
}

/** One snapshot's spans, by the samples the model had seen. */
export interface SpanSnapshot {
  samples: number;
  spans: number[];
}

/** An element that trains a model and reports its attention: what `method="adaptive"` follows. */
export interface TrainingSource extends HTMLElement {
  readonly currentAttention: unknown;
  attention?: unknown;
}

export function isTrainingSource(element: Element): element is TrainingSource {
  return 'currentAttention' in element && element.localName !== 'positional-encoding-explorer';
}

/** The spans of an `attention-change` detail, if it is an adaptive model's with finite spans. */
export function readSpans(
  detail: unknown,
): { spans: number[]; maxSpan?: number; ramp?: number; heads?: readonly Matrix[] } | undefined {
  const d = (detail !== null && typeof detail === 'object' ? detail : undefined) as
    SpanDetail | undefined;
  const variant = d?.variant;
  if (variant?.attention !== 'adaptive' || !Array.isArray(variant.spans)) return undefined;
  const spans = variant.spans.map(Number);
  if (spans.length === 0 || !spans.every(Number.isFinite)) return undefined;
  const ramp = variant.options?.ramp;
  return {
    spans,
    maxSpan: typeof variant.maxSpan === 'number' ? variant.maxSpan : undefined,
    ramp: typeof ramp === 'number' ? ramp : undefined,
    heads: d?.heads,
  };
}

/** The samples seen of a `training-progress` event, or undefined. */
export function samplesSeen(event: Event): number | undefined {
  const samples = eventDetail<{ samplesSeen: number }>(event)?.samplesSeen;
  return typeof samples === 'number' && Number.isFinite(samples) ? samples : undefined;
}

/** The most snapshots kept: older ones are thinned, one in two, so a long run stays light. */
export const MOST_SNAPSHOTS = 400;

/** Adds a snapshot, thinning the history when it grows past `MOST_SNAPSHOTS`. */
export function addSnapshot(history: SpanSnapshot[], snapshot: SpanSnapshot): SpanSnapshot[] {
  const next = [...history, snapshot];
  return next.length > MOST_SNAPSHOTS
    ? next.filter((_, i) => i % 2 === 0 || i === next.length - 1)
    : next;
}
