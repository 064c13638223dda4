/** `<trainable-model>`'s class and types, with no side effects: import `./trainable-model.js` to register the tag. */
export { TrainableModel } from './TrainableModel.js';
export { parseBudget } from './training-config.js';
export { TASK_MODELS, TRAINABLE_MODEL_LIMITS } from './settings.js';
export { predictionPixels } from './image-figures.js';
export {
  attentionRollout,
  channelMaps,
  patchReads,
  readingLayer,
  visionLayers,
  type VisionLayer,
} from './vision-attention.js';
export type {
  TrainingDoneDetail,
  TrainingProgress,
  TrainingResult,
} from './training-controller.js';
export type { VariantDetail } from './variant-settings.js';
export { VERSION } from './version.js';
