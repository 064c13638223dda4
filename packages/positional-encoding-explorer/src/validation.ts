import {
  ENCODING_KINDS,
  checkEncodingTable,
  checkInteger,
  checkNumber,
  checkOneOf,
  shownValue,
  type EncodingKind,
} from '@decoding-attention/core';
import { EXPLORER_VIEWS } from './events.js';
import { EXPLORER_LIMITS, FLOAT32_MAX } from './limits.js';

/** What the explorer checks before any value reaches the encodings: its settings as set. */
export interface ExplorerSettings {
  encoding?: unknown;
  compare?: unknown;
  length?: unknown;
  dim?: unknown;
  base?: unknown;
  seed?: unknown;
  features?: unknown;
  measure?: unknown;
  view?: unknown;
  for?: unknown;
  strength?: unknown;
  sampleLength?: unknown;
  pair?: unknown;
  position?: unknown;
  table?: unknown;
}

/** Encodings built from sin/cos or rotation pairs: their `dim` must be even. */
const PAIRED: readonly EncodingKind[] = ['sinusoidal', 'sinusoidal-inverted', 'rope'];

/**
 * Checks every setting under its attribute's name (as authors write it), with the same message
 * whether it came from the attribute or from script; throws a RangeError on the first bad one.
 */
export function validateSettings(s: ExplorerSettings): void {
  const encoding = checkOneOf('encoding', asText(s.encoding), ENCODING_KINDS);
  const compare =
    s.compare === '' || s.compare === undefined
      ? undefined
      : checkOneOf('compare', asText(s.compare), ENCODING_KINDS);
  const length = checkInteger('length', s.length as number, 2, EXPLORER_LIMITS.length);
  const dim = checkInteger('dim', s.dim as number, 2, EXPLORER_LIMITS.dim);
  for (const kind of compare ? [encoding, compare] : [encoding]) {
    if (PAIRED.includes(kind) && dim % 2 !== 0)
      throw new RangeError(
        `dim must be even for the ${kind} encoding (its features come in pairs), got ${dim}`,
      );
  }
  checkNumber('base', s.base as number, 1.000001, FLOAT32_MAX);
  checkInteger('seed', s.seed as number, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER);
  checkNumber('strength', s.strength as number, 0, EXPLORER_LIMITS.strength);
  checkInteger('sample-length', s.sampleLength as number, 40, EXPLORER_LIMITS.sampleLength);
  checkOneOf('measure', asText(s.measure), ['cosine', 'dot'] as const);
  checkViews(s.view, [encoding, compare].includes('rope'));
  checkFeatures(s.features, dim);
  checkInteger('pair', s.pair as number, 0, Math.max(0, Math.floor(dim / 2) - 1));
  if (s.position !== undefined) checkInteger('position', s.position as number, 0, length - 1);
  if (s.for !== undefined && typeof s.for !== 'string')
    throw new RangeError(
      `for must be the id of a <shape-dataset-viewer>, got ${shownValue(s.for)}`,
    );
  if (s.table !== undefined && s.table !== null && [encoding, compare].includes('learnable'))
    checkEncodingTable(s.table, length, dim);
}

/** A value as `checkOneOf` compares it: a string, or a text that matches no choice. */
function asText(value: unknown): string {
  return typeof value === 'string' ? value : shownValue(value);
}

/** A list set from script: an array (never walked when absurdly long), else a message naming `name`. */
function checkList(name: string, value: unknown, most: number, what: string): unknown[] {
  if (!Array.isArray(value))
    throw new RangeError(`${name} must be a list of ${what}, got ${shownValue(value)}`);
  if (value.length > most)
    throw new RangeError(`${name} lists at most ${most} ${what}, got ${value.length}`);
  return value;
}

/** The parts to show: known ones, and at least one that shows something. */
function checkViews(view: unknown, ropeChosen: boolean): void {
  const parts = checkList('view', view, EXPLORER_VIEWS.length, 'parts');
  if (parts.length === 0)
    throw new RangeError(`view must name at least one of ${EXPLORER_VIEWS.join(', ')}`);
  for (const part of parts) checkOneOf('view', asText(part), EXPLORER_VIEWS);
  if (!ropeChosen && parts.every((part) => part === 'rope'))
    throw new RangeError('view="rope" shows nothing unless encoding or compare is rope');
}

function checkFeatures(features: unknown, dim: number): void {
  if (features === undefined) return;
  const list = checkList('features', features, EXPLORER_LIMITS.features, 'features');
  for (const feature of list) checkInteger('features', feature as number, 0, dim - 1);
}
