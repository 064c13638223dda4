// A hash of generated samples, computed the same way in Node (by the test runner), in the page
// and in a Worker, to prove the generators give the same bits everywhere.

/** FNV-1a over bytes, continuing from `hash`. */
function fnv(bytes, hash) {
  let h = hash;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Fingerprint of 1D and 2D samples for `seeds`, given the core module. */
export function datasetFingerprint(core, seeds) {
  const encoder = new TextEncoder();
  let hash = 0x811c9dc5;
  for (const seed of seeds) {
    const one = core.generateShapes1D({ seed, length: 500 });
    hash = fnv(new Uint8Array(one.input.buffer), hash);
    hash = fnv(new Uint8Array(one.target.buffer), hash);
    hash = fnv(encoder.encode(JSON.stringify(one.shapes)), hash);
    const two = core.generateShapes2D({ seed, filter: 'channel', width: 64, height: 48 });
    hash = fnv(two.input, hash);
    hash = fnv(two.target, hash);
    hash = fnv(encoder.encode(JSON.stringify(two.shapes)), hash);
  }
  const batch = core.generateBatch1D(4, { seed: seeds[0], firstIndex: 1000 });
  hash = fnv(new Uint8Array(batch.inputs.buffer), hash);
  return hash.toString(16);
}
