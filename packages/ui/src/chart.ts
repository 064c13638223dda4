import type * as VegaEmbed from 'vega-embed';
import type { Result as EmbedResult, VisualizationSpec } from 'vega-embed';
import type * as VegaInterpreter from 'vega-interpreter';
import type { ThemeColors } from './theme.js';

type VegaEmbedModule = typeof VegaEmbed;
type VegaInterpreterModule = typeof VegaInterpreter;

let modules: Promise<[VegaEmbedModule, VegaInterpreterModule]> | undefined;

/**
 * Loads vega-embed (with vega and vega-lite) and vega's expression interpreter, once per page.
 * Nothing imports vega until a chart is first shown.
 */
export function loadVega(): Promise<[VegaEmbedModule, VegaInterpreterModule]> {
  modules ??= Promise.all([import('vega-embed'), import('vega-interpreter')]);
  return modules;
}

/** A chart drawn by vega-lite: its live vega view, and what the element needs to export or end it. */
export interface Chart {
  readonly view: EmbedResult['view'];
  /** The chart as SVG text. */
  toSvg(): Promise<string>;
  /** The chart as a canvas, at `scale` times its size. */
  toCanvas(scale?: number): Promise<HTMLCanvasElement>;
  /** Stops the view's timers and listeners and removes what it drew. */
  finalize(): void;
}

/** Vega config that follows the element's theme, so charts match light and dark schemes. */
export function chartConfig(colors: ThemeColors): Record<string, unknown> {
  const axis = {
    domainColor: colors.muted,
    tickColor: colors.muted,
    gridColor: colors.border,
    labelColor: colors.muted,
    titleColor: colors.text,
    labelFont: 'system-ui, sans-serif',
    titleFont: 'system-ui, sans-serif',
  };
  return {
    background: null,
    // Our data are always finite: no per-point validity filter, which vega's CSP-safe
    // interpreter would evaluate for every point on every update.
    mark: { invalid: null },
    font: 'system-ui, sans-serif',
    axis,
    legend: { labelColor: colors.text, titleColor: colors.text },
    title: { color: colors.text },
    view: { stroke: null },
  };
}

/**
 * Draws a vega-lite `spec` into `container`, in CSP-safe mode: expressions are interpreted from
 * their AST, never compiled with `new Function`, so pages with `script-src 'self'` work.
 */
export async function embedChart(
  container: HTMLElement,
  spec: VisualizationSpec,
  { colors, renderer = 'svg' }: { colors: ThemeColors; renderer?: 'svg' | 'canvas' },
): Promise<Chart> {
  const [{ default: embed }, { expressionInterpreter }] = await loadVega();
  const result = await embed(container, spec, {
    ast: true,
    expr: expressionInterpreter,
    renderer,
    actions: false,
    tooltip: false,
    // No <style> element injected (a strict CSP blocks it): the theme carries the few rules.
    defaultStyle: false,
    // Warnings such as "infinite extent" for a dataset that is still empty say nothing to a reader.
    logLevel: 1,
    config: chartConfig(colors) as never,
  });
  return {
    view: result.view,
    toSvg: () => result.view.toSVG(),
    toCanvas: (scale = 1) => result.view.toCanvas(scale) as Promise<HTMLCanvasElement>,
    finalize: () => {
      result.finalize();
      container.replaceChildren();
    },
  };
}
