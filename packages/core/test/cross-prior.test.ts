import * as tf from '@tensorflow/tfjs';
import { expect } from '@open-wc/testing';
import {
  CrossAttention,
  attentionLayers,
  buildModel,
  visionParameterCount,
} from '../src/models/index.js';
import { useBackend } from '../src/train/backends.js';
import { useWasmKernels } from '@decoding-attention/wasm-kernels';

/** A CrossAttention of `heads` heads over `width` features, built for `tokens` queries and keys. */
function crossLayer(
  prior: 'none' | 'content' | 'locality' | 'both',
  heads: number,
  width: number,
  grid = { rows: 2, cols: 2 },
): CrossAttention {
  const layer = new CrossAttention({ heads, prior, grid, seed: 7, name: `cross-${prior}` });
  const tokens = grid.rows * grid.cols;
  // Applied to symbolic inputs first: built, and disposable like a layer of a model.
  const inputs = [0, 1].map(() => tf.input({ shape: [tokens, width] }));
  layer.apply(inputs);
  return layer;
}

const weightOf = (layer: tf.layers.Layer, name: string) =>
  layer.weights.find((w) => w.originalName.endsWith(name))!.read();

describe('cross-attention priors', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('a locality prior starts each head at exp(-d^2 / (2 sigma^2)) around the own patch, sigma 1, 2, the last head even', () => {
    const layer = crossLayer('locality', 3, 6);
    expect(Array.from(weightOf(layer, 'locality/strength').dataSync())).to.deep.equal([
      0.5, 0.125, 0,
    ]);
    // Zero queries and memory: every score is the bias alone.
    const zeros = tf.zeros([1, 4, 6]);
    const [, weights] = layer.apply([zeros, zeros]) as tf.Tensor[];
    const map = weights.arraySync() as number[][][][];
    // Patch 0 of the 2 x 2 grid: squared distances 0, 1, 1, 2 to patches 0..3.
    for (const [head, strength] of [
      [0, 0.5],
      [1, 0.125],
      [2, 0],
    ]) {
      const e = [0, 1, 1, 2].map((d) => Math.exp(-strength * d));
      const sum = e.reduce((a, b) => a + b, 0);
      map[0][head][0].forEach((w, k) => expect(w, `head ${head}`).to.be.closeTo(e[k] / sum, 1e-6));
      // Patch 3 reads the mirror image: itself first, patch 0 last.
      map[0][head][3].forEach((w, k) =>
        expect(w, `head ${head}`).to.be.closeTo(e[3 - k] / sum, 1e-6),
      );
    }
    expect(map[0][0][0][0]).to.be.closeTo(1 / (1 + 2 * Math.exp(-0.5) + Math.exp(-1)), 1e-6);
    tf.dispose([zeros, weights]);
    layer.dispose();
  });

  it('a content prior projects keys as the queries and starts its scores 4 times sharper', () => {
    const layer = crossLayer('content', 2, 8);
    const query = weightOf(layer, 'query/kernel');
    const key = weightOf(layer, 'key/kernel');
    expect(key.arraySync()).to.deep.equal(query.arraySync());
    expect(Array.from(weightOf(layer, 'content/sharpness').dataSync())).to.deep.equal([4, 4]);
    // Queries read the same tokens as memory: head h's scores are 4 (x W_h)(x W_h)^T / sqrt(4).
    const x = tf.randomNormal([1, 4, 8], 0, 1, 'float32', 11);
    const [, weights] = layer.apply([x, x]) as tf.Tensor[];
    const xs = (x.arraySync() as number[][][])[0];
    const w = query.arraySync() as number[][];
    const map = weights.arraySync() as number[][][][];
    for (let h = 0; h < 2; h++) {
      const projected = xs.map((row) =>
        [0, 1, 2, 3].map((f) => row.reduce((s, v, i) => s + v * w[i][h * 4 + f], 0)),
      );
      for (let q = 0; q < 4; q++) {
        const scores = projected.map(
          (k) => (4 * k.reduce((s, v, f) => s + v * projected[q][f], 0)) / 2,
        );
        const top = Math.max(...scores);
        const e = scores.map((s) => Math.exp(s - top));
        const sum = e.reduce((a, b) => a + b, 0);
        // A token's score with itself is a square: never below its scores' mean.
        expect(scores[q]).to.be.at.least(scores.reduce((a, b) => a + b, 0) / 4 - 1e-9);
        map[0][h][q].forEach((v, k) =>
          expect(v, `head ${h}, query ${q}`).to.be.closeTo(e[k] / sum, 1e-5),
        );
      }
    }
    tf.dispose([x, weights]);
    layer.dispose();
  });

  it('every prior builds in vit-encdec with the counted parameters; none leaves cross-attention as before', () => {
    const options = { imageSize: 32, patchSize: 8, hidden: 16, heads: 4 };
    const counts: Record<string, number> = {};
    for (const crossPrior of ['none', 'content', 'locality', 'both'] as const) {
      const model = buildModel('vit-encdec', { ...options, crossPrior });
      counts[crossPrior] = model.countParams();
      expect(counts[crossPrior], crossPrior).to.equal(
        visionParameterCount('vit-encdec', { ...options, crossPrior }),
      );
      const cross = attentionLayers(model).filter((layer) => layer.role === 'cross');
      expect(cross).to.have.length(2);
      model.dispose();
    }
    // Two cross-attention layers of 4 heads: 4 strengths and/or 4 sharpnesses each.
    expect(counts.content - counts.none).to.equal(8);
    expect(counts.locality - counts.none).to.equal(8);
    expect(counts.both - counts.none).to.equal(16);
    expect(() => buildModel('vit-encdec', { crossPrior: 'near' as 'both' })).to.throw(/crossPrior/);
  });

  it('at initialisation, the locality prior puts most of the first head on the query patch and its neighbours', () => {
    const options = { imageSize: 32, patchSize: 8, hidden: 16, heads: 2, seed: 3 };
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 2);
    const mass = (crossPrior: 'none' | 'locality') => {
      const model = buildModel('vit-encdec', { ...options, crossPrior });
      const probe = tf.model({
        inputs: model.inputs,
        outputs: (
          attentionLayers(model).find((l) => l.role === 'cross')!.output as tf.SymbolicTensor[]
        )[1],
      });
      const weights = (probe.predict(x) as tf.Tensor).arraySync() as number[][][][];
      // Head 1 of each image: the weight each query gives the patches within one step of it.
      let near = 0;
      for (const image of weights)
        image[0].forEach((row, q) =>
          row.forEach((w, k) => {
            const dy = Math.floor(q / 4) - Math.floor(k / 4);
            const dx = (q % 4) - (k % 4);
            if (Math.abs(dy) <= 1 && Math.abs(dx) <= 1) near += w;
          }),
        );
      model.dispose();
      return near / (2 * 16);
    };
    // On a 4 x 4 grid, a patch and its neighbours are 9 / 16 of the keys at most (4 / 16 in a corner).
    expect(mass('none')).to.be.below(0.45);
    expect(mass('locality')).to.be.above(0.6);
    x.dispose();
  });
});

describe('cross-attention priors on the wasm backend with our kernels', () => {
  before(async () => {
    expect(await useBackend('wasm')).to.equal(true);
  });
  after(async () => {
    await useWasmKernels(false);
    await tf.setBackend('cpu');
  });

  it('train: the same loss and gradients with the fused op on or off, the strengths and sharpnesses among them', async () => {
    const model = buildModel('vit-encdec', {
      imageSize: 32,
      patchSize: 8,
      hidden: 16,
      heads: 2,
      seed: 4,
      crossPrior: 'both',
    });
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 5);
    const step = () => {
      const { grads, value } = tf.variableGrads(
        () =>
          tf.losses.meanSquaredError(
            tf.zerosLike(x),
            model.apply(x, { training: true }) as tf.Tensor,
          ) as tf.Scalar,
      );
      const result = {
        loss: value.dataSync()[0],
        grads: Object.fromEntries(Object.entries(grads).map(([k, g]) => [k, g.dataSync()])),
      };
      tf.dispose([value, ...Object.values(grads)]);
      return result;
    };
    const fused = step();
    await useWasmKernels(true, { fusedAttention: false });
    const unfused = step();
    await useWasmKernels(true);
    expect(fused.loss).to.be.closeTo(unfused.loss, 1e-5 * unfused.loss);
    const priors = Object.keys(fused.grads).filter((name) => /strength|sharpness/.test(name));
    expect(priors).to.have.length(4);
    for (const name of priors) {
      expect(
        Array.from(fused.grads[name]).some((g) => g !== 0),
        name,
      ).to.equal(true);
      Array.from(fused.grads[name]).forEach((g, i) =>
        expect(g, name).to.be.closeTo(
          unfused.grads[name][i],
          1e-4 * Math.abs(unfused.grads[name][i]) + 1e-7,
        ),
      );
    }
    x.dispose();
    model.dispose();
  });
});
