/**
 * The attention cost sweep: each variant's attention layer, as a transformer block holds it
 * (query, key, value and output projections around the variant, width 64, 4 heads, each variant
 * at its defaults), in training mode, on input [batch, L, 64] at growing lengths: forward time,
 * forward+backward time (of the mean square of the output, through every weight of the layer)
 * and the step's peak tensor memory, beside full attention's fused op. `npm run bench:train`
 * (bench/attention.bench.ts) and `<attention-cost>` (in its Worker) both run this code, so their
 * figures agree on the same machine.
 */
import * as tf from '@tensorflow/tfjs';
import { formatMs, shortLength } from '../attention-cost.js';
import { attentionLayer } from '../models/variants/layer.js';
import type { AttentionVariant } from '../models/variants/options.js';

/** A variant the sweep measures: any but causal (full attention's causal mask is its own case). */
export type SweepVariant = Exclude<AttentionVariant, 'causal'>;

/** Width of the swept layer's input and output, and its heads. */
export const SWEEP_WIDTH = 64;
export const SWEEP_HEADS = 4;
const MiB = 2 ** 20;

/** One measured length of one variant. */
export interface CostPoint {
  variant: SweepVariant;
  length: number;
  /** Forward time, ms. */
  forward: number;
  /** Forward+backward time, ms. */
  both: number;
  /** Peak tensor memory of a forward+backward, bytes. */
  peak: number;
  /** Timed runs of the forward+backward, over every layer built for the point. */
  runs: number;
  /** Layers built and timed for the point: 3 for a step under 100 ms, else 1. */
  layers: number;
}

/** Why a variant's curve ended before the last length. */
export type StopReason = 'time' | 'memory' | 'failed' | 'broken';

export interface CostStop {
  variant: SweepVariant;
  /** The length it stopped at or before. */
  length: number;
  reason: StopReason;
  message: string;
}

export interface SweepOptions {
  /** Full is always measured first, as the reference. */
  variants: readonly SweepVariant[];
  lengths: readonly number[];
  /** Sequences per step (default 1). */
  batch?: number;
  /** A forward+backward predicted (or measured) to take longer than this, ms, ends a curve (default 120 s). */
  cap?: number;
  /** What the messages call `cap` (default "cap"). */
  capName?: string;
  /** Tensor bytes a step may be predicted to need before a curve ends (default 3 GiB). */
  heap?: number;
  /** Checked between steps: true ends the sweep where it is. */
  stopped?: () => boolean;
  onPoint?: (point: CostPoint) => void;
  onStop?: (stop: CostStop) => void;
  /** Each step's outcome as a line of text. */
  log?: (line: string) => void;
  /** Lets the thread's other tasks (messages, timers) run between steps. */
  breathe?: () => Promise<void>;
}

export interface SweepResult {
  curves: Map<SweepVariant, CostPoint[]>;
  stops: Map<SweepVariant, CostStop>;
  /** Set when the sweep was stopped before its end. */
  cancelled: boolean;
}

/**
 * Wall time of `fn` in ms (the wasm and cpu backends run kernels synchronously, so the call's
 * duration is the work's): the fastest of the runs after a warm-up run, the time the work takes
 * when no collection or timer tick lands in it. Short calls run until about 200 ms have passed
 * (5 to 50 runs), long ones fewer times (3 over 200 ms, 1 over 1.5 s), and a warm-up of more
 * than 8 s is itself the measurement.
 */
export function wallTime(fn: () => void): { ms: number; runs: number } {
  let start = performance.now();
  fn();
  const first = performance.now() - start;
  if (first > 8000) return { ms: first, runs: 1 };
  const runs =
    first > 1500 ? 1 : first > 200 ? 3 : Math.min(50, Math.max(5, Math.ceil(200 / first)));
  let fastest = Infinity;
  for (let i = 0; i < runs; i++) {
    start = performance.now();
    fn();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return { ms: fastest, runs };
}

/**
 * The most tensor memory `run` added to the backend at once (beyond the tensors alive before
 * it, such as the weights and the input): each buffer counted once, however many tensors share
 * it; the kernels' scratch and tfjs's own allocations are not counted.
 */
export function peakTensorBytes(run: () => void): number {
  type Backend = {
    move(dataId: object, values: unknown, shape: number[], dtype: string, refCount: number): void;
    write(values: unknown, shape: number[], dtype: string): object;
    disposeData(dataId: object, force?: boolean): boolean;
  };
  const backend = tf.backend() as unknown as Backend;
  const { move, write, disposeData } = backend;
  const sizes = new Map<object, number>();
  let held = 0;
  let peak = 0;
  const count = (dataId: object, shape: number[], dtype: string) => {
    // wasm's write goes through its move: a buffer is counted once.
    if (sizes.has(dataId)) return;
    const bytes =
      dtype === 'string'
        ? 0
        : shape.reduce((a, b) => a * b, 1) * tf.util.bytesPerElement(dtype as tf.DataType);
    sizes.set(dataId, bytes);
    held += bytes;
    peak = Math.max(peak, held);
  };
  // wasm makes its outputs with move, cpu with write.
  backend.move = (dataId, values, shape, dtype, refCount) => {
    move.call(backend, dataId, values, shape, dtype, refCount);
    count(dataId, shape, dtype);
  };
  backend.write = (values, shape, dtype) => {
    const dataId = write.call(backend, values, shape, dtype);
    count(dataId, shape, dtype);
    return dataId;
  };
  backend.disposeData = (dataId, force) => {
    const freed = disposeData.call(backend, dataId, force);
    if (freed && sizes.has(dataId)) {
      held -= sizes.get(dataId)!;
      sizes.delete(dataId);
    }
    return freed;
  };
  try {
    run();
  } finally {
    // The methods were the prototype's: dropping the wrappers restores them.
    delete (backend as Partial<Backend>).move;
    delete (backend as Partial<Backend>).write;
    delete (backend as Partial<Backend>).disposeData;
  }
  return peak;
}

/** Whether the backend still computes (an out-of-memory abort can leave wasm broken). */
export function backendAlive(): boolean {
  try {
    const value = tf.tidy(() => tf.add(tf.ones([4]), 1).dataSync()[0]);
    return value === 2;
  } catch {
    return false;
  }
}

/** An error's first line, and whether it reads as memory running out. */
export function describeError(error: unknown): { memory: boolean; message: string } {
  const message = error instanceof Error ? error.message : String(error);
  const memory = /memory|allocat|abort|grow|OOM|Array buffer|RangeError/i.test(message);
  return { memory, message: message.split('\n')[0].slice(0, 160) };
}

/** Steps shorter than this (ms) are timed on several layers built anew (`LAYERS`). */
const SHORT_STEP = 100;
/** Layers timed for a short step: the time is their median. */
const LAYERS = 3;

/**
 * Times one variant's layer at one length: forward, forward+backward and the latter's peak.
 * Short steps are timed on three layers built anew, and each time is the median of theirs: two
 * layers alike but built apart ran the same step up to twice as fast as each other, steady
 * within each (where their tensors fell in memory, presumably), more than timing many runs of
 * one layer evens out.
 */
function measureStep(
  variant: SweepVariant,
  x: tf.Tensor,
  length: number,
): Omit<CostPoint, 'variant' | 'length'> {
  const first = timeLayer(variant, x, length, 0);
  if (first.both >= SHORT_STEP) return first;
  const layers = [first];
  for (let i = 1; i < LAYERS; i++) layers.push(timeLayer(variant, x, length, i));
  const median = (key: 'forward' | 'both') =>
    layers.map((t) => t[key]).sort((a, b) => a - b)[Math.floor(LAYERS / 2)];
  return {
    forward: median('forward'),
    both: median('both'),
    peak: first.peak,
    runs: layers.reduce((sum, t) => sum + t.runs, 0),
    layers: LAYERS,
  };
}

/** Times a layer of `variant` built anew (the `index`-th for this point). */
function timeLayer(
  variant: SweepVariant,
  x: tf.Tensor,
  length: number,
  index: number,
): Omit<CostPoint, 'variant' | 'length'> {
  const layer = attentionLayer(
    { seed: 7, heads: SWEEP_HEADS, outputProjection: true, name: `${variant}-${length}-${index}` },
    variant,
  );
  try {
    const forward = () => tf.dispose(layer.apply(x, { training: true }) as tf.Tensor[]);
    forward(); // builds the layer
    const weights = layer.trainableWeights.map((w) => w.read() as tf.Variable);
    const both = () => {
      const { value, grads } = tf.variableGrads(() => {
        const [out] = layer.apply(x, { training: true }) as tf.Tensor[];
        return tf.mean(tf.square(out)) as tf.Scalar;
      }, weights);
      tf.dispose([value, ...Object.values(grads)]);
    };
    // The peak's run warms up the step; one longer than 8 s is itself the timed run (the
    // count's bookkeeping is a few map operations per tensor, nothing beside such a step).
    const start = performance.now();
    const peak = peakTensorBytes(both);
    const counted = performance.now() - start;
    const f = wallTime(forward);
    const b = counted > 8000 ? { ms: counted, runs: 1 } : wallTime(both);
    return { forward: f.ms, both: b.ms, peak, runs: b.runs, layers: 1 };
  } finally {
    try {
      layer.dispose();
    } catch {
      // A layer of a broken backend may not dispose; nothing else holds it.
    }
  }
}

/**
 * Sweeps `lengths` (in order), each variant at each length after full. A variant stops where it
 * runs out of memory, where its next step would take more than `cap` (predicted on its last two
 * lengths) or need more than `heap` bytes, or where a step took more than `cap`; each stop is
 * said, with why. On the current tfjs backend.
 */
export async function sweepAttentionCost(options: SweepOptions): Promise<SweepResult> {
  const {
    lengths,
    batch = 1,
    cap = 120_000,
    capName = 'cap',
    heap = 3072 * MiB,
    stopped: cancelled = () => false,
    onPoint,
    onStop,
    log = () => undefined,
    breathe = () => new Promise<void>((resolve) => setTimeout(resolve, 0)),
  } = options;
  const all: SweepVariant[] = ['full', ...options.variants.filter((v) => v !== 'full')];
  const curves = new Map<SweepVariant, CostPoint[]>(all.map((v) => [v, []]));
  const stops = new Map<SweepVariant, CostStop>();
  const stop = (variant: SweepVariant, length: number, reason: StopReason, message: string) => {
    const record = { variant, length, reason, message };
    stops.set(variant, record);
    onStop?.(record);
  };
  let broken: string | undefined;
  for (const length of lengths) {
    if (all.every((v) => stops.has(v))) break;
    const x = tf.randomNormal([batch, length, SWEEP_WIDTH], 0, 1, 'float32', 1);
    try {
      for (const variant of all) {
        if (cancelled()) return { curves, stops, cancelled: true };
        if (stops.has(variant)) continue;
        if (broken) {
          stop(variant, length, 'broken', `not run at ${shortLength(length)}: ${broken}`);
          continue;
        }
        const curve = curves.get(variant)!;
        // Will the next step fit the time cap and the heap? Predicted on the last two lengths.
        if (curve.length > 0) {
          const last = curve[curve.length - 1];
          const before = curve[curve.length - 2];
          const grow = (key: 'both' | 'peak', fallback: number) =>
            before
              ? Math.min(
                  2.5,
                  Math.max(
                    1,
                    Math.log(last[key] / before[key]) / Math.log(last.length / before.length),
                  ),
                )
              : fallback;
          const factor = length / last.length;
          const time = last.both * factor ** grow('both', 2);
          const bytes = last.peak * factor ** grow('peak', 2);
          if (time > cap) {
            stop(
              variant,
              length,
              'time',
              `stopped before ${shortLength(length)}: a forward+backward there would take about ${formatMs(time)} (over the ${cap / 1000} s ${capName})`,
            );
            continue;
          }
          if (bytes > heap) {
            stop(
              variant,
              length,
              'memory',
              `stopped before ${shortLength(length)}: a step there would need about ${(bytes / MiB).toFixed(0)} MiB of tensors (over ${(heap / MiB).toFixed(0)} MiB of WebAssembly's 4 GiB heap, which an out-of-memory would break for every later run)`,
            );
            continue;
          }
        }
        try {
          const point = { variant, length, ...measureStep(variant, x, length) };
          curve.push(point);
          onPoint?.(point);
          log(
            `${variant} at ${shortLength(length)}: forward ${formatMs(point.forward)}, forward+backward ${formatMs(point.both)} (${point.runs} timed run${point.runs > 1 ? 's' : ''}), peak ${(point.peak / MiB).toFixed(1)} MiB`,
          );
          if (point.both > cap)
            stop(
              variant,
              length,
              'time',
              `stopped after ${shortLength(length)}: its forward+backward took ${formatMs(point.both)} (over the ${cap / 1000} s ${capName})`,
            );
        } catch (error) {
          const { memory, message } = describeError(error);
          stop(
            variant,
            length,
            memory ? 'memory' : 'failed',
            `stopped at ${shortLength(length)}: ${memory ? 'out of memory' : 'failed'} (${message})`,
          );
          log(`${variant} at ${shortLength(length)}: ${stops.get(variant)!.message}`);
          if (!backendAlive())
            broken = `the ${tf.getBackend()} backend broke after ${variant}'s failure at ${shortLength(length)}`;
        }
        await breathe();
      }
    } finally {
      try {
        x.dispose();
      } catch {
        // The input of a broken backend may not dispose; nothing else holds it.
      }
    }
  }
  return { curves, stops, cancelled: false };
}
