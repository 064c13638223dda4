// A Vue 3 page using the elements in a template, as Vue users write them: custom elements declared
// to the compiler, attributes bound with :, properties with .prop, custom events with @.
import { createApp, ref } from 'vue/dist/vue.esm-bundler.js';
import '@decoding-attention/shape-dataset-viewer/shape-dataset-viewer.js';
import '@decoding-attention/attention-heatmap/attention-heatmap.js';

const app = createApp({
  setup() {
    const seed = ref(7);
    const shapes = ref('');
    const cell = ref('');
    const matrix = [
      [0.5, 0.25, 0.25],
      [0.1, 0.8, 0.1],
      [0, 0.3, 0.7],
    ];
    return {
      seed,
      shapes,
      cell,
      matrix,
      labels: ['the', 'cat', 'sat'],
      onSample: (event) => (shapes.value = String(event.detail.sample.shapes.length)),
      onHover: (event) => (cell.value = `${event.detail.query},${event.detail.key}`),
    };
  },
  template: `
    <main>
      <shape-dataset-viewer id="viewer" :seed="seed" @sample-change="onSample"></shape-dataset-viewer>
      <attention-heatmap id="heatmap" :matrix.prop="matrix" :rowLabels.prop="labels"
        :colLabels.prop="labels" colormap="magma" @attention-hover="onHover"></attention-heatmap>
      <p id="shapes">{{ shapes }}</p>
      <p id="cell">{{ cell }}</p>
      <button id="next" @click="seed++">Next</button>
    </main>`,
});
app.config.compilerOptions.isCustomElement = (tag) => tag.includes('-');
app.mount('#root');
