/**
 * Colour maps for heatmaps, as 256-entry lookup tables. `viridis` (the default), `magma`,
 * `cividis` and `blues` are sequential; `rdbu` and `puor` are diverging, centred on 0. All are
 * readable with the common forms of colour blindness; `cividis` was designed for them.
 */
const STOPS = {
  viridis: [
    '#440154',
    '#482475',
    '#414487',
    '#355f8d',
    '#2a788e',
    '#21918c',
    '#22a884',
    '#44bf70',
    '#7ad151',
    '#bddf26',
    '#fde725',
  ],
  magma: [
    '#000004',
    '#140e36',
    '#3b0f70',
    '#641a80',
    '#8c2981',
    '#b73779',
    '#de4968',
    '#f7705c',
    '#fe9f6d',
    '#fecf92',
    '#fcfdbf',
  ],
  cividis: [
    '#00204d',
    '#00336f',
    '#39486b',
    '#575c6d',
    '#707173',
    '#8a8779',
    '#a69d75',
    '#c4b56c',
    '#e4cf5b',
    '#fde93f',
  ],
  blues: [
    '#f7fbff',
    '#deebf7',
    '#c6dbef',
    '#9ecae1',
    '#6baed6',
    '#4292c6',
    '#2171b5',
    '#08519c',
    '#08306b',
  ],
  rdbu: [
    '#2166ac',
    '#4393c3',
    '#92c5de',
    '#d1e5f0',
    '#f7f7f7',
    '#fddbc7',
    '#f4a582',
    '#d6604d',
    '#b2182b',
  ],
  puor: [
    '#2d004b',
    '#542788',
    '#8073ac',
    '#b2abd2',
    '#d8daeb',
    '#f7f7f7',
    '#fee0b6',
    '#fdb863',
    '#e08214',
    '#b35806',
    '#7f3b08',
  ],
} as const;

export type ColormapName = keyof typeof STOPS;
export const COLORMAPS = Object.keys(STOPS) as ColormapName[];
export const DIVERGING_COLORMAPS: readonly ColormapName[] = ['rdbu', 'puor'];

/**
 * Entries in a colour map table: odd, so that t = 0.5 (zero on a diverging map) falls exactly on
 * the middle entry, the map's neutral colour.
 */
export const COLORMAP_SIZE = 257;

const tables = new Map<ColormapName, Uint8Array>();

/**
 * The colour map as `COLORMAP_SIZE` RGB triples (`table[3 * i + c]`), from its stops by linear
 * interpolation.
 */
export function colormapTable(name: ColormapName): Uint8Array {
  const cached = tables.get(name);
  if (cached) return cached;
  const stops = STOPS[name];
  if (!stops)
    throw new RangeError(`colormap must be one of ${COLORMAPS.join(', ')}, got "${String(name)}"`);
  const rgb = stops.map((hex) => [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)));
  const last = COLORMAP_SIZE - 1;
  const table = new Uint8Array(COLORMAP_SIZE * 3);
  for (let i = 0; i <= last; i++) {
    const position = (i / last) * (rgb.length - 1);
    const lower = Math.min(rgb.length - 2, Math.floor(position));
    const t = position - lower;
    for (let c = 0; c < 3; c++) {
      table[3 * i + c] = Math.round(rgb[lower][c] * (1 - t) + rgb[lower + 1][c] * t);
    }
  }
  tables.set(name, table);
  return table;
}

/** `#rrggbb` of the colour map at t in [0, 1]. */
export function colormapColor(name: ColormapName, t: number): string {
  const table = colormapTable(name);
  const last = COLORMAP_SIZE - 1;
  const i = Math.max(0, Math.min(last, Math.round(t * last)));
  return `#${[0, 1, 2].map((c) => table[3 * i + c].toString(16).padStart(2, '0')).join('')}`;
}
