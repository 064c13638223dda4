/**
 * The explorer's bounds, chosen so that no piece of work it does (one encoding's table and
 * similarity, one attention map) takes more than about 50 ms of one main-thread task on a 2-core
 * laptop; each piece runs in a task of its own. Beyond a bound the explorer shows a message naming
 * the attribute and the bound.
 */
export const EXPLORER_LIMITS = {
  /** Most positions in the table (`length`): the similarity is length² x dim. */
  length: 512,
  /** Most features per position (`dim`). */
  dim: 128,
  /**
   * Most positions of the sample the attention part uses (`sample-length`); a followed viewer's
   * longer sample is used up to this many positions, and the part says so.
   */
  sampleLength: 400,
  /** Most features drawn as curves (`features`): each is a line of `length` points. */
  features: 10,
  /** Largest `strength`: beyond it the scaled scores leave float32's range. */
  strength: 100,
} as const;

/** The largest finite float32, the type the tables and maps are held in. */
export const FLOAT32_MAX = 3.4028234663852886e38;
