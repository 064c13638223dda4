/** The methods the explorer shows, one at a time (`method`). */
export const METHODS = ['performer', 'reformer', 'linformer', 'adaptive', 'patterns'] as const;
export type Method = (typeof METHODS)[number];

/** Reformer's steps, shown one after another up to `step`. */
export const REFORMER_STEPS = ['hash', 'sort', 'chunk', 'attend'] as const;
export type ReformerStep = (typeof REFORMER_STEPS)[number];

/** The sparse patterns the reader edits (`pattern`). */
export const PATTERNS = ['local', 'sparse', 'global'] as const;
export type PatternKind = (typeof PATTERNS)[number];

/** What `explorer-change` carries: the method shown and the numbers it shows now. */
export interface ExplorerChangeDetail {
  method: Method;
  /** The headline numbers of the method, as `toJSON().summary` holds them. */
  summary: Record<string, number | string | number[]>;
}

declare global {
  interface HTMLElementEventMap {
    'explorer-change': CustomEvent<ExplorerChangeDetail>;
  }
}
