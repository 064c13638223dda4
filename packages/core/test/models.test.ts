import * as tf from '@tensorflow/tfjs';
import { expect } from '@open-wc/testing';
import { MODEL_IDS, modelCatalog, parameterCount } from '../src/index.js';
import { attentionLayers, buildModel, withAttentionOutputs } from '../src/models/index.js';

/** Parameter counts at length 400 from spec/models.md (tfjs: one bias per LSTM gate set). */
const SPEC_COUNTS = {
  fcn: 271_248,
  cnn: 62_337,
  lstm: 132_737,
  attention: 12_673,
  'attention-pe': 16_833,
  mha: 20_993,
} as const;

before(async () => {
  await tf.setBackend('cpu');
});

describe('buildModel', () => {
  for (const [id, count] of Object.entries(SPEC_COUNTS)) {
    it(`${id} has exactly the spec's ${count.toLocaleString('en')} parameters at length 400`, () => {
      const model = buildModel(id as keyof typeof SPEC_COUNTS);
      expect(model.countParams()).to.equal(count);
      expect(parameterCount(id as keyof typeof SPEC_COUNTS)).to.equal(count);
      model.dispose();
    });
  }

  it('the LSTM has 1,024 fewer than PyTorch counts (one bias vector per gate set, not two)', () => {
    expect(133_761 - parameterCount('lstm')).to.equal(1024);
  });

  it('the catalogue counts every model and option as tfjs does', () => {
    const cases = [
      { length: 120, hidden: 32, heads: 4 },
      {
        length: 64,
        hidden: 16,
        heads: 2,
        positional: 'learnable' as const,
        embedding: 'dense' as const,
        blocks: 3,
      },
    ];
    for (const options of cases) {
      for (const entry of modelCatalog(options)) {
        const model = buildModel(entry.id, options);
        expect(model.countParams(), `${entry.id} ${JSON.stringify(options)}`).to.equal(
          entry.parameters,
        );
        model.dispose();
      }
    }
  });

  it('maps [batch, length] to [batch, length] and trains: the loss falls in a few steps', async () => {
    for (const id of MODEL_IDS) {
      const model = buildModel(id, { length: 32, hidden: 8, heads: 2 });
      const x = tf.randomNormal([4, 32]);
      const y = tf.mul(x, 2);
      expect((model.predict(x) as tf.Tensor).shape).to.deep.equal([4, 32]);
      const optimizer = tf.train.adam(0.01);
      const losses: number[] = [];
      for (let step = 0; step < 15; step++) {
        const loss = optimizer.minimize(
          () => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar,
          true,
        )!;
        losses.push((await loss.data())[0]);
        loss.dispose();
      }
      expect(losses[14], id).to.be.below(losses[0]);
      tf.dispose([x, y]);
      optimizer.dispose();
      model.dispose();
    }
  });

  it('hands back attention weights per layer: rows summing to 1, causal rows zero above the diagonal', () => {
    const model = buildModel('transformer', {
      length: 16,
      hidden: 8,
      heads: 2,
      mask: 'causal',
      blocks: 2,
    });
    expect(attentionLayers(model)).to.have.length(2);
    const inspector = withAttentionOutputs(model)!;
    const outputs = inspector.predict(tf.randomNormal([1, 16])) as tf.Tensor[];
    expect(outputs).to.have.length(3);
    const weights = outputs[1].arraySync() as number[][][][];
    expect(outputs[1].shape).to.deep.equal([1, 2, 16, 16]);
    for (const row of weights[0][1]) expect(row.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-5);
    expect(weights[0][0][3].slice(4).every((v) => v === 0)).to.equal(true);
    tf.dispose(outputs);
    model.dispose();
    expect(withAttentionOutputs(buildModel('cnn', { length: 16 }))).to.equal(undefined);
  });

  it('RoPE and learnable encodings build and run', () => {
    for (const positional of [
      'rope',
      'learnable',
      'linear',
      'none',
      'sinusoidal-inverted',
    ] as const) {
      const model = buildModel('transformer', { length: 16, hidden: 8, heads: 2, positional });
      const out = model.predict(tf.randomNormal([2, 16])) as tf.Tensor;
      expect(out.shape).to.deep.equal([2, 16]);
      out.dispose();
      model.dispose();
    }
  });

  it('rejects bad options with a message', () => {
    expect(() => buildModel('mha', { hidden: 30, heads: 4 })).to.throw(
      RangeError,
      /hidden \(30\) must be divisible by heads \(4\)/,
    );
    // @ts-expect-error an unknown model, as an attribute could give
    expect(() => buildModel('gpt')).to.throw(RangeError, /model must be one of/);
  });
});
