import { checkInteger, checkOneOf, type Matrix, type MatrixInput } from '@decoding-attention/core';
import { HEATMAP_LIMITS, describe, isMatrixList, readHeads, readMatrix } from './limits.js';
import {
  LAYER_KIND_NAMES,
  canonicalKind,
  type LayerKind,
  type LayerKindInput,
} from './patch-grid.js';

/** One channel's attention map: a matrix, or one per head. */
export type ChannelInput = MatrixInput | readonly MatrixInput[];

/** The channel-specific maps, red, green and blue, in that order. */
export type ChannelsInput = readonly [ChannelInput, ChannelInput, ChannelInput];

/** The channel names, as panels are titled. */
export const CHANNEL_NAMES = ['R', 'G', 'B'] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/**
 * One attention layer of a vision model, as the trainable model reports it: encoder
 * self-attention over the image's patches, decoder self-attention over the decoder's queries,
 * cross-attention from the decoder's queries (rows) to the encoder's patches (columns), or
 * channel-specific attention over colour-plane tokens. Core's kinds (`encoder-self`,
 * `decoder-self`) are accepted as they are, and so is a training snapshot's layer as it comes
 * (`{ kind, heads: count, length, keys, data }`, `data` the heads' weights one after another).
 */
export interface AttentionLayer {
  kind: LayerKindInput;
  /** The weights of each head, all of one shape; or, as in a snapshot, how many heads `data` holds. */
  heads: readonly MatrixInput[] | number;
  /** Snapshot layers: the queries (rows) of each head. */
  length?: number;
  /** Snapshot layers: the keys (columns) of each head. */
  keys?: number;
  /** Snapshot layers: every head's weights, row-major, head after head. */
  data?: Float32Array | readonly number[];
  /** Channel-specific attention of the layer, `[R, G, B]`, each of the shape of `heads`. */
  channels?: ChannelsInput;
  /** The layer's name in the layer menu; by default its kind and number, such as `encoder 2`. */
  label?: string;
}

/** The shown layer's weights, as the heatmap holds them, with what they are. */
export interface LayerData {
  heads: Matrix[];
  kind: LayerKind;
  channels: Matrix[][] | undefined;
}

/**
 * Reads `layers[index]`: every layer's kind is checked (cheap), but only the shown layer's
 * weights are read, so a model's many layers cost one. Errors name `name[i]` and the field.
 */
export function readLayer(layers: unknown, index: unknown, name: string): LayerData {
  const list = checkLayerList(layers, name);
  checkInteger('layer', index as number, 0, list.length - 1);
  const layer = list[index as number] as Partial<AttentionLayer>;
  const at = `${name}[${index}]`;
  const heads = readHeads(snapshotHeads(layer, at) ?? layer.heads, `${at}.heads`);
  return {
    heads,
    kind: canonicalKind(layer.kind!),
    channels: readChannels(layer.channels, `${at}.channels`, heads),
  };
}

/**
 * A snapshot layer's heads (`heads` a count, `data` all of them, each `length x keys`) as a list
 * of matrices over `data`, not copied; undefined for a layer that lists its heads.
 */
function snapshotHeads(layer: Partial<AttentionLayer>, at: string): MatrixInput[] | undefined {
  const { heads: count, length: rows, keys: cols, data } = layer;
  if (typeof count !== 'number') return undefined;
  checkInteger(`${at}.heads`, count, 1, HEATMAP_LIMITS.heads);
  checkInteger(`${at}.length`, rows as number, 1);
  checkInteger(`${at}.keys`, cols as number, 1);
  const size = rows! * cols!;
  if (!(data instanceof Float32Array || Array.isArray(data)) || data.length !== count * size) {
    throw new RangeError(
      `${at}.data must hold ${count} heads of ${rows} x ${cols} weights (${count * size} values), got ${describe(data)}`,
    );
  }
  return Array.from({ length: count }, (_, h) => ({
    data:
      data instanceof Float32Array
        ? data.subarray(h * size, (h + 1) * size)
        : data.slice(h * size, (h + 1) * size),
    rows: rows!,
    cols: cols!,
  }));
}

/** Checks that `layers` is a list of at most the limit of objects of a known kind; returns it. */
export function checkLayerList(layers: unknown, name: string): readonly unknown[] {
  if (!Array.isArray(layers) || layers.length === 0) {
    throw new RangeError(
      `${name} must be a non-empty array of { kind, heads }, got ${describe(layers)}`,
    );
  }
  if (layers.length > HEATMAP_LIMITS.layers) {
    throw new RangeError(
      `${name} holds ${layers.length} layers; the heatmap takes at most ${HEATMAP_LIMITS.layers}`,
    );
  }
  (layers as unknown[]).forEach((layer, i) => {
    if (typeof layer !== 'object' || layer === null || Array.isArray(layer))
      throw new RangeError(`${name}[${i}] must be { kind, heads }, got ${describe(layer)}`);
    const kind = (layer as { kind?: unknown }).kind;
    checkOneOf(`${name}[${i}].kind`, kind as string, LAYER_KIND_NAMES);
    const label = (layer as { label?: unknown }).label;
    if (label !== undefined && typeof label !== 'string')
      throw new RangeError(`${name}[${i}].label must be text, got ${describe(label)}`);
  });
  return layers as unknown[];
}

/**
 * The names of the layers in the menu: their label, or their kind numbered within the kind
 * (`encoder 1`, `encoder 2`, `cross 1`). Assumes `checkLayerList` passed.
 */
export function layerNames(layers: readonly unknown[]): string[] {
  const seen = new Map<string, number>();
  return layers.map((layer) => {
    const { label } = layer as AttentionLayer;
    const kind = canonicalKind((layer as AttentionLayer).kind);
    const count = (seen.get(kind) ?? 0) + 1;
    seen.set(kind, count);
    return label ?? `${kind} ${count}`;
  });
}

/**
 * Reads channel-specific maps `[R, G, B]`, each a matrix or a list of heads, of the shape and
 * head count of `heads` (the full attention they are shown beside); undefined for none.
 */
export function readChannels(
  value: unknown,
  name: string,
  heads: readonly Matrix[],
): Matrix[][] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.length !== 3) {
    throw new RangeError(
      `${name} must be three attention maps [R, G, B], each a matrix or a list of heads, got ${Array.isArray(value) ? `${value.length} maps` : describe(value)}`,
    );
  }
  const [{ rows, cols }] = heads;
  return (value as unknown[]).map((input, c) => {
    const at = `${name}[${c}]`;
    const channel = isMatrixList(input) ? readHeads(input, at) : [readMatrix(input, at)];
    const [first] = channel;
    if (first.rows !== rows || first.cols !== cols) {
      throw new RangeError(
        `${at} is ${first.rows} x ${first.cols}; the attention it is shown beside is ${rows} x ${cols}`,
      );
    }
    if (channel.length !== heads.length) {
      throw new RangeError(
        `${at} holds ${channel.length} head${channel.length === 1 ? '' : 's'}; the attention it is shown beside has ${heads.length}`,
      );
    }
    return channel;
  });
}

/** Axis titles by the kind of attention, where `query-label` and `key-label` are not set. */
export function axisTitles(
  kind: LayerKind | undefined,
  patches: boolean,
): { query: string; key: string } {
  if (kind === 'cross') return { query: 'Decoder query', key: 'Encoder patch' };
  // Colour-plane tokens: each patch's R, G and B planes, all R planes first.
  if (kind === 'channel-within' || kind === 'channel-across')
    return { query: 'Query plane', key: 'Key plane' };
  if (kind === 'decoder') return { query: 'Decoder query', key: 'Decoder key' };
  if (kind === 'encoder' || patches) return { query: 'Query patch', key: 'Key patch' };
  return { query: 'Query', key: 'Key' };
}
