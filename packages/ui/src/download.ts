/** Offers `blob` to the reader as a file called `filename`. */
export function downloadBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.rel = 'noopener';
  link.click();
  // The click starts the download synchronously; the URL can go once this task ends.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** Offers `data` as a pretty-printed JSON file. Typed arrays become plain arrays. */
export function downloadJson(data: unknown, filename: string): void {
  downloadBlob(new Blob([toJsonText(data)], { type: 'application/json' }), filename);
}

/** JSON text of `data`, writing typed arrays as arrays rather than as index-keyed objects. */
export function toJsonText(data: unknown): string {
  return JSON.stringify(
    data,
    (_key, value: unknown) =>
      ArrayBuffer.isView(value) ? Array.from(value as Float32Array) : value,
    2,
  );
}

/** A PNG of `canvas`. */
export function canvasToPng(canvas: HTMLCanvasElement): Promise<Blob> {
  return new Promise((resolve, reject) => {
    canvas.toBlob(
      (blob) =>
        blob ? resolve(blob) : reject(new Error('The canvas could not be encoded as PNG.')),
      'image/png',
    );
  });
}

/**
 * Draws `sources` side by side on one canvas (each at `scale` times its size, pixels kept crisp),
 * with `gap` pixels between them on `background`: the view as one picture, ready for `canvasToPng`.
 */
export function composeSideBySide(
  sources: readonly (HTMLCanvasElement | ImageBitmap)[],
  {
    scale = 1,
    gap = 8,
    background = '#ffffff',
  }: { scale?: number; gap?: number; background?: string } = {},
): HTMLCanvasElement {
  const width =
    sources.reduce((sum, s) => sum + s.width * scale, 0) + gap * Math.max(0, sources.length - 1);
  const height = Math.max(0, ...sources.map((s) => s.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, width);
  canvas.height = Math.max(1, height);
  const context = canvas.getContext('2d');
  if (!context) return canvas;
  context.fillStyle = background;
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.imageSmoothingEnabled = false;
  let x = 0;
  for (const source of sources) {
    context.drawImage(source, x, 0, source.width * scale, source.height * scale);
    x += source.width * scale + gap;
  }
  return canvas;
}
