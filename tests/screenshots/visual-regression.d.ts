// The plugin's browser entry is typed through a re-export TypeScript does not follow (a `.mjs`
// path without a `.d.mts` beside it): its one function, as its own typings declare it.
export {};

declare module '@web/test-runner-visual-regression' {
  /** Takes a screenshot of `element` and compares it with the baseline `name`. */
  export function visualDiff(element: Node, name: string): Promise<void>;
}
