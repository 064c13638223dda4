// The blog in docs/, built by Eleventy (`npm run docs`, `npm run docs:serve`). Posts embed the
// elements as a blogger would, with plain tags; the build wraps each in a placeholder that
// docs/assets/lazy.js brings to life when the reader scrolls near it.
import { readFileSync } from 'node:fs';

const ELEMENTS = [
  'shape-dataset-viewer',
  'attention-heatmap',
  'positional-encoding-explorer',
  'patch-tokenizer',
  'trainable-model',
  'attention-cost',
  'efficient-attention-explorer',
];
// Markdown wraps a custom element standing alone in a paragraph: the wrapper goes too.
const TAG = new RegExp(
  `(?:<p>\\s*)?(<(${ELEMENTS.join('|')})\\b[\\s\\S]*?</\\2>)(?:\\s*</p>)?`,
  'g',
);

/** Each element's tag inside a template, loaded (with its linked elements) when scrolled near. */
export function lazyElements(html) {
  return html.replace(
    TAG,
    (_match, markup, tag) =>
      `<div class="da-lazy da-lazy-${tag}" data-tag="${tag}"><template>${markup}</template>` +
      `<p class="da-lazy-note">Interactive figure: &lt;${tag}&gt;. It loads as you scroll to it.</p></div>`,
  );
}

/**
 * The design notes (docs/design/) link each other as `name.md`, which is how GitHub shows them;
 * on the site each is `name.html` in the same folder, and README.md is the folder's index.
 */
export function designLinks(html) {
  return html.replace(
    /href="(?:\.\/)?([\w-]+)\.md(#[^"]*)?"/g,
    (_match, name, hash = '') => `href="${name === 'README' ? 'index' : name}.html${hash}"`,
  );
}

const LABELS = {
  fcn: 'FCN',
  cnn: 'CNN',
  lstm: 'LSTM',
  attention: 'Attention',
  'attention-pe': 'Attention + positions',
  mha: 'Multi-head attention',
  transformer: 'Transformer',
};
const escape = (text) =>
  String(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const number = (value, digits = 0) =>
  value.toLocaleString('en', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/**
 * Results kept in the repo by the bench (docs/data/NAME.json, written by `npm run bench:train`'s
 * reference part), drawn where a post says `<!-- results-table: NAME -->`: the post always shows
 * what the data holds, with how and where each row was measured.
 */
export function resultsTables(html, read) {
  return html.replace(/<!-- results-table: ([\w-]+) -->/g, (_match, name) => {
    const data = JSON.parse(read(`docs/data/${name}.json`));
    const copy = data.baselines.copy.validationMSE;
    const rows = Object.entries(data.models)
      .sort(([, a], [, b]) => a.validationMSE - b.validationMSE)
      .map(
        ([id, m]) =>
          `<tr><th scope="row">${LABELS[id] ?? id}</th><td>${number(m.parameters)}</td>` +
          `<td>${number(m.validationMSE, 1)}</td><td>${number(copy / m.validationMSE, 2)}x</td>` +
          `<td>${number(m.samples)}</td><td>${number(m.seconds / 60, 1)} min</td></tr>`,
      )
      .join('');
    const measured = [...new Set(Object.values(data.models).map((m) => m.measured.date))];
    const first = Object.values(data.models)[0]?.measured;
    const settings = Object.values(data.models)[0]?.settings;
    const caption =
      `Validation MSE after ${number(Object.values(data.models)[0]?.samples ?? 0)} samples ` +
      `(batches of ${settings?.batchSize}, Adam ${settings?.learningRate} after a ` +
      `${settings?.warmupSteps}-step warm-up, ${number(settings?.validationSize ?? 0)} fresh ` +
      `validation samples); copying the input scores ${number(copy, 1)}. Measured ` +
      `${measured.join(', ')} in ${escape(first?.browser)} on ${escape(first?.machine)}, by ` +
      `<code>${escape(first?.command)}</code>.`;
    return (
      `<table class="da-results"><caption>${caption}</caption><thead><tr><th scope="col">model</th>` +
      `<th scope="col">parameters</th><th scope="col">validation MSE</th>` +
      `<th scope="col">better than copying</th><th scope="col">samples</th>` +
      `<th scope="col">training time</th></tr></thead><tbody>${rows}</tbody></table>`
    );
  });
}

export default function (config) {
  config.addPassthroughCopy({ 'docs/assets': 'assets', 'docs/images': 'images' });
  // The script-tag builds, served from the site itself: nothing comes from another origin.
  config.addPassthroughCopy(
    { 'packages/elements/dist': 'elements' },
    { filter: ['*.js', '*.wasm', '*.txt'] },
  );
  config.addTransform('lazy-elements', function (content) {
    return this.page.outputPath?.endsWith('.html') ? lazyElements(content) : content;
  });
  config.addTransform('results-tables', function (content) {
    return this.page.outputPath?.endsWith('.html')
      ? resultsTables(content, (path) => readFileSync(path, 'utf8'))
      : content;
  });
  config.addTransform('design-links', function (content) {
    return this.page.inputPath.startsWith('./docs/design/') ? designLinks(content) : content;
  });
  config.addCollection('posts', (collection) =>
    collection.getFilteredByGlob('docs/posts/*.md').sort((a, b) => a.data.order - b.data.order),
  );
  return {
    dir: { input: 'docs', output: 'docs/_site', includes: '_includes' },
    markdownTemplateEngine: false,
    htmlTemplateEngine: 'njk',
    pathPrefix: process.env.DOCS_PATH_PREFIX ?? '/',
  };
}
