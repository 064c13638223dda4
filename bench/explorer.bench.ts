/**
 * `npm run bench -- explorer`: how `<efficient-attention-explorer>` answers its sliders at
 * L = 400 (its default length), as a reader moves them: for each slider, each move made at the
 * start of a frame, and the time to the next frame (one frame, 16.7 ms at 60 Hz, when the reply
 * fits in it; two when a frame is dropped), whether the readout had changed by then, when every
 * figure had been drawn anew (the element's `updateComplete`), and the longest task (the page runs only our code) from
 * the first move until the figure is finished, slices and chart redraws included (target: none
 * over 50 ms).
 *
 * Query options (BENCH_QUERY): `methods=performer,reformer,linformer,patterns`, and
 * `sliders=hashes,window` to move only those sliders; `profile` takes a CPU profile of each
 * slider's moves (console.profile, saved with BENCH_PROFILE).
 */
import type { EfficientAttentionExplorer } from '@decoding-attention/efficient-attention-explorer';
import '@decoding-attention/efficient-attention-explorer/efficient-attention-explorer.js';
import type { BenchSuite, Report } from './harness.js';

const FRAME = 1000 / 60;
const LONG_TASK = 50;

/** A slider and the slider positions a reader moves it through, from where it starts. */
interface Case {
  method: string;
  attributes: string;
  slider: string;
  positions: number[];
}

const CASES: Case[] = [
  { method: 'performer', attributes: '', slider: 'features', positions: [5, 6, 7, 3, 0, 4] },
  { method: 'reformer', attributes: '', slider: 'hashes', positions: [3, 4, 6, 8, 1, 2] },
  { method: 'reformer', attributes: '', slider: 'buckets', positions: [0, 4, 5, 2, 3] },
  { method: 'reformer', attributes: '', slider: 'chunk', positions: [0, 5, 2, 4, 3] },
  { method: 'linformer', attributes: '', slider: 'projected', positions: [0, 2, 4, 6, 1, 3] },
  { method: 'patterns', attributes: '', slider: 'window', positions: [2, 16, 64, 128, 0, 8] },
  {
    method: 'patterns',
    attributes: 'pattern="sparse"',
    slider: 'stride',
    positions: [2, 16, 32, 4, 8],
  },
  {
    method: 'patterns',
    attributes: '',
    slider: 'spread-source',
    positions: [100, 200, 399, 0, 50],
  },
];

/** The time at the next frame's animation callbacks (not the frame's start, which can be earlier). */
const frame = () =>
  new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now())));

interface LongFrame extends PerformanceEntry {
  scripts: { invoker: string; sourceFunctionName: string; duration: number }[];
}

/** What the longest of `frames` spent its time in: its longest scripts, by invoker. */
function blame(frames: LongFrame[], since: number): string {
  frames = frames.filter((f) => f.startTime >= since);
  if (frames.length === 0) return 'no long animation frame';
  const longest = frames.reduce((a, b) => (b.duration > a.duration ? b : a));
  const scripts = [...longest.scripts]
    .sort((a, b) => b.duration - a.duration)
    .slice(0, 3)
    .map(
      (script) => `${script.sourceFunctionName || script.invoker} ${script.duration.toFixed(0)} ms`,
    );
  return `longest animation frame ${longest.duration.toFixed(0)} ms: ${scripts.join(', ') || 'rendering'}`;
}
const idle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the element has worked out and drawn everything (`updateComplete`), at most `ms`. */
async function settled(el: EfficientAttentionExplorer, ms: number): Promise<void> {
  await Promise.race([el.updateComplete, idle(ms)]);
}

function readout(el: EfficientAttentionExplorer): string {
  return el.shadowRoot?.querySelector('.readout')?.textContent?.trim() ?? '';
}

/**
 * The longest stretch the main thread was busy between `start()` and `stop()`: a message
 * posted to itself again and again, and the longest gap between two of them (a task of ours,
 * or a frame's rendering, holds the next message back). Long-task entries tell only of tasks
 * over 50 ms; this gives the size of the longest one below that too.
 */
function busyProbe() {
  const channel = new MessageChannel();
  let running = false;
  let last = 0;
  let longest = 0;
  channel.port1.onmessage = () => {
    if (!running) return;
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    channel.port2.postMessage(null);
  };
  return {
    start() {
      running = true;
      longest = 0;
      last = performance.now();
      channel.port2.postMessage(null);
    },
    stop(): number {
      running = false;
      return longest;
    },
  };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
};

const suite: BenchSuite = {
  title: '<efficient-attention-explorer> sliders at L = 400',
  async run(report: Report) {
    const params = new URLSearchParams(location.search);
    const methods = (params.get('methods') ?? 'performer,reformer,linformer,patterns').split(',');
    const sliders = params.get('sliders')?.split(',');
    const tasks: PerformanceEntry[] = [];
    new PerformanceObserver((list) => tasks.push(...list.getEntries())).observe({
      type: 'longtask',
      buffered: false,
    });
    const frames: LongFrame[] = [];
    new PerformanceObserver((list) => frames.push(...(list.getEntries() as LongFrame[]))).observe({
      type: 'long-animation-frame',
      buffered: false,
    });
    const probe = busyProbe();
    /** A fresh figure of case `c`, finished loading (the reader arrives at a figure at rest). */
    const open = async (c: Case) => {
      const host = document.createElement('div');
      host.innerHTML = `<efficient-attention-explorer method="${c.method}" ${c.attributes}></efficient-attention-explorer>`;
      document.body.append(host);
      const el = host.firstElementChild as EfficientAttentionExplorer;
      await settled(el, 60_000);
      await idle(500);
      const input = el.shadowRoot!.querySelector<HTMLInputElement>(`input[name="${c.slider}"]`);
      if (!input) throw new Error(`${c.method}: no slider named ${c.slider}`);
      return { host, el, input };
    };
    const chosen = (one: Case) =>
      methods.includes(one.method) && (!sliders || sliders.includes(one.slider));
    for (const c of CASES.filter(chosen)) {
      const name = `${c.method}${c.attributes ? ` (${c.attributes})` : ''}, ${c.slider} slider`;
      // First pass: the frames. Each move comes at the start of a frame, so the reply has a
      // whole frame to be ready in: the next frame comes one frame later (16.7 ms), or two or
      // more when the reply took longer.
      let { host, el, input } = await open(c);
      frames.length = 0;
      const firstPass = performance.now();
      if (params.has('profile')) console.profile(c.slider);
      const intervals: number[] = [];
      const toShown: number[] = [];
      const toFinished: number[] = [];
      let answered = 0;
      for (const position of c.positions) {
        const before = readout(el);
        const t0 = await frame();
        input.value = String(position);
        input.dispatchEvent(new Event('input'));
        intervals.push((await frame()) - t0);
        // When every figure has been drawn anew (the element's work, slices included).
        const finished = settled(el, 5000).then(() => performance.now() - t0);
        if (readout(el) !== before) answered++;
        // Then the frames until the figure shows the move (its readout changed), at most 1 s.
        let shown = performance.now();
        while (readout(el) === before && performance.now() - t0 < 1000) shown = await frame();
        if (readout(el) !== before) toShown.push(shown - t0);
        toFinished.push(await finished);
        // A reader's next move comes a moment later.
        await idle(150);
      }
      if (params.has('profile')) console.profileEnd(c.slider);
      await settled(el, 60_000);
      host.remove();
      const nextFrames = intervals.filter((ms) => ms < 1.5 * FRAME).length;
      const worst = Math.max(...intervals);
      report({
        figure: `${name}: frame to frame across a move, worst of ${c.positions.length} moves`,
        value: worst,
        unit: 'ms',
        against: 'one frame at 60 Hz',
        reference: FRAME,
        ratio: FRAME / worst,
        note: `${nextFrames} of ${c.positions.length} moves answered in the very next frame (median ${median(intervals).toFixed(1)} ms); the readout had changed by then on ${answered}; the readout showed the move after ${toShown.length > 0 ? `${median(toShown).toFixed(0)} ms (median), ${Math.max(...toShown).toFixed(0)} at most` : 'no readout change (this slider moves a drawing only)'}; every figure drawn anew after ${median(toFinished).toFixed(0)} ms (median), ${Math.max(...toFinished).toFixed(0)} at most; ${blame(frames, firstPass)}`,
      });
      // Second pass, on a fresh figure: the same moves with the busy probe running, until the
      // figure is finished.
      ({ host, el, input } = await open(c));
      tasks.length = 0;
      frames.length = 0;
      const started = performance.now();
      probe.start();
      for (const position of c.positions) {
        input.value = String(position);
        input.dispatchEvent(new Event('input'));
        await idle(150);
      }
      const lastMove = performance.now();
      await settled(el, 60_000);
      const finished = performance.now() - lastMove;
      await idle(300);
      const longest = probe.stop();
      host.remove();
      const long = tasks.filter((t) => t.startTime >= started);
      report({
        figure: `${name}: longest busy stretch of the page, moves to finished figure`,
        value: longest,
        unit: 'ms',
        against: 'a long task',
        reference: LONG_TASK,
        ratio: LONG_TASK / longest,
        note: `${long.length} long tasks reported by the browser (longest ${Math.max(0, ...long.map((t) => t.duration)).toFixed(0)} ms); figure finished ${finished.toFixed(0)} ms after the last move; ${blame(frames, started)}`,
      });
    }
  },
};

export default suite;
