import { defineElement } from '@decoding-attention/ui';
import { expect } from '@open-wc/testing';
import { ShapeDatasetViewer, VERSION } from '../src/index.js';

describe('@decoding-attention/shape-dataset-viewer package', () => {
  it('carries its package.json version on the class, for the define guard', async () => {
    const manifest = (await (await fetch(new URL('../package.json', import.meta.url))).json()) as {
      version: string;
    };
    expect(VERSION).to.equal(manifest.version);
    expect(ShapeDatasetViewer.version).to.equal(manifest.version);
  });

  it('registers nothing when only the class is imported', () => {
    expect(customElements.get('shape-dataset-viewer')).to.equal(undefined);
  });

  it('registers the tag from its registration entry; registering again is a quiet no-op', async () => {
    await import('../src/shape-dataset-viewer.js');
    expect(customElements.get('shape-dataset-viewer')).to.equal(ShapeDatasetViewer);
    const warnings: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      defineElement('shape-dataset-viewer', ShapeDatasetViewer);
    } finally {
      console.warn = original;
    }
    expect(customElements.get('shape-dataset-viewer')).to.equal(ShapeDatasetViewer);
    expect(warnings).to.deep.equal([]);
  });
});
