import { fixture, html } from '@open-wc/testing';
import { settle, watchLongTasks } from '../../ui/test/reliability.js';
import type { ShapeDatasetViewer } from '../src/index.js';
import '../src/shape-dataset-viewer.js';

async function measure(attrs: Record<string, string>): Promise<string> {
  const results: number[] = [];
  for (let i = 0; i < 3; i++) {
    const el = await fixture<ShapeDatasetViewer>(html`<shape-dataset-viewer></shape-dataset-viewer>`);
    await settle(el);
    await new Promise((r) => setTimeout(r, 100));
    const tasks = watchLongTasks();
    const t0 = performance.now();
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    el.setAttribute('seed', String(i + 1));
    await settle(el, 60000);
    await new Promise((r) => setTimeout(r, 300));
    tasks.stop();
    results.push(Math.max(0, ...tasks.durations));
    console.log(JSON.stringify(attrs), 'total', Math.round(performance.now() - t0), 'tasks', tasks.durations.map(Math.round).join(','));
    el.remove();
  }
  return results.join(',');
}

describe('scratch', () => {
  it('measures', async function () {
    this.timeout(600000);
    for (const attrs of [
      { length: '400' },
      { length: '2000' },
      { length: '5000' },
      { length: '10000' },
      { length: '20000', 'noise-sigma': '100' },
      { mode: '2d', width: '256', height: '256', 'blur-sigma': '5' },
      { mode: '2d', width: '128', height: '128', 'blur-sigma': '5' },
    ])
      await measure(attrs);
  });
});
