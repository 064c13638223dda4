// The tests that need a cross-origin isolated page (SharedArrayBuffer, tfjs-wasm's threaded
// build): the shared configuration, with every response sent with COOP and COEP headers.
import shared from '../../web-test-runner.config.js';

export default {
  ...shared,
  files: ['test/isolated/*.test.ts'],
  middleware: [
    (context, next) => {
      context.set('Cross-Origin-Opener-Policy', 'same-origin');
      context.set('Cross-Origin-Embedder-Policy', 'require-corp');
      return next();
    },
  ],
};
