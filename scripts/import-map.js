// Builds an import map for loading packages in a browser with no bundler: every bare specifier
// reachable from the entries, mapped to the file a browser-targeting resolver picks for it.
// esbuild does the resolving (exports maps, the "browser" condition, dynamic imports); nothing is
// bundled or written, only the resolutions are recorded.
import { build } from 'esbuild';
import { browserModulePath } from './browser-modules.js';
import { join, relative, sep } from 'node:path';

// Go regular expressions have no look-ahead: match what can start a bare specifier.
const BARE = /^[@a-zA-Z0-9_]/;
const URL_LIKE = /^[a-z][a-z0-9+.-]*:/i;

/** The folder of the npm package holding `file` (the last `node_modules/<name>` in its path). */
function packageFolder(file) {
  const parts = file.split(sep);
  const index = parts.lastIndexOf('node_modules');
  if (index < 0) return undefined;
  const nameLength = parts[index + 1]?.startsWith('@') ? 2 : 1;
  return parts.slice(0, index + 1 + nameLength).join(sep);
}

/**
 * An import map (`{ imports, scopes }`) for `entries` (files), with URLs relative to `root`
 * served at `urlPrefix`. A specifier that resolves differently in some package goes in a scope.
 */
export async function generateImportMap(
  entries,
  { root, urlPrefix = '/', conditions = ['browser', 'import', 'default'] },
) {
  const resolutions = new Map(); // specifier -> Map(file -> importer folders)
  const toUrl = (file) => urlPrefix + relative(root, file).split(sep).join('/');
  const record = (specifier, file, importer) => {
    const byFile = resolutions.get(specifier) ?? new Map();
    const importers = byFile.get(file) ?? new Set();
    importers.add(packageFolder(importer) ?? root);
    byFile.set(file, importers);
    resolutions.set(specifier, byFile);
  };
  await build({
    entryPoints: entries,
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    splitting: true,
    outdir: 'out',
    conditions,
    logLevel: 'silent',
    loader: { '.wasm': 'empty', '.css': 'empty' },
    plugins: [
      {
        name: 'record-bare-imports',
        setup(esbuild) {
          esbuild.onResolve({ filter: BARE }, async (args) => {
            if (args.pluginData?.recording || URL_LIKE.test(args.path)) return undefined;
            // Modules whose browser build is a different file (tfjs's self-contained bundles,
            // Node built-ins): mapped to that file, and not followed further.
            const override = browserModulePath(root, args.path);
            if (override !== undefined) {
              record(args.path, join(root, override), args.importer);
              return { path: args.path, external: true };
            }
            const result = await esbuild.resolve(args.path, {
              kind: args.kind,
              importer: args.importer,
              resolveDir: args.resolveDir,
              pluginData: { recording: true },
            });
            if (result.errors.length > 0 || !result.path) return result;
            record(args.path, result.path, args.importer);
            return result;
          });
        },
      },
    ],
  });
  const imports = {};
  const scopes = {};
  for (const [specifier, byFile] of [...resolutions].sort(([a], [b]) => a.localeCompare(b))) {
    // The resolution most importers share goes in `imports`; the others are scoped.
    const ranked = [...byFile].sort((a, b) => b[1].size - a[1].size);
    imports[specifier] = toUrl(ranked[0][0]);
    for (const [file, importers] of ranked.slice(1)) {
      for (const folder of importers) {
        const scope = `${toUrl(folder)}/`;
        scopes[scope] ??= {};
        scopes[scope][specifier] = toUrl(file);
      }
    }
  }
  return Object.keys(scopes).length > 0 ? { imports, scopes } : { imports };
}
