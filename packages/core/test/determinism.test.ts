import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import * as core from '../src/index.js';
// @ts-expect-error plain JavaScript shared with the Node side of the test
import { datasetFingerprint } from './fingerprint.js';

const SEEDS = [0, 1, 42, 2 ** 40 + 3, -9];

describe('determinism across environments', () => {
  it('gives the same samples, bit for bit, in Node, this page and a Worker', async () => {
    const inPage: string = datasetFingerprint(core, SEEDS);
    const inNode = await executeServerCommand<string, number[]>('core-fingerprint', SEEDS);
    const worker = new Worker(new URL('./fingerprint.worker.ts', import.meta.url), {
      type: 'module',
    });
    const inWorker = await new Promise<string>((resolve, reject) => {
      worker.onmessage = (event: MessageEvent<string>) => resolve(event.data);
      worker.onerror = (event) => reject(new Error(event.message));
      worker.postMessage(SEEDS);
    });
    worker.terminate();
    expect(inNode).to.be.a('string').with.length.above(0);
    expect(inPage).to.equal(inNode);
    expect(inWorker).to.equal(inNode);
  });

  it('changes when the seed changes', () => {
    expect(datasetFingerprint(core, [1])).not.to.equal(datasetFingerprint(core, [2]));
  });
});
