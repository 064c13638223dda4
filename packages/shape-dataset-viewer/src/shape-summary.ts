import {
  rgbToHex,
  type Sample1D,
  type Sample2D,
  type Shape1D,
  type Shape2D,
} from '@decoding-attention/core';
import { styleProps } from '@decoding-attention/ui';
import { html, type TemplateResult } from 'lit';
import { groupColor1D } from './plot1d.js';

/** What a sample and its shapes are, in words and list rows. */

export function isSample2D(sample: Sample1D | Sample2D): sample is Sample2D {
  return 'width' in sample;
}

export function isShape2D(shape: Shape1D | Shape2D): shape is Shape2D {
  return 'color' in shape;
}

/** One group of a sample: its shape type, how many shapes it has, their mean and its colour. */
export interface GroupSummary {
  type: string;
  count: number;
  mean: string;
  color: string;
}

/** The groups of a sample in order of their first shape. */
export function groupsOf(sample: Sample1D | Sample2D): GroupSummary[] {
  const groups = new Map<string, GroupSummary>();
  for (const shape of sample.shapes as (Shape1D | Shape2D)[]) {
    const existing = groups.get(shape.type);
    if (existing) {
      existing.count++;
      continue;
    }
    groups.set(
      shape.type,
      isShape2D(shape)
        ? {
            type: shape.type,
            count: 1,
            mean: rgbToHex(shape.groupColor),
            color: rgbToHex(shape.groupColor),
          }
        : {
            type: shape.type,
            count: 1,
            mean: shape.groupAmplitude.toFixed(1),
            color: groupColor1D(shape.type),
          },
    );
  }
  return [...groups.values()];
}

/** The sample in one sentence, for screen readers and image labels. */
export function describeSample(seed: number, sample: Sample1D | Sample2D): string {
  const groups = groupsOf(sample);
  return `Seed ${seed}: ${sample.shapes.length} shapes in ${groups.length} groups (${groups
    .map((g) => `${g.type} ×${g.count}, mean ${g.mean}`)
    .join('; ')}).`;
}

/** The groups of a sample with their means, as a list. */
export function renderGroupList(sample: Sample1D | Sample2D): TemplateResult {
  return html`<ul class="groups" part="groups" aria-labelledby="groups-label">
    ${groupsOf(sample).map(
      (group) => html`
        <li>
          <span class="swatch" style=${styleProps({ background: group.color })}></span>
          <span>${group.type} ×${group.count}</span>
          <span class="note">mean ${group.mean}</span>
        </li>
      `,
    )}
  </ul>`;
}

/** A shape's row in the list: its colours, type, place and amplitude or size. */
export function renderShapeSummary(shape: Shape1D | Shape2D): TemplateResult {
  if (!isShape2D(shape))
    return html`
      <span class="swatch" style=${styleProps({ background: groupColor1D(shape.type) })}></span>
      <span>${shape.type}</span>
      <span class="note">
        at ${shape.start}–${shape.start + shape.width - 1}, amplitude ${shape.amplitude.toFixed(1)}
        → ${shape.groupAmplitude.toFixed(1)}
      </span>
    `;
  return html`
    <span
      class="swatch"
      style=${styleProps({ background: rgbToHex(shape.color) })}
      title="own colour"
    ></span>
    <span
      class="swatch"
      style=${styleProps({ background: rgbToHex(shape.groupColor) })}
      title="group colour"
    ></span>
    <span>${shape.type}</span>
    <span class="note">
      at (${shape.x}, ${shape.y})
      ${shape.width}×${shape.height}${shape.inTarget ? '' : ' · not in target'}
    </span>
  `;
}
