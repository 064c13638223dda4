/**
 * The page side of `npm run bench`: runs one suite (`?suite=name` loads `name.bench.js`) and
 * leaves its rows in `window.benchResult` for the Node side to print.
 */

/** One printed figure, with what it is compared against, measured in the same run. */
export interface BenchRow {
  figure: string;
  value: number;
  unit: string;
  /** What the figure is compared against. */
  against: string;
  reference: number;
  /** value / reference, or reference / value for "higher is better" figures: always > 1 is better. */
  ratio: number;
  note?: string;
}

export type Report = (row: BenchRow) => void;

export interface BenchSuite {
  title: string;
  run(report: Report): Promise<void>;
}

declare global {
  interface Window {
    benchResult?: { title: string; rows: BenchRow[]; done: boolean; error?: string };
  }
}

/** Median wall time of `fn` in milliseconds, after `warmup` untimed runs. */
export async function medianTime(
  fn: () => unknown,
  { repeats = 5, warmup = 1 } = {},
): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Lets the page paint and the event loop turn, between measurements. */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}

async function main(): Promise<void> {
  const name = new URLSearchParams(location.search).get('suite') ?? '';
  const result: NonNullable<Window['benchResult']> = { title: name, rows: [], done: false };
  window.benchResult = result;
  try {
    // A URL, not a template literal, so the bundler leaves this import to the browser.
    const url = new URL(`./${encodeURIComponent(name)}.bench.js`, import.meta.url).href;
    const suite = ((await import(url)) as { default: BenchSuite }).default;
    result.title = suite.title;
    await suite.run((row) => result.rows.push(row));
  } catch (error) {
    result.error =
      error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
  }
  result.done = true;
}

void main();
