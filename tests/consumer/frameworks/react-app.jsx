// A React 19 page using the elements as React users write them: attributes and properties as
// props, custom events as on<event-name> props.
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import '@decoding-attention/shape-dataset-viewer/shape-dataset-viewer.js';
import '@decoding-attention/attention-heatmap/attention-heatmap.js';

const MATRIX = [
  [0.5, 0.25, 0.25],
  [0.1, 0.8, 0.1],
  [0, 0.3, 0.7],
];

function App() {
  const [seed, setSeed] = useState(7);
  const [shapes, setShapes] = useState(null);
  const [cell, setCell] = useState(null);
  return (
    <main>
      <shape-dataset-viewer
        id="viewer"
        seed={seed}
        onsample-change={(event) => setShapes(event.detail.sample.shapes.length)}
      ></shape-dataset-viewer>
      <attention-heatmap
        id="heatmap"
        matrix={MATRIX}
        rowLabels={['the', 'cat', 'sat']}
        colLabels={['the', 'cat', 'sat']}
        colormap="magma"
        onattention-hover={(event) => setCell(`${event.detail.query},${event.detail.key}`)}
      ></attention-heatmap>
      <p id="shapes">{shapes ?? ''}</p>
      <p id="cell">{cell ?? ''}</p>
      <button id="next" onClick={() => setSeed((s) => s + 1)}>
        Next
      </button>
    </main>
  );
}

createRoot(document.getElementById('root')).render(<App />);
