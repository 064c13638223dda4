// The reliability checks every element passes, driven by its custom-elements manifest: each
// attribute set and removed, each attribute and property given bad and edge values. Import from
// '../../ui/test/helpers.js' in an element's `test/reliability.test.ts`.
import { expect } from '@open-wc/testing';
import { capturingWarnings } from './helpers.js';

/** One attribute of an element, as its custom-elements manifest lists it. */
export interface ManifestAttribute {
  name: string;
  fieldName?: string;
  type?: string;
  default?: string;
}

/** The attributes of `tag` in the manifest at `manifestUrl`. */
export async function manifestAttributes(
  manifestUrl: URL,
  tag: string,
): Promise<ManifestAttribute[]> {
  const manifest = (await (await fetch(manifestUrl)).json()) as {
    modules: {
      declarations?: {
        tagName?: string;
        attributes?: {
          name: string;
          fieldName?: string;
          type?: { text: string };
          default?: string;
        }[];
      }[];
    }[];
  };
  for (const module of manifest.modules) {
    for (const declaration of module.declarations ?? []) {
      if (declaration.tagName !== tag) continue;
      return (declaration.attributes ?? []).map((attribute) => ({
        name: attribute.name,
        fieldName: attribute.fieldName,
        type: attribute.type?.text,
        default: attribute.default,
      }));
    }
  }
  throw new Error(`<${tag}> is not in ${manifestUrl.href}`);
}

/**
 * Bad and edge values for any attribute: numbers out of every range, non-numbers, empty and
 * blank text, markup and script, lists of the wrong kind, words no attribute takes.
 */
export const BAD_ATTRIBUTE_VALUES: readonly string[] = [
  '',
  ' ',
  '\t\n',
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '-0',
  '0',
  '0.5',
  '-0.5',
  '1',
  '2',
  '3',
  '7',
  '1e3',
  '4096',
  '65536',
  '1e9',
  '1e39',
  '1e309',
  '-1e309',
  '9007199254740993',
  '0x10',
  '1,2',
  '1 2 3',
  '1;2',
  '--1',
  '+5',
  '.',
  'abc',
  'true',
  'false',
  'null',
  'undefined',
  '[]',
  '{}',
  '[1,2]',
  '{"a":1}',
  '<b>bold</b>',
  '<script>window.__fuzzed = true</script>',
  '<img src=x onerror="window.__fuzzed=true">',
  '"quoted"',
  "'single'",
  '&amp;',
  'javascript:window.__fuzzed=true',
  '../../etc/passwd',
  'http://127.0.0.1:9/missing.json',
  'ümlaut ☃ 漢字',
  '🙂',
  'x'.repeat(10_000),
  'auto',
  'none',
  'light dark',
  'causal',
  'local',
  'performer',
  'rope',
  '2d',
  '60s',
  '-60s',
  '0s',
];

/** Bad and edge values for any property set from script. */
export const BAD_PROPERTY_VALUES: readonly unknown[] = [
  undefined,
  null,
  NaN,
  Infinity,
  -Infinity,
  -1,
  0,
  0.5,
  1e9,
  1e39,
  '',
  'abc',
  '<script>window.__fuzzed = true</script>',
  true,
  {},
  [],
  [NaN],
  [Infinity, 1],
  [[1, 2], [3]],
  [[NaN]],
  [[1e39]],
  { data: [1, 2, 3], rows: 2, cols: 2 },
  new Float32Array(3),
  () => 0,
  [1, 2, 3],
  ['a', 'b'],
  -0,
  false,
  2 ** 31,
  -(2 ** 31),
  Number.MAX_VALUE,
  Number.MIN_VALUE,
  3.7,
  '1',
  ' ',
  'NaN',
  'x'.repeat(10_000),
  '<img src=x onerror="window.__fuzzed=true">',
  Symbol('fuzz'),
  10n,
  new Date(0),
  /re/,
  new Map([[1, 2]]),
  Object.create(null),
  Object.freeze({ a: 1 }),
  { length: 3 },
  [undefined],
  [null],
  [[]],
  [
    [1, 2],
    [3, 4],
  ],
  [
    [Infinity, 1],
    [1, 1],
  ],
  [
    [-1, 2],
    [3, 4],
  ],
  [1, 'a'],
  [-1, 0],
  [1, 0],
  [0, Infinity],
  [NaN, 1],
  [0, 1, 2],
  new Array(2 ** 32 - 1),
  Array.from({ length: 10_000 }, (_, i) => i),
  new Float32Array([NaN, 1]),
  new Int8Array(2),
  { data: [], rows: -1, cols: 2 },
  { data: [1, 2, 3, 4], rows: 2, cols: 2 },
  [{ data: [1], rows: 1, cols: 1 }],
  Promise.resolve(1),
];

/** Uncaught errors and unhandled rejections on the page while watching. */
export function watchUncaught(): { errors: string[]; stop(): void } {
  const errors: string[] = [];
  const onError = (event: ErrorEvent) => errors.push(String(event.error ?? event.message));
  const onRejection = (event: PromiseRejectionEvent) => errors.push(String(event.reason));
  window.addEventListener('error', onError);
  window.addEventListener('unhandledrejection', onRejection);
  return {
    errors,
    stop() {
      window.removeEventListener('error', onError);
      window.removeEventListener('unhandledrejection', onRejection);
    },
  };
}

/** The main-thread tasks over 50 ms while watching (the browser's long-task entries). */
export function watchLongTasks(): { durations: number[]; stop(): void } {
  const durations: number[] = [];
  const observer = new PerformanceObserver((list) =>
    list.getEntries().forEach((entry) => durations.push(entry.duration)),
  );
  observer.observe({ type: 'longtask', buffered: false });
  return { durations, stop: () => observer.disconnect() };
}

/** The element's visible error message, or '' when it shows none. */
export function shownError(element: Element): string {
  return element.shadowRoot?.querySelector('[part~="error"]')?.textContent?.trim() ?? '';
}

/** Waits for the element to settle, but never longer than `ms`: a frozen element fails later checks. */
export async function settle(element: Element, ms = 5000): Promise<void> {
  const update = (element as Element & { updateComplete?: Promise<unknown> }).updateComplete;
  await Promise.race([update, new Promise((resolve) => setTimeout(resolve, ms))]);
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * A value's task is measured again, up to `TRIES` times in all, when it comes out over this: load
 * from other work on a 2-core machine (a collection, another process) makes one task long at
 * random, while a value that really costs too much is long on every try. A value's cost is its
 * shortest try; `remeasured` in each report lists every value that needed more than one.
 */
export const REMEASURE_OVER_MS = 150;
export const TRIES = 3;

/** The longest main-thread task (over 50 ms, else 0) that `action` caused, waited for in full. */
export async function longestTaskOf(action: () => Promise<void>): Promise<number> {
  const durations: number[] = [];
  const observer = new PerformanceObserver((list) =>
    list.getEntries().forEach((entry) => durations.push(entry.duration)),
  );
  observer.observe({ type: 'longtask', buffered: false });
  try {
    await action();
    // Long-task entries arrive after their task ends: give them a turn, then take what is queued.
    await new Promise((resolve) => setTimeout(resolve, 0));
    observer.takeRecords().forEach((entry) => durations.push(entry.duration));
  } finally {
    observer.disconnect();
  }
  return Math.max(0, ...durations);
}

/**
 * The cost of `action` in its longest task, remeasured (after `undo`) while it is over
 * `REMEASURE_OVER_MS`, `TRIES` tries at most: the shortest try, and every try when there were more.
 */
export async function costOf(
  action: () => Promise<void>,
  undo: () => Promise<void>,
): Promise<{ ms: number; tries: number[] }> {
  const tries = [await longestTaskOf(action)];
  while (Math.min(...tries) > REMEASURE_OVER_MS && tries.length < TRIES) {
    await undo();
    tries.push(await longestTaskOf(action));
  }
  return { ms: Math.min(...tries), tries };
}

/** Notes a value's cost in `report`: its longest task, and its tries when it took more than one. */
function record(
  report: { longestTask: number; remeasured: string[] },
  label: string,
  cost: { ms: number; tries: number[] },
): void {
  report.longestTask = Math.max(report.longestTask, cost.ms);
  if (cost.tries.length > 1)
    report.remeasured.push(`${label}: ${cost.tries.map((ms) => ms.toFixed(0)).join(', ')} ms`);
}

/** Runs `body` while watching the page for uncaught errors and unhandled rejections. */
async function watching(
  report: { exceptions: string[] },
  body: () => Promise<void>,
): Promise<void> {
  const uncaught = watchUncaught();
  try {
    await body();
  } finally {
    uncaught.stop();
  }
  report.exceptions.push(...uncaught.errors);
}

/** What a fuzz run found, for the test's assertions and the run's log. */
export interface FuzzReport {
  tried: number;
  exceptions: string[];
  /** The longest main-thread task a value caused (its shortest try: see `REMEASURE_OVER_MS`). */
  longestTask: number;
  /** Values measured more than once, with each try's longest task. */
  remeasured: string[];
  /** Messages that appeared for an attribute but did not name it. */
  unnamed: string[];
  /** Attributes that showed a message still after being removed again. */
  unrecovered: string[];
}

/**
 * Sets every attribute of `attributes` to every value of `values` in turn, each time checking
 * that any message shown names the attribute, then removes it and checks the message goes.
 * Returns what it found; the caller asserts.
 */
export async function fuzzAttributes(
  element: HTMLElement,
  attributes: readonly ManifestAttribute[],
  values: readonly string[] = BAD_ATTRIBUTE_VALUES,
): Promise<FuzzReport> {
  const report: FuzzReport = {
    tried: 0,
    exceptions: [],
    longestTask: 0,
    remeasured: [],
    unnamed: [],
    unrecovered: [],
  };
  await watching(report, async () => {
    for (const { name } of attributes) {
      for (const value of values) {
        report.tried++;
        const label = `${name}="${value.slice(0, 40)}"`;
        const set = async () => {
          try {
            element.setAttribute(name, value);
            await settle(element);
          } catch (error) {
            report.exceptions.push(`${label}: ${String(error)}`);
          }
        };
        const unset = async () => {
          element.removeAttribute(name);
          await settle(element);
        };
        record(report, label, await costOf(set, unset));
        const message = shownError(element);
        if (message && !message.includes(name))
          report.unnamed.push(`${name}="${value.slice(0, 40)}": ${message}`);
      }
      const last = values[values.length - 1];
      const removal = async () => {
        element.removeAttribute(name);
        await settle(element);
      };
      const setLast = async () => {
        if (last === undefined) return;
        element.setAttribute(name, last);
        await settle(element);
      };
      record(report, `${name} removed`, await costOf(removal, setLast));
      const left = shownError(element);
      if (left) report.unrecovered.push(`${name}: ${left}`);
    }
  });
  return report;
}

/** Asserts what every fuzz run must show: nothing thrown, messages named, recovery, no freeze. */
export function expectReliable(report: FuzzReport, longestTaskMs = 200): void {
  if (report.remeasured.length > 0)
    console.log(`measured again (longest task of each try): ${report.remeasured.join('; ')}`);
  expect(report.exceptions, 'uncaught exceptions').to.deep.equal([]);
  expect(report.unnamed, 'messages that do not name their attribute').to.deep.equal([]);
  expect(report.unrecovered, 'messages left after the attribute was removed').to.deep.equal([]);
  expect(report.longestTask, 'longest main-thread task (ms)').to.be.below(longestTaskMs);
  expect((window as { __fuzzed?: boolean }).__fuzzed, 'markup in a value ran script').to.equal(
    undefined,
  );
}

/**
 * For every attribute with a value in `nonDefault`, on a fresh element: sets it, checks the
 * property took it, removes it, and checks the property is back to its default with no message,
 * as platform attributes behave. Returns what failed, one line each.
 */
export async function removalFailures(
  create: () => Promise<HTMLElement>,
  attributes: readonly ManifestAttribute[],
  nonDefault: Readonly<Record<string, string>>,
): Promise<string[]> {
  const failures: string[] = [];
  for (const { name, fieldName } of attributes) {
    const value = nonDefault[name];
    if (value === undefined) {
      failures.push(`${name}: no non-default value given to test its removal`);
      continue;
    }
    const element = await create();
    const field = (fieldName ?? name) as keyof typeof element;
    const initial = JSON.stringify(element[field]);
    element.setAttribute(name, value);
    await settle(element);
    if (JSON.stringify(element[field]) === initial) {
      failures.push(`${name}="${value}" left ${String(fieldName)} at its default`);
      continue;
    }
    element.removeAttribute(name);
    await settle(element);
    const after = JSON.stringify(element[field]);
    if (after !== initial)
      failures.push(`${name} removed: ${String(fieldName)} is ${after}, not ${initial}`);
    const message = shownError(element);
    if (message) failures.push(`${name} removed: shows "${message}"`);
    element.remove();
  }
  return failures;
}

/** What a property fuzz run found: a FuzzReport, and the values the element judged wrongly. */
export interface PropertyFuzzReport extends FuzzReport {
  /** Bad values taken without a message, and good values shown a message, one line each. */
  misjudged: string[];
}

/** A value as a report line quotes it; never throws, whatever the value. */
export function describeFuzzValue(value: unknown): string {
  try {
    if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
    if (typeof value === 'bigint') return `${value}n`;
    if (typeof value === 'function') return 'a function';
    if (typeof value === 'symbol') return value.toString();
    if (typeof value !== 'object' || value === null) return String(value);
    const name = (value as object).constructor?.name ?? 'Object.create(null)';
    // A long (or sparse, 2^32 - 1 long) array is named by its length, never walked.
    if (Array.isArray(value) && value.length > 100) return `${name} of length ${value.length}`;
    const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
    return `${name} ${(text ?? '').slice(0, 40)}`;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

/**
 * Sets property `name` of `element` to every value of `values`, each followed by `good`, and
 * records: exceptions (thrown by the setter or uncaught on the page), messages that do not name
 * `named` (the attribute the property stands for), bad values (per `isBad`) shown no message and
 * good ones shown a message, a message left after `good`, and the longest main-thread task.
 * Returns what it found; assert with `expectReliableProperty`.
 */
export async function fuzzProperty(
  element: HTMLElement,
  name: string,
  values: readonly unknown[],
  {
    good,
    isBad,
    named = name,
  }: { good: unknown; isBad: (value: unknown) => boolean; named?: string },
): Promise<PropertyFuzzReport> {
  const report: PropertyFuzzReport = {
    tried: 0,
    exceptions: [],
    longestTask: 0,
    remeasured: [],
    unnamed: [],
    unrecovered: [],
    misjudged: [],
  };
  const target = element as unknown as Record<string, unknown>;
  await watching(report, async () => {
    for (const value of values) {
      report.tried++;
      const label = `${name} = ${describeFuzzValue(value)}`;
      const set = async () => {
        try {
          target[name] = value;
          await settle(element);
        } catch (error) {
          report.exceptions.push(`${label}: ${String(error)}`);
        }
      };
      const reset = async () => {
        try {
          target[name] = good;
          await settle(element);
        } catch {
          // Setting `good` is checked below, after the last try.
        }
      };
      record(report, label, await costOf(set, reset));
      const message = shownError(element);
      if (message && !message.includes(named)) report.unnamed.push(`${label}: ${message}`);
      const bad = isBad(value);
      if (bad && !message) report.misjudged.push(`${label}: taken without a message`);
      if (!bad && message) report.misjudged.push(`${label}: a good value, shown "${message}"`);
      const recover = async () => {
        try {
          target[name] = good;
          await settle(element);
        } catch (error) {
          report.exceptions.push(`${name} = ${describeFuzzValue(good)}: ${String(error)}`);
        }
      };
      record(report, `${label}, then ${describeFuzzValue(good)}`, await costOf(recover, set));
      const left = shownError(element);
      if (left) report.unrecovered.push(`${label}, then ${describeFuzzValue(good)}: ${left}`);
    }
  });
  return report;
}

/** `expectReliable`, and every value judged right: a message for each bad one, none for good ones. */
export function expectReliableProperty(report: PropertyFuzzReport, longestTaskMs = 200): void {
  expectReliable(report, longestTaskMs);
  expect(report.misjudged, 'values judged wrongly').to.deep.equal([]);
}

/** What putting many elements on one page cost: time until all were ready, the longest task. */
export interface CrowdReport {
  count: number;
  /** Time until every element was ready, on the first try (the cold one). */
  readyMs: number;
  /** The longest main-thread task: the shortest try's (see `REMEASURE_OVER_MS`). */
  longestTask: number;
  /** Each try's longest task, when there was more than one. */
  tries: number[];
  exceptions: string[];
}

/**
 * Puts `count` elements made by `create` on the page at once (as a long post with many figures
 * does), waits until every one is ready, and removes them; again with new elements while the
 * longest task is over `REMEASURE_OVER_MS`, `TRIES` tries at most. Returns what it cost.
 */
export async function crowd(count: number, create: () => HTMLElement): Promise<CrowdReport> {
  const report: CrowdReport = { count, readyMs: 0, longestTask: 0, tries: [], exceptions: [] };
  const host = document.createElement('div');
  document.body.append(host);
  await watching(report, async () => {
    const cost = await costOf(
      async () => {
        const start = performance.now();
        const elements = Array.from({ length: count }, create);
        host.append(...elements);
        await Promise.all(elements.map((element) => settle(element, 60_000)));
        if (report.readyMs === 0) report.readyMs = performance.now() - start;
      },
      async () => {
        host.replaceChildren();
        await new Promise((resolve) => setTimeout(resolve, 0));
      },
    );
    report.longestTask = cost.ms;
    if (cost.tries.length > 1) {
      report.tries = cost.tries;
      console.log(
        `${count} on one page, measured again (longest task of each try): ${cost.tries.map((ms) => ms.toFixed(0)).join(', ')} ms`,
      );
    }
  });
  host.remove();
  return report;
}

/**
 * The `tag` element made from `markup` in a `.reliability-host` container, on the page and
 * settled, its warnings kept quiet; `removeReliabilityHosts` (after each test) takes it away.
 */
export async function settledFromMarkup<T extends Element>(
  markup: string,
  tag: string,
): Promise<T> {
  const container = document.createElement('div');
  container.className = 'reliability-host';
  let el!: T;
  await capturingWarnings(async () => {
    container.innerHTML = markup;
    document.body.append(container);
    el = container.querySelector<T>(tag)!;
    await settle(el, 30_000);
  });
  return el;
}

/** Removes every container `settledFromMarkup` made. */
export function removeReliabilityHosts(): void {
  document.querySelectorAll('.reliability-host').forEach((host) => host.remove());
}
