import { defineElement } from '@decoding-attention/ui';
import { expect } from '@open-wc/testing';
import { TrainableModel, VERSION } from '../src/index.js';

describe('@decoding-attention/trainable-model package', () => {
  it('carries its package.json version on the class, for the define guard', async () => {
    const manifest = (await (await fetch(new URL('../package.json', import.meta.url))).json()) as {
      version: string;
    };
    expect(VERSION).to.equal(manifest.version);
    expect(TrainableModel.version).to.equal(manifest.version);
  });

  it('registers nothing when only the class is imported', () => {
    expect(customElements.get('trainable-model')).to.equal(undefined);
  });

  it('registers the tag from its registration entry; registering again is a quiet no-op', async () => {
    await import('../src/trainable-model.js');
    expect(customElements.get('trainable-model')).to.equal(TrainableModel);
    const warnings: unknown[] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => warnings.push(args);
    try {
      defineElement('trainable-model', TrainableModel);
    } finally {
      console.warn = original;
    }
    expect(customElements.get('trainable-model')).to.equal(TrainableModel);
    expect(warnings).to.deep.equal([]);
  });
});
