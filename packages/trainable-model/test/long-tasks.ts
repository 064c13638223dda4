import { oneEvent } from '@open-wc/testing';
import type { TrainableModel } from '../src/index.js';

/** Trains `el` to its budget and lists the main-thread tasks over 50 ms from the first step on. */
export async function longTasksWhileTraining(el: TrainableModel): Promise<number[]> {
  const long: number[] = [];
  const observer = new PerformanceObserver((list) =>
    list.getEntries().forEach((entry) => long.push(entry.duration)),
  );
  el.train();
  await oneEvent(el, 'training-progress');
  observer.observe({ type: 'longtask', buffered: false });
  await oneEvent(el, 'training-done');
  await new Promise((resolve) => setTimeout(resolve, 100));
  observer.disconnect();
  return long;
}
