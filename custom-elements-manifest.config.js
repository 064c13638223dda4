// The custom elements manifest of each element package, read by Storybook's autodocs and editors.
export default {
  globs: ['src/**/*.ts'],
  outdir: '.',
  litelement: true,
  packagejson: true,
};
