// Training runs for the bench suites: a Trainer in a module Worker, as <trainable-model> runs it.
import {
  Trainer,
  type EvaluationMessage,
  type ProgressMessage,
  type TrainingConfig,
} from '@decoding-attention/core/train';

const query = new URLSearchParams(location.search);
/** A comma-separated query option, or its default. */
export const list = (name: string, fallback: readonly string[]) =>
  query.get(name)?.split(',').filter(Boolean) ?? [...fallback];
/** A numeric query option, or its default. */
export const number = (name: string, fallback: number) => Number(query.get(name) ?? fallback);

export interface Run {
  backend: string;
  /** Threads the run's matrix multiplies were split between. */
  threads: number;
  progress: ProgressMessage[];
  evaluations: EvaluationMessage[];
  done: { validationLoss: number; samplesSeen: number; elapsed: number; samplesPerSecond: number };
}

/**
 * Trains one configuration to its budget (or until `until` says stop) in a Worker. A run with
 * no result after `deadline` seconds (a Worker broken by running out of memory) is stopped and
 * rejects.
 */
export async function train(
  config: TrainingConfig,
  until: (evaluation: EvaluationMessage) => boolean = () => false,
  deadline = Infinity,
): Promise<Run> {
  const trainer = await Trainer.create({ mode: 'worker' });
  const run: Partial<Run> = { progress: [], evaluations: [] };
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      if (deadline < Infinity)
        timer = setTimeout(
          () => reject(new Error(`no result within ${deadline} s`)),
          deadline * 1000,
        );
      trainer.addEventListener('ready', (event) => {
        ({ backend: run.backend, threads: run.threads } = (
          event as CustomEvent<{ backend: string; threads: number }>
        ).detail);
      });
      trainer.addEventListener('progress', (event) =>
        run.progress!.push((event as CustomEvent<ProgressMessage>).detail),
      );
      trainer.addEventListener('evaluation', (event) => {
        const evaluation = (event as CustomEvent<EvaluationMessage>).detail;
        run.evaluations!.push(evaluation);
        if (until(evaluation)) trainer.stop();
      });
      trainer.addEventListener('done', (event) => {
        run.done = (event as CustomEvent<Run['done']>).detail;
        resolve();
      });
      trainer.addEventListener('error', (event) =>
        reject(new Error((event as CustomEvent<{ message: string }>).detail.message)),
      );
      trainer.start(config);
    });
  } finally {
    clearTimeout(timer);
    trainer.dispose();
  }
  return run as Run;
}

/** Samples per second after the first step (compilation, warm-up); all steps if there was one. */
export function throughput(run: Run): { rate: number; steps: number; warm: boolean } {
  const { progress } = run;
  if (progress.length < 2)
    return { rate: run.done.samplesPerSecond, steps: progress.length, warm: false };
  const first = progress[0];
  const last = progress[progress.length - 1];
  return {
    rate: (last.samplesSeen - first.samplesSeen) / (last.elapsed - first.elapsed),
    steps: progress.length - 1,
    warm: true,
  };
}
