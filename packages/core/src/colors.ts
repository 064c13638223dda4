/**
 * Okabe and Ito's palette, distinguishable under the common forms of colour blindness. Groups
 * (shape types) take their colour from it in a fixed order, so a type has one colour everywhere.
 */
export const CATEGORICAL_PALETTE: readonly string[] = Object.freeze([
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#000000',
]);

/** The palette colour of item `index`, cycling past the end. */
export function categoricalColor(index: number): string {
  const n = CATEGORICAL_PALETTE.length;
  return CATEGORICAL_PALETTE[((index % n) + n) % n];
}

/** `#rrggbb` of an RGB triple. */
export function rgbToHex([r, g, b]: readonly [number, number, number]): string {
  return `#${[r, g, b].map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')}`;
}
