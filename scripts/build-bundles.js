// Script-tag builds: one ES module per element, and elements.js registering every tag, built
// together so that what they share (lit, core, ui) is one chunk each page loads once. vega and
// tfjs sit in chunks loaded only when a chart is shown or training starts; tfjs's wasm binaries
// and the training Worker lie beside them. Chunks stay in one folder: the code finds the Worker
// and the wasm files relative to itself (`new URL('./…', import.meta.url)`).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { coreAssetsPlugin, trainingWorkerEntry } from './esbuild-assets.js';

export const ELEMENT_TAGS = [
  'shape-dataset-viewer',
  'attention-heatmap',
  'positional-encoding-explorer',
  'patch-tokenizer',
  'trainable-model',
  'attention-cost',
  'efficient-attention-explorer',
];

/** Builds the bundles into `outdir` (`minify: false` keeps names, for profiles); returns esbuild's metafile. */
export async function buildBundles(root, outdir, { minify = true } = {}) {
  const require = createRequire(join(root, 'packages/elements/package.json'));
  rmSync(outdir, { recursive: true, force: true });
  const result = await build({
    entryPoints: [
      { out: 'elements', in: join(root, 'packages/elements/src/elements.ts') },
      ...ELEMENT_TAGS.map((tag) => ({
        out: tag,
        in: require.resolve(`@decoding-attention/${tag}/${tag}.js`),
      })),
      trainingWorkerEntry(root),
    ],
    plugins: [coreAssetsPlugin(root, outdir)],
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir,
    chunkNames: 'chunk-[hash]',
    minify,
    legalComments: 'linked',
    metafile: true,
    conditions: ['browser', 'import', 'default'],
    logLevel: 'warning',
  });
  return result.metafile;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('../', import.meta.url));
  await buildBundles(root, join(root, 'packages/elements/dist'));
}
