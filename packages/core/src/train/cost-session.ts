/** The cost measurements where they run (the Worker, or the page as a fallback), driven by commands. */
import * as tf from '@tensorflow/tfjs';
import { sweepAttentionCost } from './attention-cost.js';
import { useBackend } from './backends.js';
import type { CostCommand, CostMessage, CostRequest } from './cost-protocol.js';
import { measureKvCache } from './kv-cache.js';

export class CostSession {
  private cancelled = false;
  private running: Promise<void> | undefined;

  constructor(private readonly post: (message: CostMessage) => void) {}

  async handle(command: CostCommand): Promise<void> {
    switch (command.type) {
      case 'cost-start':
        this.cancelled = true;
        await this.running;
        this.cancelled = false;
        this.running = this.run(command.request);
        return this.running;
      case 'cost-stop':
        this.cancelled = true;
        return;
      case 'cost-memory': {
        const { numTensors, numBytes } = tf.memory();
        this.post({ type: 'cost-memory', id: command.id, numTensors, numBytes });
        return;
      }
    }
  }

  private async run(request: CostRequest): Promise<void> {
    const stopped = () => this.cancelled;
    try {
      // One thread, as `npm run bench:train` measures by default, so the figures compare.
      const wanted = request.backend ?? 'wasm';
      if (!(await useBackend(wanted, { threads: 1 })) && !(await useBackend('cpu')))
        throw new Error('no tfjs backend could start here');
      if (request.sweep !== false && request.variants.length > 0)
        await sweepAttentionCost({
          variants: request.variants,
          lengths: request.lengths,
          batch: request.batch,
          cap: request.budget,
          capName: 'budget',
          stopped,
          onPoint: (point) => this.post({ type: 'cost-point', ...point } as CostMessage),
          onStop: (stop) => this.post({ type: 'cost-stop', ...stop } as CostMessage),
        });
      let kv: { cached: boolean; tokens: number[]; stopped?: string }[] | undefined;
      if ((request.kvTokens ?? 0) > 0 && !this.cancelled) {
        const passes = await measureKvCache({
          tokens: request.kvTokens,
          budget: request.budget,
          stopped,
          onPoint: (point) => this.post({ type: 'cost-kv-point', ...point }),
        });
        kv = passes.map(({ cached, tokens, stopped: why }) => ({ cached, tokens, stopped: why }));
      }
      this.post({ type: 'cost-done', backend: tf.getBackend(), cancelled: this.cancelled, kv });
    } catch (error) {
      this.post({
        type: 'cost-error',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
