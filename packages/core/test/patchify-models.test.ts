import * as tf from '@tensorflow/tfjs';
import { expect } from '@open-wc/testing';
import { generateBatch2D, patchify } from '../src/index.js';
import { imageToTokens } from '../src/models/index.js';

describe("core's patchify and the models' patch tokens", () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  it('give the same tokens, value for value, for the same batch', () => {
    const [batch, side, p] = [3, 32, 8];
    const { inputs } = generateBatch2D(batch, { seed: 11, width: side, height: side });
    const pixels = side * side * 3;
    const count = (side / p) ** 2;
    const size = p * p * 3;
    const images = tf.tensor4d(inputs, [batch, side, side, 3]);
    const tokens = imageToTokens(images, p);
    const planes = imageToTokens(images, p, 'channel');
    expect(tokens.shape).to.deep.equal([batch, count, size]);
    expect(planes.shape).to.deep.equal([batch, 3 * count, p * p]);
    const modelTokens = tokens.dataSync();
    const modelPlanes = planes.dataSync();
    tf.dispose([images, tokens, planes]);
    let nonZero = 0;
    for (let b = 0; b < batch; b++) {
      const image = inputs.subarray(b * pixels, (b + 1) * pixels);
      const ours = patchify(image, side, side, p);
      const theirs = modelTokens.subarray(b * count * size, (b + 1) * count * size);
      expect(ours.data).to.deep.equal(Float32Array.from(theirs));
      // vit-channels' plane tokens: all R planes, then G, then B, each a slice of a patch.
      for (let c = 0; c < 3; c++) {
        for (let t = 0; t < count; t++) {
          const plane = ours.data.subarray(t * size + c * p * p, t * size + (c + 1) * p * p);
          const at = (b * 3 * count + c * count + t) * p * p;
          expect(Float32Array.from(modelPlanes.subarray(at, at + p * p))).to.deep.equal(plane);
        }
      }
      nonZero += ours.data.filter((v) => v > 0).length;
    }
    // The images hold shapes, so equal tokens are not equal zeros.
    expect(nonZero).to.be.above(1000);
  });
});
