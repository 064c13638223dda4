// Serves browser builds of dependencies whose Node entry points do not load in a browser as-is.
// tfjs's dependencies `long` and `seedrandom` are CommonJS, so tfjs is served from its ESM bundle.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const BUNDLES = {
  '@tensorflow/tfjs': ['@tensorflow/tfjs', 'dist/tf.fesm.js'],
  '@tensorflow/tfjs-core': ['@tensorflow/tfjs-core', 'dist/tf-core.fesm.js'],
  '@tensorflow/tfjs-backend-wasm': [
    '@tensorflow/tfjs-backend-wasm',
    'dist/tf-backend-wasm.fesm.js',
  ],
};

/** A @web/dev-server plugin that resolves the modules above to their browser bundles. */
export function browserModulePlugin(root) {
  const require = createRequire(join(root, 'package.json'));
  return {
    name: 'browser-modules',
    resolveImport({ source }) {
      const bundle = BUNDLES[source];
      if (!bundle) return undefined;
      const packageDir = dirname(require.resolve(`${bundle[0]}/package.json`));
      return `/${join(packageDir, bundle[1]).slice(root.length + 1)}`;
    },
  };
}
