import {
  embedChart,
  drawHeatmap,
  readThemeColors,
  type HeatmapStyle,
} from '@decoding-attention/ui';
import { SeededRandom, softmaxRows, type Matrix } from '@decoding-attention/core';
import type { AttentionHeatmap } from '@decoding-attention/attention-heatmap';
import '@decoding-attention/attention-heatmap/attention-heatmap.js';
import { medianTime, nextFrame, type BenchSuite } from './harness.js';

const FRAME = 1000 / 60;

/** A softmaxed n x n matrix of seeded random scores. */
function randomAttention(n: number): Matrix {
  const random = new SeededRandom(n);
  const data = new Float32Array(n * n);
  for (let i = 0; i < data.length; i++) data[i] = 2 * random.gaussian();
  return softmaxRows({ data, rows: n, cols: n });
}

const suite: BenchSuite = {
  title: 'Attention heatmap',
  async run(report) {
    const style: HeatmapStyle = { colormap: 'viridis', scale: 'linear', normalize: 'global' };
    const canvas = document.createElement('canvas');
    document.body.append(canvas);
    const matrices = new Map([128, 512, 1024].map((n) => [n, randomAttention(n)]));
    for (const [n, matrix] of matrices) {
      const time = await medianTime(() => drawHeatmap(canvas, matrix, style), {
        repeats: 15,
        warmup: 3,
      });
      report({
        figure: `draw ${n} x ${n} (colour map + putImageData)`,
        value: time,
        unit: 'ms',
        against: 'one frame at 60 Hz',
        reference: FRAME,
        ratio: FRAME / time,
      });
    }

    // The element end to end: new data in, Lit render, axes, colour bar, canvas.
    const element = document.createElement('attention-heatmap') as AttentionHeatmap;
    document.body.append(element);
    let flip = false;
    const update512 = await medianTime(
      async () => {
        flip = !flip;
        const matrix = matrices.get(512)!;
        element.matrix = flip ? matrix : { ...matrix, data: matrix.data.slice() };
        await element.updateComplete;
      },
      { repeats: 9, warmup: 2 },
    );
    report({
      figure: '<attention-heatmap> new 512 x 512 matrix, end to end',
      value: update512,
      unit: 'ms',
      against: 'one frame at 60 Hz',
      reference: FRAME,
      ratio: FRAME / update512,
    });

    // Hover on a million cells: pointer events through the element's own handler.
    element.matrix = matrices.get(1024)!;
    await element.updateComplete;
    await nextFrame();
    const frame = element.shadowRoot!.querySelector<HTMLElement>('.frame')!;
    const rect = frame.getBoundingClientRect();
    let step = 0;
    const hover = await medianTime(
      () => {
        step++;
        frame.dispatchEvent(
          new PointerEvent('pointermove', {
            clientX: rect.left + ((step * 37) % rect.width),
            clientY: rect.top + ((step * 53) % rect.height),
            bubbles: true,
            composed: true,
          }),
        );
      },
      { repeats: 101, warmup: 10 },
    );
    report({
      figure: 'hover update on 1024 x 1024 (crosshair, tooltip, row chart, event)',
      value: hover,
      unit: 'ms',
      against: 'one frame at 60 Hz',
      reference: FRAME,
      ratio: FRAME / hover,
    });
    element.remove();

    // The same 512 x 512 matrix as a vega-lite rect heatmap: one mark per cell.
    const matrix = matrices.get(512)!;
    const values: { q: number; k: number; w: number }[] = [];
    for (let q = 0; q < 512; q++)
      for (let k = 0; k < 512; k++) values.push({ q, k, w: matrix.data[q * 512 + k] });
    const container = document.createElement('div');
    document.body.append(container);
    const colors = readThemeColors(document.body);
    const ours = await medianTime(() => drawHeatmap(canvas, matrix, style), {
      repeats: 15,
      warmup: 3,
    });
    const start = performance.now();
    const chart = await embedChart(
      container,
      {
        width: 512,
        height: 512,
        data: { values },
        mark: 'rect',
        encoding: {
          x: { field: 'k', type: 'ordinal', axis: null },
          y: { field: 'q', type: 'ordinal', axis: null },
          color: { field: 'w', type: 'quantitative', scale: { scheme: 'viridis' } },
        },
      },
      { colors, renderer: 'canvas' },
    );
    const vega = performance.now() - start;
    chart.finalize();
    container.remove();
    report({
      figure: 'draw 512 x 512 (canvas renderer, same run)',
      value: ours,
      unit: 'ms',
      against: 'vega-lite rect heatmap of the same matrix (canvas renderer)',
      reference: vega,
      ratio: vega / ours,
    });
  },
};

export default suite;
