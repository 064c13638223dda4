import { nextTask, shownValue, type Matrix, type MatrixInput } from '@decoding-attention/core';
import { readChannels, readLayer, type AttentionLayer, type ChannelsInput } from './layers.js';
import { HEATMAP_LIMITS, isFlatMatrix, isMatrixList, readHeads, readMatrix } from './limits.js';
import type { GridInput, LayerKind, PatchImage } from './patch-grid.js';
import type { VariantDetail, VariantInternals } from './variant-view.js';

/** Attention data as the heatmap holds it: one matrix per head, weights or raw scores. */
export interface HeatmapData {
  heads: Matrix[];
  /** `weights` are shown as they are; `scores` go through a (masked) softmax first. */
  kind: 'weights' | 'scores';
  rowLabels?: string[];
  colLabels?: string[];
  /** Which attention of a vision model this is, when it came from `layers`. */
  layerKind?: LayerKind;
  /** Channel-specific maps `[R, G, B]` shown beside the attention, each one matrix per head. */
  channels?: Matrix[][];
  /** What is inside the efficient attention variant that computed the heads, if one did. */
  variant?: VariantInternals;
}

/**
 * What an element that computes attention sends in an `attention-change` event, for heatmaps
 * that follow it: `heads` (one layer), or a vision model's `layers` with their patch grids and
 * image, used where the heatmap's own `grid`, `query-grid` and `image` are not set.
 */
export interface AttentionChangeDetail {
  heads?: readonly MatrixInput[];
  layers?: readonly AttentionLayer[];
  grid?: GridInput;
  queryGrid?: GridInput;
  image?: PatchImage;
  kind?: 'weights' | 'scores';
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
  /** A 1D model trained with an efficient attention variant: which one, and what is inside it. */
  variant?: VariantDetail;
}

/** An element that computes attention: it fires `attention-change` and says what it shows now. */
export interface AttentionSource extends HTMLElement {
  readonly currentAttention: AttentionChangeDetail | undefined;
}

export function isAttentionSource(element: Element | undefined | null): element is AttentionSource {
  return !!element && 'currentAttention' in element;
}

/** The data properties of the heatmap, as set from script. */
export interface DataProperties {
  matrix?: MatrixInput;
  heads?: MatrixInput[];
  scores?: MatrixInput | MatrixInput[];
  layers?: readonly unknown[];
  layer?: unknown;
  channels?: ChannelsInput;
}

/**
 * The data set by property, `layers` first (the layer `layer` of a vision model), then `heads`,
 * then `matrix`, then `scores` (one matrix, or a list of them, one per head), with the
 * `channels` maps beside them; undefined when none is set. Errors name the property.
 */
export function dataFromProperties(
  { matrix, heads, scores, layers, layer, channels }: DataProperties,
  layersName = 'layers',
): HeatmapData | undefined {
  // null, as undefined, means none (frameworks set null when a bound value goes away).
  if (layers !== undefined && layers !== null) {
    const read = readLayer(layers, layer, layersName);
    return {
      heads: read.heads,
      kind: 'weights',
      layerKind: read.kind,
      channels: read.channels ?? readChannels(channels, 'channels', read.heads),
    };
  }
  const data = weightsFromProperties({ matrix, heads, scores });
  if (data) data.channels = readChannels(channels, 'channels', data.heads);
  else if (channels !== undefined && channels !== null)
    throw new RangeError(
      'channels are shown beside the attention: set matrix, heads or layers too',
    );
  return data;
}

function weightsFromProperties({ matrix, heads, scores }: DataProperties): HeatmapData | undefined {
  if (heads !== undefined && heads !== null)
    return { heads: readHeads(heads, 'heads'), kind: 'weights' };
  if (matrix !== undefined && matrix !== null)
    return { heads: [readMatrix(matrix, 'matrix')], kind: 'weights' };
  if (scores !== undefined && scores !== null) {
    const list = isMatrixList(scores);
    return {
      heads: list ? readHeads(scores, 'scores') : [readMatrix(scores, 'scores')],
      kind: 'scores',
    };
  }
  return undefined;
}

/** Checks labels against the matrix size. */
export function checkLabels(
  labels: readonly unknown[] | undefined,
  count: number,
  name: string,
): string[] | undefined {
  if (labels === undefined || labels === null) return undefined;
  if (!Array.isArray(labels) || labels.length !== count) {
    throw new RangeError(
      `${name} must hold ${count} labels, got ${Array.isArray(labels) ? labels.length : shownValue(labels)}`,
    );
  }
  return labels.map((label) => (typeof label === 'string' ? label : shownValue(label)));
}

/**
 * Reads the JSON a `src` attribute points at: a matrix (`[[...]]` or `{ data, rows, cols }`),
 * `{ matrix }`, `{ heads: [...] }` or `{ scores }`, each with optional `rowLabels`/`colLabels`.
 * Errors name the part of the file that is wrong.
 */
export function parseHeatmapJson(json: unknown): HeatmapData {
  const object = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
  let data: HeatmapData;
  if (Array.isArray(json) || isFlatMatrix(json)) {
    data = { heads: [readMatrix(json, 'the matrix')], kind: 'weights' };
  } else if (Array.isArray(object.heads)) {
    data = { heads: readHeads(object.heads, 'heads'), kind: 'weights' };
  } else if (object.matrix) {
    data = { heads: [readMatrix(object.matrix, 'matrix')], kind: 'weights' };
  } else if (object.scores) {
    data = { heads: [readMatrix(object.scores, 'scores')], kind: 'scores' };
  } else {
    throw new RangeError(
      'the JSON must be a matrix, or an object with "matrix", "heads" or "scores"',
    );
  }
  const [{ rows, cols }] = data.heads;
  data.rowLabels = checkLabels(object.rowLabels as unknown[] | undefined, rows, 'rowLabels');
  data.colLabels = checkLabels(object.colLabels as unknown[] | undefined, cols, 'colLabels');
  return data;
}

/** A URL as messages quote it: whole unless very long. */
function shownUrl(url: string): string {
  return url.length > 200 ? `${url.slice(0, 199)}…` : url;
}

/**
 * Fetches the JSON at `url` and reads it as `parseHeatmapJson` does. Every failure (network,
 * HTTP status, too large, not JSON, wrongly shaped) says `src: could not load "<url>": <why>`.
 */
export async function fetchHeatmapJson(url: string, signal: AbortSignal): Promise<HeatmapData> {
  const failed = (reason: string) => new Error(`src: could not load "${shownUrl(url)}": ${reason}`);
  const tooLarge = (size: number) =>
    failed(
      `the file holds ${size} characters; the heatmap reads at most ${HEATMAP_LIMITS.srcCharacters}`,
    );
  let text: string;
  try {
    const response = await fetch(url, { signal });
    if (!response.ok) throw failed(`HTTP ${response.status}`);
    // A file known to be too large is not read at all: decoding it is one long task.
    const bytes = Number(response.headers.get('content-length'));
    if (bytes > HEATMAP_LIMITS.srcCharacters) throw tooLarge(bytes);
    text = await response.text();
  } catch (error) {
    if (signal.aborted || (error instanceof Error && error.message.startsWith('src:'))) throw error;
    throw failed(error instanceof Error ? error.message : shownValue(error));
  }
  if (text.length > HEATMAP_LIMITS.srcCharacters) throw tooLarge(text.length);
  // Parsing and reading the matrix each take a task of their own, not one long one together.
  await nextTask();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw failed('it is not valid JSON');
  }
  await nextTask();
  try {
    return parseHeatmapJson(json);
  } catch (error) {
    throw failed(error instanceof Error ? error.message : shownValue(error));
  }
}
