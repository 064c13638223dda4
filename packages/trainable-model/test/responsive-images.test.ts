import { expect, fixture, html } from '@open-wc/testing';
import type { TrainableModel } from '../src/index.js';
import '../src/trainable-model.js';
import { longTasksWhileTraining } from './long-tasks.js';

// In a page of its own, like the other models': nothing left over from other tests.
describe('<trainable-model task="shapes-2d"> responsiveness', () => {
  it('stays responsive at the image defaults, with six attention layers and the rollout drawn over the image', async function () {
    this.timeout(180_000);
    const el = await fixture<TrainableModel>(
      html`<trainable-model task="shapes-2d" budget="12s" backend="wasm"></trainable-model>`,
    );
    const long = await longTasksWhileTraining(el);
    expect(el.trainingResults[0]).to.include({ model: 'vit-encdec' });
    // The snapshots' maps arrived and were drawn while it was watched: 2 encoder layers, 2
    // decoder blocks of self- and cross-attention, and the rollout.
    const heatmaps = el.shadowRoot!.querySelectorAll('attention-heatmap');
    expect(heatmaps.length).to.equal(7);
    expect(long, `long tasks: ${long.join(', ')} ms`).to.deep.equal([]);
  });
});
