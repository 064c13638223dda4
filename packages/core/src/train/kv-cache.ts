/**
 * Generating tokens one at a time with and without a key-value cache: a small decoder (token and
 * position embeddings, one causal attention layer of width 64 and 4 heads, a projection to the
 * vocabulary, greedy choice), run twice from the same first token. Without the cache each token
 * runs the whole prefix again (its keys, values and every row of attention: O(t^2 d) at step t);
 * with it, only the new token's query, key and value, and one row of attention over the cached
 * keys (O(t d)). Both produce the same tokens.
 */
import * as tf from '@tensorflow/tfjs';

const WIDTH = 64;
const HEADS = 4;
const VOCABULARY = 64;

/** The time of the tokens generated at positions (`from`, `to`], on average. */
export interface KvPoint {
  cached: boolean;
  /** The last position of the bin (tokens in the sequence after this step). */
  position: number;
  /** Mean time per token over the bin, ms. */
  ms: number;
}

export interface KvOptions {
  /** Tokens to generate (default 512). */
  tokens?: number;
  /** Tokens averaged into each reported point (default tokens / 32, at least 1). */
  bin?: number;
  /** A token taking longer than this, ms, ends that pass (default 2000). */
  budget?: number;
  stopped?: () => boolean;
  onPoint?: (point: KvPoint) => void;
  breathe?: () => Promise<void>;
}

export interface KvPass {
  cached: boolean;
  /** The tokens generated, in order. */
  tokens: number[];
  points: KvPoint[];
  /** Why the pass ended early, if it did. */
  stopped?: string;
}

interface Decoder {
  embedding: tf.Tensor2D;
  positions: tf.Tensor2D;
  query: tf.Tensor2D;
  key: tf.Tensor2D;
  value: tf.Tensor2D;
  output: tf.Tensor2D;
  vocabulary: tf.Tensor2D;
}

function decoder(length: number): Decoder {
  const weights = (shape: [number, number], seed: number) =>
    tf.randomNormal(shape, 0, 1 / Math.sqrt(shape[0]), 'float32', seed) as tf.Tensor2D;
  return {
    embedding: tf.randomNormal([VOCABULARY, WIDTH], 0, 1, 'float32', 11) as tf.Tensor2D,
    positions: tf.randomNormal([length, WIDTH], 0, 0.5, 'float32', 12) as tf.Tensor2D,
    query: weights([WIDTH, WIDTH], 13),
    key: weights([WIDTH, WIDTH], 14),
    value: weights([WIDTH, WIDTH], 15),
    output: weights([WIDTH, WIDTH], 16),
    vocabulary: weights([WIDTH, VOCABULARY], 17),
  };
}

/** [t, WIDTH] as [HEADS, t, WIDTH / HEADS]. */
const splitHeads = (x: tf.Tensor2D) =>
  tf.transpose(tf.reshape(x, [x.shape[0], HEADS, WIDTH / HEADS]), [1, 0, 2]) as tf.Tensor3D;

/** The next token from the attention output of the last position, [HEADS, 1, d]. */
function nextToken(model: Decoder, attended: tf.Tensor3D, input: tf.Tensor2D): tf.Tensor1D {
  const merged = tf.reshape(tf.transpose(attended, [1, 0, 2]), [1, WIDTH]);
  const hidden = tf.add(input, tf.matMul(merged, model.output));
  return tf.argMax(tf.matMul(hidden, model.vocabulary), 1) as tf.Tensor1D;
}

/** The inputs (token plus position embeddings) of `tokens` starting at `from`. */
const inputs = (model: Decoder, tokens: number[], from: number) =>
  tf.add(
    tf.gather(model.embedding, tf.tensor1d(tokens, 'int32')),
    tf.slice(model.positions, [from, 0], [tokens.length, WIDTH]),
  ) as tf.Tensor2D;

/** One token without a cache: the whole prefix through the layer, the last row's choice. */
function uncachedStep(model: Decoder, tokens: number[]): number {
  return tf.tidy(() => {
    const t = tokens.length;
    const x = inputs(model, tokens, 0);
    const q = splitHeads(tf.matMul(x, model.query));
    const k = splitHeads(tf.matMul(x, model.key));
    const v = splitHeads(tf.matMul(x, model.value));
    const scale = 1 / Math.sqrt(WIDTH / HEADS);
    const causal = tf.linalg.bandPart(tf.ones([t, t]), -1, 0);
    const scores = tf.add(
      tf.mul(tf.matMul(q, k, false, true), scale),
      tf.mul(tf.sub(1, causal), -1e9),
    );
    const attended = tf.matMul(tf.softmax(scores), v) as tf.Tensor3D;
    const last = tf.slice(attended, [0, t - 1, 0], [HEADS, 1, WIDTH / HEADS]);
    return nextToken(model, last, tf.slice(x, [t - 1, 0], [1, WIDTH])).dataSync()[0];
  });
}

/** One token with the cache: the new token's query, key and value, one row of attention. */
function cachedStep(
  model: Decoder,
  token: number,
  position: number,
  cache: { keys?: tf.Tensor3D; values?: tf.Tensor3D },
): number {
  const [next, keys, values] = tf.tidy(() => {
    const x = inputs(model, [token], position);
    const q = splitHeads(tf.matMul(x, model.query));
    const k = splitHeads(tf.matMul(x, model.key));
    const v = splitHeads(tf.matMul(x, model.value));
    const keys = cache.keys ? tf.concat([cache.keys, k], 1) : k;
    const values = cache.values ? tf.concat([cache.values, v], 1) : v;
    const scores = tf.mul(tf.matMul(q, keys, false, true), 1 / Math.sqrt(WIDTH / HEADS));
    const attended = tf.matMul(tf.softmax(scores), values) as tf.Tensor3D;
    return [nextToken(model, attended, x), keys, values] as const;
  });
  tf.dispose([cache.keys, cache.values].filter((t): t is tf.Tensor3D => t !== undefined));
  cache.keys = keys;
  cache.values = values;
  const chosen = next.dataSync()[0];
  next.dispose();
  return chosen;
}

/**
 * Generates `tokens` tokens without the cache, then with it, from token 0, timing each; points
 * are each bin's mean time per token. A pass ends early when a token takes longer than `budget`
 * or when `stopped()` says so.
 */
export async function measureKvCache(options: KvOptions = {}): Promise<KvPass[]> {
  const {
    tokens: count = 512,
    budget = 2000,
    stopped = () => false,
    onPoint,
    breathe = () => new Promise<void>((resolve) => setTimeout(resolve, 0)),
  } = options;
  const bin = options.bin ?? Math.max(1, Math.floor(count / 32));
  const model = decoder(count + 1);
  const passes: KvPass[] = [];
  try {
    // One untimed token each way first: the first call of each op compiles and allocates.
    uncachedStep(model, [0, 0]);
    const warm: { keys?: tf.Tensor3D; values?: tf.Tensor3D } = {};
    cachedStep(model, 0, 0, warm);
    tf.dispose([warm.keys!, warm.values!]);
    for (const cached of [false, true]) {
      const pass: KvPass = { cached, tokens: [0], points: [] };
      passes.push(pass);
      const cache: { keys?: tf.Tensor3D; values?: tf.Tensor3D } = {};
      let binTime = 0;
      let binCount = 0;
      try {
        for (let position = 1; position <= count; position++) {
          if (stopped()) {
            pass.stopped = 'stopped';
            break;
          }
          const start = performance.now();
          const next = cached
            ? cachedStep(model, pass.tokens[position - 1], position - 1, cache)
            : uncachedStep(model, pass.tokens);
          const time = performance.now() - start;
          pass.tokens.push(next);
          binTime += time;
          binCount++;
          if (binCount === bin || position === count || time > budget) {
            const point = { cached, position, ms: binTime / binCount };
            pass.points.push(point);
            onPoint?.(point);
            binTime = 0;
            binCount = 0;
            await breathe();
          }
          if (time > budget) {
            pass.stopped = `a token took ${time.toFixed(0)} ms at position ${position} (over the ${budget} ms budget)`;
            break;
          }
        }
      } finally {
        tf.dispose([cache.keys, cache.values].filter((t): t is tf.Tensor3D => t !== undefined));
      }
      if (stopped()) break;
    }
  } finally {
    tf.dispose(Object.values(model));
  }
  return passes;
}
