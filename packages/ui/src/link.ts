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

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly attach: (target: T) => void,
    private readonly detach: (target: T) => void,
  ) {
    host.addController(this);
  }

  /** The linked element, once found. */
  get element(): T | undefined {
    return this.target;
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
    const found = root.getElementById?.(this.id) as T | null;
    const next = found && (found as Element) !== this.host ? found : undefined;
    if (next === this.target) return;
    if (this.target) this.detach(this.target);
    this.target = next;
    if (next) this.attach(next);
  }

  private release(): void {
    this.observer?.disconnect();
    this.observer = undefined;
    if (this.target) this.detach(this.target);
    this.target = undefined;
  }
}
