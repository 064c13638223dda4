/** The training Worker: a TrainingSession driven by messages from a Trainer on the page. */
import { answerBatchRequests } from './batch-prefetch.js';
import type { TrainerCommand, TrainerMessage } from './protocol.js';
import { TrainingSession } from './session.js';

const scope = self as unknown as {
  postMessage(message: TrainerMessage, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<TrainerCommand>) => void) | null;
};

const session = new TrainingSession((message, transfer) =>
  scope.postMessage(message, transfer ?? []),
);
scope.onmessage = (event) => void session.handle(event.data);
// Batches asked for by a training Worker that started this one as its helper.
answerBatchRequests(self as unknown as Worker);
scope.postMessage({ type: 'hello' });
