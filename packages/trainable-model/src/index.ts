/** `<trainable-model>`'s class and types, with no side effects: import `./trainable-model.js` to register the tag. */
export { TrainableModel } from './TrainableModel.js';
export { parseBudget } from './training-config.js';
export { TRAINABLE_MODEL_LIMITS } from './settings.js';
export type { TrainingDoneDetail, TrainingResult } from './training-controller.js';
export { VERSION } from './version.js';
