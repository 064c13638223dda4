// Bundles core's training Worker with tfjs into one self-contained module,
// dist/train/worker.bundle.js: the Worker a page without a bundler can start (module Workers
// do not see the page's import map, so the unbundled worker.js cannot resolve tfjs there).
import { build } from 'esbuild';
import { join } from 'node:path';

const dist = join(process.cwd(), 'dist', 'train');
await build({
  entryPoints: [join(dist, 'worker.js')],
  outfile: join(dist, 'worker.bundle.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  minify: true,
  conditions: ['browser', 'import', 'default'],
  logLevel: 'warning',
});
