import { expect, fixture, html } from '@open-wc/testing';
import type { TrainableModel } from '../src/index.js';
import '../src/trainable-model.js';
import { longTasksWhileTraining } from './long-tasks.js';

// In a page of its own, like the attention model's: nothing left over from other tests.
describe('<trainable-model> responsiveness with the default model', () => {
  it('stays responsive with the default transformer two blocks deep, whose maps are two layers of four 400 x 400 heads', async function () {
    this.timeout(120_000);
    // Two blocks (the default is one): twice the maps to draw per snapshot.
    const el = await fixture<TrainableModel>(
      html`<trainable-model blocks="2" budget="10s" backend="wasm"></trainable-model>`,
    );
    const long = await longTasksWhileTraining(el);
    expect(el.trainingResults[0]).to.include({ model: 'transformer' });
    // At least one snapshot of the maps arrived and was drawn while it was watched.
    const layers = el.shadowRoot!.querySelectorAll('attention-heatmap');
    expect(layers.length).to.equal(2);
    expect(long, `long tasks: ${long.join(', ')} ms`).to.deep.equal([]);
  });
});
