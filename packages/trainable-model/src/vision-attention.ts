import type { AttentionLayer, LayerKind } from '@decoding-attention/attention-heatmap';
import type { Matrix } from '@decoding-attention/core';
import type { AttentionSnapshot } from '@decoding-attention/core/train';

/**
 * One attention layer of a vision model as the heatmaps show it: its kind on the patch grid
 * (`encoder`, `decoder` or `cross`), one matrix per head, the channel maps `[R, G, B]` of a
 * channel-specific layer, and a title.
 */
export interface VisionLayer extends AttentionLayer {
  kind: LayerKind;
  heads: Matrix[];
  channels?: [Matrix[], Matrix[], Matrix[]];
  label: string;
}

/** One head of a layer's snapshot, `[length, keys]`. */
function head(layer: AttentionSnapshot, h: number): Matrix {
  const size = layer.length * layer.keys;
  return {
    data: layer.data.subarray(h * size, (h + 1) * size),
    rows: layer.length,
    cols: layer.keys,
  };
}

/**
 * The patch maps of a channel-specific layer, whose tokens are colour planes: all R planes in
 * raster order, then G, then B (3N tokens on an N-patch grid). For each head, the map over
 * patches averages the three query planes of a patch and sums the three key planes of a patch:
 * `M[p][q] = 1/3 sum_c sum_c' A[cN + p][c'N + q]`, so each row still sums to 1; channel c's map
 * keeps its own query plane: `C_c[p][q] = sum_c' A[cN + p][c'N + q]`. Attention within channels
 * has only `c' = c` (the diagonal blocks), so `C_c` is its block; across channels, `C_c` is where
 * channel c's planes look, whatever the plane they read.
 */
export function channelMaps(layer: AttentionSnapshot): {
  heads: Matrix[];
  channels: [Matrix[], Matrix[], Matrix[]];
} {
  const n = layer.length / 3;
  const heads: Matrix[] = [];
  const channels: [Matrix[], Matrix[], Matrix[]] = [[], [], []];
  for (let h = 0; h < layer.heads; h++) {
    const { data } = head(layer, h);
    const sum = new Float64Array(n * n);
    for (let c = 0; c < 3; c++) {
      const map = new Float32Array(n * n);
      for (let p = 0; p < n; p++) {
        const row = (c * n + p) * 3 * n;
        for (let k = 0; k < 3; k++)
          for (let q = 0; q < n; q++) map[p * n + q] += data[row + k * n + q];
      }
      for (let i = 0; i < n * n; i++) sum[i] += map[i];
      channels[c].push({ data: map, rows: n, cols: n });
    }
    heads.push({ data: Float32Array.from(sum, (value) => value / 3), rows: n, cols: n });
  }
  return { heads, channels };
}

const TITLES: Record<string, [LayerKind, string]> = {
  self: ['encoder', 'Encoder layer'],
  'encoder-self': ['encoder', 'Encoder layer'],
  'decoder-self': ['decoder', 'Decoder layer'],
  cross: ['cross', 'Decoder layer'],
  'channel-within': ['encoder', 'Encoder layer'],
  'channel-across': ['encoder', 'Encoder layer'],
};

/**
 * A vision model's snapshot as the heatmaps' layers: encoder self-attention over the image's
 * patches, the decoder's self-attention over its queries (one per output patch), cross-attention
 * from those queries to the encoder's patches, and channel-specific layers as patch maps with
 * their R, G and B maps beside them (see `channelMaps`). Each is titled with its block and kind.
 */
export function visionLayers(attention: readonly AttentionSnapshot[]): VisionLayer[] {
  const blocks = new Map<string, number>();
  return attention.map((layer) => {
    const [kind, title] = TITLES[layer.kind] ?? ['encoder', 'Layer'];
    const block = (blocks.get(layer.kind) ?? 0) + 1;
    blocks.set(layer.kind, block);
    const what =
      layer.kind === 'cross'
        ? 'cross-attention'
        : layer.kind === 'channel-within'
          ? 'self-attention within channels'
          : layer.kind === 'channel-across'
            ? 'self-attention across channels'
            : 'self-attention';
    const label = `${title} ${block}: ${what}`;
    if (layer.kind === 'channel-within' || layer.kind === 'channel-across')
      return { kind, label, ...channelMaps(layer) };
    return {
      kind,
      label,
      heads: Array.from({ length: layer.heads }, (_, h) => head(layer, h)),
    };
  });
}

/**
 * The layer whose weights say which input patches an output patch reads: the last
 * cross-attention (an encoder-decoder's output patch is its decoder query), or else the last
 * encoder layer (an encoder-only model's output patch is its own token); undefined without one.
 */
export function readingLayer(layers: readonly VisionLayer[]): VisionLayer | undefined {
  return (
    layers.findLast((layer) => layer.kind === 'cross') ??
    layers.findLast((layer) => layer.kind === 'encoder')
  );
}

/**
 * What output patch `patch` reads of the input patches in `layer`: row `patch` of its heads'
 * average, one weight per input patch (summing to 1).
 */
export function patchReads(layer: VisionLayer, patch: number): Float32Array {
  const { cols } = layer.heads[0];
  const reads = new Float32Array(cols);
  for (const { data } of layer.heads)
    for (let k = 0; k < cols; k++) reads[k] += data[patch * cols + k] / layer.heads.length;
  return reads;
}

/**
 * Attention rollout across encoder layers (each given as its heads, all square and of one size):
 * how much each output token draws on each input token through every layer, the residual
 * connections included. Each layer's heads are averaged, the identity is added (the residual
 * path) and each row renormalised to sum to 1: `Â_l = (mean_h A_l,h + I) / row sums`; the rollout
 * multiplies them layer by layer, the last on the left: `R = Â_L ... Â_2 Â_1`. Rows of `R` sum
 * to 1. Computed in doubles, returned as float32.
 */
export function attentionRollout(layers: readonly (readonly Matrix[])[]): Matrix {
  if (layers.length === 0 || layers[0].length === 0)
    throw new RangeError('attention rollout needs at least one layer with one head');
  const n = layers[0][0].rows;
  let rollout: Float64Array | undefined;
  for (const heads of layers) {
    const step = new Float64Array(n * n);
    for (const { data, rows, cols } of heads) {
      if (rows !== n || cols !== n)
        throw new RangeError(`attention rollout needs ${n} x ${n} maps, got ${rows} x ${cols}`);
      for (let i = 0; i < n * n; i++) step[i] += data[i] / heads.length;
    }
    for (let i = 0; i < n; i++) {
      step[i * n + i] += 1;
      let sum = 0;
      for (let j = 0; j < n; j++) sum += step[i * n + j];
      for (let j = 0; j < n; j++) step[i * n + j] /= sum;
    }
    if (!rollout) {
      rollout = step;
      continue;
    }
    const product = new Float64Array(n * n);
    for (let i = 0; i < n; i++)
      for (let k = 0; k < n; k++) {
        const a = step[i * n + k];
        if (a === 0) continue;
        for (let j = 0; j < n; j++) product[i * n + j] += a * rollout[k * n + j];
      }
    rollout = product;
  }
  return { data: Float32Array.from(rollout!), rows: n, cols: n };
}
