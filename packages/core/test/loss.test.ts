import * as tf from '@tensorflow/tfjs';
import { expect } from '@open-wc/testing';
import { meanSquaredError } from '../src/train/loss.js';
import { useBackend } from '../src/train/backends.js';
import { useWasmKernels } from '@decoding-attention/wasm-kernels';

/**
 * Value and gradient of a loss of the predictions, and how many arrays of their size or more were
 * written into the backend from JavaScript on the way (tfjs's gradient of a mean writes ones).
 */
function valueAndGradient(
  loss: (targets: tf.Tensor, predictions: tf.Tensor) => tf.Scalar,
  targets: tf.Tensor,
  predictions: tf.Variable,
) {
  const backend = tf.backend() as unknown as { write: (values: { length: number }) => unknown };
  const write = backend.write;
  let written = 0;
  backend.write = function (this: unknown, ...args: unknown[]) {
    const [values] = args as [{ length: number } | null];
    if (values && values.length >= predictions.size) written++;
    return (write as (...a: unknown[]) => unknown).apply(this, args);
  };
  try {
    const { value, grads } = tf.variableGrads(() => loss(targets, predictions), [predictions]);
    const result = {
      value: Array.from(value.dataSync()),
      gradient: Array.from(grads[predictions.name].dataSync()),
      written,
    };
    tf.dispose([value, ...Object.values(grads)]);
    return result;
  } finally {
    backend.write = write;
  }
}

for (const backend of ['cpu', 'wasm'] as const)
  describe(`the training loss on the ${backend} backend`, () => {
    before(async () => {
      expect(await useBackend(backend)).to.equal(true);
    });
    after(async () => {
      if (backend === 'wasm') await useWasmKernels(false);
      await tf.setBackend('cpu');
    });

    it("gives tf.losses.meanSquaredError's value and gradient bit for bit, without writing a tensor of ones on wasm", () => {
      // A batch of images' shape, odd sizes among them.
      const targets = tf.randomUniform([3, 5, 7, 3], 0, 1, 'float32', 1);
      const predictions = tf.variable(tf.randomNormal([3, 5, 7, 3], 0.5, 0.3, 'float32', 2));
      const before = tf.memory().numTensors;
      const ours = valueAndGradient(meanSquaredError, targets, predictions);
      const theirs = valueAndGradient(
        (t, p) => tf.losses.meanSquaredError(t, p) as tf.Scalar,
        targets,
        predictions,
      );
      expect(tf.memory().numTensors).to.equal(before);
      expect(ours.value[0]).to.be.above(0.05);
      expect(ours.value).to.deep.equal(theirs.value);
      expect(ours.gradient).to.deep.equal(theirs.gradient);
      expect(ours.gradient.some((g) => g !== 0)).to.equal(true);
      // On wasm, tfjs's gradient of the mean writes a tensor of ones the predictions' size into
      // the heap; ours writes none. (On cpu every kernel's output is written from JavaScript.)
      if (backend === 'wasm') expect([ours.written, theirs.written]).to.deep.equal([0, 1]);
      tf.dispose([targets, predictions]);
    });
  });
