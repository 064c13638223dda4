import { html, type TemplateResult } from 'lit';
import type { TrainingResult } from './training-controller.js';

/**
 * The results table: one row a finished run (a model, or a variant of one), the peak tensor
 * memory of a training step beside the speed, the validation MSE marked where it beats `copy`
 * (the baseline to beat: copying the input on series, predicting black on images); `unit` follows
 * the MSE's name (images: ' (x 1,000)').
 */
export function renderResults(
  results: readonly TrainingResult[],
  copy: number,
  unit = '',
): TemplateResult {
  return html`
    <table part="results">
      <caption class="visually-hidden">
        Results: validation MSE after the same budget
      </caption>
      <thead>
        <tr>
          <th scope="col">Model</th>
          <th scope="col">Parameters</th>
          <th scope="col">Validation MSE${unit}</th>
          <th scope="col">Samples</th>
          <th scope="col">Samples / s</th>
          <th scope="col">Time (s)</th>
          <th scope="col">Peak memory (MB)</th>
          <th scope="col">Backend</th>
        </tr>
      </thead>
      <tbody>
        ${results.map(
          (r) => html`
            <tr>
              <th scope="row">${r.label}</th>
              <td>${r.parameters.toLocaleString('en')}</td>
              <td class=${r.validationLoss < copy ? 'beats' : ''}>
                ${r.validationLoss.toFixed(2)}
              </td>
              <td>${r.samplesSeen.toLocaleString('en')}</td>
              <td>${r.samplesPerSecond.toFixed(1)}</td>
              <td>${r.seconds.toFixed(1)}</td>
              <td>${r.peakBytes > 0 ? (r.peakBytes / 2 ** 20).toFixed(1) : '–'}</td>
              <td>${r.backend}</td>
            </tr>
          `,
        )}
      </tbody>
    </table>
  `;
}

/** The results table as CSV. */
export function resultsCsv(results: readonly TrainingResult[]): string {
  const header =
    'model,parameters,validation_mse,samples_seen,samples_per_second,seconds,backend,attention,variant,peak_bytes';
  const rows = results.map((r) =>
    [
      r.model,
      r.parameters,
      r.validationLoss.toFixed(3),
      r.samplesSeen,
      r.samplesPerSecond.toFixed(1),
      r.seconds.toFixed(1),
      r.backend,
      r.attention ?? '',
      // The row's variant as labelled (`local w=8`); commas would split the cell.
      r.label.includes(' · ') ? r.label.split(' · ')[1].replaceAll(',', ' ') : '',
      r.peakBytes,
    ].join(','),
  );
  return [header, ...rows].join('\n') + '\n';
}
