// A plain static file server for consumer tests and benchmarks: files as they are on disk, no
// transforms, so what loads is exactly what a blogger's server would send.
import { createServer } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Serves `root` on a free localhost port. `pages` maps URL paths to content served instead of
 * files; `headers` are added to every response (a CSP, or COOP/COEP for cross-origin isolation).
 */
export async function startStaticServer({ root, pages = {}, headers = {} }) {
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://localhost').pathname);
    const send = (status, body, type) => {
      response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', ...headers });
      response.end(body);
    };
    if (pages[path] !== undefined) {
      send(200, pages[path], TYPES[extname(path)] ?? TYPES['.html']);
      return;
    }
    let file = normalize(join(root, path));
    if (!file.startsWith(normalize(root))) {
      send(403, 'Forbidden', TYPES['.txt']);
      return;
    }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, 'index.html');
      send(200, await readFile(file), TYPES[extname(file)] ?? 'application/octet-stream');
    } catch {
      send(404, 'Not found', TYPES['.txt']);
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
