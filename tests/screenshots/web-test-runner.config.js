// Screenshot tests of the stories (`npm run test:screenshots`): the browser tests' setup, plus
// the visual regression plugin comparing each picture with its baseline in baseline/.
// `npm run test:screenshots:update` writes new baselines instead.
import { visualRegressionPlugin } from '@web/test-runner-visual-regression/plugin';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import base from '../../web-test-runner.config.js';

const here = dirname(fileURLToPath(import.meta.url));

export default {
  ...base,
  files: [join(here, '*.test.ts')],
  plugins: [
    ...base.plugins,
    // SCREENSHOTS=trainable-model (a pattern) runs, or updates, only the stories it matches: the
    // test file reads it here (mocha's own grep would count every other story as failed).
    {
      name: 'screenshots-filter',
      serve: ({ path }) =>
        path === '/__screenshots__/filter'
          ? { body: process.env.SCREENSHOTS ?? '', type: 'text/plain' }
          : undefined,
    },
    visualRegressionPlugin({
      update: process.argv.includes('--update-visual-baseline'),
      baseDir: here,
      getBaselineName: ({ name }) => join('baseline', name),
      getFailedName: ({ name }) => join('failed', name),
      getDiffName: ({ name }) => join('failed', `${name}-diff`),
      // A pixel counts as changed past pixelmatch's colour threshold; a picture fails when more
      // than 0.1 % of its pixels changed (a moved label or a resized chart changes far more).
      diffOptions: { threshold: 0.1 },
      failureThreshold: 0.1,
      failureThresholdType: 'percent',
    }),
  ],
};
