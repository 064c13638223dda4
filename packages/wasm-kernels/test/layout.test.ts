import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { expect } from '@open-wc/testing';
import {
  addRowVector,
  columnSums,
  layoutKernelsAvailable,
  patchImages,
  patchTokens,
  useWasmKernels,
} from '../src/index.js';

describe('the layout kernels on the wasm backend', () => {
  before(async () => {
    setWasmPaths('/node_modules/@tensorflow/tfjs-backend-wasm/dist/');
    expect(await tf.setBackend('wasm')).to.equal(true);
    await useWasmKernels(true);
  });
  after(async () => {
    await useWasmKernels(false);
    await tf.setBackend('cpu');
  });

  it('adds a bias to every row, and its gradient is dy and the column sums of dy', () => {
    expect(layoutKernelsAvailable()).to.equal(true);
    // Seven columns: one vector of four and three floats after it.
    const x = tf.tensor3d(
      Float32Array.from({ length: 2 * 3 * 7 }, (_, i) => i),
      [2, 3, 7],
    );
    const bias = tf.tensor1d([0.5, -1, 2, 100, 0.25, -3, 7]);
    const y = addRowVector(x, bias);
    expect(y.shape).to.deep.equal([2, 3, 7]);
    const values = y.dataSync();
    const biases = bias.dataSync();
    for (let i = 0; i < 42; i++) expect(values[i]).to.equal(i + biases[i % 7]);
    const dy = tf.tensor3d(
      Float32Array.from({ length: 42 }, (_, i) => (i % 5) - 2),
      [2, 3, 7],
    );
    const [dx, db] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(addRowVector(a, b as tf.Tensor1D), dy)),
    )([x, bias]);
    expect(Array.from(dx.dataSync())).to.deep.equal(Array.from(dy.dataSync()));
    // Column j's sum over six rows of (i % 5) - 2, i = 7 r + j.
    const expected = Array.from({ length: 7 }, (_, j) => {
      let sum = 0;
      for (let r = 0; r < 6; r++) sum += ((7 * r + j) % 5) - 2;
      return sum;
    });
    expect(Array.from(db.dataSync())).to.deep.equal(expected);
    tf.dispose([x, bias, y, dy, dx, db]);
  });

  it('sums columns over every leading axis, in float32 as tf.sum gives them', () => {
    const t = tf.randomNormal([5, 4, 9], 0, 3, 'float32', 11);
    const ours = columnSums(t);
    const theirs = tf.sum(t, [0, 1]);
    expect(ours.shape).to.deep.equal([9]);
    const a = ours.dataSync();
    const b = theirs.dataSync();
    for (let j = 0; j < 9; j++) expect(a[j]).to.be.closeTo(b[j], 1e-5);
    tf.dispose([t, ours, theirs]);
  });

  it("cuts images into patch tokens (channel planes, rows, raster order) and back, each the other's gradient", () => {
    // Two 6 x 4 images of 3 channels whose values say where they are: b 10,000 + y 1,000 + x 10 + c.
    const [batch, height, width, channels, p] = [2, 6, 4, 3, 2];
    const values = new Float32Array(batch * height * width * channels);
    for (let b = 0; b < batch; b++)
      for (let y = 0; y < height; y++)
        for (let x = 0; x < width; x++)
          for (let c = 0; c < channels; c++)
            values[((b * height + y) * width + x) * channels + c] =
              b * 10000 + y * 1000 + x * 10 + c;
    const images = tf.tensor4d(values, [batch, height, width, channels]);
    const tokens = patchTokens(images, p);
    expect(tokens.shape).to.deep.equal([2, 6, 12]);
    const got = tokens.arraySync();
    // Image 1's token 3 is the patch at row 1, column 1: pixels x 2..3, y 2..3. Its R plane, then
    // G, then B, each row by row.
    expect(got[1][3]).to.deep.equal([
      12020, 12030, 13020, 13030, 12021, 12031, 13021, 13031, 12022, 12032, 13022, 13032,
    ]);
    expect(got[0][0].slice(0, 4)).to.deep.equal([0, 10, 1000, 1010]);
    // The same as the transposes that define the layout.
    const reference = tf.reshape(
      tf.transpose(
        tf.reshape(images, [batch * (height / p), p, width / p, p, channels]),
        [0, 2, 4, 1, 3],
      ),
      [batch, 6, 12],
    );
    expect(Array.from(tokens.dataSync())).to.deep.equal(Array.from(reference.dataSync()));
    const back = patchImages(tokens, p, height, width);
    expect(back.shape).to.deep.equal([2, 6, 4, 3]);
    expect(Array.from(back.dataSync())).to.deep.equal(Array.from(values));
    // Gradients: each op's is the other applied to dy.
    const dTokens: tf.Tensor3D = tf.randomNormal([2, 6, 12], 0, 1, 'float32', 2);
    const gImages = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(patchTokens(t as tf.Tensor4D, p), dTokens)),
    )(images);
    expect(Array.from(gImages.dataSync())).to.deep.equal(
      Array.from(patchImages(dTokens as tf.Tensor3D, p, height, width).dataSync()),
    );
    const gTokens = tf.grad((t: tf.Tensor) =>
      tf.sum(tf.mul(patchImages(t as tf.Tensor3D, p, height, width), images)),
    )(tokens);
    expect(Array.from(gTokens.dataSync())).to.deep.equal(Array.from(tokens.dataSync()));
    expect(() => patchTokens(images, 4)).to.throw(RangeError, /patch size 4 must divide 6 x 4/);
    tf.dispose([images, tokens, reference, back, dTokens, gImages, gTokens]);
  });

  it('keeps no tensor for the gradients and leaves none behind', () => {
    const x = tf.randomNormal([4, 8, 8, 3], 0, 1, 'float32', 3);
    const bias = tf.randomNormal([3], 0, 1, 'float32', 4);
    const before = tf.memory().numTensors;
    const [gx, gb] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(
        patchImages(patchTokens(addRowVector(a, b as tf.Tensor1D) as tf.Tensor4D, 4), 4, 8, 8),
      ),
    )([x, bias]);
    expect(Array.from(gb.dataSync())).to.deep.equal([256, 256, 256]);
    expect(tf.memory().numTensors).to.equal(before + 2);
    tf.dispose([x, bias, gx, gb]);
  });
});
