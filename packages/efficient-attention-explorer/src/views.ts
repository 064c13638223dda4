import { html, nothing, type TemplateResult } from 'lit';
import type { Matrix } from '@decoding-attention/core';
import type { SpanSnapshot } from './adaptive.js';
import {
  choiceMenu,
  formatCount,
  formatNumber,
  formatShare,
  rangeSlider,
  stepSlider,
} from './controls.js';
import { PATTERNS, REFORMER_STEPS, type PatternKind, type ReformerStep } from './events.js';
import { EFFICIENT_EXPLORER_LIMITS, FEATURE_STEPS } from './limits.js';
import { projectedSteps, projections, type LinformerLab } from './linformer.js';
import { reachText, spreadFrom, spreadText, type PatternResult } from './patterns.js';
import { FEATURE_DRAWS, FEATURE_KERNELS, type PerformerLab } from './performer.js';
import type { ReformerFigure, ReformerLab } from './reformer.js';
import { STEP_ABOUT, stripsText } from './strips.js';

/** What the views read of the element, and how they change its settings. */
export interface ExplorerView {
  theme: string;
  features: number;
  draw: string;
  kernel: string;
  hashes: number;
  buckets: number;
  chunk: number;
  step: string;
  projected: number;
  pattern: string;
  window: number;
  stride: number;
  globals: number[];
  /** patterns: the position whose information the spread figure follows. */
  spreadSource: number;
  /** The sample's length, and where it comes from, in words. */
  readonly sampleLength: number;
  readonly sampleText: string;
  set(name: string, value: unknown): void;
}

const PENDING = html`<p class="pending" role="status">Working it out…</p>`;

/** An embedded heatmap of `matrix`, compact, in the element's theme. */
function heatmap(
  matrix: Matrix | undefined,
  label: string,
  theme: string,
  extra: { domain?: readonly [number, number]; colormap?: string; cls?: string } = {},
): TemplateResult {
  if (!matrix) return PENDING;
  return html`<attention-heatmap
    class=${extra.cls ?? 'matrix'}
    compact
    label=${label}
    theme=${theme}
    colormap=${extra.colormap ?? 'viridis'}
    .domain=${extra.domain}
    .matrix=${matrix}
  ></attention-heatmap>`;
}

/** A projection E or F, [k x L]: rows against positions, in a diverging map. */
function projection(matrix: Matrix, label: string, theme: string): TemplateResult {
  return html`<attention-heatmap
    class="projection"
    compact
    label=${label}
    theme=${theme}
    colormap="rdbu"
    query-label="Row"
    key-label="Position"
    .matrix=${matrix}
  ></attention-heatmap>`;
}

export function renderPerformer(view: ExplorerView, lab: PerformerLab | undefined): TemplateResult {
  const draw = view.draw as (typeof FEATURE_DRAWS)[number];
  const kernel = view.kernel as (typeof FEATURE_KERNELS)[number];
  const estimate = lab?.estimate(draw, kernel, view.features);
  const point = lab?.point(draw, kernel, view.features);
  // One range for both, kept by the lab: a new array each render would redraw both matrices.
  const domain = lab?.domain;
  return html`<section part="section" aria-labelledby="performer-title">
    <h2 id="performer-title">Performer: attention from random features</h2>
    <p class="about">
      Performer replaces exp(q · k / √d) by φ(q) · φ(k) over m random features, so attention costs L
      × m instead of L². Positive features (exp) keep every estimate positive; trigonometric ones
      (sin, cos) are unbiased too but can go negative, and their errors grow where attention is
      peaked. Orthogonal features cover the directions more evenly than independent ones. On
      ${view.sampleText}.
    </p>
    <div class="settings">
      ${stepSlider('Random features m', 'features', FEATURE_STEPS, view.features, (v) => view.set('features', v))}
      ${choiceMenu('Features', 'draw', FEATURE_DRAWS, view.draw, (v) => view.set('draw', v))}
      ${choiceMenu('Kernel', 'kernel', FEATURE_KERNELS, view.kernel, (v) => view.set('kernel', v))}
    </div>
    <p class="readout" role="status">
      ${
        point
          ? `m = ${view.features}, ${draw} ${kernel} features: relative error ${formatNumber(point.relative)}, mean error per cell ${formatNumber(point.mean)}`
          : 'Working out the estimate…'
      }
    </p>
    <div class="row">
      ${heatmap(lab?.exact, 'Exact softmax attention', view.theme, { domain })}
      ${heatmap(estimate, `Performer estimate, m = ${view.features}`, view.theme, { domain })}
      <div class="chart">
        <h3>Error against m</h3>
        <div class="performer-chart" part="chart"></div>
        <p class="note">
          ${lab?.complete ? '' : 'The curves fill in as each m is worked out. '}One draw of features
          (seed 1) per point; the dashed rule marks the m shown.
        </p>
      </div>
    </div>
  </section>`;
}

/** Reformer: the readout of `lab` at the view's settings; the strips and matrix of `figure`. */
export function renderReformer(
  view: ExplorerView,
  lab: ReformerLab | undefined,
  figure: ReformerFigure | undefined,
): TemplateResult {
  const rounds = lab?.rounds(view.hashes);
  const drawn = figure?.rounds;
  const step = view.step as ReformerStep;
  const upTo = REFORMER_STEPS.indexOf(step);
  const full = view.sampleLength ** 2;
  return html`<section part="section" aria-labelledby="reformer-title">
    <h2 id="reformer-title">Reformer: hash, sort, chunk, attend</h2>
    <p class="about">
      Reformer hashes queries and keys (shared) into buckets, sorts by bucket, cuts the sorted
      sequence into chunks and attends only within them: about L × chunk cells per round instead of
      L². Several rounds of hashing catch what one round splits apart. On ${view.sampleText}.
    </p>
    <div class="settings">
      ${rangeSlider('Hash rounds', 'hashes', 1, EFFICIENT_EXPLORER_LIMITS.hashes, view.hashes, (v) => view.set('hashes', v))}
      ${stepSlider('Buckets', 'buckets', [2, 4, 8, 16, 32, 64], view.buckets, (v) => view.set('buckets', v))}
      ${stepSlider('Chunk', 'chunk', [4, 8, 16, 32, 64, 128], view.chunk, (v) => view.set('chunk', v))}
      <span class="steps" role="group" aria-label="Step">
        ${REFORMER_STEPS.map(
          (s, i) =>
            html`<button
              part="button"
              aria-pressed=${s === step ? 'true' : 'false'}
              @click=${() => view.set('step', s)}
            >
              ${i + 1}. ${s}
            </button>`,
        )}
      </span>
    </div>
    <p class="readout" role="status">
      ${
        rounds
          ? `${rounds.hashes} round${rounds.hashes === 1 ? '' : 's'} keep ${formatShare(rounds.share)} of exact attention's mass; their buckets let queries see ${formatCount(rounds.cells)} of ${formatCount(full)} query–key cells, added over the rounds (${formatShare(rounds.cells / full)})`
          : 'Working out the buckets…'
      }
    </p>
    ${
      rounds
        ? html`<ul class="shares" aria-label="Mass kept by each round alone">
            ${rounds.roundShares.map(
              (share, r) => html`<li>Round ${r + 1} alone: ${formatShare(share)}</li>`,
            )}
          </ul>`
        : nothing
    }
    ${REFORMER_STEPS.slice(0, Math.min(upTo + 1, 3)).map(
      (s) =>
        html`<figure class="strips">
          <figcaption>${STEP_ABOUT[s]}</figcaption>
          <canvas
            class="strip"
            data-step=${s}
            role="img"
            aria-label=${drawn ? stripsText(drawn, s as 'hash') : 'Not worked out yet'}
          ></canvas>
        </figure>`,
    )}
    ${
      step === 'attend'
        ? html`<figure>
            <figcaption>${STEP_ABOUT.attend}</figcaption>
            <div class="row">
              ${heatmap(lab?.exact, 'Exact attention (shared QK)', view.theme)}
              ${
                figure
                  ? html`<attention-heatmap
                      class="matrix reformer"
                      compact
                      label=${`Reformer, ${figure.rounds.hashes} round${figure.rounds.hashes === 1 ? '' : 's'}`}
                      theme=${view.theme}
                      .matrix=${figure.rounds.weights}
                      .variant=${figure.variant}
                    ></attention-heatmap>`
                  : PENDING
              }
            </div>
          </figure>`
        : nothing
    }
  </section>`;
}

/**
 * Linformer; `figureK`, the k its matrices show (undefined until they show one); `model` when
 * following a trained model (its tag, and the samples it had seen when its E and F were read,
 * undefined before it has trained).
 */
export function renderLinformer(
  view: ExplorerView,
  lab: LinformerLab | undefined,
  figureK: number | undefined,
  model?: { tag: string; samples: number | undefined },
): TemplateResult {
  const learned = lab?.learned;
  if (model && !learned)
    return html`<section part="section" aria-labelledby="linformer-title">
      <h2 id="linformer-title">Linformer: attention is nearly low rank</h2>
      <p class="readout" role="status">
        Waiting for ${model.tag} to train: its learned E and F appear with its first attention
        snapshot.
      </p>
    </section>`;
  const k = learned ? learned.e.rows : view.projected;
  const point = lab?.point(k);
  // The matrices show `figureK`, which follows the slider's k a paint later.
  const shownK = figureK ?? k;
  const { e, f } = learned ?? projections(shownK, view.sampleLength);
  const lowRank = lab?.lowRank()[k - 1];
  const source = learned
    ? `learned by ${model?.tag ?? 'the followed model'} after ${formatCount(model?.samples ?? 0)} samples`
    : 'random, seeded';
  return html`<section part="section" aria-labelledby="linformer-title">
    <h2 id="linformer-title">Linformer: attention is nearly low rank</h2>
    <p class="about">
      The exact attention matrix's singular values fall fast: a few directions hold most of it, so a
      rank-k matrix is close (the best one, from the SVD, is the lower curve). Linformer projects
      the L keys and values along the sequence to k rows with E and F (random here, learned in a
      trained model) and attends over those k rows: L × k cells. E and F here: ${source}. On
      ${view.sampleText}.
    </p>
    ${
      learned
        ? nothing
        : html`<div class="settings">
            ${stepSlider('Rows k', 'projected', projectedSteps(view.sampleLength, k), k, (v) => view.set('projected', v))}
          </div>`
    }
    <p class="readout" role="status">
      ${
        point
          ? `k = ${k}: Linformer's relative error ${formatNumber(point.relative)}${lowRank ? `; the best rank-${k} approximation's ${formatNumber(lowRank.relative)}` : ''}`
          : 'Working out the projection…'
      }
    </p>
    <div class="row">
      <div class="chart">
        <h3>Singular values of the exact attention</h3>
        <div class="spectrum-chart" part="chart"></div>
        ${lab?.singular ? nothing : PENDING}
      </div>
      <div class="chart">
        <h3>Error against k</h3>
        <div class="linformer-chart" part="chart"></div>
      </div>
    </div>
    <div class="row">
      ${heatmap(lab?.exact, 'Exact softmax attention', view.theme)}
      ${heatmap(figureK ? lab?.matrix(figureK) : undefined, `Linformer P F, k = ${shownK}`, view.theme)}
      ${projection(e, `Projection E (${shownK} × ${view.sampleLength})`, view.theme)}
      ${projection(f, `Projection F (${shownK} × ${view.sampleLength})`, view.theme)}
    </div>
  </section>`;
}

export function renderPatterns(
  view: ExplorerView,
  result: PatternResult | undefined,
): TemplateResult {
  const kind = view.pattern as PatternKind;
  const most = Math.min(64, view.sampleLength);
  return html`<section part="section" aria-labelledby="patterns-title">
    <h2 id="patterns-title">Local, sparse and global patterns: cost and reach</h2>
    <p class="about">
      A pattern says which keys each query reads. Fewer cells cost less, but information then needs
      several attention steps (layers) to cross the series: the reach is the most steps any position
      needs to hear from any other. On ${view.sampleText}.
    </p>
    <div class="settings">
      ${choiceMenu('Pattern', 'pattern', PATTERNS, view.pattern, (v) => view.set('pattern', v))}
      ${rangeSlider('Window', 'window', 0, most, Math.min(view.window, most), (v) => view.set('window', v))}
      ${kind === 'sparse' ? rangeSlider('Stride', 'stride', 1, most, Math.min(view.stride, most), (v) => view.set('stride', v)) : nothing}
      ${
        kind === 'global'
          ? html`<label
              >Global positions
              <input
                type="text"
                name="globals"
                .value=${view.globals.join(' ')}
                @change=${(event: Event) =>
                  view.set(
                    'globals',
                    (event.target as HTMLInputElement).value
                      .split(/[\s,]+/)
                      .filter(Boolean)
                      .map(Number),
                  )}
            /></label>`
          : nothing
      }
    </div>
    <p class="readout" role="status">
      ${
        result
          ? `Cost: ${formatCount(result.cells)} of ${formatCount(result.full)} cells (${formatShare(result.share)}). Reach: ${reachText(result.reach)} to cross ${view.sampleLength} positions.`
          : ''
      }
    </p>
    ${result ? renderSpread(view, result) : nothing}
    <div class="row">
      ${
        result
          ? html`<attention-heatmap
              class="matrix pattern"
              compact
              label=${`${result.kind} attention`}
              theme=${view.theme}
              mask=${result.kind}
              window=${result.settings.window}
              stride=${result.settings.stride}
              .globals=${result.settings.globals}
              .matrix=${result.weights}
            ></attention-heatmap>`
          : nothing
      }
    </div>
  </section>`;
}

/** How information from one position spreads, step by step, with a slider for the position. */
function renderSpread(view: ExplorerView, result: PatternResult): TemplateResult {
  const source = Math.min(view.spreadSource, view.sampleLength - 1);
  const steps = spreadFrom(result, source);
  return html`<figure class="spread">
    <div class="settings">
      ${rangeSlider('Information from position', 'spread-source', 0, view.sampleLength - 1, source, (v) => view.set('spreadSource', v))}
    </div>
    <figcaption>
      One row per attention step, top to bottom: the positions that have heard from it (the newest
      darker). The rows it takes to fill are the steps a model needs in layers.
    </figcaption>
    <canvas class="spread-canvas" role="img" aria-label=${spreadText(steps, source)}></canvas>
    <p class="note">${spreadText(steps, source)}</p>
  </figure>`;
}

/** The latest spans of a followed adaptive model, with the heads they shape. */
export interface LatestSpans {
  spans: number[];
  maxSpan?: number;
  ramp?: number;
  heads?: readonly Matrix[];
}

export function renderAdaptive(
  view: ExplorerView,
  followed: string,
  history: readonly SpanSnapshot[],
  latest: LatestSpans | undefined,
): TemplateResult {
  const samples = history.at(-1)?.samples ?? 0;
  return html`<section part="section" aria-labelledby="adaptive-title">
    <h2 id="adaptive-title">Adaptive span: how far each head learns to look</h2>
    <p class="about">
      Each head weighs a key x tokens away by a soft window, whole up to its span and fading to
      nothing a ramp later; a penalty on the spans lets each head learn how far it needs to look.
      Followed: ${followed}.
    </p>
    <p class="readout" role="status">
      ${
        latest
          ? `After ${formatCount(samples)} samples: ${latest.spans.map((s, h) => `head ${h + 1} ${formatNumber(s)} tokens`).join(', ')}${latest.maxSpan ? ` (at most ${latest.maxSpan})` : ''}`
          : 'Waiting for the model to train: the spans appear with its first attention snapshot.'
      }
    </p>
    <div class="row">
      <div class="chart">
        <h3>Span per head as the model trains</h3>
        <div class="spans-chart" part="chart"></div>
      </div>
      ${
        latest?.heads?.length === latest?.spans.length && latest?.heads
          ? html`<attention-heatmap
              class="matrix adaptive"
              compact
              label="The model's attention, spans marked"
              theme=${view.theme}
              .heads=${latest.heads}
              .variant=${{
                attention: 'adaptive',
                spans: latest.spans,
                maxSpan: latest.maxSpan,
                options: latest.ramp ? { ramp: latest.ramp } : {},
              }}
            ></attention-heatmap>`
          : nothing
      }
    </div>
  </section>`;
}
