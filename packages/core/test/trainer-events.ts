import type { Trainer, TrainerMessage } from '../src/train/index.js';

/** Resolves with the first event of `type` (rejects on an error event). */
export function next<T extends TrainerMessage['type']>(
  trainer: Trainer,
  type: T,
): Promise<Extract<TrainerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const onEvent = (event: Event) => {
      trainer.removeEventListener(type, onEvent);
      trainer.removeEventListener('error', onError);
      resolve((event as CustomEvent).detail);
    };
    const onError = (event: Event) => {
      trainer.removeEventListener(type, onEvent);
      trainer.removeEventListener('error', onError);
      reject(new Error((event as CustomEvent<{ message: string }>).detail.message));
    };
    trainer.addEventListener(type, onEvent);
    trainer.addEventListener('error', onError);
  });
}
