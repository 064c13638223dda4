/** `<attention-cost>`'s class and types, with no side effects: import `./attention-cost.js` to register the tag. */
export { AttentionCost } from './AttentionCost.js';
export type { CostDoneDetail, CostPointDetail, VariantStopDetail } from './events.js';
export { COST_LIMITS } from './limits.js';
export { COST_MODES } from './validation.js';
export type { CostMode } from './results.js';
export { VERSION } from './version.js';
