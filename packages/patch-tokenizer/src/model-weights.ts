import { PATCH_ENCODING_KINDS, type PatchEncodingKind } from '@decoding-attention/core';

/**
 * An element whose trained weights the tokenizer can show: it has `exportWeights()`, resolving
 * to a weights file (`<trainable-model>`'s; the format is `WeightsFile` in
 * packages/core/src/train/protocol.ts), and fires `training-progress` and `training-done`.
 */
export interface WeightsSource extends HTMLElement {
  exportWeights(options?: { names?: readonly string[] }): Promise<unknown>;
}

export function isWeightsSource(element: Element | undefined | null): element is WeightsSource {
  return (
    typeof (element as Partial<WeightsSource> | null | undefined)?.exportWeights === 'function'
  );
}

/** Whether an element followed through `for` is a model (else it is a viewer). */
export function isModelElement(element: Element): boolean {
  return element.localName === 'trainable-model' || isWeightsSource(element);
}

/** The models whose tokens are patches through a patch embedding the tokenizer can show. */
export const PATCH_EMBEDDING_MODELS = ['vit', 'vit-encdec'] as const;

/** What the tokenizer takes from a trained model: its patch embedding and where it puts tokens. */
export interface ModelWeights {
  /** The model's id (`vit` or `vit-encdec`). */
  model: string;
  /** Side of the square images it trains on. */
  imageSize: number;
  patchSize: number;
  /** Its width: features per token. */
  dim: number;
  heads: number;
  /** Its positional encoding, if the tokenizer shows that kind (not `none`). */
  encoding: PatchEncodingKind | undefined;
  /** `embed/kernel`, `[patch-size² x 3, dim]` row-major. */
  projection: Float32Array;
  /** `embed/bias`, `[dim]`. */
  bias: Float32Array;
  /** learnable: `positional/table`, `[patches, dim]` row-major. */
  positionalTable: Float32Array | undefined;
}

/** The weights file's fields the tokenizer reads (the rest is not looked at). */
interface WeightsFileLike {
  format?: unknown;
  model?: unknown;
  task?: unknown;
  options?: Record<string, unknown>;
  weights?: { name?: unknown; shape?: unknown; values?: unknown }[];
}

/** What `for` should name, for the messages. */
export const MODEL_EXPECTED =
  '<trainable-model task="shapes-2d" model="vit"> (or model="vit-encdec")';

/**
 * The patch embedding of a weights file, checked; a RangeError naming `for="<id>"` and what
 * would work when the file is not one of a vision model with a patch embedding, or its weights
 * are not finite.
 */
export function modelWeightsOf(file: unknown, id: string): ModelWeights {
  const named = `for="${id}"`;
  const f = (file && typeof file === 'object' ? file : {}) as WeightsFileLike;
  if (f.format !== 'decoding-attention-weights' || !Array.isArray(f.weights) || !f.options)
    throw new RangeError(
      `${named} names an element whose exportWeights() gives no weights file; name a ${MODEL_EXPECTED}`,
    );
  if (f.task !== 'shapes-2d')
    throw new RangeError(
      `${named} names a model trained on series (task ${String(f.task ?? 'shapes-1d')}), which has no image patches; set task="shapes-2d" and model="vit" or "vit-encdec" on it`,
    );
  const model = String(f.model);
  if (!(PATCH_EMBEDDING_MODELS as readonly string[]).includes(model))
    throw new RangeError(
      `${named} names a ${model} model, which has no patch embedding the tokenizer shows; set model="vit" or "vit-encdec" on it`,
    );
  const o = f.options;
  const patchSize = Number(o.patchSize);
  const imageSize = Number(o.imageSize);
  const dim = Number(o.hidden);
  const heads = Number(o.heads);
  const weight = (name: string, size: number): Float32Array => {
    const entry = f.weights!.find((w) => w.name === name);
    const values = entry?.values;
    if (!Array.isArray(values) && !ArrayBuffer.isView(values))
      throw new RangeError(`${named}: the model's weights have no ${name}; train it again`);
    const array = Float32Array.from(values as ArrayLike<number>);
    if (array.length !== size)
      throw new RangeError(
        `${named}: the model's ${name} holds ${array.length} values, not the ${size} its settings give; train it again`,
      );
    if (!array.every(Number.isFinite))
      throw new RangeError(
        `${named}: the model's ${name} holds values that are not finite numbers (training diverged?); train it again, with a smaller learning-rate`,
      );
    return array;
  };
  const positional = String(o.positional);
  const encoding = (PATCH_ENCODING_KINDS as readonly string[]).includes(positional)
    ? (positional as PatchEncodingKind)
    : undefined;
  const whole = (n: number, min: number, max = Infinity) =>
    Number.isInteger(n) && n >= min && n <= max;
  if (
    !whole(imageSize, 8, 256) ||
    !whole(patchSize, 1, imageSize) ||
    imageSize % patchSize !== 0 ||
    !whole(dim, 1) ||
    !whole(heads, 1)
  )
    throw new RangeError(
      `${named}: the model's settings (image-size ${String(o.imageSize)}, patch-size ${String(o.patchSize)}, width ${String(o.hidden)}, heads ${String(o.heads)}) are not a vision model's; train it again`,
    );
  const patches = (imageSize / patchSize) ** 2;
  return {
    model,
    imageSize,
    patchSize,
    dim,
    heads,
    encoding,
    projection: weight('embed/kernel', 3 * patchSize * patchSize * dim),
    bias: weight('embed/bias', dim),
    positionalTable:
      encoding === 'learnable' ? weight('positional/table', patches * dim) : undefined,
  };
}

/** The weights the tokenizer shows, the only ones it asks a model for. */
export const TOKENIZER_WEIGHTS = ['embed/kernel', 'embed/bias', 'positional/table'] as const;

/** How often weights are fetched from a model while it trains (at most), in ms. */
export const WEIGHTS_EVERY_MS = 2000;
