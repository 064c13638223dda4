// The kernels' WebAssembly module: the packed matrix multiply, the fused attention, GELU and
// the layout passes (bias rows, column sums, patch tokens).
export { gemm, packFloats } from './gemm';
export { attentionBackward, attentionForward, attentionScratchFloats } from './attention';
export { geluBackward, geluForward } from './gelu';
export { addRowVector, columnSums, patchTokens } from './layout';
export { conv1dFilterGrad, conv1dForward, conv1dInputGrad, conv1dScratchFloats } from './conv1d';
export {
  winogradFilterGrad,
  winogradForward,
  winogradInputGrad,
  winogradScratchFloats,
} from './winograd';
export { lstmBackward, lstmForward, lstmScratchFloats } from './lstm';
export { layerNormBackward, layerNormForward } from './layernorm';
export { adamUpdate } from './adam';
