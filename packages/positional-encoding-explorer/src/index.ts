/** `<positional-encoding-explorer>`'s class and types, with no side effects: import `./positional-encoding-explorer.js` to register the tag. */
export {
  PositionalEncodingExplorer,
  EXPLORER_VIEWS,
  type EncodingChangeDetail,
  type ExplorerView,
  type PositionHoverDetail,
} from './PositionalEncodingExplorer.js';
export { VERSION } from './version.js';
