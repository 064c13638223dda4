import { styleProps } from '@decoding-attention/ui';
import { html, type TemplateResult } from 'lit';
import type { TrainingProgress } from './training-controller.js';

/** What the progress bar and the figures show. */
export interface ProgressFigures {
  progress: TrainingProgress | undefined;
  /** The model trained (or to be trained), from the menu. */
  model: { label: string; parameters: number } | undefined;
  /** Its id, where the menu has no entry (bad settings). */
  modelId: string;
  /**
   * The models of a comparison, from the menu: until one trains, the figures name them all
   * (and the range of their parameters), not the element's own model.
   */
  compared?: { label: string; parameters: number }[];
  backend: string;
  /** The baseline to beat (copying the input on series, black on images): a validation MSE below it is marked. */
  copy: number;
  /** What the MSE is in, after its name (images: ' (x 1,000)'). */
  unit?: string;
}

const figure = (name: string, value: unknown, className = '') =>
  html`<div>
    <dt>${name}</dt>
    <dd class=${className}>${value}</dd>
  </div>`;

/** The progress bar, then the figures of the model being trained ('–' before its first step). */
export function renderProgress({
  progress,
  model,
  modelId,
  compared = [],
  backend,
  copy,
  unit = '',
}: ProgressFigures): TemplateResult {
  const fraction = progress?.fraction ?? 0;
  const comparing = !progress && compared.length > 1;
  const counts = compared.map((m) => m.parameters);
  const [fewest, most] = [Math.min(...counts), Math.max(...counts)].map((n) =>
    n.toLocaleString('en'),
  );
  return html`
    <div
      class="bar"
      part="progress"
      role="progressbar"
      aria-label="Training progress"
      aria-valuemin="0"
      aria-valuemax="100"
      aria-valuenow=${Math.round(fraction * 100)}
    >
      <div style=${styleProps({ width: `${fraction * 100}%` })}></div>
    </div>
    <dl class="figures" part="figures">
      ${
        comparing
          ? html`${figure('Models', compared.map((m) => m.label).join(', '))}
            ${figure('Parameters', fewest === most ? fewest : `${fewest} to ${most}`)}`
          : html`${figure('Model', model?.label ?? modelId)}
            ${figure('Parameters', model?.parameters.toLocaleString('en') ?? '–')}`
      }
      ${figure('Backend', backend)}
      ${figure('Samples / s', progress ? progress.samplesPerSecond.toFixed(1) : '–')}
      ${figure('Time', progress ? `${progress.elapsed.toFixed(1)} s` : '–')}
      ${figure('Samples seen', progress ? progress.samplesSeen.toLocaleString('en') : '–')}
      ${figure(`Train MSE${unit}`, progress ? progress.trainLoss.toFixed(1) : '–')}
      ${figure(
        `Validation MSE${unit}`,
        progress && Number.isFinite(progress.validationLoss)
          ? progress.validationLoss.toFixed(1)
          : '–',
        progress && progress.validationLoss < copy ? 'beats' : '',
      )}
    </dl>
  `;
}
