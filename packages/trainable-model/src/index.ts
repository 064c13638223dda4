/** `<trainable-model>`'s class and types, with no side effects: import `./trainable-model.js` to register the tag. */
export {
  TrainableModel,
  parseBudget,
  type TrainingDoneDetail,
  type TrainingResult,
} from './TrainableModel.js';
export { VERSION } from './version.js';
