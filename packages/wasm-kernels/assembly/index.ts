// The kernels' WebAssembly module: the packed matrix multiply and the fused attention.
export { gemm, packFloats } from './gemm';
export { attentionBackward, attentionForward, attentionScratchFloats } from './attention';
