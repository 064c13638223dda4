// Serves browser builds of dependencies whose Node entry points do not load in a browser as-is.
// tfjs's dependencies `long` and `seedrandom` are CommonJS, so tfjs is served from its ESM
// bundle; tfjs-core resolves to that same bundle, so the wasm backend (which imports tfjs-core)
// registers into the one engine. The wasm glue's Node built-ins become an empty module.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const BUNDLES = {
  '@tensorflow/tfjs': ['@tensorflow/tfjs', 'dist/tf.fesm.js'],
  '@tensorflow/tfjs-core': ['@tensorflow/tfjs', 'dist/tf.fesm.js'],
  '@tensorflow/tfjs-backend-wasm': [
    '@tensorflow/tfjs-backend-wasm',
    'dist/tf-backend-wasm.fesm.js',
  ],
};

const NODE_BUILTINS = new Set(['fs', 'path', 'os', 'perf_hooks', 'worker_threads', 'crypto']);

/**
 * The file a browser should load for `source` when the package's own entry will not do (see
 * above), relative to `root`; undefined for every other module.
 */
export function browserModulePath(root, source) {
  if (NODE_BUILTINS.has(source)) return 'scripts/empty-module.js';
  const bundle = BUNDLES[source];
  if (!bundle) return undefined;
  const require = createRequire(join(root, 'package.json'));
  const packageDir = dirname(require.resolve(`${bundle[0]}/package.json`));
  return join(packageDir, bundle[1]).slice(root.length + 1);
}

/** A @web/dev-server plugin that resolves the modules above to their browser bundles. */
export function browserModulePlugin(root) {
  return {
    name: 'browser-modules',
    resolveImport({ source }) {
      const path = browserModulePath(root, source);
      return path === undefined ? undefined : `/${path}`;
    },
  };
}

/**
 * A @web/dev-server plugin for URLs the browser builds itself, such as
 * `new Worker(new URL('./worker.js', import.meta.url))` in a TypeScript source: where `x.js`
 * does not exist under a package's src/ or test/ but `x.ts` does, it serves the TypeScript,
 * compiled.
 */
export function typescriptSourcePlugin(root, transform) {
  return {
    name: 'typescript-sources',
    async serve(context) {
      if (!context.path.endsWith('.js') || !/\/(src|test)\//.test(context.path)) return undefined;
      const file = join(root, context.path);
      const source = `${file.slice(0, -3)}.ts`;
      if (existsSync(file) || !existsSync(source)) return undefined;
      const { code } = await transform(readFileSync(source, 'utf8'), {
        loader: 'ts',
        format: 'esm',
        target: 'es2022',
        sourcefile: source,
        tsconfigRaw: {
          compilerOptions: { experimentalDecorators: true, useDefineForClassFields: false },
        },
      });
      return { body: code, type: 'js' };
    },
  };
}
