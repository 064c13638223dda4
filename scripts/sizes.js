// Size budgets: each element's own code, minified and gzipped, with everything outside its package
// (lit, the shared core and ui, vega, tfjs) left out.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ELEMENT_TAGS } from './build-bundles.js';

/** The budget for one element's own code, min+gzip (issue: "at most 20 KB, lit excluded"). */
export const OWN_CODE_BUDGET = 20 * 1024;

async function bundledSize(entry, isExternal) {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['browser', 'import', 'default'],
    logLevel: 'silent',
    plugins: [
      {
        name: 'externals',
        setup(esbuild) {
          esbuild.onResolve({ filter: /^[^./]/ }, (args) =>
            isExternal(args.path) ? { path: args.path, external: true } : undefined,
          );
        },
      },
    ],
  });
  const code = result.outputFiles.map((file) => file.contents);
  const bytes = Buffer.concat(code);
  return { min: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
}

/**
 * For each element package: its own code (every bare import external), and with the shared
 * core and ui code it uses bundled in (lit, vega and tfjs still external), both min+gzip.
 */
export async function ownCodeSizes(root) {
  const require = createRequire(join(root, 'packages/elements/package.json'));
  const sizes = [];
  for (const tag of ELEMENT_TAGS) {
    const name = `@decoding-attention/${tag}`;
    const entry = require.resolve(`${name}/${tag}.js`);
    const own = await bundledSize(entry, () => true);
    const shared = await bundledSize(
      entry,
      (path) => !/^@decoding-attention\/(core|ui)(\/|$)/.test(path),
    );
    sizes.push({ name, folder: dirname(entry), ...own, withShared: shared });
  }
  return sizes;
}
