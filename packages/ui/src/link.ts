import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Follows the element whose id is given (`for="other-id"`), in the same document or shadow
 * root: calls `attach` when it is found (now, or once it is added to the page) and `detach`
 * when it leaves the page, loses the id, the id changes or the host disconnects, so listeners
 * never outlive either element and a replaced element is followed in its turn.
 */
export class ElementLink<T extends Element = Element> implements ReactiveController {
  private target: T | undefined;
  private observer: MutationObserver | undefined;
  private id = '';
  private issue: string | undefined;

  /**
   * `accepts` says which elements can be followed, `expected` names them for the reader (such
   * as "a <shape-dataset-viewer>"); any other element with the id is not followed, and `problem`
   * says why.
   */
  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly attach: (target: T) => void,
    private readonly detach: (target: T) => void,
    private readonly accepts: (element: Element) => element is T = (_element): _element is T =>
      true,
    private readonly expected = 'another element',
  ) {
    host.addController(this);
  }

  /** The linked element, once found. */
  get element(): T | undefined {
    return this.target;
  }

  /**
   * Why `for` follows nothing, for the element to show: no element has the id (said once the
   * page has finished parsing, since the element may come later in it), the id is the host's
   * own, or the element is of the wrong kind. Undefined while all is well or nothing is followed.
   */
  get problem(): string | undefined {
    return this.issue;
  }

  /** Follows the element with this id ('' follows none). */
  follow(id: string | null | undefined): void {
    const next = id ?? '';
    if (next === this.id && (this.target || !next)) return;
    this.id = next;
    this.release();
    if (this.host.isConnected) this.connect();
  }

  hostConnected(): void {
    if (this.id) this.connect();
  }

  hostDisconnected(): void {
    this.release();
  }

  private connect(): void {
    if (!this.id) return;
    const root = this.host.getRootNode() as Document | ShadowRoot;
    this.sync(root);
    // Elements come and go in any order: watch for the id appearing, moving or leaving.
    this.observer ??= new MutationObserver(() => this.sync(root));
    this.observer.observe(root, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['id'],
    });
  }

  /** Attaches to whichever element holds the id now, detaching from one that no longer does. */
  private sync(root: Document | ShadowRoot): void {
    const found = root.getElementById?.(this.id) ?? null;
    if (found && found !== this.host && isUndefinedCustomElement(found)) {
      // Not upgraded yet (its definition loads later, as a lazily loaded figure's does): what it
      // is, and whether it can be followed, is known once it is defined.
      this.report(undefined);
      const id = this.id;
      const still = () => this.id === id && this.host.isConnected;
      void customElements.whenDefined(found.localName).then(() => {
        if (still()) this.sync(root);
      });
      // A tag that is never defined (a typo, a script not loaded) is named after a grace period.
      setTimeout(() => {
        if (still() && isUndefinedCustomElement(found) && this.lookUp() === found)
          this.report(
            `for="${id}" names a <${found.localName}>, which is not defined on this page; name ${this.expected}`,
          );
      }, UNDEFINED_GRACE_MS);
      return;
    }
    const next = found && found !== this.host && this.accepts(found) ? found : undefined;
    this.diagnose(found);
    if (next === this.target) return;
    if (this.target) this.detach(this.target);
    this.target = next;
    if (next) this.attach(next);
  }

  private diagnose(found: Element | null): void {
    const named = `for="${this.id}"`;
    let issue: string | undefined;
    if (found === this.host) issue = `${named} names this element itself; name ${this.expected}`;
    else if (found && !this.accepts(found))
      issue = `${named} names a <${found.localName}>, which cannot be followed; name ${this.expected}`;
    else if (!found && document.readyState !== 'loading')
      issue = `${named} names no element on this page; give ${this.expected} id="${this.id}"`;
    else if (!found)
      document.addEventListener('DOMContentLoaded', () => this.diagnose(this.lookUp()), {
        once: true,
      });
    this.report(issue);
  }

  private lookUp(): Element | null {
    return this.id
      ? ((this.host.getRootNode() as Document | ShadowRoot).getElementById?.(this.id) ?? null)
      : null;
  }

  private report(issue: string | undefined): void {
    if (issue === this.issue) return;
    this.issue = issue;
    this.host.requestUpdate();
  }

  private release(): void {
    this.report(undefined);
    this.observer?.disconnect();
    this.observer = undefined;
    if (this.target) this.detach(this.target);
    this.target = undefined;
  }
}

/** How long a followed custom element may take to be defined before `problem` names it. */
const UNDEFINED_GRACE_MS = 5000;

/** A custom element (its name has a dash) whose definition has not been registered yet. */
function isUndefinedCustomElement(element: Element): boolean {
  return element.localName.includes('-') && customElements.get(element.localName) === undefined;
}
