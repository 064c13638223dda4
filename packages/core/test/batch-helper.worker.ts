import { answerBatchRequests } from '../src/train/batch-prefetch.js';

answerBatchRequests(self as unknown as Worker);
self.postMessage({ type: 'hello' });
