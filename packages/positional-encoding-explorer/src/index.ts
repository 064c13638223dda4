/** `<positional-encoding-explorer>`'s class and types, with no side effects: import `./positional-encoding-explorer.js` to register the tag. */
export { PositionalEncodingExplorer } from './PositionalEncodingExplorer.js';
export {
  EXPLORER_VIEWS,
  type EncodingChangeDetail,
  type ExplorerView,
  type PositionHoverDetail,
} from './events.js';
export { VERSION } from './version.js';
export { EXPLORER_LIMITS, FLOAT32_MAX } from './limits.js';
