/** `<patch-tokenizer>`'s class and types, with no side effects: import `./patch-tokenizer.js` to register the tag. */
export { PatchTokenizer } from './PatchTokenizer.js';
export type { PatchFocusDetail, TokensChangeDetail, WeightsChangeDetail } from './events.js';
export { TOKENIZER_LIMITS } from './limits.js';
export { VERSION } from './version.js';
export { WEIGHTS_EVERY_MS, isWeightsSource } from './model-weights.js';
export type { ModelWeights, WeightsSource } from './model-weights.js';
