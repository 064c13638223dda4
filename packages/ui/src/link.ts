import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Follows the element whose id is given (`for="other-id"`), in the same document or shadow
 * root: calls `attach` when it is found (now, or once it is added to the page) and `detach`
 * when the id changes or the host disconnects, so listeners never outlive either element.
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
    if (!this.id || this.target) return;
    const root = this.host.getRootNode() as Document | ShadowRoot;
    const found = root.getElementById?.(this.id) as T | null;
    if (found && (found as Element) !== this.host) {
      this.target = found;
      this.attach(found);
      return;
    }
    // Not on the page yet (elements may come in any order): watch until it is.
    this.observer ??= new MutationObserver(() => {
      const later = root.getElementById?.(this.id) as T | null;
      if (later && (later as Element) !== this.host) {
        this.observer?.disconnect();
        this.observer = undefined;
        this.target = later;
        this.attach(later);
      }
    });
    this.observer.observe(root, {
      childList: true,
      subtree: true,
      attributes: true,
      attributeFilter: ['id'],
    });
  }

  private release(): void {
    this.observer?.disconnect();
    this.observer = undefined;
    if (this.target) this.detach(this.target);
    this.target = undefined;
  }
}
