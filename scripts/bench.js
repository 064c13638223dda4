// `npm run bench [suite...]`: bundles bench/*.bench.ts, runs each suite in headless Chromium and
// prints every figure beside what it is compared against, as a ratio from the same run.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { launchBrowser, openPage } from './browser.js';
import { ensureChrome } from './chrome.js';
import { coreAssetsPlugin, trainingWorkerEntry } from './esbuild-assets.js';
import { startStaticServer } from './static-server.js';

const root = fileURLToPath(new URL('../', import.meta.url));
// The bundle the suites run from, rebuilt each run: BENCH_OUT=.bench-2 gives a second run of its
// own folder, so two can run at once without one deleting the other's files.
const out = `${root}${process.env.BENCH_OUT ?? '.bench'}/`;
if (!/^\.bench[\w-]*$/.test(process.env.BENCH_OUT ?? '.bench')) {
  console.error('BENCH_OUT must name a folder .bench<suffix> at the root (ignored by git).');
  process.exit(1);
}
const available = readdirSync(`${root}bench`)
  .filter((file) => file.endsWith('.bench.ts'))
  .map((file) => file.replace(/\.bench\.ts$/, ''));
// `sizes` and `posts` run on the Node side (bundle sizes, the built blog) with pages of their own; `train`, `kernels` and
// `attention` take minutes, so they run only when asked for (`npm run bench:train`).
available.push('sizes', 'posts');
const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
const slow = ['train', 'kernels', 'attention'];
const suites = requested.length > 0 ? requested : available.filter((name) => !slow.includes(name));
for (const name of suites) {
  if (!available.includes(name)) {
    console.error(`No suite "${name}". Suites: ${available.join(', ')}`);
    process.exit(1);
  }
}

// The suites bundle the packages' dist/: build whatever changed first (turbo caches the rest).
const built = spawnSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], {
  cwd: root,
  stdio: 'inherit',
});
if (built.status !== 0) process.exit(built.status ?? 1);
process.env.CHROME_PATH = ensureChrome();
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: [
    `${root}bench/harness.ts`,
    ...suites
      .filter((name) => name !== 'sizes' && name !== 'posts')
      .map((name) => `${root}bench/${name}.bench.ts`),
    trainingWorkerEntry(root),
  ],
  plugins: [coreAssetsPlugin(root, out)],
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  outdir: out,
  minify: !process.env.BENCH_PROFILE,
  conditions: ['browser', 'import', 'default'],
  tsconfigRaw: {
    compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false },
  },
  logLevel: 'warning',
});

const page = `<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
<title>bench</title><script type="module" src="/harness.js"></script></head><body></body></html>`;
// Cross-origin isolated, so suites can use SharedArrayBuffer and precise timers; training is
// measured as a blog reader runs it, on a page that is not (BENCH_ISOLATED=1 to isolate it too).
const isolated = await startStaticServer({
  root: out,
  pages: { '/index.html': page },
  headers: {
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  },
});
const plain = await startStaticServer({ root: out, pages: { '/index.html': page } });
const serverFor = (name) =>
  name === 'train' && process.env.BENCH_ISOLATED !== '1' ? plain : isolated;
const browser = await launchBrowser();
const version = await browser.version();
let failed = false;

const format = (value, unit) => {
  const digits = value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
};

/** A console line from a suite that starts so carries results to keep: `{ file, entries }`. */
const SAVE = 'bench-save ';

/**
 * Keeps measured results in the repo (docs/data/*.json only): `entries` is `{ section: { key:
 * entry } }`; each entry replaces the one of that key in the file, stamped with how it was
 * measured (date, browser, machine, the load on it, and the command that measures it again).
 */
function save(suite, { file, entries }) {
  if (!/^docs\/data\/[\w-]+\.json$/.test(file))
    throw new Error(`bench-save: ${file} is not docs/data/*.json`);
  const path = `${root}${file}`;
  const data = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : {};
  const query = process.env.BENCH_QUERY ? `BENCH_QUERY='${process.env.BENCH_QUERY}' ` : '';
  const measured = {
    date: new Date().toISOString().slice(0, 10),
    browser: `${version}, headless`,
    machine: `${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
    load: Number(loadavg()[0].toFixed(2)),
    command: `${query}npm run bench -- ${suite}`,
  };
  for (const [section, keyed] of Object.entries(entries)) {
    data[section] = { ...data[section] };
    for (const [key, entry] of Object.entries(keyed)) data[section][key] = { ...entry, measured };
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
  console.log(`  saved ${Object.keys(entries).join(', ')} to ${file}`);
}

/** Prints a suite's rows: each figure beside what it is compared against, and the ratio. */
function printTable(result) {
  console.log(`\n${result.title}  (${version}, headless)`);
  const rows = result.rows.map((row) => [
    row.figure,
    format(row.value, row.unit),
    `${row.against}: ${format(row.reference, row.unit)}`,
    `${row.ratio.toFixed(2)}x`,
  ]);
  const header = ['figure', 'value', 'compared against', 'ratio (>1 better)'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => c.padEnd(widths[i])).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows) console.log(line(row));
  for (const row of result.rows.filter((r) => r.note))
    console.log(`  * ${row.figure}: ${row.note}`);
}

for (const name of suites) {
  if (name === 'sizes' || name === 'posts') {
    const result =
      name === 'sizes'
        ? await (await import('./bench-sizes.js')).sizesSuite(root, browser)
        : await (await import('./bench-posts.js')).postsSuite(root, browser);
    printTable(result);
    if (result.problems.length > 0) {
      failed = true;
      console.error(...result.problems);
    }
    continue;
  }
  const { page: tab, problems } = await openPage(
    browser,
    `${serverFor(name).url}/index.html?suite=${name}${process.env.BENCH_QUERY ? `&${process.env.BENCH_QUERY}` : ''}`,
  );
  // Progress lines from long suites, as they happen; results a suite keeps in the repo, saved.
  tab.on('console', (message) => {
    if (message.type() !== 'log') return;
    const text = message.text();
    if (text.startsWith(SAVE)) save(name, JSON.parse(text.slice(SAVE.length)));
    else console.log(`  ${text}`);
  });
  // Diagnostics: BENCH_PROFILE=<prefix> keeps the bundle readable and saves each CPU profile a
  // suite takes with console.profile(title) as <prefix>-<title>.cpuprofile; BENCH_TRACE=<file>
  // saves a Chrome trace of the suite (rendering and compositing included).
  if (process.env.BENCH_PROFILE) {
    const session = await tab.createCDPSession();
    await session.send('Profiler.enable');
    await session.send('Profiler.setSamplingInterval', { interval: 100 });
    session.on('Profiler.consoleProfileFinished', ({ profile, title }) =>
      writeFileSync(`${process.env.BENCH_PROFILE}-${title}.cpuprofile`, JSON.stringify(profile)),
    );
  }
  if (process.env.BENCH_TRACE)
    await tab.tracing.start({
      path: process.env.BENCH_TRACE,
      categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'cc'],
    });
  // Waited for in slices: one wait is one protocol call, which the browser's protocol timeout
  // (30 minutes) would cut short in a long suite.
  const deadline = Date.now() + 240 * 60 * 1000;
  for (;;) {
    try {
      await tab.waitForFunction(() => window.benchResult?.done === true, {
        timeout: 10 * 60 * 1000,
        polling: 500,
      });
      break;
    } catch (error) {
      if (error?.name !== 'TimeoutError' || Date.now() > deadline) throw error;
    }
  }
  const result = await tab.evaluate(() => window.benchResult);
  if (process.env.BENCH_TRACE) await tab.tracing.stop();
  await tab.close();
  printTable(result);
  if (result.error || problems.length > 0) {
    failed = true;
    console.error(result.error ?? '', ...problems);
  }
}

await browser.close();
await isolated.close();
await plain.close();
process.exit(failed ? 1 : 0);
