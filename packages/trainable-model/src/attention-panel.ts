import '@decoding-attention/attention-heatmap/attention-heatmap.js';
import type { AttentionHeatmap } from '@decoding-attention/attention-heatmap';
import type { Matrix } from '@decoding-attention/core';
import type { SnapshotMessage } from '@decoding-attention/core/train';
import { highlightCells, nextTask } from '@decoding-attention/ui';
import { html, nothing, type TemplateResult } from 'lit';

/** The element whose attention maps the panel shows. */
export interface AttentionPanelHost extends HTMLElement {
  readonly renderRoot: HTMLElement | DocumentFragment;
  requestUpdate(): void;
  trackWork(work: Promise<unknown>): void;
  emit<T>(name: string, detail: T): boolean;
}

/** A snapshot's attention, per layer one matrix per head (views into the snapshot's data). */
export function attentionLayers(snapshot: SnapshotMessage | undefined): Matrix[][] {
  return (snapshot?.attention ?? []).map(({ heads, length, data }) =>
    Array.from({ length: heads }, (_, h) => ({
      data: data.subarray(h * length * length, (h + 1) * length * length),
      rows: length,
      cols: length,
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
  private warm = false;

  constructor(private readonly host: AttentionPanelHost) {}

  /** The latest attention: per layer, one matrix per head. */
  get layers(): Matrix[][] {
    return attentionLayers(this.snapshot);
  }

  /**
   * Hands a snapshot's maps to the heatmaps, apart from the message that brought them: each
   * layer in a task of its own, since a transformer's layers of four 400 x 400 heads at once
   * hold the page too long. A newer snapshot (or `clear()`) stops an older one's hand-over.
   */
  show(snapshot: SnapshotMessage): void {
    this.snapshot = snapshot;
    this.host.trackWork(this.handOver(snapshot));
  }

  /** No maps (a new training, or a reset). */
  clear(): void {
    this.snapshot = undefined;
    this.shown = [];
    this.host.requestUpdate();
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
  async warmUp(): Promise<void> {
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

  /** One heatmap per layer, or nothing before the first snapshot. */
  render(theme: string, onHover: (event: Event) => void): TemplateResult | typeof nothing {
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

  private async handOver(snapshot: SnapshotMessage): Promise<void> {
    await nextTask();
    const layers = attentionLayers(snapshot);
    for (let i = 0; i < layers.length; i++) {
      await nextTask();
      if (this.snapshot !== snapshot) return;
      const shown = this.shown;
      this.shown = layers.flatMap((heads, j) => (j <= i ? [heads] : shown[j] ? [shown[j]] : []));
      this.host.requestUpdate();
    }
    if (this.snapshot !== snapshot || layers.length === 0) return;
    this.host.emit('attention-change', { heads: layers.at(-1) });
  }
}
