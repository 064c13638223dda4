import { toMatrix, type Matrix, type MatrixInput } from '@decoding-attention/core';

/** Attention data as the heatmap holds it: one matrix per head, weights or raw scores. */
export interface HeatmapData {
  heads: Matrix[];
  /** `weights` are shown as they are; `scores` go through a (masked) softmax first. */
  kind: 'weights' | 'scores';
  rowLabels?: string[];
  colLabels?: string[];
}

/** What an element that computes attention sends in an `attention-change` event, for heatmaps that follow it. */
export interface AttentionChangeDetail {
  heads: readonly MatrixInput[];
  kind?: 'weights' | 'scores';
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
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
}

/**
 * The data set by property, `heads` first, then `matrix`, then `scores` (one matrix, or a list
 * of them, one per head); undefined when none is set. Errors name the property.
 */
export function dataFromProperties({
  matrix,
  heads,
  scores,
}: DataProperties): HeatmapData | undefined {
  if (heads !== undefined) return { heads: toHeads(heads, 'heads'), kind: 'weights' };
  if (matrix !== undefined) return { heads: [toMatrix(matrix, 'matrix')], kind: 'weights' };
  if (scores !== undefined) {
    return { heads: toHeads(isMatrixList(scores) ? scores : [scores], 'scores'), kind: 'scores' };
  }
  return undefined;
}

/** A matrix given as `{ data, rows, cols }` rather than as nested arrays. */
function isFlatMatrix(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'data' in value && 'rows' in value;
}

/**
 * Whether `value` is a list of matrices (each nested arrays or `{ data, rows, cols }`) rather
 * than one matrix: one matrix of nested arrays starts with a row of numbers.
 */
export function isMatrixList(
  value: MatrixInput | readonly MatrixInput[],
): value is readonly MatrixInput[] {
  if (!Array.isArray(value) || value.length === 0) return false;
  const first: unknown = value[0];
  return Array.isArray(first) ? Array.isArray(first[0]) : isFlatMatrix(first);
}

/** Checks heads of one shape, naming the bad one. */
export function toHeads(inputs: readonly MatrixInput[], name: string): Matrix[] {
  if (!Array.isArray(inputs) || inputs.length === 0)
    throw new RangeError(`${name} must be a non-empty array of matrices`);
  const heads = inputs.map((input, h) => toMatrix(input, `${name}[${h}]`));
  const [first] = heads;
  heads.forEach((m, h) => {
    if (m.rows !== first.rows || m.cols !== first.cols) {
      throw new RangeError(
        `${name}[${h}] is ${m.rows} x ${m.cols}; ${name}[0] is ${first.rows} x ${first.cols}`,
      );
    }
  });
  return heads;
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
      `${name} must hold ${count} labels, got ${Array.isArray(labels) ? labels.length : String(labels)}`,
    );
  }
  return labels.map(String);
}

/**
 * Reads the JSON a `src` attribute points at: a matrix (`[[...]]` or `{ data, rows, cols }`),
 * `{ matrix }`, `{ heads: [...] }` or `{ scores }`, each with optional `rowLabels`/`colLabels`.
 */
export function parseHeatmapJson(json: unknown): HeatmapData {
  const object = json as Record<string, unknown>;
  let data: HeatmapData;
  if (Array.isArray(json) || isFlatMatrix(json)) {
    data = { heads: [toMatrix(json as MatrixInput, 'src')], kind: 'weights' };
  } else if (object && Array.isArray(object.heads)) {
    data = { heads: toHeads(object.heads as MatrixInput[], 'src heads'), kind: 'weights' };
  } else if (object && object.matrix) {
    data = { heads: [toMatrix(object.matrix as MatrixInput, 'src matrix')], kind: 'weights' };
  } else if (object && object.scores) {
    data = { heads: [toMatrix(object.scores as MatrixInput, 'src scores')], kind: 'scores' };
  } else {
    throw new RangeError(
      'src JSON must be a matrix, or an object with "matrix", "heads" or "scores"',
    );
  }
  const [{ rows, cols }] = data.heads;
  data.rowLabels = checkLabels(object?.rowLabels as unknown[] | undefined, rows, 'src rowLabels');
  data.colLabels = checkLabels(object?.colLabels as unknown[] | undefined, cols, 'src colLabels');
  return data;
}

/** Fetches the JSON at `url` and reads it as `parseHeatmapJson` does; errors name the src. */
export async function fetchHeatmapJson(url: string, signal: AbortSignal): Promise<HeatmapData> {
  const response = await fetch(url, { signal });
  if (!response.ok) throw new Error(`could not load src "${url}": HTTP ${response.status}`);
  let json: unknown;
  try {
    json = await response.json();
  } catch (error) {
    throw error instanceof SyntaxError ? new Error(`src "${url}" is not valid JSON`) : error;
  }
  return parseHeatmapJson(json);
}
