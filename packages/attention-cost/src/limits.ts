/** `<attention-cost>`'s bounds: beyond one, it shows a message naming the attribute and the bound. */
export const COST_LIMITS = {
  /**
   * Longest length measured: at 262,144 tokens one step of the layer already needs a few
   * hundred MiB beside whatever its attention holds; beyond it the heap cannot hold a step.
   */
  length: 262_144,
  /** Shortest length: a variant's band and chunks need a few tokens. */
  shortest: 4,
  /** Most lengths in `lengths`. */
  lengths: 24,
  /** Largest batch per step. */
  batch: 64,
  /** `budget`, ms: from a millisecond (tests) to ten minutes. */
  budget: [1, 600_000] as const,
  /** Most tokens the key-value panel generates (without the cache the last ones cost O(t^2)). */
  kvTokens: 4096,
} as const;

/**
 * Bytes a step of the swept layer holds per token at batch 1, besides its attention: its input,
 * projections, output and their gradients, about sixteen [L, 64] float32 buffers.
 */
export const SWEEP_WIDTH_BYTES = 16 * 64 * 4;
