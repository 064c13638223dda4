// Copies tfjs's wasm binaries into core's dist/, so the wasm backend loads them from the package
// itself (no CDN): core/train asks for them at ../../dist/wasm/ relative to its own module.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(join(process.cwd(), 'package.json'));
const source = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
const target = join(process.cwd(), 'dist', 'wasm');
mkdirSync(target, { recursive: true });
for (const file of [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
]) {
  copyFileSync(join(source, file), join(target, file));
}
