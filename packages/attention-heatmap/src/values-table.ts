import { html, type TemplateResult } from 'lit';
import { formatWeight, type Panel } from './panels.js';

/** What the table says around the numbers. */
export interface TableText {
  /** The caption read by screen readers: the panel's title. */
  caption: string;
  /** The corner heading, such as `Query \ Key`. */
  corner: string;
  rowLabels?: readonly string[];
  colLabels?: readonly string[];
}

/**
 * The weights a panel shows as a table, a row per query and a column per key, masked cells as
 * a dash: the values of small matrices to read exactly, and to a screen reader as a table.
 */
export function valuesTable(panel: Panel, text: TableText): TemplateResult {
  const { data, rows, cols } = panel.shown;
  const label = (labels: readonly string[] | undefined, i: number) => labels?.[i] ?? String(i);
  return html`
    <table part="table">
      <caption class="visually-hidden">
        ${text.caption}
      </caption>
      <thead>
        <tr>
          <th scope="col">${text.corner}</th>
          ${Array.from({ length: cols }, (_, k) => html`<th scope="col">${label(text.colLabels, k)}</th>`)}
        </tr>
      </thead>
      <tbody>
        ${Array.from(
          { length: rows },
          (_, q) => html`
            <tr>
              <th scope="row">${label(text.rowLabels, q)}</th>
              ${Array.from({ length: cols }, (_, k) => {
                const masked = panel.allowed?.[q * cols + k] === 0;
                return html`<td class=${masked ? 'masked' : ''}>
                  ${masked ? '–' : formatWeight(data[q * cols + k])}
                </td>`;
              })}
            </tr>
          `,
        )}
      </tbody>
    </table>
  `;
}
