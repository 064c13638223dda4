/** The training Worker: a TrainingSession driven by messages from a Trainer on the page. */
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
scope.postMessage({ type: 'hello' });
