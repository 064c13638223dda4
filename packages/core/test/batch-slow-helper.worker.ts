import { answerBatchRequest, isBatchRequest } from '../src/train/batch-prefetch.js';

// A helper without a core of its own, as on a loaded machine: every batch comes 150 ms late.
self.addEventListener('message', (event: MessageEvent<unknown>) => {
  const request = event.data;
  if (!isBatchRequest(request)) return;
  setTimeout(
    () =>
      answerBatchRequest(request, (reply, transfer) =>
        (self as unknown as Worker).postMessage(reply, transfer),
      ),
    150,
  );
});
self.postMessage({ type: 'hello' });
