import { pairFrequency } from '@decoding-attention/core';
import { html, svg, type TemplateResult } from 'lit';
import { live } from 'lit/directives/live.js';

/** What the dial shows, and where its slider and menu report the reader's choices. */
export interface RopeDialOptions {
  pair: number;
  position: number;
  length: number;
  dim: number;
  base: number;
  onPosition: (position: number) => void;
  onPair: (pair: number) => void;
}

/** Centre and radius of the dial, in its 180 x 180 view box. */
const CENTRE = 90;
const RADIUS = 70;

/** A point on the dial at `angle` radians, counter-clockwise from the right. */
function pointAt(angle: number): [number, number] {
  return [CENTRE + RADIUS * Math.cos(angle), CENTRE - RADIUS * Math.sin(angle)];
}

/**
 * The RoPE dial: feature pair `pair` turned by position x base^(−2i/d), with a trail of the
 * positions before, a slider for the position and a menu for the pair.
 */
export function ropeDial({
  pair,
  position,
  length,
  dim,
  base,
  onPosition,
  onPair,
}: RopeDialOptions): TemplateResult {
  const frequency = pairFrequency(pair, dim, base);
  const angle = position * frequency;
  const trail = Array.from(
    { length: Math.min(position, 48) },
    (_, i) => (position - 1 - i) * frequency,
  );
  const [x, y] = pointAt(angle);
  return html`
    <div class="dial" part="dial">
      <svg
        viewBox="0 0 180 180"
        role="img"
        aria-label=${`Pair ${pair} at position ${position}: turned ${angle.toFixed(2)} radians`}
      >
        <circle class="circle" cx=${CENTRE} cy=${CENTRE} r=${RADIUS}></circle>
        <line class="axis" x1="10" y1="90" x2="170" y2="90"></line>
        <line class="axis" x1="90" y1="10" x2="90" y2="170"></line>
        ${trail.map((a, i) => {
          const [tx, ty] = pointAt(a);
          return svg`<circle class="trail" cx=${tx} cy=${ty} r="2.5" opacity=${1 - i / 50}></circle>`;
        })}
        <line class="vector" x1=${CENTRE} y1=${CENTRE} x2=${x} y2=${y}></line>
        <circle class="tip" cx=${x} cy=${y} r="5"></circle>
      </svg>
      <label>
        Position
        <input
          type="range"
          min="0"
          max=${length - 1}
          .value=${String(position)}
          @input=${(e: Event) => onPosition((e.target as HTMLInputElement).valueAsNumber)}
        />
        <output>${position}</output>
      </label>
      <label>
        Pair
        <select
          .value=${live(String(pair))}
          @change=${(e: Event) => onPair(Number((e.target as HTMLSelectElement).value))}
        >
          ${Array.from(
            { length: Math.floor(dim / 2) },
            (_, i) =>
              html`<option value=${i} ?selected=${i === pair}>
                ${i} (features ${2 * i}, ${2 * i + 1})
              </option>`,
          )}
        </select>
      </label>
      <p class="note">
        Pair ${pair} turns <output>${frequency.toPrecision(3)}</output> rad per position; at
        position ${position}: <output>${angle.toFixed(2)}</output> rad
        (${(((angle / (2 * Math.PI)) % 1) * 360).toFixed(0)}° on the dial).
      </p>
    </div>
  `;
}
