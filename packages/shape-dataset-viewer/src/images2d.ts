import type { Sample2D, Shape2D } from '@decoding-attention/core';
import { styleProps } from '@decoding-attention/ui';
import { html, nothing, svg, type SVGTemplateResult, type TemplateResult } from 'lit';

/**
 * A 2D sample's input and target pixels on their canvases. The pixels change with the sample
 * only (highlights are drawn over them in SVG), so a sample is put on the same canvases once.
 */
export class SampleImages2D {
  private drawn: { sample: Sample2D; input: HTMLCanvasElement | undefined } | undefined;

  draw(
    sample: Sample2D,
    input: HTMLCanvasElement | undefined,
    target: HTMLCanvasElement | undefined,
  ): void {
    if (this.drawn?.sample === sample && this.drawn.input === input) return;
    this.drawn = { sample, input };
    for (const [canvas, pixels] of [
      [input, sample.input],
      [target, sample.target],
    ] as const) {
      if (!canvas) continue;
      if (canvas.width !== sample.width) canvas.width = sample.width;
      if (canvas.height !== sample.height) canvas.height = sample.height;
      canvas
        .getContext('2d')
        ?.putImageData(
          new ImageData(new Uint8ClampedArray(pixels), sample.width, sample.height),
          0,
          0,
        );
    }
  }
}

/** How the two images are shown: the highlighted shape, their label, the pointer's handlers. */
export interface Images2DView {
  highlighted: number;
  /** The sample in words, for the images' labels. */
  description: string;
  onPointerMove: (event: PointerEvent) => void;
  onPointerLeave: (event: PointerEvent) => void;
}

/** The input and target images side by side, each under its overlay, pixels crisp. */
export function renderImages2D(sample: Sample2D, view: Images2DView): TemplateResult {
  const aspect = `${sample.width} / ${sample.height}`;
  const frame = (kind: 'input' | 'target') => html`
    <figure>
      <div
        class="frame"
        style=${styleProps({ '--aspect': aspect })}
        @pointermove=${view.onPointerMove}
        @pointerleave=${view.onPointerLeave}
      >
        <canvas
          class="${kind}-image"
          role="img"
          aria-label=${`${kind === 'input' ? 'Input' : 'Target'} image: ${view.description}`}
        ></canvas>
        ${renderOverlay2D(sample, kind, view.highlighted)}
      </div>
      <figcaption>
        ${kind === 'input' ? 'Input: own colours, noise, blur' : 'Target: group mean colours'}
      </figcaption>
    </figure>
  `;
  return html`<div class="images" part="images">${frame('input')} ${frame('target')}</div>`;
}

/**
 * The SVG laid over a 2D image: on the target, dashed outlines of the shapes the filter left out;
 * on both, the highlighted shape outlined with a halo. Colours come from the theme's CSS.
 */
function renderOverlay2D(
  sample: Sample2D,
  kind: 'input' | 'target',
  highlighted: number,
): TemplateResult {
  const shape = sample.shapes[highlighted];
  return html`<svg viewBox="0 0 ${sample.width} ${sample.height}" aria-hidden="true">
    ${
      kind === 'target'
        ? sample.shapes.filter((s) => !s.inTarget).map((s) => outline(s, 'outline filtered'))
        : nothing
    }
    ${shape ? [outline(shape, 'outline halo'), outline(shape, 'outline')] : nothing}
  </svg>`;
}

/** The index of the shape whose bounding box holds image point (x, y), or -1. */
export function shapeIndexAt(sample: Sample2D, x: number, y: number): number {
  return sample.shapes.findIndex(
    (s) => x >= s.x && x < s.x + s.width && y >= s.y && y < s.y + s.height,
  );
}

/** The outline of a 2D shape in image coordinates. */
function outline(shape: Shape2D, className: string): SVGTemplateResult {
  const { x, y, width, height } = shape;
  if (shape.type.endsWith('circle')) {
    return svg`<circle class=${className} cx=${x + width / 2} cy=${y + height / 2} r=${width / 2}></circle>`;
  }
  if (shape.type.endsWith('triangle')) {
    return svg`<polygon class=${className} points="${x + width / 2},${y} ${x},${y + height} ${x + width},${y + height}"></polygon>`;
  }
  return svg`<rect class=${className} x=${x} y=${y} width=${width} height=${height}></rect>`;
}
