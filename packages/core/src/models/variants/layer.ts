import * as tf from '@tensorflow/tfjs';
import { sampleSeed } from '../../random.js';
import { SelfAttention, type SelfAttentionArgs } from '../layers.js';
import { adaptiveSpanAttention, bandedAttention, type VariantResult } from './banded.js';
import { binaryAttention } from './binary.js';
import { linformerAttention } from './linformer.js';
import {
  VARIANT_DEFAULTS,
  resolveVariantOptions,
  type AttentionVariant,
  type EfficientVariant,
  type ResolvedVariantOptions,
  type VariantOptions,
} from './options.js';
import { orthogonalFeatures, performerAttention } from './performer.js';
import { randomRotations, reformerAttention } from './reformer.js';

type Shape = (number | null)[];

/**
 * The most cells (batch x heads x L x L) of dense weights a variant reports for display: one
 * sample of 4 heads at L = 512. Beyond it (a validation batch, a long sequence) and while
 * training, the weights output is empty, [batch, heads, 0, L], and the variant keeps its cost.
 */
export const VARIANT_DISPLAY_CELLS = 1_048_576;

export interface VariantAttentionArgs extends Omit<SelfAttentionArgs, 'ropeBase' | 'ropeGrid'> {
  /** Which variant computes the attention. */
  attention: EfficientVariant;
  /** Its parameters (see VariantOptions); `causal` defaults to `mask === 'causal'`. */
  variant?: VariantOptions;
}

/** Extra weights each variant adds to the attention layer's, by name and shape. */
export function variantWeightShapes(
  attention: EfficientVariant,
  options: VariantOptions,
  length: number,
  heads: number,
): Record<string, number[]> {
  const o = resolveVariantOptions(attention, options, length);
  if (attention === 'linformer')
    return { 'projection/e': [o.projected, length], 'projection/f': [o.projected, length] };
  if (attention === 'adaptive') return { span: [heads] };
  return {};
}

/**
 * Self-attention computed by one of the efficient variants (docs/design/models.md, "Attention
 * variants"): the same query, key, value and output projections as SelfAttention (Reformer has
 * no key projection: its keys are the queries' directions), the same outputs (the attended
 * values [batch, L, width] and the weights [batch, heads, L, L] actually used, for display), but
 * the attention itself at the variant's cost. An `attentionLayers` entry like any other.
 */
export class VariantAttention extends SelfAttention {
  static override className = 'DAVariantAttention';
  readonly attention: EfficientVariant;
  private readonly given: VariantOptions;
  private resolved: ResolvedVariantOptions;
  private readonly projectOutput: boolean;
  private params: Record<string, tf.LayerVariable> = {};
  private randomSeed = 0;
  private draws = 0;
  private trainingCalls = 0;
  private sample: tf.Tensor | undefined;
  /** Reformer: every round's bucket of every position at the last reported call, [hashes][batch * heads][L]. */
  lastBuckets: number[][][] | undefined;
  /** Linformer: the weights over the k projected rows at the last reported call, [batch, heads, L, k]. */
  lastProjected: number[][][][] | undefined;

  constructor(args: VariantAttentionArgs) {
    super({ ...args, mask: 'full', ropeBase: 0 });
    this.attention = args.attention;
    this.given = {
      ...args.variant,
      causal: args.variant?.causal ?? args.mask === 'causal',
    };
    this.resolved = resolveVariantOptions(this.attention, this.given, Number.MAX_SAFE_INTEGER);
    this.projectOutput = args.outputProjection ?? false;
  }

  /** The resolved parameters of the variant. */
  get options(): Readonly<ResolvedVariantOptions> {
    return this.resolved;
  }

  override build(inputShape: Shape | Shape[]): void {
    const [, length, width] = inputShape as [null, number, number];
    if (width % this.heads !== 0)
      throw new RangeError(`width ${width} is not divisible by ${this.heads} heads`);
    this.resolved = resolveVariantOptions(this.attention, this.given, length);
    const names = ['query', 'key', 'value', 'output'].filter(
      (name) =>
        (name !== 'key' || this.attention !== 'reformer') &&
        (name !== 'output' || this.projectOutput),
    );
    for (const name of names) {
      this.params[`${name}/kernel`] = this.addWeight(
        `${name}/kernel`,
        [width, width],
        'float32',
        this.glorotUniform(),
      );
      this.params[`${name}/bias`] = this.addWeight(
        `${name}/bias`,
        [width],
        'float32',
        tf.initializers.zeros(),
      );
    }
    for (const [name, shape] of Object.entries(
      variantWeightShapes(this.attention, this.given, length, this.heads),
    )) {
      const init =
        name === 'span' ? tf.initializers.constant({ value: 0.5 }) : this.glorotUniform();
      this.params[name] = this.addWeight(name, shape, 'float32', init);
    }
    this.randomSeed = this.nextSeed() ?? Math.floor(Math.random() * 2 ** 31);
    this.built = true;
  }

  private projectBy(x: tf.Tensor2D, name: string): tf.Tensor2D {
    return tf.add(
      tf.matMul(x, this.params[`${name}/kernel`].read() as tf.Tensor2D),
      this.params[`${name}/bias`].read(),
    ) as tf.Tensor2D;
  }

  /** The random features (Performer, [m, d]) or rotations (Reformer, [hashes, d, b/2]) in use. */
  private randomDraw(size: number): tf.Tensor {
    const { features, hashes, buckets } = this.resolved;
    if (!this.sample) {
      const seed = sampleSeed(this.randomSeed, this.draws);
      this.sample = tf.keep(
        this.attention === 'performer'
          ? tf.tensor2d(orthogonalFeatures(features, size, seed), [features, size])
          : tf.tensor3d(randomRotations(hashes, size, buckets, seed), [
              hashes,
              size,
              Math.max(1, buckets / 2),
            ]),
      );
    }
    return this.sample;
  }

  /** Draws new random features or rotations now (what the redraw schedule does every `redraw` steps). */
  redraw(): void {
    this.sample?.dispose();
    this.sample = undefined;
    this.draws++;
  }

  /** Adaptive: each head's learned span in tokens (ratio times the largest span, clipped to [0, span]). */
  spans(): number[] {
    const span = this.params.span;
    if (!span) return [];
    return Array.from(
      span.read().dataSync(),
      (r) => Math.min(1, Math.max(0, r)) * this.resolved.span,
    );
  }

  /** Adaptive: the span penalty the layer adds to the loss's gradient, spanPenalty x sum of spans. */
  spanPenalty(): number {
    return this.spans().reduce((sum, s) => sum + s, 0) * this.resolved.spanPenalty;
  }

  /** Linformer: the learned E and F [k, L]. */
  projections(): { e: number[][]; f: number[][] } | undefined {
    const e = this.params['projection/e'];
    const f = this.params['projection/f'];
    if (!e || !f) return undefined;
    return { e: e.read().arraySync() as number[][], f: f.read().arraySync() as number[][] };
  }

  protected override attend(x: tf.Tensor3D, memory: tf.Tensor3D, training: boolean): tf.Tensor[] {
    if (
      training &&
      this.resolved.redraw > 0 &&
      (this.attention === 'performer' || this.attention === 'reformer')
    ) {
      if (this.trainingCalls > 0 && this.trainingCalls % this.resolved.redraw === 0) this.redraw();
      this.trainingCalls++;
    }
    return tf.tidy(() => {
      const [batch, length, width] = x.shape;
      const heads = this.heads;
      const size = width / heads;
      const n = batch * heads;
      const flat = tf.reshape(x, [batch * length, width]) as tf.Tensor2D;
      const split = (t: tf.Tensor2D) =>
        tf.reshape(tf.transpose(tf.reshape(t, [batch, length, heads, size]), [0, 2, 1, 3]), [
          n,
          length,
          size,
        ]) as tf.Tensor3D;
      const q = split(this.projectBy(flat, 'query'));
      const scaled = tf.mul(q, 1 / Math.sqrt(size)) as tf.Tensor3D;
      const v = split(this.projectBy(flat, 'value'));
      const k = this.attention === 'reformer' ? q : split(this.projectBy(flat, 'key'));
      const report = !training && n * length * length <= VARIANT_DISPLAY_CELLS;
      const o = this.resolved;
      let result: VariantResult;
      switch (this.attention) {
        case 'local':
        case 'sparse':
        case 'global':
          // The band, plus every stride-th key (sparse) or the global tokens (global).
          result = bandedAttention(
            scaled,
            k,
            v,
            {
              window: o.window,
              causal: o.causal,
              ...(this.attention === 'sparse' ? { stride: o.stride } : {}),
              ...(this.attention === 'global' ? { globals: o.globals } : {}),
            },
            report,
          );
          break;
        case 'adaptive':
          result = adaptiveSpanAttention(
            scaled,
            k,
            v,
            this.params.span.read() as tf.Tensor1D,
            { span: o.span, ramp: o.ramp, causal: o.causal, heads, penalty: o.spanPenalty },
            training,
            report,
          );
          break;
        case 'linformer': {
          const linformer = linformerAttention(
            scaled,
            k,
            v,
            this.params['projection/e'].read() as tf.Tensor2D,
            this.params['projection/f'].read() as tf.Tensor2D,
            report,
          );
          if (linformer.projected)
            this.lastProjected = tf
              .reshape(linformer.projected, [batch, heads, length, o.projected])
              .arraySync() as number[][][][];
          result = linformer;
          break;
        }
        case 'performer':
          result = performerAttention(
            scaled,
            k,
            v,
            this.randomDraw(size) as tf.Tensor2D,
            o.causal,
            report,
          );
          break;
        case 'reformer': {
          const reformer = reformerAttention(
            scaled,
            v,
            this.randomDraw(size) as tf.Tensor3D,
            o,
            report,
          );
          if (reformer.buckets) this.lastBuckets = reformer.buckets;
          result = reformer;
          break;
        }
        case 'binary':
          result = binaryAttention(scaled, k, v, o.causal, report);
          break;
      }
      const attended = tf.transpose(
        tf.reshape(result.out, [batch, heads, length, size]),
        [0, 2, 1, 3],
      );
      const joined = tf.reshape(attended, [batch * length, width]) as tf.Tensor2D;
      const out = this.projectOutput ? this.projectBy(joined, 'output') : joined;
      const weights = result.weights
        ? tf.reshape(result.weights, [batch, heads, length, length])
        : tf.zeros([batch, heads, 0, length]);
      void memory;
      return [tf.reshape(out, [batch, length, width]), weights];
    });
  }

  override dispose(): ReturnType<tf.layers.Layer['dispose']> {
    const result = super.dispose();
    this.sample?.dispose();
    this.sample = undefined;
    return result;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { causal, globals, ...rest } = this.given;
    return {
      ...super.getConfig(),
      attention: this.attention,
      variant: {
        ...rest,
        causal: causal ?? false,
        ...(globals !== undefined
          ? { globals: typeof globals === 'number' ? globals : [...globals] }
          : {}),
      } as tf.serialization.ConfigDict,
    };
  }
}

tf.serialization.registerClass(
  VariantAttention as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>,
);

/**
 * The attention layer of a model for a variant: SelfAttention (the fused op) for `full` and
 * `causal`, VariantAttention for the others, given the variant's parameters (only the keys of
 * VariantOptions are kept; `causal` is `args.mask === 'causal'`).
 */
export function attentionLayer(
  args: SelfAttentionArgs,
  attention: AttentionVariant,
  variant: VariantOptions = {},
): SelfAttention {
  if (attention === 'full' || attention === 'causal')
    return new SelfAttention(attention === 'causal' ? { ...args, mask: 'causal' } : args);
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(variant))
    if (key in VARIANT_DEFAULTS && key !== 'causal' && value !== undefined) kept[key] = value;
  return new VariantAttention({ ...args, attention, variant: kept as VariantOptions });
}
