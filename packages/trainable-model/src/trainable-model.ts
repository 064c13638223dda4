import { defineElement } from '@decoding-attention/ui';
import { TrainableModel } from './TrainableModel.js';

export * from './index.js';

defineElement('trainable-model', TrainableModel);

declare global {
  interface HTMLElementTagNameMap {
    'trainable-model': TrainableModel;
  }
}
