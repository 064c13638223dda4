import type { PatchGrid } from '@decoding-attention/core';
import { styleProps } from '@decoding-attention/ui';
import { html, nothing, svg, type SVGTemplateResult, type TemplateResult } from 'lit';
import { showNumbers, stripStep } from './draw.js';
import { placeOf, type WorkedTokens } from './tokens.js';

/** What the parts are drawn from: the worked tokens, the patch shown and the handlers. */
export interface PartsView {
  worked: WorkedTokens;
  index: number;
  description: string;
  overlay: SVGTemplateResult;
  onPointerMove: (event: PointerEvent) => void;
  onPointerLeave: () => void;
  onKeyDown: (event: KeyboardEvent) => void;
}

/** CSS pixels per image pixel at the default image size (256px for 128 pixels). */
const DEFAULT_ZOOM = 2;

/** The patch grid over the image: lines between patches, raster numbers, the shown patch outlined. */
export function renderGridOverlay(grid: PatchGrid, index: number): SVGTemplateResult {
  const p = grid.patchSize;
  const width = grid.cols * p;
  const height = grid.rows * p;
  const { row, col } = placeOf(grid, index);
  const numbers = showNumbers(grid, DEFAULT_ZOOM)
    ? Array.from({ length: grid.count }, (_, t) => {
        const place = placeOf(grid, t);
        return svg`<text x=${place.col * p + p * 0.08} y=${place.row * p + p * 0.08}
          font-size=${p * 0.3}>${t}</text>`;
      })
    : nothing;
  return svg`
    <svg class="overlay" viewBox="0 0 ${width} ${height}" preserveAspectRatio="none" aria-hidden="true">
      ${Array.from({ length: grid.cols - 1 }, (_, c) => svg`<line class="grid-line" x1=${(c + 1) * p} x2=${(c + 1) * p} y1="0" y2=${height}></line>`)}
      ${Array.from({ length: grid.rows - 1 }, (_, r) => svg`<line class="grid-line" y1=${(r + 1) * p} y2=${(r + 1) * p} x1="0" x2=${width}></line>`)}
      <g class="numbers">${numbers}</g>
      <rect class="shown" x=${col * p} y=${row * p} width=${p} height=${p}></rect>
    </svg>
  `;
}

/** The four parts: image and grid, similarity, the flattened patch, and the token. */
export function renderParts(view: PartsView): TemplateResult {
  const { worked, index } = view;
  const { grid, sample } = worked;
  const { row, col } = placeOf(grid, index);
  const aspect = `${sample.width} / ${sample.height}`;
  return html`
    <div class="row">
      <figure part="image">
        <div
          class="frame"
          role="grid"
          tabindex="0"
          style=${styleProps({ '--aspect': aspect })}
          aria-label=${`The image cut into ${grid.rows} rows by ${grid.cols} columns of ${grid.patchSize} x ${grid.patchSize} patches, numbered in raster order. Arrow keys move patch by patch, Home and End go to the first and last.`}
          aria-rowcount=${grid.rows}
          aria-colcount=${grid.cols}
          aria-activedescendant="patch-cell"
          @pointermove=${view.onPointerMove}
          @pointerleave=${view.onPointerLeave}
          @keydown=${view.onKeyDown}
        >
          <canvas class="image" aria-hidden="true"></canvas>
          ${view.overlay}
          <div role="row" class="visually-hidden" aria-rowindex=${row + 1}>
            <div role="gridcell" id="patch-cell" aria-colindex=${col + 1}>${view.description}</div>
          </div>
        </div>
        <figcaption>
          ${grid.count} patches of ${grid.patchSize} x ${grid.patchSize} pixels, numbered left to
          right, then top to
          bottom${showNumbers(grid, DEFAULT_ZOOM) ? '' : ' (numbers shown on hover)'}.
        </figcaption>
      </figure>
      <figure part="similarity">
        <div
          class="frame"
          style=${styleProps({ '--aspect': aspect })}
          @pointermove=${view.onPointerMove}
          @pointerleave=${view.onPointerLeave}
        >
          <canvas class="similarity" aria-hidden="true"></canvas>
          ${view.overlay}
        </div>
        <figcaption>
          How alike each patch's position is to patch ${index}'s under ${worked.encoding}: cosine
          similarity, red alike (+1), white unrelated (0), blue opposite (−1).
        </figcaption>
      </figure>
    </div>
    <p class="visually-hidden" aria-live="polite">${view.description}</p>
    ${renderPatch(view)} ${renderToken(view)}
  `;
}

function renderPatch({ worked, index }: PartsView): TemplateResult {
  const { grid } = worked;
  const { row, col } = placeOf(grid, index);
  const plane = grid.patchSize * grid.patchSize;
  const step = stripStep(grid.size);
  return html`
    <section part="patch" aria-labelledby="patch-title">
      <h2 id="patch-title">Patch ${index}: token ${index}, row ${row}, column ${col}</h2>
      <p class="about">
        Its ${grid.patchSize} x ${grid.patchSize} x 3 values, flattened: the ${plane} red values row
        by row, then the ${plane} green, then the ${plane} blue: ${grid.size} numbers in [0, 1].
      </p>
      <div class="planes">
        <canvas
          class="planes"
          role="img"
          aria-label=${`Patch ${index}'s red, green and blue planes`}
        ></canvas>
        <div class="plane-labels" aria-hidden="true">
          <span>R</span><span>G</span><span>B</span>
        </div>
      </div>
      <canvas
        class="strip"
        role="img"
        aria-label=${`Patch ${index} flattened: ${grid.size} values`}
      ></canvas>
      <div class="strip-labels" aria-hidden="true">
        <span>R: 0–${plane - 1}</span><span>G: ${plane}–${2 * plane - 1}</span
        ><span>B: ${2 * plane}–${3 * plane - 1}</span>
      </div>
      ${step > 1 ? html`<p class="note">One value in ${step} is drawn.</p>` : nothing}
    </section>
  `;
}

/** What the encoding adds, in words. */
function encodingAbout(worked: WorkedTokens): string {
  const half = worked.dim / 2;
  const split = `features 0–${half - 1} for the row, ${half}–${worked.dim - 1} for the column`;
  switch (worked.encoding) {
    case 'learnable':
      return `+ a learnable position: one row per patch, drawn at random until training shapes it; it knows nothing of the grid yet`;
    case 'sinusoidal':
      return `+ the 2D sinusoidal encoding: ${split}`;
    default:
      return `RoPE adds nothing to the token: inside attention it turns each head's queries and keys, ${ropeSplit(worked)}; drawn here, the cos and sin of each pair's angle`;
  }
}

/** How RoPE splits the features: per head, the first half by row, the second by column. */
function ropeSplit({ dim, heads }: WorkedTokens): string {
  const size = dim / heads;
  const half = size / 2;
  const head = `features 0–${half - 1} by the patch's row, ${half}–${size - 1} by its column`;
  return heads === 1
    ? `one head of ${dim} features: ${head}`
    : `${heads} heads of ${size} features, in each ${head}`;
}

function renderToken({ worked, index }: PartsView): TemplateResult {
  const { dim, grid } = worked;
  return html`
    <section part="token" aria-labelledby="token-title">
      <h2 id="token-title">Patch ${index} becomes a token of ${dim} features</h2>
      <div class="bars">
        <span>Patch × projection (${grid.size} → ${dim})</span>
        <canvas
          class="embedding"
          role="img"
          aria-label=${`Patch ${index}'s embedding, ${dim} features`}
        ></canvas>
        <span>${encodingAbout(worked)}</span>
        <canvas
          class="encoding"
          role="img"
          aria-label=${`Patch ${index}'s positional encoding`}
        ></canvas>
        <span
          >${
            worked.encoding === 'rope'
              ? '= the rotation applied to its queries and keys, shown on the embedding (the token enters the encoder unchanged)'
              : '= the token that enters the encoder'
          }</span
        >
        <canvas
          class="token"
          role="img"
          aria-label=${
            worked.encoding === 'rope'
              ? `Patch ${index}'s embedding turned as its queries and keys are, ${dim} features`
              : `Patch ${index}'s token, ${dim} features`
          }
        ></canvas>
      </div>
    </section>
  `;
}
