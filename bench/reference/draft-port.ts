import { SHAPE_TYPES_1D } from '@decoding-attention/core';

/**
 * "The draft": the generators of an earlier PyTorch version of the series, whose rules
 * docs/design/datasets.md restates, ported directly as a numpy user would write them in
 * JavaScript: Math.random, Box-Muller normals, a plain "same" convolution and a 2D (not separable)
 * blur. It is the benchmark's point of comparison, not part of the product.
 */

function normal(): number {
  const u = 1 - Math.random();
  const v = Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

function randint(low: number, high: number): number {
  return low + Math.floor(Math.random() * (high - low + 1));
}

/** One 1D sample the draft's way, with its defaults. */
export function draftShapes1D(length = 400): { input: number[]; target: number[] } {
  const input = new Array<number>(length).fill(0);
  const target = new Array<number>(length).fill(0);
  const types = [...SHAPE_TYPES_1D].sort(() => Math.random() - 0.5).slice(0, randint(3, 4));
  const placed: { type: string; start: number; width: number; amplitude: number }[] = [];
  for (const type of types) {
    const count = randint(1, 4);
    for (let n = 0; n < count; n++) {
      for (let attempt = 0; attempt < 100; attempt++) {
        const width = randint(10, 40);
        const start = randint(0, length - width);
        if (placed.some((s) => !(start + width <= s.start || s.start + s.width <= start))) continue;
        const amplitude = (10 + 40 * Math.random()) * (type.startsWith('neg') ? -1 : 1);
        placed.push({ type, start, width, amplitude });
        break;
      }
    }
  }
  const profile = (type: string, width: number, amplitude: number) => {
    const values: number[] = [];
    for (let i = 0; i < width; i++) {
      if (type.endsWith('rectangle')) values.push(amplitude);
      else if (type.endsWith('semicircle')) {
        const x = -1 + (2 * i) / (width - 1);
        values.push(amplitude * Math.sqrt(Math.max(0, 1 - x * x)));
      } else {
        const half = Math.floor(width / 2);
        values.push(
          i < half ? (amplitude * i) / half : amplitude * (1 - (i - half) / (width - half - 1)),
        );
      }
    }
    return values;
  };
  for (const shape of placed) {
    const group = placed.filter((s) => s.type === shape.type);
    const mean = group.reduce((sum, s) => sum + s.amplitude, 0) / group.length;
    profile(shape.type, shape.width, shape.amplitude).forEach(
      (v, i) => (input[shape.start + i] += v),
    );
    profile(shape.type, shape.width, mean).forEach((v, i) => (target[shape.start + i] += v));
  }
  const sigma = 5;
  const kernel: number[] = [];
  for (let i = -3 * sigma; i <= 3 * sigma; i++)
    kernel.push(Math.exp(-(i * i) / (2 * sigma * sigma)));
  const total = kernel.reduce((a, b) => a + b, 0);
  const noise = Array.from({ length }, () => 3 * normal());
  for (let i = 0; i < length; i++) {
    let sum = 0;
    for (let k = 0; k < kernel.length; k++) {
      const j = i + k - 3 * sigma;
      if (j >= 0 && j < length) sum += (kernel[k] / total) * noise[j];
    }
    input[i] += sum;
  }
  return { input, target };
}

/** The draft's 2D input noise for one image: per-channel normals, clipped, then a 2D blur. */
export function draftNoise2D(width = 128, height = 128): number[] {
  const image = Array.from({ length: width * height * 3 }, () =>
    Math.min(255, Math.max(0, 128 * normal())),
  );
  const out = new Array<number>(image.length).fill(0);
  const kernel: number[][] = [];
  let total = 0;
  for (let dy = -3; dy <= 3; dy++) {
    const row: number[] = [];
    for (let dx = -3; dx <= 3; dx++) {
      const w = Math.exp(-(dx * dx + dy * dy) / 2);
      row.push(w);
      total += w;
    }
    kernel.push(row);
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        let sum = 0;
        for (let dy = -3; dy <= 3; dy++) {
          for (let dx = -3; dx <= 3; dx++) {
            const yy = Math.min(height - 1, Math.max(0, y + dy));
            const xx = Math.min(width - 1, Math.max(0, x + dx));
            sum += kernel[dy + 3][dx + 3] * image[(yy * width + xx) * 3 + c];
          }
        }
        out[(y * width + x) * 3 + c] = sum / total;
      }
    }
  }
  return out;
}
