/**
 * Adam as tfjs's AdamOptimizer computes it, each variable's update in one kernel where
 * @decoding-attention/wasm-kernels serves the wasm backend (`adamUpdate`): tfjs runs about
 * thirteen kernels per variable and step, half of a vision model's training step's kernel calls.
 * Elsewhere, tfjs's own update. The moments are the optimizer's own variables either way.
 */
import * as tf from '@tensorflow/tfjs';
import { adamUpdate, adamUpdateAvailable } from '@decoding-attention/wasm-kernels/adam';

/** What this subclass reads of tfjs's AdamOptimizer, whose fields TypeScript calls private. */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
}

type Gradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

class KernelAdam extends tf.AdamOptimizer {
  override applyGradients(gradients: Gradients): void {
    if (!adamUpdateAvailable()) {
      super.applyGradients(gradients);
      return;
    }
    const state = this as unknown as AdamState;
    const names = Array.isArray(gradients) ? gradients.map((g) => g.name) : Object.keys(gradients);
    const [accBeta1, accBeta2] = [state.accBeta1, state.accBeta2].map((t) => t.dataSync()[0]);
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        for (const [moments, suffix] of [
          [state.accumulatedFirstMoment, 'm'],
          [state.accumulatedSecondMoment, 'v'],
        ] as const) {
          moments[i] ??= {
            originalName: `${name}/${suffix}`,
            variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
          };
        }
        const gradient = Array.isArray(gradients) ? gradients[i].tensor : gradients[name];
        if (!gradient) return;
        const m = state.accumulatedFirstMoment[i].variable;
        const v = state.accumulatedSecondMoment[i].variable;
        const [newValue, newM, newV] = adamUpdate(value, m, v, gradient, {
          learningRate: state.learningRate,
          beta1: state.beta1,
          beta2: state.beta2,
          epsilon: state.epsilon,
          accBeta1,
          accBeta2,
        });
        m.assign(newM);
        v.assign(newV);
        value.assign(newValue);
      });
      state.accBeta1.assign(tf.mul(state.accBeta1, state.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, state.beta2));
    });
    this.incrementIterations();
  }
}

/** tf.train.adam(learningRate), its updates in one kernel per variable where that is served. */
export function adamOptimizer(learningRate: number): tf.AdamOptimizer {
  // tf.train.adam's defaults: beta1 0.9, beta2 0.999, the backend's epsilon.
  return new KernelAdam(learningRate, 0.9, 0.999);
}
