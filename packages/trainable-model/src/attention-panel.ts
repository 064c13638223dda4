import '@decoding-attention/attention-heatmap/attention-heatmap.js';
import type { AttentionHeatmap, PatchImage } from '@decoding-attention/attention-heatmap';
import type { Matrix } from '@decoding-attention/core';
import type { AttentionSnapshot, SnapshotMessage } from '@decoding-attention/core/train';
import { highlightCells, nextTask } from '@decoding-attention/ui';
import { html, nothing, type TemplateResult } from 'lit';
import { attentionRollout, type VisionLayer } from './vision-attention.js';
import { variantDetail } from './variant-settings.js';

/** What the maps of a vision model are drawn over: the patch grid and the input image. */
export interface PatchContext {
  /** Patches per side. */
  side: number;
  /** The validation sample's input (RGBA), under the patches. */
  image: PatchImage | undefined;
}

/** The element whose attention maps the panel shows. */
export interface AttentionPanelHost extends HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  requestUpdate(): void;
  trackWork(work: Promise<unknown>): void;
  emit<T>(name: string, detail: T): boolean;
}

/** A snapshot's attention, per layer one matrix per head (views into the snapshot's data). */
export function attentionLayers(snapshot: SnapshotMessage | undefined): Matrix[][] {
  return (snapshot?.attention ?? []).map(({ heads, length, keys, data }) =>
    Array.from({ length: heads }, (_, h) => ({
      data: data.subarray(h * length * keys, (h + 1) * length * keys),
      rows: length,
      cols: keys,
    })),
  );
}

/**
 * The attention maps of a `<trainable-model>`, one `<attention-heatmap>` per layer: a snapshot's
 * maps reach them in tasks of their own, layer by layer, and then go out as `attention-change`
 * (the last layer) for heatmaps that follow the element. Also highlights a cell in every map,
 * and warms the heatmaps' code up before training.
 */
export class AttentionPanel {
  /** The latest snapshot (its maps may still be on their way to the heatmaps). */
  private snapshot: SnapshotMessage | undefined;
  /** The maps the heatmaps show, per layer. */
  private shown: Matrix[][] = [];
  /** A vision model's layers the heatmaps show (on the patch grid), and the rollout. */
  private vision:
    { layers: VisionLayer[]; rollout: VisionLayer | undefined; patches: PatchContext } | undefined;
  private warm = false;
  private warmPatches = false;
  private readonly singles = new WeakMap<VisionLayer, VisionLayer[]>();

  constructor(private readonly host: AttentionPanelHost) {}

  /** The latest attention: per layer, one matrix per head. */
  get layers(): Matrix[][] {
    return attentionLayers(this.snapshot);
  }

  /** The latest snapshot's last attention layer (its variant, if any, with it). */
  get lastLayer(): AttentionSnapshot | undefined {
    return this.snapshot?.image ? undefined : this.snapshot?.attention.at(-1);
  }

  /**
   * The length at which the latest snapshot's maps were not sent (an efficient variant reports
   * its pattern up to a cell limit: one sample of 4 heads at length 512), or undefined.
   */
  private get unshownLength(): number | undefined {
    const layer = this.lastLayer;
    return layer && layer.length === 0 ? layer.keys : undefined;
  }

  /**
   * Hands a snapshot's maps to the heatmaps, apart from the message that brought them: each
   * layer in a task of its own, since a transformer's layers of four 400 x 400 heads at once
   * hold the page too long. A newer snapshot (or `clear()`) stops an older one's hand-over.
   */
  show(snapshot: SnapshotMessage, vision?: { patches: PatchContext; layers: VisionLayer[] }): void {
    this.snapshot = snapshot;
    // A model without attention (the U-Net) has no maps to show.
    if (vision && vision.layers.length === 0) {
      this.vision = undefined;
      this.host.requestUpdate();
      return;
    }
    this.host.trackWork(
      vision
        ? this.handOverVision(snapshot, vision.patches, vision.layers)
        : this.handOver(snapshot),
    );
  }

  /** No maps (a new training, or a reset). */
  clear(): void {
    this.snapshot = undefined;
    this.shown = [];
    this.vision = undefined;
    this.host.requestUpdate();
  }

  /** The vision model's layers as shown (empty for a 1D model or before a snapshot). */
  get visionLayers(): VisionLayer[] {
    return this.vision?.layers ?? [];
  }

  /** The rollout across the encoder's layers, as shown (undefined without encoder attention). */
  get rollout(): Matrix | undefined {
    return this.vision?.rollout?.heads[0];
  }

  /**
   * What followers of a vision model get in `attention-change` (and `currentAttention`): its
   * layers, the patch grid and the input image.
   */
  get visionDetail():
    { layers: VisionLayer[]; grid: [number, number]; image?: PatchImage } | undefined {
    const vision = this.vision;
    if (!vision || vision.layers.length === 0) return undefined;
    const { patches } = vision;
    return {
      layers: vision.layers,
      grid: [patches.side, patches.side],
      ...(patches.image ? { image: patches.image } : {}),
    };
  }

  /** Highlights one cell in every map but `except` (the map the reader points at). */
  highlight(query: number, key: number, except?: EventTarget | null): void {
    highlightCells(
      this.host.renderRoot.querySelectorAll<AttentionHeatmap>('.attention attention-heatmap'),
      query,
      key,
      except,
    );
  }

  /**
   * Gives a throwaway heatmap, out of sight, four heads of typed matrices (as training sends
   * them) over and over, a task each: the loops that check, average and colour them are then
   * compiled by the time the first real 400 x 400 maps come, which then draw as fast as later ones.
   * Once per element.
   */
  async warmUp(patches?: PatchContext): Promise<void> {
    if (patches) return this.warmUpPatches(patches);
    if (this.warm) return;
    this.warm = true;
    const heatmap = document.createElement('attention-heatmap') as AttentionHeatmap;
    heatmap.compact = true;
    heatmap.style.cssText = 'position: absolute; visibility: hidden; pointer-events: none';
    this.host.renderRoot.appendChild(heatmap);
    for (let round = 0; round < 30 && this.host.isConnected; round++) {
      heatmap.heads = [0, 1, 2, 3].map((head) => ({
        data: new Float32Array(48 * 48).map((_, i) => ((i + head + round) % 48) / 48),
        rows: 48,
        cols: 48,
      }));
      await heatmap.updateComplete;
      await nextTask();
    }
    heatmap.remove();
  }

  /**
   * The same for the patch-grid mode a vision model's maps are drawn in: a throwaway heatmap on
   * the element's grid, over its image, takes layers of four heads a task each, so that the
   * code that lays weights on the image is compiled before the first snapshot. Once per element.
   */
  private async warmUpPatches({ side, image }: PatchContext): Promise<void> {
    if (this.warmPatches || !image) return;
    this.warmPatches = true;
    const heatmap = document.createElement('attention-heatmap') as AttentionHeatmap;
    heatmap.compact = true;
    heatmap.grid = [side, side];
    heatmap.image = image;
    heatmap.style.cssText = 'position: absolute; visibility: hidden; pointer-events: none';
    this.host.renderRoot.appendChild(heatmap);
    const n = side * side;
    for (let round = 0; round < 12 && this.host.isConnected; round++) {
      heatmap.layers = [
        {
          kind: round % 2 ? 'cross' : 'encoder',
          heads: [0, 1, 2, 3].map((head) => ({
            data: new Float32Array(n * n).map((_, i) => ((i + head + round) % n) / n),
            rows: n,
            cols: n,
          })),
        },
      ];
      await heatmap.updateComplete;
      await nextTask();
    }
    heatmap.remove();
  }

  /** One heatmap per layer, or nothing before the first snapshot. */
  render(theme: string, onHover: (event: Event) => void): TemplateResult | typeof nothing {
    if (this.vision) return this.renderVision(theme, onHover);
    const unshown = this.unshownLength;
    if (unshown !== undefined)
      return html`<p class="note attention-unshown" part="attention">
        The attention maps are not shown at length ${unshown.toLocaleString('en')}: the
        ${this.lastLayer?.variant?.attention ?? ''} variant reports the pattern it used only up to
        about a million weights (4 heads at length 512).
      </p>`;
    const layers = this.shown;
    if (layers.length === 0) return nothing;
    return html`
      <div class="attention" part="attention">
        ${layers.map(
          (heads, index) => html`
            <attention-heatmap
              compact
              theme=${theme}
              label=${layers.length > 1 ? `Layer ${index + 1} attention` : 'Attention'}
              .heads=${heads}
              @attention-hover=${onHover}
            ></attention-heatmap>
          `,
        )}
      </div>
    `;
  }

  /** A layer as the `layers` list of its own heatmap: the same list each render, so the heatmap redraws only for new maps. */
  private single(layer: VisionLayer): VisionLayer[] {
    let list = this.singles.get(layer);
    if (!list) this.singles.set(layer, (list = [layer]));
    return list;
  }

  /**
   * A vision model's layers, each on the patch grid over the input image: encoder
   * self-attention, decoder self-attention, cross-attention (decoder queries x encoder patches),
   * channel maps beside a channel-specific layer's; then the rollout across the encoder's layers.
   */
  private renderVision(theme: string, onHover: (event: Event) => void): TemplateResult {
    const { layers, rollout, patches } = this.vision!;
    const side = patches.side;
    const heatmap = (layer: VisionLayer, className: string, labels = {}) =>
      html`<attention-heatmap
        compact
        class=${className}
        theme=${theme}
        label=${layer.label}
        grid=${`${side}x${side}`}
        .layers=${this.single(layer)}
        .image=${patches.image}
        query-label=${(labels as { query?: string }).query ?? nothing}
        key-label=${(labels as { key?: string }).key ?? nothing}
        @attention-hover=${onHover}
      ></attention-heatmap>`;
    return html`
      <div class="attention vision" part="attention">
        ${layers.map((layer) => heatmap(layer, `layer ${layer.kind}`))}
        ${
          rollout
            ? heatmap(rollout, 'rollout', { query: 'Encoder output token', key: 'Input patch' })
            : nothing
        }
      </div>
    `;
  }

  /**
   * Hands a vision snapshot's layers to the heatmaps, each in a task of its own, then the
   * rollout; then `attention-change` with the layers, grid and image for heatmaps that follow.
   */
  private async handOverVision(
    snapshot: SnapshotMessage,
    patches: PatchContext,
    layers: VisionLayer[],
  ): Promise<void> {
    await nextTask();
    if (this.snapshot !== snapshot) return;
    // Maps on another grid (a new model) are not kept while the new ones arrive.
    const before = this.vision?.patches.side === patches.side ? this.vision : undefined;
    const shown = before?.layers ?? [];
    for (let i = 0; i < layers.length; i++) {
      if (i > 0) await nextTask();
      if (this.snapshot !== snapshot) return;
      this.vision = {
        layers: [...layers.slice(0, i + 1), ...shown.slice(i + 1, layers.length)],
        rollout: before?.rollout,
        patches,
      };
      this.host.requestUpdate();
    }
    await nextTask();
    if (this.snapshot !== snapshot) return;
    const encoder = layers.filter((layer) => layer.kind === 'encoder');
    const count = encoder.length;
    this.vision = {
      layers,
      patches,
      rollout: count
        ? {
            kind: 'encoder',
            label: `Rollout across the encoder's ${count} layer${count > 1 ? 's' : ''}`,
            heads: [attentionRollout(encoder.map((layer) => layer.heads))],
          }
        : undefined,
    };
    this.host.requestUpdate();
    if (layers.length === 0) return;
    this.host.emit('attention-change', {
      layers,
      grid: [patches.side, patches.side],
      ...(patches.image ? { image: patches.image } : {}),
    });
  }

  private async handOver(snapshot: SnapshotMessage): Promise<void> {
    await nextTask();
    // Past the display limit no layer sent its weights: the note says so, no map is drawn.
    if (this.unshownLength !== undefined) {
      this.shown = [];
      this.host.requestUpdate();
      return;
    }
    const layers = attentionLayers(snapshot);
    for (let i = 0; i < layers.length; i++) {
      await nextTask();
      if (this.snapshot !== snapshot) return;
      const shown = this.shown;
      this.shown = layers.flatMap((heads, j) => (j <= i ? [heads] : shown[j] ? [shown[j]] : []));
      this.host.requestUpdate();
    }
    if (this.snapshot !== snapshot || layers.length === 0) return;
    const variant = variantDetail(snapshot.attention.at(-1));
    this.host.emit('attention-change', { heads: layers.at(-1), ...(variant ? { variant } : {}) });
  }
}
