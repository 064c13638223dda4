// Every package packs into a tarball holding what its exports promise, and nothing of its tests.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const folders = readdirSync(join(root, 'packages'));
const out = mkdtempSync(join(tmpdir(), 'packs-'));

/** Every file an exports map points at. */
function exportTargets(exports) {
  return Object.values(exports).flatMap((target) =>
    typeof target === 'string'
      ? [target]
      : Object.values(target).filter((t) => typeof t === 'string'),
  );
}

describe('npm pack', () => {
  after(() => rmSync(out, { recursive: true, force: true }));

  for (const folder of folders) {
    const dir = join(root, 'packages', folder);
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));

    it(`${manifest.name} packs with its exports, types first, and no tests`, () => {
      const [pack] = JSON.parse(
        execFileSync('npm', ['pack', '--json', '--pack-destination', out], {
          cwd: dir,
          encoding: 'utf8',
        }),
      );
      const files = pack.files.map((f) => f.path);
      assert.equal(manifest.type, 'module');
      assert.equal(manifest.license, 'MIT');
      for (const [subpath, target] of Object.entries(manifest.exports)) {
        if (typeof target === 'object') {
          assert.equal(Object.keys(target)[0], 'types', `${subpath}: "types" comes first`);
        }
      }
      for (const target of exportTargets(manifest.exports)) {
        assert.ok(files.includes(target.replace(/^\.\//, '')), `${target} is in the tarball`);
      }
      assert.ok(files.includes('README.md'));
      assert.deepEqual(
        files.filter(
          (f) => f.startsWith('test/') || f.startsWith('src/') || f.endsWith('.tsbuildinfo'),
        ),
        [],
      );
      if (manifest.customElements) {
        assert.ok(files.includes(manifest.customElements), 'the custom elements manifest ships');
        // Side effects are the registration entries only.
        assert.ok(Array.isArray(manifest.sideEffects));
        for (const entry of manifest.sideEffects)
          assert.match(entry, new RegExp(`${folder}\\.(js|ts)$`));
      } else if (folder === 'elements') {
        // Script-tag bundles: loading one registers its tags.
        assert.equal(manifest.sideEffects, true);
      } else {
        assert.equal(manifest.sideEffects, false);
      }
      // What npm shows and what publishing needs.
      assert.match(manifest.repository?.url ?? '', /^git\+https:\/\/github\.com\/.+\.git$/);
      assert.equal(manifest.repository.directory, `packages/${folder}`);
      assert.match(manifest.homepage ?? '', /^https:\/\//);
      assert.ok(manifest.keywords?.length >= 3, 'keywords');
      assert.equal(manifest.publishConfig?.access, 'public');
      for (const file of ['CHANGELOG.md', 'LICENSE', 'README.md'])
        assert.ok(files.includes(file), `${file} ships`);
      assert.ok(readdirSync(out).includes(pack.filename));
    });

    it(`${manifest.name} passes npm publish --dry-run`, () => {
      const output = execFileSync('npm', ['publish', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: dir,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const report = JSON.parse(output.slice(output.indexOf('{')));
      assert.equal(report.name ?? report[manifest.name]?.name, manifest.name);
    });
  }
});
