import { defineElement } from '@decoding-attention/ui';
import { expect } from '@open-wc/testing';
import { PositionalEncodingExplorer, VERSION } from '../src/index.js';

describe('@decoding-attention/positional-encoding-explorer package', () => {
  it('carries its package.json version on the class, for the define guard', async () => {
    const manifest = (await (await fetch(new URL('../package.json', import.meta.url))).json()) as {
      version: string;
    };
    expect(VERSION).to.equal(manifest.version);
    expect(PositionalEncodingExplorer.version).to.equal(manifest.version);
  });

  it('registers nothing when only the class is imported', () => {
    expect(customElements.get('positional-encoding-explorer')).to.equal(undefined);
  });

  it('registers the tag from its registration entry; registering again is a quiet no-op', async () => {
    await import('../src/positional-encoding-explorer.js');
    expect(customElements.get('positional-encoding-explorer')).to.equal(PositionalEncodingExplorer);
    const warnings: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      defineElement('positional-encoding-explorer', PositionalEncodingExplorer);
    } finally {
      console.warn = original;
    }
    expect(customElements.get('positional-encoding-explorer')).to.equal(PositionalEncodingExplorer);
    expect(warnings).to.deep.equal([]);
  });
});
