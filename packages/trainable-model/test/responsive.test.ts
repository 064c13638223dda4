import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import type { TrainableModel } from '../src/index.js';
import '../src/trainable-model.js';

// In a page of its own: what earlier tests leave behind (elements, charts, garbage) must not
// be counted against training.
describe('<trainable-model> responsiveness', () => {
  it('keeps the page responsive while training at full size: no main-thread task over 50 ms', async function () {
    // A full-size step takes seconds on a busy 2-core machine; what is measured is the page.
    this.timeout(120_000);
    const el = await fixture<TrainableModel>(
      html`<trainable-model budget="6s" backend="wasm"></trainable-model>`,
    );
    const long: number[] = [];
    const observer = new PerformanceObserver((list) =>
      list.getEntries().forEach((entry) => long.push(entry.duration)),
    );
    el.train();
    await oneEvent(el, 'training-progress');
    observer.observe({ type: 'longtask', buffered: false });
    await oneEvent(el, 'training-done');
    await new Promise((resolve) => setTimeout(resolve, 100));
    observer.disconnect();
    // The default model (the transformer) at its defaults: batches of 16, several of them.
    expect(el.trainingResults[0]).to.include({ model: 'transformer' });
    expect(el.trainingResults[0].samplesSeen).to.be.at.least(32);
    expect(long, `long tasks: ${long.join(', ')} ms`).to.deep.equal([]);
  });
});
