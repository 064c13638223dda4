// The blog in docs/, built by Eleventy (`npm run docs`, `npm run docs:serve`). Posts embed the
// elements as a blogger would, with plain tags; the build wraps each in a placeholder that
// docs/assets/lazy.js brings to life when the reader scrolls near it.
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
