/** `<patch-tokenizer>`'s class and types, with no side effects: import `./patch-tokenizer.js` to register the tag. */
export { PatchTokenizer } from './PatchTokenizer.js';
export type { PatchFocusDetail, TokensChangeDetail } from './events.js';
export { TOKENIZER_LIMITS } from './limits.js';
export { VERSION } from './version.js';
