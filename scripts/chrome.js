// Finds a Chromium for the browser tests and benchmarks, and on a fresh Debian machine, when run
// as root, installs Debian's package. Nothing here downloads a browser of its own.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CANDIDATES = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

/** Flags for headless Chromium on a machine with no network but the registry. */
export const CHROME_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** The path of a Chromium or Chrome binary, or undefined. */
export function findChrome() {
  const fromEnv = process.env.CHROME_PATH;
  if (fromEnv) {
    if (!existsSync(fromEnv)) {
      throw new Error(`CHROME_PATH is set to ${fromEnv}, but no file is there.`);
    }
    return fromEnv;
  }
  return CANDIDATES.find((path) => existsSync(path));
}

const MISSING = [
  'No Chromium or Chrome was found for the browser tests.',
  'Set CHROME_PATH to a Chromium or Chrome binary, for example:',
  '  CHROME_PATH=/path/to/chrome npm test',
  'On Debian or Ubuntu, as root: apt-get install -y chromium',
].join('\n');

/** The path of Chromium; throws a message naming CHROME_PATH when there is none. */
export function requireChrome() {
  const path = findChrome();
  if (!path) throw new Error(MISSING);
  return path;
}

/**
 * Finds Chromium, or installs Debian's package when this is a Debian machine and we are root.
 * Elsewhere, fails with a message that names CHROME_PATH.
 */
export function ensureChrome() {
  const found = findChrome();
  if (found) return found;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log("Chromium not found: installing Debian's chromium package (apt-get)...");
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
    return requireChrome();
  }
  throw new Error(MISSING);
}
