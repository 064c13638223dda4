import { noChange } from 'lit';
import {
  Directive,
  directive,
  PartType,
  type AttributePart,
  type PartInfo,
} from 'lit/directive.js';

type StyleProps = Record<string, string | undefined>;

/**
 * Sets inline styles through the CSSOM (`element.style.setProperty`), never as a `style`
 * attribute, so they apply on pages whose Content-Security-Policy forbids inline style attributes
 * (`style-src 'self'`). Lit's `styleMap` writes the attribute on the first render, which such a
 * page blocks. Keys are CSS property names (`background`, `--rows`).
 */
class StylePropsDirective extends Directive {
  private previous = new Set<string>();

  constructor(part: PartInfo) {
    super(part);
    if (part.type !== PartType.ATTRIBUTE || part.name !== 'style')
      throw new Error('styleProps() belongs in a style attribute: style=${styleProps({...})}');
  }

  render(_props: StyleProps): typeof noChange {
    return noChange;
  }

  override update(part: AttributePart, [props]: [StyleProps]): typeof noChange {
    const style = (part.element as HTMLElement).style;
    for (const name of this.previous) if (props[name] === undefined) style.removeProperty(name);
    this.previous = new Set();
    for (const [name, value] of Object.entries(props)) {
      if (value === undefined) continue;
      style.setProperty(name, value);
      this.previous.add(name);
    }
    return noChange;
  }
}

export const styleProps = directive(StylePropsDirective);
