import * as tf from '@tensorflow/tfjs';
import { expect } from '@open-wc/testing';
import { MODEL_IDS, modelCatalog, parameterCount } from '../src/index.js';
import {
  Conv1DSame,
  LayerNorm,
  OUTPUT_SCALE,
  Scale,
  attentionLayers,
  buildModel,
  gelu,
  withAttentionOutputs,
} from '../src/models/index.js';
import { lstmRecurrence } from '../src/models/lstm-recurrence.js';
import { useBackend } from '../src/train/backends.js';
import { fusedAttentionAvailable, useWasmKernels } from '@decoding-attention/wasm-kernels';

/** Parameter counts at length 400 from docs/design/models.md (tfjs: one bias per LSTM gate set). */
const DESIGN_COUNTS = {
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
  for (const [id, count] of Object.entries(DESIGN_COUNTS)) {
    it(`${id} has exactly the documented ${count.toLocaleString('en')} parameters at length 400`, () => {
      const model = buildModel(id as keyof typeof DESIGN_COUNTS);
      expect(model.countParams()).to.equal(count);
      expect(parameterCount(id as keyof typeof DESIGN_COUNTS)).to.equal(count);
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

  it('builds the same initial weights from the same seed, and different ones from another', () => {
    const options = { length: 16, hidden: 8, heads: 2, positional: 'learnable' as const };
    for (const id of MODEL_IDS) {
      const [a, b, c] = [0, 0, 1].map((seed) => buildModel(id, { ...options, seed }));
      const values = (model: tf.LayersModel) => model.weights.map((w) => w.read().dataSync());
      const [wa, wb, wc] = [a, b, c].map(values);
      // Each random weight is its own draw: no two kernels of a model start alike.
      const kernels = wa.filter((w) => w.some((v) => v !== 0 && v !== 1));
      expect(new Set(kernels.map((w) => w[0])).size, id).to.equal(kernels.length);
      expect(wb, id).to.deep.equal(wa);
      expect(
        wc.some((w, i) => w.some((v, j) => v !== wa[i][j])),
        id,
      ).to.equal(true);
      for (const model of [a, b, c]) model.dispose();
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

  it("Conv1DSame gives tf.conv1d's values and gradients, same padding, odd and even kernels", () => {
    for (const kernelSize of [5, 4]) {
      const x = tf.randomNormal([2, 9, 3], 0, 1, 'float32', 11);
      const layer = new Conv1DSame({ filters: 4, kernelSize, seed: 1, name: `conv${kernelSize}` });
      layer.apply(x);
      const [kernel] = layer.getWeights();
      expect(kernel.shape).to.deep.equal([kernelSize * 3, 4]);
      const bias = tf.randomNormal([4], 0, 1, 'float32', 13);
      layer.setWeights([kernel, bias]);
      const reference = (input: tf.Tensor, k: tf.Tensor) =>
        tf.add(
          tf.conv1d(
            input as tf.Tensor3D,
            tf.reshape(k, [kernelSize, 3, 4]) as tf.Tensor3D,
            1,
            'same',
          ),
          bias,
        );
      const weighted = tf.randomNormal([2, 9, 4], 0, 1, 'float32', 12);
      const close = (a: tf.Tensor, b: tf.Tensor) =>
        expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).to.be.below(1e-4);
      close(layer.apply(x) as tf.Tensor, reference(x, kernel));
      const loss = (y: tf.Tensor) => tf.sum(tf.mul(y, weighted)) as tf.Scalar;
      close(
        tf.grad((input: tf.Tensor) => loss(layer.apply(input) as tf.Tensor))(x),
        tf.grad((input: tf.Tensor) => loss(reference(input, kernel)))(x),
      );
      // The kernel's and the bias's gradients.
      const ours = layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
      const theirs = [tf.variable(kernel), tf.variable(bias)];
      const oursGrads = tf.variableGrads(() => loss(layer.apply(x) as tf.Tensor), ours).grads;
      const theirGrads = tf.variableGrads(
        () => loss(tf.add(tf.sub(reference(x, theirs[0]), bias), theirs[1])),
        theirs,
      ).grads;
      ours.forEach((v, i) => close(oursGrads[v.name], theirGrads[theirs[i].name]));
      tf.dispose(theirs);
    }
  });

  it('Conv1DSame trains on webgl too, with one-channel inputs and outputs over long sequences', async () => {
    // tfjs-webgl multiplies a long one-column operand its own way, which broke on a broadcast
    // batch: the gradient must use plain products.
    const run = () =>
      tf.tidy(() => {
        const layer = new Conv1DSame({ filters: 1, seed: 2, name: 'long' });
        const x = tf.randomNormal([3, 500, 1], 0, 1, 'float32', 14);
        layer.apply(x);
        const weights = layer.trainableWeights.map(
          (w) => (w as unknown as { val: tf.Variable }).val,
        );
        const { grads } = tf.variableGrads(
          () => tf.sum(tf.square(layer.apply(x) as tf.Tensor)) as tf.Scalar,
          weights,
        );
        const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.square(layer.apply(t) as tf.Tensor)))(x);
        return [...weights.map((w) => grads[w.name]), dx].map((g) => Array.from(g.dataSync()));
      });
    const onCpu = run();
    expect(await tf.setBackend('webgl')).to.equal(true);
    try {
      const onWebgl = run();
      onWebgl.forEach((values, i) =>
        values.forEach((v, j) =>
          expect(v).to.be.closeTo(onCpu[i][j], 1e-3 * (1 + Math.abs(onCpu[i][j]))),
        ),
      );
    } finally {
      await tf.setBackend('cpu');
    }
  });

  it('the transformer predicts through its head times a fixed output scale of 20', () => {
    expect(OUTPUT_SCALE).to.equal(20);
    const scale = new Scale({ factor: OUTPUT_SCALE, name: 'scale' });
    expect(Array.from((scale.apply(tf.tensor1d([1, -2.5])) as tf.Tensor).dataSync())).to.deep.equal(
      [20, -50],
    );
    expect(scale.getConfig()).to.include({ factor: 20 });
    const model = buildModel('transformer', { length: 16, hidden: 8, heads: 2 });
    const names = model.layers.map((layer) => layer.name);
    expect(names.slice(-3)).to.deep.equal(['head', 'head-scale', 'prediction']);
    expect(model.countParams()).to.equal(
      parameterCount('transformer', { length: 16, hidden: 8, heads: 2 }),
    );
    model.dispose();
  });

  it("LayerNorm gives tfjs's LayerNormalization's values and gradients", () => {
    const x = tf.randomNormal([3, 5, 8], 2, 3, 'float32', 7);
    const ours = new LayerNorm({ name: 'ours' });
    const theirs = tf.layers.layerNormalization({ name: 'theirs' });
    ours.apply(x);
    theirs.apply(x);
    const gamma = tf.randomNormal([8], 1, 0.5, 'float32', 8);
    const beta = tf.randomNormal([8], 0, 0.5, 'float32', 9);
    for (const layer of [ours, theirs]) layer.setWeights([gamma, beta]);
    expect(ours.getWeights().map((w) => w.shape)).to.deep.equal([[8], [8]]);
    const weighted = tf.randomNormal([3, 5, 8], 0, 1, 'float32', 10);
    const close = (a: tf.Tensor, b: tf.Tensor) =>
      expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).to.be.below(1e-4);
    close(ours.apply(x) as tf.Tensor, theirs.apply(x) as tf.Tensor);
    // The gradient with respect to the input, through tfjs's own gradient functions.
    const dOurs = tf.grad((input: tf.Tensor) =>
      tf.sum(tf.mul(ours.apply(input) as tf.Tensor, weighted)),
    )(x);
    const dTheirs = tf.grad((input: tf.Tensor) =>
      tf.sum(tf.mul(theirs.apply(input) as tf.Tensor, weighted)),
    )(x);
    close(dOurs, dTheirs);
    // And with respect to gamma and beta, through the optimizer's path (variable gradients).
    const variableGrads = (layer: tf.layers.Layer) =>
      tf.variableGrads(
        () => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, weighted)) as tf.Scalar,
        layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val),
      ).grads;
    const [ga, gb] = [variableGrads(ours), variableGrads(theirs)];
    for (const [a, b] of Object.values(ga).map((g, i) => [g, Object.values(gb)[i]])) close(a, b);
  });

  it('GELU gives x Phi(x) and its derivative Phi(x) + x phi(x)', () => {
    const x = tf.tensor([-1, 0, 1, 2.5]);
    // Phi and phi of the standard normal, to double precision.
    const values = [-0.15865525393145707, 0, 0.8413447460685429, 2.4844758366855597];
    const slopes = [-0.08331547058768629, 0.5, 1.0833154705876864, 1.037611085908145];
    const close = (actual: tf.Tensor, expected: number[]) =>
      Array.from(actual.dataSync()).forEach((v, i) => expect(v).to.be.closeTo(expected[i], 1e-6));
    close(gelu(x), values);
    close(tf.grad((t: tf.Tensor) => tf.sum(gelu(t)))(x), slopes);
    // The same as the plain ops' values and gradients (tfjs's own GELU), on random inputs.
    const r = tf.randomNormal([200], 0, 3, 'float32', 11);
    const plain = (t: tf.Tensor) =>
      tf.mul(t, tf.mul(0.5, tf.add(1, tf.erf(tf.div(t, Math.SQRT2)))));
    close(gelu(r), Array.from(plain(r).dataSync()));
    close(
      tf.grad((t: tf.Tensor) => tf.sum(gelu(t)))(r),
      Array.from(
        tf
          .grad((t: tf.Tensor) => tf.sum(plain(t)))(r)
          .dataSync(),
      ),
    );
  });

  it('GELU keeps one tensor for the backward pass and LayerNorm three, where plain ops keep many', () => {
    // The tensors a recorded forward pass leaves alive for its gradient: all but the output of
    // a tidy run while gradients are recorded.
    const kept = (f: (t: tf.Tensor) => tf.Tensor) => {
      let count = 0;
      const x = tf.randomNormal([4, 8], 0, 1, 'float32', 12);
      const g = tf.grad((t: tf.Tensor) => {
        const before = tf.memory().numTensors;
        const y = tf.tidy(() => f(t));
        count = tf.memory().numTensors - before - 1;
        return tf.sum(y);
      })(x);
      tf.dispose([x, g]);
      return count;
    };
    const norm = new LayerNorm({ name: 'kept' });
    norm.apply(tf.zeros([4, 8]));
    expect(kept(gelu)).to.equal(1);
    expect(kept((t) => norm.apply(t) as tf.Tensor)).to.equal(3);
    expect(kept((t) => tf.mul(t, tf.mul(0.5, tf.add(1, tf.erf(tf.div(t, Math.SQRT2))))))).to.equal(
      9,
    );
    norm.dispose();
  });

  it('a transformer training step runs as many kernels at batch 8 as at batch 1', async () => {
    // A per-sample or per-position loop in a gradient (as tfjs's LayerNormalization's tile had)
    // would make a step's kernel count grow with the batch, and the step take minutes.
    const model = buildModel('transformer', { length: 32, hidden: 8, heads: 2 });
    const kernels = async (batch: number) => {
      const info = await tf.profile(() => {
        const { grads, value } = tf.variableGrads(
          () =>
            tf.losses.meanSquaredError(
              tf.zeros([batch, 32]),
              model.apply(tf.randomNormal([batch, 32])) as tf.Tensor,
            ) as tf.Scalar,
        );
        tf.dispose([value, ...Object.values(grads)]);
      });
      return info.kernels.length;
    };
    const one = await kernels(1);
    const eight = await kernels(8);
    model.dispose();
    expect(eight).to.equal(one);
    expect(one).to.be.below(1500);
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

/** The LSTM recurrence written step by step with tfjs ops: the reference for the fused op. */
function referenceRecurrence(
  projected: tf.Tensor3D,
  recurrent: tf.Tensor2D,
  reverse = false,
): tf.Tensor3D {
  const [batch, length] = projected.shape;
  const units = recurrent.shape[0];
  const steps = tf.unstack(projected, 1) as tf.Tensor2D[];
  let h = tf.zeros([batch, units]) as tf.Tensor2D;
  let c = tf.zeros([batch, units]) as tf.Tensor2D;
  const outputs = new Array<tf.Tensor2D>(length);
  for (let k = 0; k < length; k++) {
    const t = reverse ? length - 1 - k : k;
    const z = tf.add(steps[t], tf.matMul(h, recurrent));
    const [i, f, g, o] = tf.split(z, 4, 1);
    c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g))) as tf.Tensor2D;
    h = tf.mul(tf.sigmoid(o), tf.tanh(c)) as tf.Tensor2D;
    outputs[t] = h;
  }
  return tf.stack(outputs, 1) as tf.Tensor3D;
}

describe('the fused LSTM recurrence', () => {
  const close = (actual: tf.Tensor, expected: tf.Tensor, what: string) => {
    const a = actual.dataSync();
    const e = expected.dataSync();
    expect(a.length, what).to.equal(e.length);
    let worst = 0;
    for (let i = 0; i < a.length; i++)
      worst = Math.max(worst, Math.abs(a[i] - e[i]) / Math.max(1, Math.abs(e[i])));
    expect(worst, what).to.be.below(1e-5);
  };

  for (const reverse of [false, true]) {
    it(`matches the step-by-step ops, values and gradients (${reverse ? 'backward' : 'forward'} in time)`, () => {
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const [batch, length, units] = [3, 7, 5];
        const projected = tf.randomNormal<tf.Rank.R3>(
          [batch, length, 4 * units],
          0,
          1,
          'float32',
          1,
        );
        const recurrent = tf.randomNormal<tf.Rank.R2>([units, 4 * units], 0, 0.5, 'float32', 2);
        // A weighting of the outputs, so every position's gradient differs.
        const weights = tf.randomNormal([batch, length, units], 0, 1, 'float32', 3);
        const loss = (run: typeof lstmRecurrence) => (p: tf.Tensor, r: tf.Tensor) =>
          tf.sum(tf.mul(run(p as tf.Tensor3D, r as tf.Tensor2D, reverse), weights));
        close(
          lstmRecurrence(projected, recurrent, reverse),
          referenceRecurrence(projected, recurrent, reverse),
          'hidden states',
        );
        const ours = tf.grads(loss(lstmRecurrence))([projected, recurrent]);
        const reference = tf.grads(loss(referenceRecurrence))([projected, recurrent]);
        close(ours[0], reference[0], 'gradient of the projected inputs');
        close(ours[1], reference[1], 'gradient of the recurrent kernel');
      });
      expect(tf.memory().numTensors).to.equal(before);
    });
  }

  it('trains the lstm model: the loss falls in a few steps', async () => {
    const model = buildModel('lstm', { length: 32, hidden: 8 });
    const optimizer = tf.train.adam(0.01);
    const x = tf.randomNormal([8, 32], 0, 10, 'float32', 4);
    const y = tf.tidy(() => tf.mul(x, 0.5));
    const step = async () => {
      const loss = optimizer.minimize(
        () => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar,
        true,
      )!;
      const [value] = await loss.data();
      loss.dispose();
      return value;
    };
    const first = await step();
    let last = first;
    for (let i = 0; i < 30; i++) last = await step();
    expect(last).to.be.below(first * 0.8);
    tf.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  });
});

describe('SelfAttention with the fused attention op (wasm backend, our kernels)', () => {
  before(async () => {
    // The wasm binaries, as the trainer finds them, from this package's dist.
    expect(await useBackend('wasm')).to.equal(true);
  });
  after(async () => {
    await useWasmKernels(false);
    await tf.setBackend('cpu');
  });

  /** A causal transformer's training-mode loss and gradients, and the kernels they ran. */
  async function step(model: tf.LayersModel, x: tf.Tensor, training: boolean) {
    let result: { loss: number; grads: Float32Array[]; names: string[] } | undefined;
    const info = await tf.profile(() => {
      const { grads, value } = tf.variableGrads(
        () =>
          tf.losses.meanSquaredError(
            tf.zeros(x.shape),
            model.apply(x, { training }) as tf.Tensor,
          ) as tf.Scalar,
      );
      result = {
        loss: value.dataSync()[0],
        grads: Object.values(grads).map((g) => g.dataSync() as Float32Array),
        names: Object.keys(grads),
      };
      tf.dispose([value, ...Object.values(grads)]);
    });
    return { ...result!, kernels: new Set(info.kernels.map((k) => k.name)) };
  }

  it('trains through the fused kernels, with the unfused values and gradients', async () => {
    const model = buildModel('transformer', { length: 40, hidden: 16, heads: 2, seed: 3 });
    const x = tf.randomNormal([3, 40], 0, 10, 'float32', 5);
    expect(fusedAttentionAvailable()).to.equal(true);
    const fused = await step(model, x, true);
    // Inference forms the weights, which the model shows: no fused op.
    const inference = await step(model, x, false);
    await useWasmKernels(true, { fusedAttention: false });
    const unfused = await step(model, x, true);
    await useWasmKernels(true);
    expect([...fused.kernels].filter((k) => k.startsWith('DAFused')).sort()).to.deep.equal([
      'DAFusedAttention',
      'DAFusedAttentionGrad',
    ]);
    expect(fused.kernels.has('Softmax')).to.equal(false);
    expect(inference.kernels.has('DAFusedAttention')).to.equal(false);
    expect(unfused.kernels.has('DAFusedAttention')).to.equal(false);
    expect(fused.loss).to.be.closeTo(unfused.loss, 1e-5 * unfused.loss);
    expect(inference.loss).to.be.closeTo(unfused.loss, 1e-5 * unfused.loss);
    fused.grads.forEach((grad, i) => {
      const other = unfused.grads[i];
      const largest = other.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      const worst = grad.reduce((m, v, j) => Math.max(m, Math.abs(v - other[j])), 0);
      // Relative to at least 1: the keys' bias has no gradient in exact arithmetic (a shift of
      // every score of a row), and both sides give rounding noise of 1e-7.
      expect(worst / Math.max(largest, 1), fused.names[i]).to.be.below(1e-4);
    });
    x.dispose();
    model.dispose();
  });
});
