import { COST_VARIANTS, formatMs, shortLength, type CostVariant } from '@decoding-attention/core';
import type { CostRunner } from '@decoding-attention/core/train';
import {
  DecodingElement,
  VegaChartController,
  type Chart,
  canvasToPng,
  composeSideBySide,
  downloadBlob,
  downloadJson,
  numberList,
  toolbarLabelStyles,
  word,
  wordList,
  type ThemeColors,
} from '@decoding-attention/ui';
import { html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { costStyles } from './attention-cost.styles.js';
import { kvSpec, sweepSpec } from './cost-charts.js';
import type { CostDoneDetail, CostPointDetail, VariantStopDetail } from './events.js';
import {
  crossoverOf,
  crossoverText,
  tableRows,
  theoryRows,
  toCsv,
  toData,
  type CostMode,
  type Measurements,
} from './results.js';
import { COST_MODES, validateSettings, type CheckedSettings } from './validation.js';
import { VERSION } from './version.js';

/** The lengths measured by default: 256 to 16,384, doubling. */
const DEFAULT_LENGTHS = [256, 512, 1024, 2048, 4096, 8192, 16384];

const empty = (): Measurements => ({ points: [], stops: [], kv: [] });

/**
 * What each attention variant costs on the reader's device: the attention layer of each variant
 * run at growing lengths in a Worker (forward, and forward+backward as in training), each result
 * shown as it arrives; time and peak memory against length on log-log axes with each variant's
 * theoretical curve beside it and its crossover with full attention marked; the complexity table
 * with its measured columns; and a key-value cache panel (a small decoder generating tokens with
 * and without the cache). A variant stops when a step passes the time budget or memory runs out,
 * and says so.
 *
 * @tag attention-cost
 * @summary Time and memory of each attention variant against length, measured on this device.
 *
 * @attr {'auto' | 'light' | 'dark'} theme - `light` or `dark` forces a colour scheme; `auto` (the default) follows the reader's.
 *
 * @fires cost-point - A length of a variant was measured. `detail: { variant, length, forward, both, peak, runs }` (ms, bytes).
 * @fires variant-stop - A variant's curve ended before the last length. `detail: { variant, length, reason, message }`.
 * @fires cost-done - A run ended (finished or stopped). `detail: { cancelled, backend, points }`.
 *
 * @csspart controls - The toolbar: measure, stop, mode and exports.
 * @csspart button - Every button.
 * @csspart chart - The log-log time and memory chart.
 * @csspart stops - Each variant's reach: how far it was measured and why it stopped.
 * @csspart table - The complexity table with its measured columns.
 * @csspart kv - The key-value cache panel.
 * @csspart status - The progress line.
 * @csspart error - The message shown for bad input.
 *
 * @cssprop [--da-color-accent] - The running indicator.
 */
export class AttentionCost extends DecodingElement {
  // ---- Static ----

  static readonly version = VERSION;
  static override styles = [...DecodingElement.styles, toolbarLabelStyles, costStyles];

  // ---- Controllers and fields ----

  private readonly sweepChart = new VegaChartController(this, 'the cost chart');
  private readonly kvChart = new VegaChartController(this, 'the key-value cache chart');
  private runner: CostRunner | undefined;
  /** Counts runs, so that a stopped run's late messages are dropped. */
  private run = 0;
  /** The settings the current results were measured with. */
  private measuredWith: Record<string, unknown> = {};
  private chartsStale = true;

  // ---- Queries ----

  @query('.sweep-chart') private sweepContainer!: HTMLElement | null;
  @query('.kv-chart') private kvContainer!: HTMLElement | null;

  // ---- State ----

  @state() private measurements: Measurements = empty();
  @state() private running = false;
  @state() private status = '';
  /** A measurement that failed (not bad input): shown until the next run. */
  @state() private failure = '';
  private checked: CheckedSettings | undefined;

  // ---- Properties ----

  /** The variants measured, space-separated (default all: full local sparse global adaptive linformer performer reformer). */
  @property({ converter: wordList }) variants: string[] = [...COST_VARIANTS];
  /** The lengths measured, space-separated, in tokens (default 256 512 ... 16384). */
  @property({ converter: numberList }) lengths: number[] = [...DEFAULT_LENGTHS];
  /** Lengths above this are left out (default 16384). */
  @property({ type: Number, attribute: 'max-length' }) maxLength = 16384;
  /** A step (forward+backward, or a generated token) over this many ms ends its curve (default 2000). */
  @property({ type: Number }) budget = 2000;
  /** `backward` shows forward+backward time (a training step's), `forward` the forward pass's. */
  @property({ reflect: true, converter: word }) mode: CostMode = 'backward';
  /** Tokens the key-value cache panel generates; 0 leaves the panel out (default 256). */
  @property({ type: Number, attribute: 'kv-tokens' }) kvTokens = 256;
  /** Sequences per step (default 1). */
  @property({ type: Number }) batch = 1;
  /** The tfjs backend measured: `wasm` (default, our kernels and fused attention) or `cpu`. */
  @property({ converter: word }) backend: 'wasm' | 'cpu' = 'wasm';
  /** Starts measuring as soon as the element is on the page (otherwise on "Measure"). */
  @property({ type: Boolean }) autostart = false;

  // ---- Lifecycle ----

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.endRunner();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    try {
      this.validateTheme();
      this.checked = validateSettings(this);
      this.clearError();
    } catch (error) {
      this.checked = undefined;
      this.reportError(error);
    }
    if (changed.has('mode') || changed.has('variants') || changed.has('lengths'))
      this.chartsStale = true;
  }

  protected override firstUpdated(): void {
    if (this.autostart && this.checked) this.start();
  }

  protected override updated(): void {
    if (this.chartsStale) this.drawCharts();
  }

  protected override themeChanged(_colors: ThemeColors): void {
    this.chartsStale = true;
    this.requestUpdate();
  }

  // ---- Measuring ----

  private async measure(run: number, checked: CheckedSettings): Promise<void> {
    try {
      if (!this.runner) {
        const { CostRunner } = await import('@decoding-attention/core/train');
        const runner = await CostRunner.create();
        if (run !== this.run) return runner.dispose();
        this.runner = runner;
        runner.addEventListener('cost-point', this.onPoint);
        runner.addEventListener('cost-stop', this.onStop);
        runner.addEventListener('cost-kv-point', this.onKvPoint);
        runner.addEventListener('cost-done', this.onDone);
        runner.addEventListener('cost-error', this.onError);
      }
      this.runner.start({
        variants: checked.variants,
        lengths: checked.lengths,
        budget: this.budget,
        batch: this.batch,
        kvTokens: this.kvTokens,
        backend: this.backend,
      });
    } catch (error) {
      if (run !== this.run) return;
      this.running = false;
      this.failure = `Measuring could not start: ${error instanceof Error ? error.message : String(error)}`;
    }
  }

  private endRunner(): void {
    this.run++;
    const runner = this.runner;
    if (runner) {
      runner.removeEventListener('cost-point', this.onPoint);
      runner.removeEventListener('cost-stop', this.onStop);
      runner.removeEventListener('cost-kv-point', this.onKvPoint);
      runner.removeEventListener('cost-done', this.onDone);
      runner.removeEventListener('cost-error', this.onError);
    }
    runner?.dispose();
    this.runner = undefined;
    this.running = false;
  }

  private readonly onPoint = (event: Event): void => {
    const { variant, length, forward, both, peak, runs } = (event as CustomEvent<CostPointDetail>)
      .detail;
    const point = { variant, length, forward, both, peak, runs };
    this.measurements = { ...this.measurements, points: [...this.measurements.points, point] };
    this.status = `${variant} at ${shortLength(length)}: forward ${formatMs(forward)}, forward+backward ${formatMs(both)}`;
    this.refreshChart('sweep');
    this.emit<CostPointDetail>('cost-point', point);
  };

  private readonly onStop = (event: Event): void => {
    const { variant, length, reason, message } = (event as CustomEvent<VariantStopDetail>).detail;
    const stop = { variant, length, reason, message };
    this.measurements = { ...this.measurements, stops: [...this.measurements.stops, stop] };
    this.emit<VariantStopDetail>('variant-stop', stop);
  };

  private readonly onKvPoint = (event: Event): void => {
    const { cached, position, ms } = (
      event as CustomEvent<{ cached: boolean; position: number; ms: number }>
    ).detail;
    this.measurements = {
      ...this.measurements,
      kv: [...this.measurements.kv, { cached, position, ms }],
    };
    this.status = `${cached ? 'with' : 'without'} the cache: ${formatMs(ms)} per token at ${position} tokens`;
    this.refreshChart('kv');
  };

  private readonly onDone = (event: Event): void => {
    const { cancelled, backend, kv } = (
      event as CustomEvent<{
        cancelled: boolean;
        backend: string;
        kv?: { cached: boolean; tokens: number[] }[];
      }>
    ).detail;
    const same =
      kv && kv.length === 2 && kv[0].tokens.length === kv[1].tokens.length
        ? kv[0].tokens.every((t, i) => t === kv[1].tokens[i])
        : undefined;
    this.measurements = { ...this.measurements, backend, kvSameTokens: same };
    this.running = false;
    this.status = cancelled ? 'Stopped.' : `Done, on the ${backend} backend.`;
    this.emit<CostDoneDetail>('cost-done', {
      cancelled,
      backend,
      points: this.measurements.points.length,
    });
  };

  private readonly onError = (event: Event): void => {
    this.failure = `Measuring failed: ${(event as CustomEvent<{ message: string }>).detail.message}`;
    this.endRunner();
  };

  // ---- Charts ----

  /** Draws both charts anew (mode, variants or theme changed, or first results). */
  private drawCharts(): void {
    const colors = this.colors;
    this.chartsStale = false;
    const sweep = this.sweepContainer;
    if (sweep && this.checked && this.measurements.points.length > 0)
      void this.sweepChart.draw({
        container: sweep,
        spec: sweepSpec(this.checked.variants, this.mode, sweep.clientWidth || 640, colors),
        colors,
        setUp: (chart) => this.fillSweep(chart),
      });
    else this.sweepChart.clear();
    const kv = this.kvContainer;
    if (kv && this.measurements.kv.length > 0)
      void this.kvChart.draw({
        container: kv,
        spec: kvSpec(kv.clientWidth || 480),
        colors,
        setUp: (chart) => this.fillKv(chart),
      });
    else this.kvChart.clear();
  }

  /** Puts the newest results into the chart drawn (drawing the charts first where it is not). */
  private refreshChart(which: 'sweep' | 'kv'): void {
    const controller = which === 'sweep' ? this.sweepChart : this.kvChart;
    if (!controller.chart) {
      this.chartsStale = true;
      return;
    }
    if (which === 'sweep') void controller.update((chart) => this.fillSweep(chart));
    else void controller.update((chart) => this.fillKv(chart));
  }

  private async fillSweep(chart: Chart): Promise<void> {
    const checked = this.checked;
    if (!checked) return;
    const { points } = this.measurements;
    const rows = points.map((p) => ({
      variant: p.variant,
      length: p.length,
      ms: this.mode === 'forward' ? p.forward : p.both,
      mib: p.peak / 2 ** 20,
    }));
    const crossovers = checked.variants
      .filter((v) => v !== 'full')
      .flatMap((variant) => {
        const { length } = crossoverOf(points, variant, this.mode);
        return length === undefined ? [] : [{ variant, length }];
      });
    chart.view.data('points', rows);
    chart.view.data('theory', theoryRows(points, checked.variants, checked.lengths, this.mode));
    chart.view.data('crossovers', crossovers);
    // Labels and legends grow with the data: the layout is worked out again.
    await chart.view.resize().runAsync();
  }

  private async fillKv(chart: Chart): Promise<void> {
    chart.view.data(
      'kv',
      this.measurements.kv.map((k) => ({
        position: k.position,
        ms: k.ms,
        cache: k.cached ? 'with cache' : 'without cache',
      })),
    );
    // Labels and legends grow with the data: the layout is worked out again.
    await chart.view.resize().runAsync();
  }

  // ---- Exports ----

  private exportCsv(): void {
    downloadBlob(new Blob([this.toCSV()], { type: 'text/csv' }), 'attention-cost.csv');
  }

  private exportJson(): void {
    downloadJson(this.toJSON(), 'attention-cost.json');
  }

  private async exportSvg(): Promise<void> {
    const svg = await this.toSVG();
    if (svg) downloadBlob(new Blob([svg], { type: 'image/svg+xml' }), 'attention-cost.svg');
  }

  private async exportPng(): Promise<void> {
    try {
      downloadBlob(await this.toPNG(), 'attention-cost.png');
    } catch (error) {
      this.failure = error instanceof Error ? error.message : String(error);
    }
  }

  // ---- Public API ----

  /** Measures anew (any run under way is ended first); results appear as they arrive. */
  start(): void {
    const checked = this.checked;
    if (!checked) return;
    if (this.running) this.endRunner();
    const run = ++this.run;
    this.measurements = empty();
    this.measuredWith = {
      variants: checked.variants,
      lengths: checked.lengths,
      budget: this.budget,
      batch: this.batch,
      kvTokens: this.kvTokens,
      backend: this.backend,
    };
    this.failure = '';
    this.running = true;
    this.status = 'Starting the measuring Worker…';
    this.chartsStale = true;
    this.trackWork(this.measure(run, checked));
  }

  /** Stops measuring at once (the Worker is ended); what was measured stays. */
  stop(): void {
    if (!this.running) return;
    this.endRunner();
    this.status = 'Stopped.';
    this.emit<CostDoneDetail>('cost-done', {
      cancelled: true,
      backend: this.measurements.backend ?? '',
      points: this.measurements.points.length,
    });
  }

  /** Whether a measurement is under way. */
  get measuring(): boolean {
    return this.running;
  }

  /** tfjs tensors alive where measuring runs (to check that nothing leaks), or undefined before any run. */
  async tensorsInUse(): Promise<number | undefined> {
    return this.runner ? (await this.runner.memory()).numTensors : undefined;
  }

  /** The measurements as CSV. */
  toCSV(): string {
    return toCsv(this.measurements);
  }

  /** The measurements, the table's measured columns and the settings, as plain data. */
  toJSON(): Record<string, unknown> {
    const variants = this.checked?.variants ?? [];
    return toData(
      this.measurements,
      { ...this.measuredWith, mode: this.mode },
      variants,
      this.mode,
    );
  }

  /** The cost chart as SVG, or '' before anything is measured. */
  async toSVG(): Promise<string> {
    await this.updateComplete;
    return (await this.sweepChart.chart?.toSvg()) ?? '';
  }

  /** The charts shown (cost, and key-value cache where measured), side by side, as PNG. */
  async toPNG(): Promise<Blob> {
    await this.updateComplete;
    const charts = [this.sweepChart.chart, this.kvChart.chart].filter((c) => c !== undefined);
    if (charts.length === 0) throw new Error('Nothing to export yet: measure first.');
    const canvases = await Promise.all(charts.map((c) => c.toCanvas(2)));
    return canvasToPng(
      composeSideBySide(canvases, { gap: 24, background: this.colors.background }),
    );
  }

  // ---- Render ----

  override render(): TemplateResult {
    const valid = this.checked !== undefined;
    return html`
      ${this.renderControls(valid)} ${this.renderError()}
      ${this.failure ? html`<div class="error" role="alert">${this.failure}</div>` : nothing}
      <p class="status" part="status" role="status" aria-live="polite">
        ${this.running ? html`<span class="pulse" aria-hidden="true"></span>` : nothing}
        ${this.status}
      </p>
      ${valid ? this.renderResults(this.checked!) : nothing}
    `;
  }

  private renderControls(valid: boolean): TemplateResult {
    const nothingYet = this.measurements.points.length === 0 && this.measurements.kv.length === 0;
    return html`
      <div class="toolbar controls" part="controls">
        <button part="button" ?disabled=${!valid || this.running} @click=${() => this.start()}>
          Measure
        </button>
        <button part="button" ?disabled=${!this.running} @click=${() => this.stop()}>Stop</button>
        <label
          >Time
          <select
            aria-label="Time shown"
            .value=${COST_MODES.includes(this.mode) ? this.mode : ''}
            @change=${(e: Event) => (this.mode = (e.target as HTMLSelectElement).value as CostMode)}
          >
            <option value="backward">forward+backward</option>
            <option value="forward">forward</option>
          </select></label
        >
        <button part="button" ?disabled=${nothingYet} @click=${this.exportCsv}>CSV</button>
        <button part="button" ?disabled=${nothingYet} @click=${this.exportJson}>JSON</button>
        <button part="button" ?disabled=${nothingYet} @click=${this.exportSvg}>SVG</button>
        <button part="button" ?disabled=${nothingYet} @click=${this.exportPng}>PNG</button>
        ${this.renderEmbedButton()}
      </div>
    `;
  }

  private renderResults(checked: CheckedSettings): TemplateResult {
    const { common, rows } = tableRows(this.measurements, checked.variants, this.mode);
    const timeLabel = this.mode === 'forward' ? 'forward' : 'forward+backward';
    return html`
      <div
        class="sweep-chart chart"
        part="chart"
        role="img"
        aria-label=${this.chartLabel(checked)}
      ></div>
      <ul class="stops" part="stops">
        ${checked.variants.map((variant) => this.renderReach(variant))}
      </ul>
      <div class="table-wrap" tabindex="0" role="region" aria-label="Complexity table">
        <table part="table">
          <caption>
            What each variant costs: the literature's complexity beside this device's measurements
            (${timeLabel}${common ? `, time at ${shortLength(common)} tokens` : ''})
          </caption>
          <thead>
            <tr>
              <th scope="col">Variant</th>
              <th scope="col">Time</th>
              <th scope="col">Memory</th>
              <th scope="col">Causal</th>
              <th scope="col">Exact</th>
              <th scope="col">Strengths</th>
              <th scope="col">Weaknesses</th>
              <th scope="col">Measured time${common ? ` at ${shortLength(common)}` : ''}</th>
              <th scope="col">Crossover with full (tokens)</th>
              <th scope="col">Fitted exponent</th>
            </tr>
          </thead>
          <tbody>
            ${rows.map(
              ({ row, time, crossover, exponent }) => html`
                <tr data-variant=${row.variant}>
                  <th scope="row">${row.name}</th>
                  <td data-label="Time">${row.time}</td>
                  <td data-label="Memory">${row.memory}</td>
                  <td data-label="Causal">${row.causal}</td>
                  <td data-label="Exact">${row.exact ? 'exact' : 'approximate'}</td>
                  <td data-label="Strengths">${row.strengths}</td>
                  <td data-label="Weaknesses">${row.weaknesses}</td>
                  <td class="measured" data-label="Measured time" ?data-empty=${time === undefined}>
                    ${time === undefined ? '' : formatMs(time)}
                  </td>
                  <td
                    class="measured"
                    data-label="Crossover with full"
                    ?data-empty=${row.variant !== 'full' && crossover === undefined}
                    title=${crossover?.how ?? ''}
                  >
                    ${row.variant === 'full' ? '—' : crossoverText(crossover)}
                  </td>
                  <td
                    class="measured"
                    data-label="Fitted exponent"
                    ?data-empty=${exponent === undefined}
                  >
                    ${exponent === undefined ? '' : `${exponent.toFixed(2)} (theory ${row.exponent})`}
                  </td>
                </tr>
              `,
            )}
          </tbody>
        </table>
      </div>
      ${this.kvTokens > 0 ? this.renderKv() : nothing}
    `;
  }

  private chartLabel(checked: CheckedSettings): string {
    const measured = checked.variants.filter((v) =>
      this.measurements.points.some((p) => p.variant === v),
    );
    return measured.length === 0
      ? 'Time and memory against length: nothing measured yet'
      : `Time and memory against length, log-log, for ${measured.join(', ')}; the table below holds the figures`;
  }

  private renderReach(variant: CostVariant): TemplateResult {
    const points = this.measurements.points.filter((p) => p.variant === variant);
    const stop = this.measurements.stops.find((s) => s.variant === variant);
    const last = points[points.length - 1];
    const reach = last ? `measured to ${shortLength(last.length)}` : 'nothing measured yet';
    return html`<li data-variant=${variant} class=${stop ? 'stopped' : ''}>
      <strong>${variant}</strong>: ${reach}${stop ? html`; ${stop.message}` : nothing}
    </li>`;
  }

  private renderKv(): TemplateResult {
    const { kv, kvSameTokens } = this.measurements;
    // The median of the last four bins: one bin alone is at the mercy of a busy machine.
    const late = (cached: boolean) => {
      const bins = kv.filter((k) => k.cached === cached).slice(-4);
      if (bins.length === 0) return undefined;
      const times = bins.map((k) => k.ms).sort((x, y) => x - y);
      const mid = times.length / 2;
      const ms = times.length % 2 ? times[Math.floor(mid)] : (times[mid - 1] + times[mid]) / 2;
      return { position: bins[bins.length - 1].position, ms };
    };
    const without = late(false);
    const withCache = late(true);
    return html`
      <section class="kv" part="kv" aria-labelledby="kv-title">
        <h2 id="kv-title">Key-value cache: generating ${this.kvTokens} tokens one at a time</h2>
        <p class="about">
          Without the cache each new token runs the whole sequence again; with it, only the new
          token's query, key and value, and one row of attention over the cached keys.
        </p>
        <div
          class="kv-chart chart"
          role="img"
          aria-label="Time per generated token against the sequence's length, with and without the cache"
        ></div>
        ${
          without && withCache && without.position === withCache.position
            ? html`<p class="kv-summary">
                Near ${without.position} tokens: ${formatMs(without.ms)} per token without the
                cache, ${formatMs(withCache.ms)} with it
                (${(without.ms / withCache.ms).toFixed(1)}x).
                ${
                  kvSameTokens === undefined
                    ? ''
                    : kvSameTokens
                      ? 'Both generated the same tokens.'
                      : 'The two generated different tokens.'
                }
              </p>`
            : nothing
        }
      </section>
    `;
  }
}
