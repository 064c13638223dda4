import '@decoding-attention/trainable-model/trainable-model.js';
import type { TrainableModel } from '@decoding-attention/trainable-model';
import { expect, fixture, oneEvent } from '@open-wc/testing';
import '../src/efficient-attention-explorer.js';
import type { EfficientAttentionExplorer } from '../src/index.js';
import { $, capturingWarnings } from '../../ui/test/helpers.js';
import { shownError } from '../../ui/test/reliability.js';

const TAG = 'efficient-attention-explorer';

/** A small, fast transformer configuration. */
const small = `length="48" hidden-size="16" heads="2" batch-size="8" validation-size="16"
  learning-rate="0.003" budget="4 steps" backend="wasm"`;

async function pair(model: string, explorer: string) {
  const host = await fixture<HTMLElement>(
    `<div><trainable-model id="trained" ${model} ${small}></trainable-model><${TAG} for="trained" ${explorer}></${TAG}></div>`,
  );
  const el = host.querySelector<EfficientAttentionExplorer>(TAG)!;
  const trained = host.querySelector<TrainableModel>('trainable-model')!;
  await capturingWarnings(() => Promise.all([el.updateComplete, trained.updateComplete]));
  return { el, trained };
}

/** Presses the model's Train button and waits for the end of its budget. */
async function train(trained: TrainableModel): Promise<void> {
  const button = [...trained.shadowRoot!.querySelectorAll('button')].find(
    (b) => b.textContent?.trim() === 'Train',
  )!;
  setTimeout(() => button.click());
  await oneEvent(trained, 'training-done');
  await trained.updateComplete;
}

describe(`<${TAG}> following a <trainable-model>`, function () {
  this.timeout(300_000);

  it("records an adaptive model's spans as it trains", async () => {
    const { el, trained } = await pair(
      'model="mha" attention="adaptive" span="20"',
      'method="adaptive"',
    );
    expect(shownError(el)).to.equal('');
    await train(trained);
    await el.updateComplete;
    const spans = el.spans;
    expect(spans.length).to.be.at.least(1);
    const last = spans.at(-1)!;
    expect(last.spans).to.have.length(2);
    for (const s of last.spans) expect(s).to.be.within(0, 20);
    expect(last.samples).to.be.above(0);
    expect($(el, '.readout').textContent).to.match(/^\s*After \d+ samples: head 1 /);
  });

  it("shows a Linformer model's learned E and F", async () => {
    const { el, trained } = await pair(
      'model="attention" attention="linformer" projected="8"',
      'method="linformer"',
    );
    expect(shownError(el)).to.equal('');
    await train(trained);
    await el.updateComplete;
    const summary = el.toJSON().summary as { projected: number; relative: number };
    expect(summary.projected).to.equal(8);
    expect(el.sampleLength).to.equal(48);
    expect(Number.isFinite(summary.relative)).to.equal(true);
  });

  it('names a model trained with another attention', async () => {
    const { el } = await pair('model="mha"', 'method="adaptive"');
    expect(shownError(el)).to.equal(
      'for="trained" names a <trainable-model> with attention="full"; method="adaptive" needs one with attention="adaptive"',
    );
  });
});
