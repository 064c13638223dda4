import * as core from '../src/index.js';
// @ts-expect-error plain JavaScript shared with the Node side of the test
import { datasetFingerprint } from './fingerprint.js';

self.onmessage = (event: MessageEvent<number[]>) => {
  self.postMessage(datasetFingerprint(core, event.data));
};
