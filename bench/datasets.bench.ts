import {
  generateBatch1D,
  generateBatch2D,
  generateShapes1D,
  generateShapes2D,
} from '@decoding-attention/core';
import { medianTime, type BenchSuite } from './harness.js';
import { draftNoise2D, draftShapes1D } from './reference/draft-port.js';

const suite: BenchSuite = {
  title: 'Dataset generation',
  async run(report) {
    // 10,000 1D samples of length 400, as training draws them: batches of 128.
    // The training loop reuses one pair of arrays, so the bench does too.
    const batches = Math.ceil(10_000 / 128);
    const buffers1D = { inputs: new Float32Array(128 * 400), targets: new Float32Array(128 * 400) };
    const tenThousand = await medianTime(() => {
      for (let b = 0; b < batches; b++)
        generateBatch1D(128, { seed: 1, firstIndex: b * 128 }, buffers1D);
    });
    const samples = batches * 128;
    report({
      figure: `${samples.toLocaleString('en')} 1D samples, length 400 (batches of 128)`,
      value: tenThousand,
      unit: 'ms',
      against: 'the 1 s budget',
      reference: 1000,
      ratio: 1000 / tenThousand,
    });
    const draft = await medianTime(() => {
      for (let i = 0; i < 1000; i++) draftShapes1D(400);
    });
    const rate = (samples / tenThousand) * 1000;
    const draftRate = (1000 / draft) * 1000;
    report({
      figure: '1D samples per second (batches)',
      value: rate,
      unit: 'samples/s',
      against: "the draft's generator, ported to JS",
      reference: draftRate,
      ratio: rate / draftRate,
      note: 'the port uses Math.random, so it is not reproducible across engines',
    });
    const singles = await medianTime(() => {
      for (let i = 0; i < 1000; i++) generateShapes1D({ seed: i });
    });
    report({
      figure: '1D samples per second (one at a time)',
      value: (1000 / singles) * 1000,
      unit: 'samples/s',
      against: 'batches',
      reference: rate,
      ratio: ((1000 / singles) * 1000) / rate,
    });

    // 1,000 2D samples of 128 x 128.
    const buffers2D = {
      inputs: new Float32Array(125 * 128 * 128 * 3),
      targets: new Float32Array(125 * 128 * 128 * 3),
    };
    const twoD = await medianTime(
      () => {
        for (let b = 0; b < 8; b++)
          generateBatch2D(125, { seed: 1, firstIndex: b * 125 }, buffers2D);
      },
      { repeats: 3 },
    );
    const rate2D = (1000 / twoD) * 1000;
    const draftNoise = await medianTime(
      () => {
        for (let i = 0; i < 20; i++) draftNoise2D();
      },
      { repeats: 3 },
    );
    const draftRate2D = (20 / draftNoise) * 1000;
    report({
      figure: '1,000 2D samples, 128 x 128 (batches of 125)',
      value: twoD,
      unit: 'ms',
      against: "the draft's noise and blur alone, ported to JS",
      reference: (1000 / draftRate2D) * 1000,
      ratio: rate2D / draftRate2D,
    });
    const singles2D = await medianTime(
      () => {
        for (let i = 0; i < 100; i++) generateShapes2D({ seed: i });
      },
      { repeats: 3 },
    );
    report({
      figure: '2D samples per second (one at a time, RGBA)',
      value: (100 / singles2D) * 1000,
      unit: 'samples/s',
      against: '2D batches',
      reference: rate2D,
      ratio: ((100 / singles2D) * 1000) / rate2D,
    });
  },
};

export default suite;
