// Browser tests for every package, run from the package's folder: `wtr --config ../../web-test-runner.config.js`.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CHROME_FLAGS, requireChrome } from './scripts/chrome.js';
import { transform } from 'esbuild';
import { browserModulePlugin, typescriptSourcePlugin } from './scripts/browser-modules.js';

const root = dirname(fileURLToPath(import.meta.url));

/** Commands that tests run on the Node side, to compare Node's results with the browser's. */
const nodeCommands = {
  name: 'node-commands',
  async executeCommand({ command, payload }) {
    if (command !== 'core-fingerprint') return undefined;
    const core = await import(pathToFileURL(`${root}/packages/core/dist/index.js`).href);
    const { datasetFingerprint } = await import(
      pathToFileURL(`${root}/packages/core/test/fingerprint.js`).href
    );
    return datasetFingerprint(core, payload);
  },
};

export default {
  rootDir: root,
  files: ['test/**/*.test.ts'],
  nodeResolve: { exportConditions: ['browser', 'production'] },
  plugins: [
    browserModulePlugin(root),
    typescriptSourcePlugin(root, transform),
    nodeCommands,
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: `${root}/tsconfig.base.json` }),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: { executablePath: requireChrome(), headless: true, args: CHROME_FLAGS },
    }),
  ],
  concurrency: 1,
  testFramework: { config: { timeout: 30000 } },
  testsFinishTimeout: 10 * 60 * 1000,
};
