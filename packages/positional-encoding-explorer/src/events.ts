import type { EncodingKind } from '@decoding-attention/core';

/** The parts of the explorer, shown in this order; `view` picks some. */
export const EXPLORER_VIEWS = ['encoding', 'similarity', 'rope', 'attention'] as const;
export type ExplorerView = (typeof EXPLORER_VIEWS)[number];

/** What `position-hover` carries. */
export interface PositionHoverDetail {
  /** The position hovered in any part of the explorer, or -1. */
  position: number;
}

/** What `encoding-change` carries: the encodings shown, as numbers. */
export interface EncodingChangeDetail {
  encoding: EncodingKind;
  compare: EncodingKind | undefined;
  length: number;
  dim: number;
  base: number;
  /** The first encoding, `length x dim` row-major. */
  pe: Float32Array;
}

declare global {
  interface HTMLElementEventMap {
    'position-hover': CustomEvent<PositionHoverDetail>;
    'encoding-change': CustomEvent<EncodingChangeDetail>;
  }
}
