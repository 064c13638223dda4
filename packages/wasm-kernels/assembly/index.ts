// The kernels' WebAssembly module: the packed matrix multiply, the fused attention and GELU.
export { gemm, packFloats } from './gemm';
export { attentionBackward, attentionForward, attentionScratchFloats } from './attention';
export { geluBackward, geluForward } from './gelu';
