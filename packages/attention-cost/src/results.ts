/**
 * What `<attention-cost>` has measured, and what it reads from it: each variant's curve, its
 * theoretical curve through its first point, the fitted growth exponent, the crossover with full
 * attention, the measured columns of the complexity table, and the exports (CSV, JSON).
 */
import {
  COMPLEXITY_TABLE,
  attentionCost,
  crossoverLength,
  logLogSlope,
  type CostVariant,
  type Crossover,
} from '@decoding-attention/core';
import type {
  CostPointMessage,
  CostStopMessage,
  KvPointMessage,
} from '@decoding-attention/core/train';

/** Which time is shown: the forward pass alone, or forward+backward (a training step's). */
export type CostMode = 'forward' | 'backward';

/** A measured point, as the element keeps it. */
export type CostPoint = Omit<CostPointMessage, 'type'>;
export type VariantStop = Omit<CostStopMessage, 'type'>;
export type KvPoint = Omit<KvPointMessage, 'type'>;

/** Everything measured so far. */
export interface Measurements {
  points: CostPoint[];
  stops: VariantStop[];
  kv: KvPoint[];
  /** Whether the cache and no cache generated the same tokens (once both passes ran). */
  kvSameTokens?: boolean;
  backend?: string;
}

const timeOf = (point: CostPoint, mode: CostMode) =>
  mode === 'forward' ? point.forward : point.both;

/** A variant's points, by length. */
export function curveOf(points: readonly CostPoint[], variant: CostVariant): CostPoint[] {
  return points.filter((p) => p.variant === variant).sort((a, b) => a.length - b.length);
}

/**
 * Each variant's theoretical time and memory through its first measured point: multiply-adds
 * and memory cells by core's formulas (full's memory as its fused op holds it, O(L)), scaled to
 * that point.
 */
export function theoryRows(
  points: readonly CostPoint[],
  variants: readonly CostVariant[],
  lengths: readonly number[],
  mode: CostMode,
): { variant: CostVariant; length: number; ms: number; mib: number }[] {
  return variants.flatMap((variant) => {
    const curve = curveOf(points, variant);
    if (curve.length === 0) return [];
    const first = curve[0];
    const at = (length: number) => attentionCost(variant, length);
    const memory = (length: number) => (variant === 'full' ? length : at(length).memory);
    const reach = lengths.filter((l) => l >= first.length);
    return reach.map((length) => ({
      variant,
      length,
      ms: (timeOf(first, mode) * at(length).multiplyAdds) / at(first.length).multiplyAdds,
      mib: (first.peak / 2 ** 20) * (memory(length) / memory(first.length)),
    }));
  });
}

/** The growth exponent of a variant's time: fitted from 1K up where two such lengths were measured. */
export function fittedExponent(curve: readonly CostPoint[], mode: CostMode): number | undefined {
  const long = curve.filter((p) => p.length >= 1024);
  const fitted = long.length >= 2 ? long : curve;
  if (fitted.length < 2) return undefined;
  return logLogSlope(fitted.map((p) => ({ x: p.length, y: timeOf(p, mode) })));
}

/** Where a variant becomes cheaper than full on this device, in the mode shown. */
export function crossoverOf(
  points: readonly CostPoint[],
  variant: CostVariant,
  mode: CostMode,
): Crossover {
  return crossoverLength(
    curveOf(points, variant),
    curveOf(points, 'full'),
    mode === 'forward' ? 'forward' : 'both',
  );
}

/** The longest length every variant with points was measured at. */
export function longestCommonLength(
  points: readonly CostPoint[],
  variants: readonly CostVariant[],
): number | undefined {
  const measured = variants.filter((v) => points.some((p) => p.variant === v));
  if (measured.length === 0) return undefined;
  const sets = measured.map((v) => new Set(curveOf(points, v).map((p) => p.length)));
  const common = [...sets[0]].filter((l) => sets.every((s) => s.has(l)));
  return common.length > 0 ? Math.max(...common) : undefined;
}

/** A row of the complexity table with its measured columns. */
export interface TableRow {
  row: (typeof COMPLEXITY_TABLE)[number];
  /** Time at the longest common length, ms. */
  time?: number;
  crossover?: Crossover;
  exponent?: number;
  stop?: VariantStop;
}

export function tableRows(
  measurements: Measurements,
  variants: readonly CostVariant[],
  mode: CostMode,
): { common?: number; rows: TableRow[] } {
  const { points, stops } = measurements;
  const common = longestCommonLength(points, variants);
  const rows = COMPLEXITY_TABLE.filter((row) => variants.includes(row.variant)).map((row) => {
    const curve = curveOf(points, row.variant);
    const at = curve.find((p) => p.length === common);
    return {
      row,
      time: at ? timeOf(at, mode) : undefined,
      crossover:
        row.variant === 'full' || curve.length === 0
          ? undefined
          : crossoverOf(points, row.variant, mode),
      exponent: fittedExponent(curve, mode),
      stop: stops.find((s) => s.variant === row.variant),
    };
  });
  return { common, rows };
}

/** The crossover as a table cell: "≈ 1,450", "below 256", "≈ 9,800 (extrapolated)", "none". */
export function crossoverText(crossover: Crossover | undefined): string {
  if (!crossover) return '';
  const { length, kind } = crossover;
  if (length === undefined) return 'none measured';
  const rounded = Math.round(length).toLocaleString('en');
  return kind === 'below'
    ? `≤ ${rounded}`
    : kind === 'extrapolated'
      ? `≈ ${rounded} (extrapolated)`
      : `≈ ${rounded}`;
}

/** The measurements as CSV: one line per point, then the key-value cache's. */
export function toCsv(measurements: Measurements): string {
  const lines = [
    'kind,variant,length,forward_ms,forward_backward_ms,peak_bytes,cached,ms_per_token',
  ];
  for (const p of measurements.points)
    lines.push(`sweep,${p.variant},${p.length},${p.forward},${p.both},${p.peak},,`);
  for (const k of measurements.kv) lines.push(`kv-cache,,${k.position},,,,${k.cached},${k.ms}`);
  return `${lines.join('\n')}\n`;
}

/** The measurements and what was read from them, as plain data. */
export function toData(
  measurements: Measurements,
  settings: Record<string, unknown>,
  variants: readonly CostVariant[],
  mode: CostMode,
): Record<string, unknown> {
  const { common, rows } = tableRows(measurements, variants, mode);
  return {
    settings,
    backend: measurements.backend,
    points: measurements.points,
    stops: measurements.stops,
    table: {
      longestCommonLength: common,
      rows: rows.map(({ row, time, crossover, exponent }) => ({
        ...row,
        measuredTime: time,
        crossover: crossover?.length,
        crossoverHow: crossover?.how,
        fittedExponent: exponent,
      })),
    },
    kvCache: { points: measurements.kv, sameTokens: measurements.kvSameTokens },
  };
}
