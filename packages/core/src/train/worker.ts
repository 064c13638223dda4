/**
 * The training Worker: a TrainingSession driven by messages from a Trainer on the page, and the
 * attention cost measurements (`cost-` messages) from a CostRunner.
 */
import { answerBatchRequests } from './batch-prefetch.js';
import { isCostCommand, type CostCommand, type CostMessage } from './cost-protocol.js';
import { CostSession } from './cost-session.js';
import type { TrainerCommand, TrainerMessage } from './protocol.js';
import { TrainingSession } from './session.js';

const scope = self as unknown as {
  postMessage(message: TrainerMessage | CostMessage, transfer?: Transferable[]): void;
  onmessage: ((event: MessageEvent<TrainerCommand | CostCommand>) => void) | null;
};

const session = new TrainingSession((message, transfer) =>
  scope.postMessage(message, transfer ?? []),
);
const costs = new CostSession((message) => scope.postMessage(message));
scope.onmessage = (event) => {
  const command = event.data;
  if (isCostCommand(command)) void costs.handle(command);
  else void session.handle(command);
};
// Batches asked for by a training Worker that started this one as its helper.
answerBatchRequests(self as unknown as Worker);
scope.postMessage({ type: 'hello' });
