// What a bundle of the elements needs beside its JavaScript, for esbuild (Vite does this by
// itself): the training Worker as an entry of its own, and tfjs's wasm binaries next to the
// bundle, with core's `new URL('../../dist/wasm/…', import.meta.url)` pointed at them.
import { copyFileSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const WASM = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
];

/** The training Worker's entry, to add to `entryPoints` as `{ out: 'worker', in: … }`. */
export function trainingWorkerEntry(root) {
  return { out: 'worker', in: join(root, 'packages/core/dist/train/worker.js') };
}

/** An esbuild plugin: rewrites the wasm URLs of core/train and copies the binaries to `outdir`. */
export function coreAssetsPlugin(root, outdir) {
  const require = createRequire(join(root, 'package.json'));
  return {
    name: 'core-assets',
    setup(build) {
      build.onLoad({ filter: /[\\/]core[\\/]dist[\\/]train[\\/]backends\.js$/ }, async (args) => ({
        contents: (await readFile(args.path, 'utf8')).replaceAll('../../dist/wasm/', './'),
        loader: 'js',
      }));
      build.onEnd(() => {
        const source = join(
          dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')),
          'dist',
        );
        mkdirSync(outdir, { recursive: true });
        for (const file of WASM) copyFileSync(join(source, file), join(outdir, file));
      });
    },
  };
}
