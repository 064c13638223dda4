import * as tf from '@tensorflow/tfjs';
import { expect } from '@open-wc/testing';
import {
  VISION_MODEL_IDS,
  attentionKinds,
  attentionLayers,
  Dense,
  TokenDense,
  buildModel,
  imageToTokens,
  sumRows,
  tokensToImage,
  visionModelCatalog,
  visionParameterCount,
  withAttentionOutputs,
} from '../src/models/index.js';
import { generateBatch2D } from '../src/shapes2d.js';
import { VISION_TOKEN_LIMIT, resolveVisionOptions } from '../src/model-catalog.js';
import { useBackend } from '../src/train/backends.js';
import { fusedAttentionAvailable, useWasmKernels } from '@decoding-attention/wasm-kernels';

/** Parameter counts at the defaults (128 x 128 images, patch 16, width 64, 4 heads, 2 (+ 2) blocks). */
const DESIGN_COUNTS = {
  vit: 199_232,
  'vit-encdec': 332_872,
  'vit-channels': 133_376,
  unet: 75_152,
} as const;

/** A small image batch whose every value says where it is: (y * 1000 + x) * 10 + channel. */
function positionsImage(size: number): tf.Tensor4D {
  const values = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      for (let c = 0; c < 3; c++) values[(y * size + x) * 3 + c] = (y * 1000 + x) * 10 + c;
  return tf.tensor4d(values, [1, size, size, 3]);
}

before(async () => {
  await tf.setBackend('cpu');
});

describe('vision models', () => {
  for (const [id, count] of Object.entries(DESIGN_COUNTS)) {
    it(`${id} has exactly the documented ${count.toLocaleString('en')} parameters at the defaults`, () => {
      const model = buildModel(id as keyof typeof DESIGN_COUNTS);
      expect(model.countParams()).to.equal(count);
      expect(visionParameterCount(id as keyof typeof DESIGN_COUNTS)).to.equal(count);
      expect(model.outputs[0].shape).to.deep.equal([null, 128, 128, 3]);
      model.dispose();
    });
  }

  it('the learnable 2D table adds a row per patch: 203,328 for the encoder-only ViT', () => {
    expect(visionParameterCount('vit', { positional: 'learnable' })).to.equal(203_328);
    expect(visionParameterCount('vit-encdec', { queries: 'learned' })).to.equal(336_968);
    expect(visionParameterCount('vit-encdec', { positional: 'learnable' })).to.equal(341_064);
    expect(visionParameterCount('vit-channels', { positional: 'learnable' })).to.equal(137_472);
    // The draft's size, reached by options.
    const draft = { hidden: 256, heads: 8, blocks: 4, decoderBlocks: 4 };
    expect(visionParameterCount('vit-encdec', draft)).to.equal(7_768_096);
  });

  it('the catalogue counts every vision model and option as tfjs does', () => {
    const cases = [
      { imageSize: 32, patchSize: 8, hidden: 16, heads: 2 },
      {
        imageSize: 48,
        patchSize: 6,
        hidden: 24,
        heads: 3,
        blocks: 3,
        decoderBlocks: 1,
        positional: 'learnable' as const,
        queries: 'learned' as const,
        channelAttention: 'across' as const,
      },
      { imageSize: 32, patchSize: 16, hidden: 16, heads: 2, positional: 'rope' as const },
    ];
    for (const options of cases) {
      for (const entry of visionModelCatalog(options)) {
        const model = buildModel(entry.id, options);
        expect(model.countParams(), `${entry.id} ${JSON.stringify(options)}`).to.equal(
          entry.parameters,
        );
        model.dispose();
      }
    }
    expect(visionModelCatalog().map((m) => [m.id, m.hasAttention])).to.deep.equal([
      ['vit', true],
      ['vit-encdec', true],
      ['vit-channels', true],
      ['unet', false],
    ]);
  });

  it('cuts images into patch tokens channel plane by plane, and puts them back', () => {
    const image = positionsImage(8);
    const tokens = imageToTokens(image, 4);
    expect(tokens.shape).to.deep.equal([1, 4, 48]);
    const values = tokens.arraySync()[0];
    // Patch 3 is row 1, column 1: pixels (4..7, 4..7). Value c * 16 + y * 4 + x is channel c of (x, y).
    expect(values[3][0]).to.equal((4 * 1000 + 4) * 10);
    expect(values[3][1 * 16 + 2 * 4 + 3]).to.equal(((4 + 2) * 1000 + (4 + 3)) * 10 + 1);
    expect(values[1][2 * 16 + 3 * 4 + 0]).to.equal((3 * 1000 + 4) * 10 + 2);
    const planes = imageToTokens(image, 4, 'channel');
    expect(planes.shape).to.deep.equal([1, 12, 16]);
    // Plane tokens: the R planes of the four patches, then G, then B.
    expect(planes.arraySync()[0][2 * 4 + 3]).to.deep.equal(values[3].slice(32, 48));
    expect(tokensToImage(tokens, 8, 8, 4).arraySync()).to.deep.equal(image.arraySync());
    expect(tokensToImage(planes, 8, 8, 4, 'channel').arraySync()).to.deep.equal(image.arraySync());
    tf.dispose([image, tokens, planes]);
  });

  it('patch ops pass gradients back as the inverse reordering, keeping no tensor for the backward pass', () => {
    for (const layout of ['patch', 'channel'] as const) {
      const image = positionsImage(8);
      // d/dimage of sum(tokens * w) is w put back where each token value came from.
      const w = imageToTokens(positionsImage(8), 4, layout);
      const before = tf.memory().numTensors;
      let kept = 0;
      const grad = tf.grad((x: tf.Tensor) => {
        const tokens = imageToTokens(x as tf.Tensor4D, 4, layout);
        kept = tf.memory().numTensors - before - 1;
        return tf.sum(tf.mul(tokens, w));
      })(image);
      expect(kept, layout).to.equal(0);
      expect(grad.arraySync(), layout).to.deep.equal(image.arraySync());
      const back = tf.grad((t: tf.Tensor) =>
        tf.sum(tf.mul(tokensToImage(t as tf.Tensor3D, 8, 8, 4, layout), image)),
      )(w);
      expect(back.arraySync(), layout).to.deep.equal(w.arraySync());
      tf.dispose([image, w, grad, back]);
    }
  });

  it("Dense has tf.layers.dense's weights from the same seed, its outputs and its gradients", () => {
    const x = tf.randomNormal([3, 5, 12], 0, 1, 'float32', 21);
    const ours = new Dense({ units: 7, seed: 9, name: 'ours' });
    const theirs = tf.layers.dense({
      units: 7,
      kernelInitializer: tf.initializers.glorotUniform({ seed: 9 }),
      name: 'theirs',
    });
    const [y, y2] = [ours.apply(x) as tf.Tensor, theirs.apply(x) as tf.Tensor];
    expect(y.shape).to.deep.equal([3, 5, 7]);
    expect(ours.getWeights().map((w) => w.arraySync())).to.deep.equal(
      theirs.getWeights().map((w) => w.arraySync()),
    );
    const r = tf.randomNormal([3, 5, 7], 0, 1, 'float32', 22);
    const gradsOf = (layer: tf.layers.Layer) => {
      const { grads } = tf.variableGrads(
        () => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, r)) as tf.Scalar,
        layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val),
      );
      const input = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t) as tf.Tensor, r)))(x);
      return [...Object.values(grads), input];
    };
    const close = (a: tf.Tensor, b: tf.Tensor) =>
      expect(tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]).to.be.below(1e-5);
    close(y, y2);
    const [a, b] = [gradsOf(ours), gradsOf(theirs)];
    a.forEach((g, i) => close(g, b[i]));
    // The bias gradient: the sum of every row of r.
    close(a[1], sumRows(r));
    close(sumRows(r), tf.sum(r, [0, 1]));
    tf.dispose([x, y, y2, r, ...a, ...b]);
    ours.dispose();
    theirs.dispose();
  });

  it('maps images to images of the same shape, and the loss falls in a few steps', async () => {
    const options = { imageSize: 32, patchSize: 8, hidden: 16, heads: 2 };
    for (const id of VISION_MODEL_IDS) {
      const model = buildModel(id, options);
      const x = tf.randomUniform([4, 32, 32, 3], 0, 1, 'float32', 1);
      const y = tf.sub(1, x);
      expect((model.predict(x) as tf.Tensor).shape, id).to.deep.equal([4, 32, 32, 3]);
      const optimizer = tf.train.adam(0.01);
      const losses: number[] = [];
      for (let step = 0; step < 10; step++) {
        const loss = optimizer.minimize(
          () => tf.losses.meanSquaredError(y, model.apply(x) as tf.Tensor) as tf.Scalar,
          true,
        )!;
        losses.push((await loss.data())[0]);
        loss.dispose();
      }
      expect(losses[9], id).to.be.below(losses[0] * 0.8);
      tf.dispose([x, y]);
      optimizer.dispose();
      model.dispose();
    }
  });

  it('reports every attention layer with its kind: weights of the right shape, rows summing to 1', () => {
    const options = { imageSize: 32, patchSize: 8, hidden: 16, heads: 2 };
    const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 2);
    const expected: Record<string, [string[], number[][]]> = {
      vit: [['encoder-self', 'encoder-self'], [[2, 2, 16, 16]]],
      'vit-encdec': [
        ['encoder-self', 'encoder-self', 'decoder-self', 'cross', 'decoder-self', 'cross'],
        [[2, 2, 16, 16]],
      ],
      'vit-channels': [['channel-within', 'channel-within'], [[2, 2, 48, 48]]],
    };
    for (const [id, [kinds, [shape]]] of Object.entries(expected)) {
      const model = buildModel(id as 'vit', options);
      expect(attentionKinds(model), id).to.deep.equal(kinds);
      const outputs = withAttentionOutputs(model)!.predict(x) as tf.Tensor[];
      expect(outputs).to.have.length(1 + kinds.length);
      for (const weights of outputs.slice(1)) {
        expect(weights.shape, id).to.deep.equal(shape);
        const sums = tf.sum(weights, -1).dataSync();
        for (const sum of sums) expect(sum).to.be.closeTo(1, 1e-5);
      }
      if (id === 'vit-channels') {
        // Within their channel: a G plane token (16..31) gives no weight outside 16..31.
        const map = (outputs[1].arraySync() as number[][][][])[0][1];
        expect(map[20].slice(0, 16).every((v) => v === 0)).to.equal(true);
        expect(map[20].slice(32).every((v) => v === 0)).to.equal(true);
        expect(map[20].slice(16, 32).every((v) => v > 0)).to.equal(true);
      }
      tf.dispose(outputs);
      model.dispose();
    }
    const across = buildModel('vit-channels', { ...options, channelAttention: 'across' });
    expect(attentionKinds(across)).to.deep.equal(['channel-across', 'channel-across']);
    const [, first] = withAttentionOutputs(across)!.predict(x) as tf.Tensor[];
    expect(first.shape).to.deep.equal([2, 2, 48, 48]);
    expect(first.dataSync().every((v) => v > 0)).to.equal(true);
    expect(attentionLayers(buildModel('unet', options))).to.have.length(0);
    tf.dispose([x, first]);
    across.dispose();
  });

  it('encoder queries start from the encoder token at their own patch; learned ones from a table', () => {
    const options = {
      imageSize: 32,
      patchSize: 8,
      hidden: 16,
      heads: 2,
      positional: 'none' as const,
    };
    for (const queries of ['encoder', 'learned'] as const) {
      const model = buildModel('vit-encdec', { ...options, queries });
      const memory = model.getLayer('encoder/final-norm').output as tf.SymbolicTensor;
      const start = model.getLayer('decoder/block1/norm1').input as tf.SymbolicTensor;
      const probe = (output: tf.SymbolicTensor) =>
        tf.model({ inputs: model.inputs, outputs: output });
      const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 3);
      const m = probe(memory).predict(x) as tf.Tensor;
      const q = probe(start).predict(x) as tf.Tensor;
      if (queries === 'encoder') expect(q.arraySync()).to.deep.equal(m.arraySync());
      else {
        const rows = q.arraySync() as number[][][];
        // The same queries for every image, whatever the encoder says.
        expect(rows[1]).to.deep.equal(rows[0]);
      }
      tf.dispose([x, m, q]);
      model.dispose();
    }
  });

  it('builds the same initial weights from the same seed, and different ones from another', () => {
    const options = {
      imageSize: 32,
      patchSize: 8,
      hidden: 8,
      heads: 2,
      positional: 'learnable' as const,
    };
    for (const id of VISION_MODEL_IDS) {
      const [a, b, c] = [0, 0, 1].map((seed) =>
        buildModel(id, { ...options, seed, queries: 'learned' }),
      );
      const values = (model: tf.LayersModel) => model.weights.map((w) => w.read().dataSync());
      const [wa, wb, wc] = [a, b, c].map(values);
      // Random weights only: the locality prior's strengths start the same in every layer.
      const drawn = a.weights.map((w) => !w.originalName.includes('locality/'));
      const kernels = wa.filter((w, i) => drawn[i] && w.some((v) => v !== 0 && v !== 1));
      expect(new Set(kernels.map((w) => w[0])).size, id).to.equal(kernels.length);
      expect(wb, id).to.deep.equal(wa);
      expect(
        wc.some((w, i) => w.some((v, j) => v !== wa[i][j])),
        id,
      ).to.equal(true);
      for (const model of [a, b, c]) model.dispose();
    }
  });

  it('rejects bad options with a message naming them', () => {
    expect(() => buildModel('vit', { patchSize: 12 })).to.throw(
      /patchSize 12 does not divide the 128 x 128 image/,
    );
    expect(() => buildModel('vit', { positional: 'linear' })).to.throw(/positional/);
    expect(() => buildModel('vit', { hidden: 30, heads: 4 })).to.throw(/divisible by heads/);
    expect(() => buildModel('vit', { positional: 'rope', hidden: 24, heads: 4 })).to.throw(
      /multiple of 4 features per head/,
    );
    expect(() => buildModel('vit-encdec', { queries: 'random' as 'learned' })).to.throw(/queries/);
    expect(() => buildModel('unet', { imageSize: 36, patchSize: 4 })).to.throw(/divisible by 8/);
  });

  it('refuses more tokens than a step can hold, naming patchSize and the sizes that fit', () => {
    // Patch 1 on the default 128 x 128 image: 16,384 tokens, [32, 4, N, N] weights of 128 GiB.
    expect(() => buildModel('vit', { patchSize: 1 })).to.throw(
      'patchSize (patch-size) 1 gives vit 16,384 tokens on the 128 x 128 image; its attention takes at most 256: use patchSize 8, 16, 32, 64, 128',
    );
    // Three tokens per patch: patch 8 is 768 of them.
    expect(() => buildModel('vit-channels', { patchSize: 8 })).to.throw(
      'patchSize (patch-size) 8 gives vit-channels 768 tokens on the 128 x 128 image, three per patch (its R, G and B planes); its attention takes at most 256: use patchSize 16, 32, 64, 128',
    );
    expect(() => resolveVisionOptions('vit-encdec', { imageSize: 64, patchSize: 2 })).to.throw(
      /1,024 tokens on the 64 x 64 image; its attention takes at most 256: use patchSize 4, 8, 16, 32, 64$/,
    );
    // The largest that fit are accepted; unet has no tokens; a menu still counts every model.
    expect(VISION_TOKEN_LIMIT).to.equal(256);
    expect(resolveVisionOptions('vit-encdec', { patchSize: 8 }).patchSize).to.equal(8);
    expect(
      resolveVisionOptions('vit-channels', { imageSize: 64, patchSize: 8 }).patchSize,
    ).to.equal(8);
    expect(resolveVisionOptions('unet', { patchSize: 1 }).patchSize).to.equal(1);
    expect(() => visionModelCatalog({ patchSize: 8 })).to.not.throw();
  });
});

describe('vision attention through the fused op (wasm backend, our kernels)', () => {
  before(async () => {
    expect(await useBackend('wasm')).to.equal(true);
  });
  after(async () => {
    await useWasmKernels(false);
    await tf.setBackend('cpu');
  });

  async function step(model: tf.LayersModel, x: tf.Tensor) {
    let result: { loss: number; grads: Float32Array[]; names: string[] } | undefined;
    const info = await tf.profile(() => {
      const { grads, value } = tf.variableGrads(
        () =>
          tf.losses.meanSquaredError(
            tf.zerosLike(x),
            model.apply(x, { training: true }) as tf.Tensor,
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

  it("TokenDense on our kernels: Dense's outputs and gradients, its product, bias and bias gradient on them", async () => {
    const x = tf.randomNormal([3, 5, 12], 0, 1, 'float32', 21);
    const r = tf.randomNormal([3, 5, 7], 0, 1, 'float32', 22);
    const layers = [
      new TokenDense({ units: 7, seed: 9, name: 'tokens' }),
      new Dense({ units: 7, seed: 9, name: 'dense' }),
    ];
    const run = async (layer: tf.layers.Layer) => {
      let out: tf.Tensor[] = [];
      const info = await tf.profile(() => {
        const y = layer.apply(x) as tf.Tensor;
        const { grads } = tf.variableGrads(
          () => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, r)) as tf.Scalar,
          layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val),
        );
        const input = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(layer.apply(t) as tf.Tensor, r)))(x);
        out = [y, ...Object.values(grads), input];
      });
      return { out, kernels: new Set(info.kernels.map((k) => k.name)) };
    };
    const [ours, theirs] = [await run(layers[0]), await run(layers[1])];
    expect(layers[0].getWeights().map((w) => w.arraySync())).to.deep.equal(
      layers[1].getWeights().map((w) => w.arraySync()),
    );
    expect(['DAAddRowVector', 'DAColumnSums'].map((k) => ours.kernels.has(k))).to.deep.equal([
      true,
      true,
    ]);
    expect(ours.kernels.has('_FusedMatMul')).to.equal(false);
    expect(theirs.kernels.has('_FusedMatMul')).to.equal(true);
    ours.out.forEach((t, i) =>
      expect(tf.max(tf.abs(tf.sub(t, theirs.out[i]))).dataSync()[0], `output ${i}`).to.be.below(
        1e-5,
      ),
    );
    tf.dispose([x, r, ...ours.out, ...theirs.out]);
    layers.forEach((layer) => layer.dispose());
  });

  it('TokenDense without an input gradient (the patch embedding): the same weight gradients as Dense, nothing made for its input', async () => {
    const x = tf.randomNormal([4, 6, 48], 0, 1, 'float32', 31);
    const r = tf.randomNormal([4, 6, 8], 0, 1, 'float32', 32);
    const run = async (layer: tf.layers.Layer) => {
      tf.dispose(layer.apply(x) as tf.Tensor); // builds its weights
      let out: tf.Tensor[] = [];
      const info = await tf.profile(() => {
        const { value, grads } = tf.variableGrads(
          () => tf.sum(tf.mul(layer.apply(x) as tf.Tensor, r)) as tf.Scalar,
          layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val),
        );
        out = [value, ...Object.values(grads)];
      });
      return { out, kernels: info.kernels.map((k) => k.name) };
    };
    const args = { units: 8, seed: 3, inputGradient: false };
    const ours = await run(new TokenDense({ ...args, name: 'embed-tokens' }));
    const theirs = await run(new Dense({ ...args, name: 'embed-dense' }));
    // Dense returns zeros for its input; ours makes no tensor of x's size at all.
    expect(theirs.kernels.includes('ZerosLike')).to.equal(true);
    expect(ours.kernels.includes('ZerosLike')).to.equal(false);
    expect(ours.kernels.filter((k) => k === 'BatchMatMul')).to.have.length(2);
    ours.out.forEach((t, i) =>
      expect(tf.max(tf.abs(tf.sub(t, theirs.out[i]))).dataSync()[0], `output ${i}`).to.be.below(
        1e-4,
      ),
    );
    tf.dispose([x, r, ...ours.out, ...theirs.out]);
  });

  it("vit: three Adam steps on our kernels (layer norm, dense layers, GELU, attention) give tfjs's own kernels' losses", async () => {
    const batch = generateBatch2D(4, { seed: 6, width: 32, height: 32 });
    const train = async () => {
      const model = buildModel('vit', {
        imageSize: 32,
        patchSize: 8,
        hidden: 16,
        heads: 2,
        seed: 2,
      });
      const optimizer = tf.train.adam(1e-2);
      const xs = tf.tensor4d(batch.inputs, [4, 32, 32, 3]);
      const ys = tf.tensor4d(batch.targets, [4, 32, 32, 3]);
      const losses: number[] = [];
      const kernels = new Set<string>();
      for (let step = 0; step < 3; step++) {
        const info = await tf.profile(() => {
          const loss = optimizer.minimize(
            () =>
              tf.losses.meanSquaredError(
                ys,
                model.apply(xs, { training: true }) as tf.Tensor,
              ) as tf.Scalar,
            true,
          )!;
          losses.push(loss.dataSync()[0]);
          loss.dispose();
        });
        info.kernels.forEach((k) => kernels.add(k.name));
      }
      tf.dispose([xs, ys]);
      optimizer.dispose();
      model.dispose();
      return { losses, kernels };
    };
    const ours = await train();
    await useWasmKernels(false);
    const theirs = await train();
    await useWasmKernels(true);
    expect(
      ['DALayerNorm', 'DALayerNormGrad', 'DAGelu', 'DAFusedAttention'].map((k) =>
        ours.kernels.has(k),
      ),
    ).to.deep.equal([true, true, true, true]);
    expect(theirs.kernels.has('DALayerNorm')).to.equal(false);
    // The losses fall, and agree step by step.
    expect(ours.losses[2]).to.be.below(ours.losses[0]);
    ours.losses.forEach((loss, i) =>
      expect(loss, `step ${i + 1}`).to.be.closeTo(theirs.losses[i], 1e-4 * theirs.losses[i]),
    );
  });

  it('vit: patch tokens and images by one kernel each way, no rank-5 transpose, the same tokens', async () => {
    const image = positionsImage(32);
    const on = imageToTokens(image, 8);
    const info = await tf.profile(() =>
      tf.grad((x: tf.Tensor) =>
        tf.sum(tokensToImage(imageToTokens(x as tf.Tensor4D, 8), 32, 32, 8)),
      )(image),
    );
    const names = info.kernels.map((k) => k.name);
    expect(names.filter((n) => n.startsWith('DAPatch')).sort()).to.deep.equal([
      'DAPatchImages',
      'DAPatchImages',
      'DAPatchTokens',
      'DAPatchTokens',
    ]);
    expect(names.includes('Transpose')).to.equal(false);
    await tf.setBackend('cpu');
    const reference = imageToTokens(image, 8);
    expect(on.dataSync()).to.deep.equal(reference.dataSync());
    expect(await useBackend('wasm')).to.equal(true);
    tf.dispose([image, on, reference]);
  });

  for (const [id, extra] of [
    // Without a prior: a locality bias is trained, so that cross-attention runs unfused.
    ['vit-encdec', { positional: 'rope' as const, crossPrior: 'none' as const }],
    ['vit-channels', {}],
  ] as const) {
    it(`${id}: cross, grouped and RoPE attention train through the fused kernels, with the unfused values and gradients`, async () => {
      const model = buildModel(id, {
        imageSize: 32,
        patchSize: 8,
        hidden: 16,
        heads: 2,
        seed: 4,
        ...extra,
      });
      const x = tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 5);
      expect(fusedAttentionAvailable()).to.equal(true);
      const fused = await step(model, x);
      await useWasmKernels(true, { fusedAttention: false });
      const unfused = await step(model, x);
      await useWasmKernels(true);
      expect(fused.kernels.has('DAFusedAttentionGrad')).to.equal(true);
      expect(fused.kernels.has('Softmax')).to.equal(false);
      expect(unfused.kernels.has('DAFusedAttention')).to.equal(false);
      expect(fused.loss).to.be.closeTo(unfused.loss, 1e-5 * unfused.loss);
      fused.grads.forEach((grad, i) => {
        const other = unfused.grads[i];
        const largest = other.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        const worst = grad.reduce((m, v, j) => Math.max(m, Math.abs(v - other[j])), 0);
        expect(worst / Math.max(largest, 1e-3), fused.names[i]).to.be.below(1e-3);
      });
      x.dispose();
      model.dispose();
    });
  }
});
