import {
  groupAttention1D,
  localShapeAttention1D,
  type Sample1D,
  type Sample2D,
} from '@decoding-attention/core';
import { ElementLink, eventDetail, isPositionMarker, isSampleSource } from '@decoding-attention/ui';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { checkLayerList } from './layers.js';
import { readVariant, sampleVariantAttention, type SampleVariant } from './variant-view.js';
import { HEATMAP_LIMITS, readHeads } from './limits.js';
import type { PatchImage } from './patch-grid.js';
import {
  checkLabels,
  fetchHeatmapJson,
  isAttentionSource,
  type AttentionChangeDetail,
  type HeatmapData,
} from './sources.js';

/** What `for` may name: a viewer (it has a `sample`) or an element that computes attention. */
function canFollow(element: Element): element is HTMLElement {
  return isAttentionSource(element) || isSampleSource(element);
}

/** The element the data arrives for: it folds loads into its `updateComplete`. */
export interface ExternalDataHost extends ReactiveControllerHost, HTMLElement {
  trackWork(work: Promise<unknown>): void;
}

export interface ExternalDataOptions {
  /** Following a viewer, what is computed from its sample: `local-shape` or `groups`. */
  source: () => string;
  /** Following a viewer, the attention variant computed on its sample; undefined for none. */
  variant: () => SampleVariant | undefined;
  /** The data from outside changed: loaded from `src` if any, else from the followed element. */
  changed: (data: HeatmapData | undefined) => void;
  /** The followed viewer highlights a shape, positions `[start, end)`; undefined when none. */
  band: (band: { start: number; end: number } | undefined) => void;
  /** A load failed or the followed element sent something unusable. */
  failed: (error: unknown) => void;
  /** The followed viewer shows a 2D sample: its input image, for the patch grid; undefined when none. */
  image: (image: PatchImage | undefined) => void;
  /** The followed model sent its vision layers (kinds checked); undefined when it sends none. */
  vision: (vision: VisionDetail | undefined) => void;
}

/** A vision model's `attention-change`: its layers, with the grids and image where it sent them. */
export type VisionDetail = Required<Pick<AttentionChangeDetail, 'layers'>> &
  Pick<AttentionChangeDetail, 'grid' | 'queryGrid' | 'image'>;

/**
 * The data that reaches the heatmap from outside its properties: the JSON at a `src` URL, and
 * the element it follows (`for`): a `<shape-dataset-viewer>`, whose sample it computes attention
 * on and whose hovered shape it shows, or any element that computes attention (it fires
 * `attention-change` and has `currentAttention`). Events with no detail are ignored.
 */
export class ExternalData implements ReactiveController {
  private loaded: HeatmapData | undefined;
  private linked: HeatmapData | undefined;
  private fetchController: AbortController | undefined;
  /** The `src` load in flight, if any. */
  private pendingLoad: Promise<void> | undefined;
  private readonly link: ElementLink<HTMLElement>;

  constructor(
    private readonly host: ExternalDataHost,
    private readonly options: ExternalDataOptions,
  ) {
    host.addController(this);
    this.link = new ElementLink<HTMLElement>(
      host,
      (target) => this.attachTo(target),
      (target) => this.detachFrom(target),
      canFollow,
      'a <shape-dataset-viewer> or an element that computes attention (such as <trainable-model>)',
    );
  }

  /** Why `for` follows nothing (it names no element, this one, or one of the wrong kind), if so. */
  get problem(): string | undefined {
    return this.link.problem;
  }

  hostDisconnected(): void {
    // Leaving the page cancels a load in flight (`load` again when back).
    this.fetchController?.abort();
  }

  /** Whether a `src` load is under way. */
  get loading(): boolean {
    return this.pendingLoad !== undefined;
  }

  /** Whether data from `src` has arrived. */
  get hasLoaded(): boolean {
    return this.loaded !== undefined;
  }

  /** Loads the JSON at `src` (none: forgets what was loaded); a load in flight is cancelled. */
  load(src: string | undefined): void {
    this.fetchController?.abort();
    this.setLoaded(undefined);
    if (!src) return;
    const controller = new AbortController();
    this.fetchController = controller;
    const pending = fetchHeatmapJson(src, controller.signal).then(
      (data) => {
        if (!controller.signal.aborted) this.setLoaded(data);
      },
      (error: unknown) => {
        if (!controller.signal.aborted) this.options.failed(error);
      },
    );
    this.pendingLoad = pending;
    this.host.trackWork(pending);
    // A newer load may have started meanwhile: it owns pendingLoad now.
    void pending.then(() => {
      if (this.pendingLoad === pending) this.pendingLoad = undefined;
    });
  }

  /** Follows the element with this id (none: follows nothing). */
  follow(id: string | undefined): void {
    this.link.follow(id);
  }

  /** Computes again from the followed viewer's sample, after `source` changed. */
  resample(): void {
    this.followSample(this.followedSample());
  }

  /** Marks a cell's query and key in the followed element, if it marks positions; none clears. */
  mark(cell: { query: number; key: number } | undefined): void {
    const target = this.link.element;
    // A whole query (key -1, picked on the image) marks the query alone.
    if (isPositionMarker(target))
      target.markPositions(cell ? [cell.query, cell.key].filter((p) => p >= 0) : []);
  }

  private setLoaded(data: HeatmapData | undefined): void {
    this.loaded = data;
    this.options.changed(this.loaded ?? this.linked);
  }

  private setLinked(data: HeatmapData | undefined): void {
    this.linked = data;
    this.options.changed(this.loaded ?? this.linked);
  }

  private attachTo(target: HTMLElement): void {
    target.addEventListener('sample-change', this.onSampleChange);
    target.addEventListener('shape-highlight', this.onShapeHighlight);
    target.addEventListener('attention-change', this.onAttentionChange);
    // An element that computes attention says what it shows now; a viewer, which sample.
    if (isAttentionSource(target)) {
      if (target.currentAttention) this.takeAttention(target.currentAttention);
    } else this.resample();
  }

  private detachFrom(target: HTMLElement): void {
    target.removeEventListener('sample-change', this.onSampleChange);
    target.removeEventListener('shape-highlight', this.onShapeHighlight);
    target.removeEventListener('attention-change', this.onAttentionChange);
    if (isPositionMarker(target)) target.markPositions([]);
    this.setLinked(undefined);
    this.options.image(undefined);
    this.options.vision(undefined);
    this.options.band(undefined);
  }

  private readonly onSampleChange = (event: Event): void => {
    this.followSample(eventDetail<{ sample: unknown }>(event)?.sample);
  };

  private readonly onShapeHighlight = (event: Event): void => {
    const detail = eventDetail<{ shape: { start?: number; width?: number } | null }>(event);
    if (!detail) return;
    const { start, width } = (typeof detail.shape === 'object' && detail.shape) || {};
    const finite = (value: unknown): value is number =>
      typeof value === 'number' && Number.isFinite(value);
    this.options.band(finite(start) && finite(width) ? { start, end: start + width } : undefined);
  };

  private readonly onAttentionChange = (event: Event): void => {
    const detail = eventDetail<AttentionChangeDetail>(event);
    if (detail) this.takeAttention(detail);
  };

  private takeAttention(detail: Partial<AttentionChangeDetail>): void {
    if (detail.layers !== undefined && detail.layers !== null) {
      try {
        checkLayerList(detail.layers, 'attention-change layers');
        const { layers, grid, queryGrid, image } = detail;
        this.setLinked(undefined);
        this.options.vision({ layers, grid, queryGrid, image });
      } catch (error) {
        this.options.failed(error);
      }
      return;
    }
    this.options.vision(undefined);
    try {
      const heads = readHeads(detail.heads, 'attention-change heads');
      const [{ rows, cols }] = heads;
      this.setLinked({
        heads,
        kind: detail.kind === 'scores' ? 'scores' : 'weights',
        rowLabels: checkLabels(detail.rowLabels, rows, 'attention-change rowLabels'),
        colLabels: checkLabels(detail.colLabels, cols, 'attention-change colLabels'),
        variant: readVariant(detail.variant, 'attention-change variant', heads),
      });
    } catch (error) {
      this.options.failed(error);
    }
  }

  /** The sample of the followed `<shape-dataset-viewer>`, if it is one. */
  private followedSample(): Sample1D | Sample2D | undefined {
    const target = this.link.element;
    return isSampleSource(target) && !isAttentionSource(target) ? target.sample : undefined;
  }

  /**
   * Computes attention on a 1D sample of the followed viewer, or takes a 2D sample's input
   * image for the patch grid (the attention then comes from the properties). Samples come from
   * another element's events: anything that is neither, or beyond the limit, is reported.
   */
  private followSample(sample: unknown): void {
    if (typeof sample !== 'object' || sample === null) return;
    const id = this.link.element?.id ?? '';
    const input = (sample as Partial<Sample1D>).input;
    if ('width' in sample) {
      // Checked against the grid, and named, by the element.
      const { width, height } = sample as Partial<Sample2D>;
      this.setLinked(undefined);
      this.options.image({
        data: (sample as Partial<Sample2D>).input!,
        width: width!,
        height: height!,
      });
      return;
    }
    this.options.image(undefined);
    if (!(input instanceof Float32Array)) {
      this.options.failed(
        new RangeError(`for="${id}" shows a sample without an input series or image`),
      );
      return;
    }
    const most = HEATMAP_LIMITS.followedLength;
    if (input.length > most) {
      // Attention on a sample of length n is n x n, worked out here in one task.
      this.options.failed(
        new RangeError(
          `for="${id}" shows a sample of length ${input.length}; the heatmap computes attention for samples of length at most ${most}`,
        ),
      );
      return;
    }
    try {
      const variant = this.options.variant();
      if (variant) {
        this.setLinked({ ...sampleVariantAttention(input, variant), kind: 'weights' });
        return;
      }
      const heads =
        this.options.source() === 'groups'
          ? [groupAttention1D(sample as Sample1D)]
          : [localShapeAttention1D(input).average];
      this.setLinked({ heads, kind: 'weights' });
    } catch (error) {
      this.options.failed(error);
    }
  }
}
