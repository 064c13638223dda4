import type { ThemeColors } from '@decoding-attention/ui';

/**
 * The bar chart under a panel of one query's weights over the keys, `key` highlighted (none
 * where it is -1), sized to the canvas' box at the device's pixel ratio. Returns the peak the
 * bars are scaled to.
 */
export function drawRowChart(
  canvas: HTMLCanvasElement,
  row: ArrayLike<number>,
  key: number,
  colors: Pick<ThemeColors, 'muted' | 'accent'>,
): number {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * ratio));
  const height = Math.max(1, Math.round(canvas.clientHeight * ratio));
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  let peak = 0;
  for (let k = 0; k < row.length; k++) peak = Math.max(peak, Math.abs(row[k]));
  peak ||= 1;
  const context = canvas.getContext('2d');
  if (!context) return peak;
  context.clearRect(0, 0, width, height);
  context.fillStyle = colors.muted;
  const step = width / row.length;
  for (let k = 0; k < row.length; k++) {
    const h = (Math.abs(row[k]) / peak) * (height - 2);
    context.fillRect(k * step, height - h, Math.max(1, step - (step > 3 ? 1 : 0)), h);
  }
  if (key >= 0) {
    context.fillStyle = colors.accent;
    const h = (Math.abs(row[key]) / peak) * (height - 2);
    context.fillRect(key * step, height - Math.max(h, 2), Math.max(2, step), Math.max(h, 2));
  }
  return peak;
}
