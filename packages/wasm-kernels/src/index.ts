/**
 * @decoding-attention/wasm-kernels: WebAssembly SIMD kernels, compiled from AssemblyScript by the
 * build and shipped inside this package, that serve tfjs's wasm backend.
 */
export { MatMul, kernelSupport, matMulShape } from './matmul.js';
export type { KernelSupport, MatMulShape } from './matmul.js';
export { useWasmKernels, wasmKernelsState } from './tfjs.js';
export type { WasmKernelsOptions, WasmKernelsState } from './tfjs.js';
export {
  ADD_ROW_VECTOR,
  COLUMN_SUMS,
  FUSED_ATTENTION,
  FUSED_ATTENTION_GRAD,
  FUSED_ATTENTION_MASKED,
  FUSED_GELU,
  FUSED_GELU_GRAD,
  PATCH_IMAGES,
  PATCH_TOKENS,
  addRowVector,
  columnSums,
  fusedAttention,
  fusedAttentionAvailable,
  fusedGelu,
  fusedGeluAvailable,
  layoutKernelsAvailable,
  patchImages,
  patchTokens,
} from './attention-op.js';
export { CONV1D, CONV1D_GRAD, conv1d, conv1dAvailable } from './conv1d-op.js';
export { LAYER_NORM, LAYER_NORM_GRAD, layerNorm, layerNormAvailable } from './layernorm-op.js';
export { ADAM_UPDATE, adamUpdate, adamUpdateAvailable } from './adam-op.js';
export type { AdamStep } from './adam-op.js';
export type { Conv1dOptions } from './conv1d-op.js';
export { FUSED_LSTM, FUSED_LSTM_GRAD, fusedLstm, fusedLstmAvailable } from './lstm-op.js';
export { ImageNoise } from './image-noise.js';
export type { GaussianSource, ZigguratTables } from './image-noise.js';
