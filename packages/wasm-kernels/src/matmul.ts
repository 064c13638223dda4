import {
  RELAXED_SIMD,
  RELAXED_SIMD_IMPORTED,
  RELAXED_SIMD_SHARED,
  SIMD,
  SIMD_IMPORTED,
  SIMD_SHARED,
} from './generated/binaries.js';

/** The twelve arguments of one `gemm` call, in its order. */
export type GemmCall = [
  a: number,
  ars: number,
  acs: number,
  b: number,
  brs: number,
  bcs: number,
  c: number,
  ldc: number,
  m: number,
  n: number,
  k: number,
  pack: number,
];

/** What the kernels' WebAssembly exports for matrix products. */
export interface GemmExports {
  memory: WebAssembly.Memory;
  packFloats(m: number, n: number, k: number): number;
  gemm(...call: GemmCall): void;
}

/** One (batch, head) pair's fused attention, forward (see assembly/attention.ts). */
export type AttentionForwardCall = [
  q: number,
  k: number,
  v: number,
  mask: number,
  o: number,
  lse: number,
  lq: number,
  lk: number,
  d: number,
  dv: number,
  scratch: number,
];

/** One (batch, head) pair's fused attention, backward. */
export type AttentionBackwardCall = [
  q: number,
  k: number,
  v: number,
  mask: number,
  o: number,
  lse: number,
  dO: number,
  dq: number,
  dk: number,
  dv: number,
  lq: number,
  lk: number,
  d: number,
  dvSize: number,
  scratch: number,
];

/** Everything the kernels' WebAssembly exports. */
export interface KernelExports extends GemmExports {
  attentionScratchFloats(lq: number, lk: number, d: number, dv: number): number;
  attentionForward(...call: AttentionForwardCall): void;
  attentionBackward(...call: AttentionBackwardCall): void;
  /** y = GELU(x) for n floats (heap byte offsets). */
  geluForward(x: number, y: number, n: number): void;
  /** dx = dy GELU'(x) for n floats (heap byte offsets). */
  geluBackward(x: number, dy: number, dx: number, n: number): void;
  /** out = x + bias on each of `rows` rows of `cols` floats (heap byte offsets). */
  addRowVector(x: number, bias: number, out: number, rows: number, cols: number): void;
  /** out [cols] = the sums of the columns of x [rows, cols] (heap byte offsets). */
  columnSums(x: number, out: number, rows: number, cols: number): void;
  /**
   * Images [count, height, width, channels] to patch tokens [count, patches, channels, p, p]
   * (`toTokens` 1), or back (0).
   */
  patchTokens(
    images: number,
    tokens: number,
    count: number,
    height: number,
    width: number,
    channels: number,
    p: number,
    toTokens: number,
  ): void;
}

/** What this browser's WebAssembly offers the kernels. */
export interface KernelSupport {
  /** SIMD128: the kernels run at all. */
  simd: boolean;
  /** Relaxed SIMD: fused multiply-add where the CPU has one. */
  relaxedSimd: boolean;
}

function bytes(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
}

let support: KernelSupport | undefined;

/** Whether the kernels can run here (WebAssembly with SIMD128), and with relaxed SIMD. */
export function kernelSupport(): KernelSupport {
  if (!support) {
    const usable = typeof WebAssembly === 'object' && typeof WebAssembly.validate === 'function';
    support = {
      simd: usable && WebAssembly.validate(bytes(SIMD)),
      relaxedSimd: usable && WebAssembly.validate(bytes(RELAXED_SIMD)),
    };
  }
  return support;
}

/** The shape of a batched product: the broadcast batch dimensions, then m x n. */
export interface MatMulShape {
  batchShape: number[];
  m: number;
  n: number;
  k: number;
  /** For each output matrix, the index of the A and B matrices it multiplies. */
  aIndex: Int32Array;
  bIndex: Int32Array;
}

/**
 * Works out a tf.matMul-style product's shape: a [...batchA, m, k] (or [..., k, m] transposed)
 * times b [...batchB, k, n] (or [..., n, k]), batch dimensions broadcast as numpy does.
 */
export function matMulShape(
  aShape: readonly number[],
  bShape: readonly number[],
  transposeA = false,
  transposeB = false,
): MatMulShape {
  if (aShape.length < 2 || bShape.length < 2)
    throw new RangeError(`matMul needs rank 2 or more, not ${aShape.length} and ${bShape.length}`);
  const ra = aShape.length;
  const rb = bShape.length;
  const m = transposeA ? aShape[ra - 1] : aShape[ra - 2];
  const k = transposeA ? aShape[ra - 2] : aShape[ra - 1];
  const kb = transposeB ? bShape[rb - 1] : bShape[rb - 2];
  const n = transposeB ? bShape[rb - 2] : bShape[rb - 1];
  if (k !== kb)
    throw new RangeError(
      `matMul: inner sizes ${k} and ${kb} of [${aShape}] and [${bShape}] differ`,
    );
  const batchA = aShape.slice(0, -2);
  const batchB = bShape.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const dimA = (i: number) => batchA[i - (rank - batchA.length)] ?? 1;
  const dimB = (i: number) => batchB[i - (rank - batchB.length)] ?? 1;
  const batchShape: number[] = [];
  for (let i = 0; i < rank; i++) {
    const [x, y] = [dimA(i), dimB(i)];
    if (x !== y && x !== 1 && y !== 1)
      throw new RangeError(`matMul: batch shapes [${batchA}] and [${batchB}] do not broadcast`);
    batchShape.push(x === 1 ? y : x);
  }
  const count = batchShape.reduce((p, d) => p * d, 1);
  const aIndex = new Int32Array(count);
  const bIndex = new Int32Array(count);
  for (let out = 0; out < count; out++) {
    let rest = out;
    let ia = 0;
    let ib = 0;
    let strideA = 1;
    let strideB = 1;
    for (let i = rank - 1; i >= 0; i--) {
      const index = rest % batchShape[i];
      rest = Math.floor(rest / batchShape[i]);
      if (dimA(i) !== 1) ia += index * strideA;
      if (dimB(i) !== 1) ib += index * strideB;
      strideA *= dimA(i);
      strideB *= dimB(i);
    }
    aIndex[out] = ia;
    bIndex[out] = ib;
  }
  return { batchShape, m, n, k, aIndex, bIndex };
}

const align = (bytes: number) => Math.ceil(bytes / 64) * 64;

/** Grows `memory` to hold `bytes`, by half again at least, so growing products seldom grow it. */
function growFor(memory: WebAssembly.Memory, bytes: number): void {
  const have = memory.buffer.byteLength / 65536;
  const need = Math.ceil(bytes / 65536) - have;
  try {
    memory.grow(Math.max(need, Math.ceil(have / 2)));
  } catch {
    memory.grow(need);
  }
}

/**
 * The `gemm` calls of a product whose operands sit in the kernels' memory: A at byte offset `a`,
 * B at `b`, the product written at `c`, with packFloats(m, n, k) floats of 16-byte aligned
 * scratch at `scratch`. One call per matrix of the broadcast batch.
 */
export function gemmCalls(
  shape: MatMulShape,
  transposeA: boolean,
  transposeB: boolean,
  a: number,
  b: number,
  c: number,
  scratch: number,
): GemmCall[] {
  const { m, n, k, aIndex, bIndex } = shape;
  // Element strides of A(i, p) and B(p, j) within one matrix.
  const [ars, acs] = transposeA ? [1, m] : [k, 1];
  const [brs, bcs] = transposeB ? [1, k] : [n, 1];
  return Array.from(aIndex, (ai, i): GemmCall => [
    a + ai * m * k * 4,
    ars,
    acs,
    b + bIndex[i] * k * n * 4,
    brs,
    bcs,
    c + i * m * n * 4,
    n,
    m,
    n,
    k,
    scratch,
  ]);
}

/** Runs a product whose operands already sit in the kernels' memory (see gemmCalls). */
export function multiplyInPlace(
  kernels: GemmExports,
  shape: MatMulShape,
  transposeA: boolean,
  transposeB: boolean,
  a: number,
  b: number,
  c: number,
  scratch: number,
): void {
  for (const call of gemmCalls(shape, transposeA, transposeB, a, b, c, scratch))
    kernels.gemm(...call);
}

/** Where the kernels' memory comes from: their own, imported, or imported and shared. */
type MemoryKind = 'own' | 'imported' | 'shared';

const BINARIES: Record<MemoryKind, [simd: string, relaxed: string]> = {
  own: [SIMD, RELAXED_SIMD],
  imported: [SIMD_IMPORTED, RELAXED_SIMD_IMPORTED],
  shared: [SIMD_SHARED, RELAXED_SIMD_SHARED],
};

/** The kernels' binaries for this browser: relaxed SIMD unless unavailable or declined. */
function binary(
  relaxedSimd: boolean | undefined,
  memory: MemoryKind,
): { source: string; relaxed: boolean } | undefined {
  const support = kernelSupport();
  if (!support.simd) return undefined;
  const relaxed = support.relaxedSimd && relaxedSimd !== false;
  return { source: BINARIES[memory][relaxed ? 1 : 0], relaxed };
}

/**
 * Compiles the kernels that run in a memory they import (tfjs-wasm's heap): instantiate them with
 * `{ env: { memory } }`; `shared` for a shared memory (the threaded tfjs-wasm's). Undefined where
 * they cannot run.
 */
export async function compileInHeapKernels(
  options: { relaxedSimd?: boolean; shared?: boolean } = {},
): Promise<{ module: WebAssembly.Module; relaxedSimd: boolean } | undefined> {
  const found = binary(options.relaxedSimd, options.shared ? 'shared' : 'imported');
  if (!found) return undefined;
  try {
    return { module: await WebAssembly.compile(bytes(found.source)), relaxedSimd: found.relaxed };
  } catch {
    return undefined;
  }
}

/**
 * The packed SIMD matrix multiply, in its own WebAssembly instance. Operands are copied into its
 * memory, multiplied and copied out.
 */
export class MatMul {
  private constructor(
    private readonly kernels: GemmExports,
    /** Whether this instance uses relaxed SIMD's fused multiply-add. */
    readonly relaxedSimd: boolean,
  ) {}

  /**
   * Compiles the kernels: the relaxed-SIMD build where the browser has it (unless
   * `relaxedSimd: false`), else plain SIMD128. Undefined where neither can run (no SIMD, or a
   * Content-Security-Policy that forbids compiling WebAssembly).
   */
  static async create(options: { relaxedSimd?: boolean } = {}): Promise<MatMul | undefined> {
    const found = binary(options.relaxedSimd, 'own');
    if (!found) return undefined;
    try {
      const { instance } = await WebAssembly.instantiate(bytes(found.source));
      return new MatMul(instance.exports as unknown as GemmExports, found.relaxed);
    } catch {
      return undefined;
    }
  }

  /**
   * a times b as tf.matMul computes it (transposes, broadcast batch dimensions), into `out` if
   * given (it must hold the whole product). Returns the product and its shape.
   */
  batchMatMul(
    a: Float32Array,
    aShape: readonly number[],
    b: Float32Array,
    bShape: readonly number[],
    transposeA = false,
    transposeB = false,
    out?: Float32Array,
  ): { values: Float32Array; shape: number[] } {
    const shape = matMulShape(aShape, bShape, transposeA, transposeB);
    const { batchShape, m, n, k } = shape;
    const count = shape.aIndex.length;
    const values = out ?? new Float32Array(count * m * n);
    if (values.length !== count * m * n)
      throw new RangeError(`out holds ${values.length} floats, not ${count * m * n}`);
    const { kernels } = this;
    const offA = 0;
    const offB = align(offA + a.length * 4);
    const offC = align(offB + b.length * 4);
    const offPack = align(offC + count * m * n * 4);
    const end = offPack + kernels.packFloats(m, n, k) * 4;
    const have = kernels.memory.buffer.byteLength;
    if (end > have) growFor(kernels.memory, end);
    const heap = new Float32Array(kernels.memory.buffer);
    heap.set(a, offA / 4);
    heap.set(b, offB / 4);
    multiplyInPlace(kernels, shape, transposeA, transposeB, offA, offB, offC, offPack);
    values.set(heap.subarray(offC / 4, offC / 4 + count * m * n));
    return { values, shape: [...batchShape, m, n] };
  }
}
