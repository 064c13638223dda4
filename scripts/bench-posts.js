// The `posts` bench: each post of the blog, built as it is published, read by a reader who
// scrolls through it (every figure's code loads as it comes near) and then trains each model
// figure in turn. It measures what the reader feels: the page's longest frame-to-frame gap and
// its long tasks (over 50 ms, with the scripts the browser blames for the longest frame),
// while loading and while each model trains, against the 50 ms of a long task.
//
// BENCH_PROFILE=<prefix> saves a CPU profile of each model's training (the elements unminified),
// BENCH_TRACE=<prefix> a Chrome trace of it, as <prefix>-<post>-<id>; each saves one of the
// scroll through each post too, as <prefix>-<post>-load.
//
// BENCH_QUERY options: `posts=efficient-attention,vision` (default: every post) and
// `seconds=20`, how long each model figure trains.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openPage } from './browser.js';
import { buildBundles } from './build-bundles.js';
import { startStaticServer } from './static-server.js';

const LONG_TASK = 50;

/** Installed before the page's own scripts: what the page reports while the reader is on it. */
function watch() {
  window.benchLong = [];
  window.benchFrames = [];
  window.benchGaps = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries())
      window.benchLong.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const f of list.getEntries())
      window.benchFrames.push({
        start: f.startTime,
        duration: f.duration,
        scripts: f.scripts.map((s) => ({
          where: `${s.sourceFunctionName || s.invoker} (${new URL(s.sourceURL || location.href).pathname.split('/').pop()})`,
          duration: s.duration,
        })),
      });
  }).observe({ type: 'long-animation-frame', buffered: true });
  // Frame to frame: a frame is held back while the main thread is busy.
  let last = 0;
  const tick = (now) => {
    if (last) window.benchGaps.push({ start: last, gap: now - last });
    last = now;
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
}

/** What happened on the page between `since` and `until` (page time). */
function summarise(since, until) {
  const within = (e) => e.start >= since && e.start < until;
  const long = window.benchLong.filter(within);
  const gaps = window.benchGaps.filter(within).map((g) => g.gap);
  const frames = window.benchFrames.filter(within);
  const longest = frames.reduce((a, b) => (b.duration > (a?.duration ?? 0) ? b : a), undefined);
  const blamed = longest
    ? [...longest.scripts]
        .sort((a, b) => b.duration - a.duration)
        .slice(0, 3)
        .map((s) => `${s.where} ${s.duration.toFixed(0)} ms`)
        .join(', ') || 'rendering'
    : '';
  return {
    longTasks: long.length,
    longestTask: Math.max(0, ...long.map((t) => t.duration)),
    longestGap: Math.max(0, ...gaps),
    frames: gaps.length,
    slowFrames: gaps.filter((g) => g > 50).length,
    blame: longest ? `longest frame ${longest.duration.toFixed(0)} ms: ${blamed}` : '',
  };
}

function row(figure, s, extra = '') {
  return {
    figure,
    value: s.longestGap,
    unit: 'ms',
    against: 'a long task',
    reference: LONG_TASK,
    ratio: LONG_TASK / Math.max(s.longestGap, 1),
    note: `${s.longTasks} long tasks${s.longTasks > 0 ? ` (longest ${s.longestTask.toFixed(0)} ms)` : ''}; ${s.slowFrames} of ${s.frames} frames over 50 ms apart${extra}${s.blame ? `; ${s.blame}` : ''}`,
  };
}

/** Starts sampling the page's JavaScript every 200 us. */
async function startProfile(page) {
  const session = await page.createCDPSession();
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 200 });
  await session.send('Profiler.start');
  return session;
}

/** Stops the profile `startProfile` began and saves it to `file`. */
async function saveProfile(session, file) {
  const { profile } = await session.send('Profiler.stop');
  writeFileSync(file, JSON.stringify(profile));
  await session.detach();
}

export async function postsSuite(root, browser) {
  const query = new URLSearchParams(process.env.BENCH_QUERY ?? '');
  const seconds = Number(query.get('seconds') ?? 20);
  const out = mkdtempSync(join(tmpdir(), 'da-posts-'));
  execFileSync('npx', ['eleventy', `--output=${out}`, '--quiet'], { cwd: root, stdio: 'pipe' });
  // BENCH_PROFILE=<prefix>: the elements unminified, and a CPU profile of each model's training
  // saved as <prefix>-<post>-<id>.cpuprofile (and of the scroll, <prefix>-<post>-load).
  const profile = process.env.BENCH_PROFILE;
  if (profile) await buildBundles(root, join(out, 'elements'), { minify: false });
  const posts = query.get('posts')?.split(',') ?? readdirSync(join(out, 'posts'));
  const server = await startStaticServer({ root: out });
  const rows = [];
  const problems = [];
  try {
    for (const slug of posts) {
      const { page, problems: seen } = await openPage(browser, `${server.url}/posts/${slug}/`, {
        setup: (tab) => tab.evaluateOnNewDocument(watch),
      });
      const trace = process.env.BENCH_TRACE;
      const tracing = (name) =>
        page.tracing.start({
          path: `${trace}-${slug}-${name}.json`,
          categories: [
            'devtools.timeline',
            'disabled-by-default-devtools.timeline',
            'v8.execute',
            // JavaScript samples in the trace, so that each long task shows what ran in it.
            'disabled-by-default-v8.cpu_profiler',
          ],
        });
      if (trace) await tracing('load');
      const loadProfile = profile ? await startProfile(page) : undefined;
      // Scroll to the end a screen at a time, as a reader does, and let every figure settle.
      const loaded = await page.evaluate(async () => {
        const since = 0;
        for (let step = 0; step < 200; step++) {
          window.scrollBy(0, window.innerHeight * 0.8);
          await new Promise((resolve) => setTimeout(resolve, 250));
          if (window.innerHeight + window.scrollY >= document.body.scrollHeight - 2) break;
        }
        const settled = [...document.querySelectorAll('*')]
          .filter((e) => e.localName.includes('-') && 'updateComplete' in e)
          .map((e) => e.updateComplete);
        await Promise.race([Promise.all(settled), new Promise((r) => setTimeout(r, 30_000))]);
        await new Promise((resolve) => setTimeout(resolve, 1000));
        return { since, until: performance.now() };
      });
      if (trace) await page.tracing.stop();
      if (loadProfile) await saveProfile(loadProfile, `${profile}-${slug}-load.cpuprofile`);
      const loading = await page.evaluate(summarise, loaded.since, loaded.until);
      rows.push(row(`${slug}: scrolled through, every figure loaded`, loading));
      const models = await page.$$eval('trainable-model', (all) => all.map((m, i) => m.id || i));
      for (const [index, id] of models.entries()) {
        const session = profile ? await startProfile(page) : undefined;
        if (trace) await tracing(id);
        const window = await page.evaluate(
          async (i, ms) => {
            const model = document.querySelectorAll('trainable-model')[i];
            model.scrollIntoView({ block: 'center' });
            await new Promise((resolve) => setTimeout(resolve, 500));
            let samples;
            let first;
            const started = new Promise((resolve) => (first = resolve));
            const progress = (event) => {
              samples = event.detail.samplesSeen;
              first();
            };
            model.addEventListener('training-progress', progress);
            let failed;
            model.train().catch((error) => (failed = String(error)));
            // From its first step (choosing a backend comes before, in its Worker), for `ms`.
            await Promise.race([started, new Promise((resolve) => setTimeout(resolve, 120_000))]);
            const since = performance.now();
            const from = samples;
            await new Promise((resolve) => setTimeout(resolve, ms));
            const until = performance.now();
            model.pause();
            model.removeEventListener('training-progress', progress);
            if (failed || from === undefined)
              throw new Error(`${model.id}: ${failed ?? 'no training step within 120 s'}`);
            samples -= from;
            await new Promise((resolve) => setTimeout(resolve, 500));
            return { since, until, samples };
          },
          index,
          seconds * 1000,
        );
        if (trace) await page.tracing.stop();
        if (session) await saveProfile(session, `${profile}-${slug}-${id}.cpuprofile`);
        const training = await page.evaluate(summarise, window.since, window.until);
        rows.push(
          row(
            `${slug}: while <trainable-model id="${id}"> trains (${seconds} s)`,
            training,
            window.samples !== undefined ? `; ${window.samples} samples trained` : '',
          ),
        );
      }
      problems.push(...seen.map((p) => `${slug}: ${p}`));
      await page.close();
    }
  } finally {
    await server.close();
    rmSync(out, { recursive: true, force: true });
  }
  return { title: 'Posts: the page while a reader loads it and trains its models', rows, problems };
}
