import { defineElement } from '@decoding-attention/ui';
import { expect } from '@open-wc/testing';
import { AttentionHeatmap, VERSION } from '../src/index.js';

describe('@decoding-attention/attention-heatmap package', () => {
  it('carries its package.json version on the class, for the define guard', async () => {
    const manifest = (await (await fetch(new URL('../package.json', import.meta.url))).json()) as {
      version: string;
    };
    expect(VERSION).to.equal(manifest.version);
    expect(AttentionHeatmap.version).to.equal(manifest.version);
  });

  it('registers nothing when only the class is imported', () => {
    expect(customElements.get('attention-heatmap')).to.equal(undefined);
  });

  it('registers the tag from its registration entry; registering again is a quiet no-op', async () => {
    await import('../src/attention-heatmap.js');
    expect(customElements.get('attention-heatmap')).to.equal(AttentionHeatmap);
    const warnings: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      defineElement('attention-heatmap', AttentionHeatmap);
    } finally {
      console.warn = original;
    }
    expect(customElements.get('attention-heatmap')).to.equal(AttentionHeatmap);
    expect(warnings).to.deep.equal([]);
  });
});
