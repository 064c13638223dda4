/** `<efficient-attention-explorer>`'s class and types, with no side effects: import `./efficient-attention-explorer.js` to register the tag. */
export { EfficientAttentionExplorer } from './EfficientAttentionExplorer.js';
export {
  METHODS,
  PATTERNS,
  REFORMER_STEPS,
  type ExplorerChangeDetail,
  type Method,
  type PatternKind,
  type ReformerStep,
} from './events.js';
export { EFFICIENT_EXPLORER_LIMITS, FEATURE_STEPS, PROJECTED_STEPS } from './limits.js';
export { FEATURE_DRAWS, FEATURE_KERNELS, FEATURE_SEED } from './performer.js';
export { ROTATION_SEED } from './reformer.js';
export { PROJECTION_SEED } from './linformer.js';
export { queriesKeys } from './sample.js';
export { VERSION } from './version.js';
