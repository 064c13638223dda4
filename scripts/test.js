// `npm test`: finds (or on a fresh Debian machine, installs) Chromium, then runs lint, type checks
// and every package's browser tests through turbo, then the stories' screenshot tests and the
// consumer tests. Pass turbo flags after `--`, e.g. `npm test -- --filter=@decoding-attention/core`.
import { spawnSync } from 'node:child_process';
import { ensureChrome } from './chrome.js';

try {
  process.env.CHROME_PATH = ensureChrome();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

const extra = process.argv.slice(2);
const run = (args) => {
  const result = spawnSync('npx', ['turbo', 'run', ...args, ...extra], {
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

// Browser tests one package at a time: each starts a Chromium, and two cores are shared.
run(['lint', 'lint:root', 'typecheck', 'typecheck:root', 'build']);
run(['test', '--concurrency=1']);

// Screenshot tests: every story at two widths against its baseline picture (tests/screenshots/).
const screenshots = spawnSync(
  'npx',
  ['wtr', '--config', 'tests/screenshots/web-test-runner.config.js'],
  { stdio: 'inherit', env: process.env },
);
if (screenshots.status !== 0) process.exit(screenshots.status ?? 1);

// Consumer tests: the built packages as a blogger loads them, in Chromium.
const consumer = spawnSync('node', ['--test', '--test-concurrency=1', 'tests/consumer/'], {
  stdio: 'inherit',
});
if (consumer.status !== 0) process.exit(consumer.status ?? 1);
