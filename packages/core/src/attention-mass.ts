/**
 * Where a vision encoder-decoder's cross-attention goes, measured against the shapes of the 2D
 * dataset (docs/design/datasets.md, "2D": a shape's group is its exact type, and the target paints
 * each shape in its group's mean colour, so a decoder query must read its own shape and its
 * group-mates to rebuild its patch).
 *
 * For a decoder query patch q that lies on a shape (the shape covering most of q's pixels), the
 * share of q's cross-attention mass on three sets of encoder patches:
 * - `self`: q's own patch (the same place in the input);
 * - `shape`: the patches that overlap q's shape (any pixel of it), q's own patch included;
 * - `mates`: the patches that overlap q's group-mates, the other shapes of the same type (only
 *   queries whose shape has a group-mate count here).
 * Each share is set against chance, the share the set would get from attention spread evenly:
 * its patches over all patches. Shares and chances are averaged over the counted queries of every
 * image given (every query weighs the same), per head and over the heads (the heads' mean map);
 * `ratio` is the mean share over the mean chance ("x chance").
 */
import { shapeCovers2D, type Sample2D, type Shape2D } from './shapes2d.js';

/** One set's mean share of the attention mass against chance. */
export interface MassShare {
  /** Mean share of a query's attention on the set, 0 to 1. */
  share: number;
  /** Mean share of the set's patches among all patches: what even attention gives it. */
  chance: number;
  /** share / chance; NaN when no query counted. */
  ratio: number;
  /** Queries averaged over (for `mates`, only those whose shape has a group-mate). */
  queries: number;
}

/** The three sets' shares for one head, or for the heads' mean map. */
export interface AttentionMassShares {
  self: MassShare;
  shape: MassShare;
  mates: MassShare;
}

/** `crossAttentionMass`'s result: over the heads' mean map, and head by head. */
export interface AttentionMass extends AttentionMassShares {
  heads: AttentionMassShares[];
}

/** One image's cross-attention weights, `[heads, patches, patches]` row-major (queries x keys). */
export interface AttentionOnImage {
  sample: Pick<Sample2D, 'width' | 'height' | 'shapes'>;
  weights: ArrayLike<number>;
}

/**
 * Which shapes each patch of a `patchSize` grid over the image overlaps: `[patches, shapes]`
 * row-major, the number of the shape's pixels inside the patch (0: it does not overlap).
 * Patches are in raster order, as `patchify` cuts them.
 */
export function patchShapePixels(
  sample: Pick<Sample2D, 'width' | 'height' | 'shapes'>,
  patchSize: number,
): Int32Array {
  const { width, height, shapes } = sample;
  if (!Number.isInteger(patchSize) || patchSize < 1 || width % patchSize || height % patchSize)
    throw new RangeError(
      `patchSize must divide the ${width} x ${height} image, got ${String(patchSize)}`,
    );
  const cols = width / patchSize;
  const count = cols * (height / patchSize);
  const pixels = new Int32Array(count * shapes.length);
  shapes.forEach((shape, s) => {
    // Only the pixels of the shape's bounding box can be covered.
    const x0 = Math.max(0, Math.floor(shape.x));
    const y0 = Math.max(0, Math.floor(shape.y));
    const x1 = Math.min(width, Math.ceil(shape.x + shape.width));
    const y1 = Math.min(height, Math.ceil(shape.y + shape.height));
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        if (!shapeCovers2D(shape, x, y)) continue;
        const patch = Math.floor(y / patchSize) * cols + Math.floor(x / patchSize);
        pixels[patch * shapes.length + s]++;
      }
    }
  });
  return pixels;
}

/** Running sums of share and chance over counted queries. */
interface Tally {
  share: number;
  chance: number;
  queries: number;
}

const emptyTally = (): Tally => ({ share: 0, chance: 0, queries: 0 });
type Tallies = { self: Tally; shape: Tally; mates: Tally };
const emptyTallies = (): Tallies => ({
  self: emptyTally(),
  shape: emptyTally(),
  mates: emptyTally(),
});

function shareOf(t: Tally): MassShare {
  const share = t.queries ? t.share / t.queries : Number.NaN;
  const chance = t.queries ? t.chance / t.queries : Number.NaN;
  return { share, chance, ratio: share / chance, queries: t.queries };
}

function sharesOf(t: Tallies): AttentionMassShares {
  return { self: shareOf(t.self), shape: shareOf(t.shape), mates: shareOf(t.mates) };
}

/** The sets of one query: its own shape's patches and its group-mates' patches, as flags. */
interface QuerySets {
  shape: Uint8Array;
  shapeCount: number;
  mates: Uint8Array | undefined;
  matesCount: number;
}

/** The shape under each patch: the one covering most of its pixels (the first on a tie), or -1. */
function shapeUnder(pixels: Int32Array, count: number, shapes: number): Int32Array {
  const under = new Int32Array(count).fill(-1);
  for (let p = 0; p < count; p++) {
    let best = 0;
    for (let s = 0; s < shapes; s++) {
      const n = pixels[p * shapes + s];
      if (n > best) {
        best = n;
        under[p] = s;
      }
    }
  }
  return under;
}

/** For each shape, the patches overlapping it and those overlapping its group-mates. */
function setsOfShapes(pixels: Int32Array, count: number, shapes: Shape2D[]): QuerySets[] {
  const n = shapes.length;
  const overlaps = (p: number, s: number) => pixels[p * n + s] > 0;
  return shapes.map((shape, s) => {
    const own = new Uint8Array(count);
    let shapeCount = 0;
    for (let p = 0; p < count; p++) {
      if (overlaps(p, s)) {
        own[p] = 1;
        shapeCount++;
      }
    }
    const mateIds = shapes.flatMap((other, m) => (m !== s && other.type === shape.type ? [m] : []));
    if (mateIds.length === 0) return { shape: own, shapeCount, mates: undefined, matesCount: 0 };
    const mates = new Uint8Array(count);
    let matesCount = 0;
    for (let p = 0; p < count; p++) {
      if (mateIds.some((m) => overlaps(p, m))) {
        mates[p] = 1;
        matesCount++;
      }
    }
    return { shape: own, shapeCount, mates, matesCount };
  });
}

/** Adds one query's row of weights to the tallies. */
function tallyQuery(
  tallies: Tallies,
  row: ArrayLike<number>,
  offset: number,
  count: number,
  query: number,
  sets: QuerySets,
): void {
  let onShape = 0;
  let onMates = 0;
  for (let k = 0; k < count; k++) {
    const w = row[offset + k];
    if (sets.shape[k]) onShape += w;
    if (sets.mates?.[k]) onMates += w;
  }
  tallies.self.share += row[offset + query];
  tallies.self.chance += 1 / count;
  tallies.self.queries++;
  tallies.shape.share += onShape;
  tallies.shape.chance += sets.shapeCount / count;
  tallies.shape.queries++;
  if (sets.mates) {
    tallies.mates.share += onMates;
    tallies.mates.chance += sets.matesCount / count;
    tallies.mates.queries++;
  }
}

/**
 * The cross-attention concentration of an encoder-decoder over images (see the file's comment):
 * `images` each with its `[heads, patches, patches]` weights (one decoder query per output patch,
 * one key per input patch, both in raster order of the `patchSize` grid).
 */
export function crossAttentionMass(
  images: readonly AttentionOnImage[],
  heads: number,
  patchSize: number,
): AttentionMass {
  if (!Number.isInteger(heads) || heads < 1)
    throw new RangeError(`heads must be a whole number from 1, got ${String(heads)}`);
  const mean = emptyTallies();
  const perHead = Array.from({ length: heads }, emptyTallies);
  for (const { sample, weights } of images) {
    const pixels = patchShapePixels(sample, patchSize);
    const count = (sample.width / patchSize) * (sample.height / patchSize);
    if (weights.length !== heads * count * count)
      throw new RangeError(
        `weights must hold heads x patches x patches = ${heads} x ${count} x ${count} values, got ${weights.length}`,
      );
    const under = shapeUnder(pixels, count, sample.shapes.length);
    const sets = setsOfShapes(pixels, count, sample.shapes);
    const meanRow = new Float64Array(count);
    for (let q = 0; q < count; q++) {
      const s = under[q];
      if (s < 0) continue;
      meanRow.fill(0);
      for (let h = 0; h < heads; h++) {
        const offset = (h * count + q) * count;
        tallyQuery(perHead[h], weights, offset, count, q, sets[s]);
        for (let k = 0; k < count; k++) meanRow[k] += weights[offset + k] / heads;
      }
      tallyQuery(mean, meanRow, 0, count, q, sets[s]);
    }
  }
  return { ...sharesOf(mean), heads: perHead.map(sharesOf) };
}
