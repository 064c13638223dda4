/**
 * The explorer's bounds. Beyond one it shows a message naming the attribute and the bound. At
 * `length` 512 the heaviest piece of work (Performer's estimate at 256 features) is cut into
 * slices of rows that each take a few milliseconds.
 */
export const EFFICIENT_EXPLORER_LIMITS = {
  /** Shortest and longest sample, the element's own or a followed viewer's. */
  length: { min: 8, max: 512 },
  /** Most random features (Performer's m). */
  features: 256,
  /** Most hashing rounds (Reformer). */
  hashes: 8,
  /** Most hash buckets (Reformer): 1 or an even number up to this. */
  buckets: 64,
  /** Most projected rows (Linformer's k); never more than the sample's length. */
  projected: 256,
} as const;

/**
 * The slider steps of `features`: the error curve is worked out at these m and the slider moves
 * along them (a `features` between steps, or up to 256, is worked out when set).
 */
export const FEATURE_STEPS = [1, 2, 4, 8, 16, 32, 64, 128] as const;

/** The slider steps of `projected` (k): the Linformer error is worked out at these k. */
export const PROJECTED_STEPS = [1, 2, 4, 8, 16, 32, 64, 128, 256] as const;
