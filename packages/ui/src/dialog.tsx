import {
  type ComponentProps,
  type KeyboardEvent,
  type ReactNode,
  useEffect,
  useId,
  useRef,
} from 'react';

const CONTROLS = 'a[href], button, input, select, textarea, [tabindex]';

// Filtered in code rather than with `:not(:disabled)`, which jsdom's selector engine gets wrong.
function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(CONTROLS)].filter(
    (element) =>
      element.tabIndex >= 0 &&
      !(element as HTMLButtonElement).disabled &&
      (element as HTMLInputElement).type !== 'hidden',
  );
}

/**
 * Makes everything outside `element` inert, as a native modal dialog does: the rest of the page
 * cannot be clicked, focused or read by a screen reader while the dialog is open. Marks the
 * siblings of `element` and of each of its ancestors up to `<body>`, leaving alone what was inert
 * already; returns the undo.
 */
function inertOutside(element: HTMLElement): () => void {
  const marked: Element[] = [];
  for (let node: Element = element; node !== document.body; ) {
    const parent = node.parentElement;
    if (parent === null) break;
    for (const sibling of parent.children) {
      if (sibling === node || sibling.hasAttribute('inert')) continue;
      sibling.setAttribute('inert', '');
      marked.push(sibling);
    }
    node = parent;
  }
  return () => {
    for (const sibling of marked) sibling.removeAttribute('inert');
  };
}

/** @internal */
export type DialogProps = Omit<ComponentProps<'div'>, 'title'> & {
  /**
   * Called on Escape; the owner decides whether to close. A click outside does nothing, so that a
   * stray click cannot throw away a half-filled form.
   */
  onClose: () => void;
  title: ReactNode;
  description?: ReactNode;
};

/**
 * A modal dialog that is mounted only while open. Native `<dialog>` would do much of this, but
 * jsdom (and so every unit test of a host app) lacks `showModal`, so the behaviour is spelled out:
 * the rest of the page is inert, focus moves in on open (to the child marked `data-autofocus`,
 * else the first control), Tab stays inside, Escape asks to close, and focus returns to the
 * control that opened it.
 * @internal
 */
export function Dialog({ onClose, title, description, children, ...props }: DialogProps) {
  const overlayRef = useRef<HTMLDivElement>(null);
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    const overlay = overlayRef.current;
    if (dialog === null || overlay === null) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const restoreBackground = inertOutside(overlay);
    const initial = dialog.querySelector<HTMLElement>('[data-autofocus]') ?? focusables(dialog)[0];
    (initial ?? dialog).focus();
    return () => {
      // First, as an inert control cannot take focus.
      restoreBackground();
      // Only when focus went down with the dialog: a part that took focus since (the panel that
      // reveals a new key) keeps it.
      const active = document.activeElement;
      const orphaned = active === null || active === document.body || dialog.contains(active);
      if (orphaned && opener?.isConnected) opener.focus();
    };
  }, []);

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>) {
    if (event.key === 'Escape') {
      event.stopPropagation();
      onClose();
      return;
    }
    if (event.key !== 'Tab' || ref.current === null) return;
    const controls = focusables(ref.current);
    const first = controls[0];
    const last = controls.at(-1);
    if (first === undefined || last === undefined) {
      event.preventDefault();
      return;
    }
    if (
      event.shiftKey &&
      (document.activeElement === first || document.activeElement === ref.current)
    ) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  return (
    <div ref={overlayRef} data-latchkey="" data-slot="dialog-overlay">
      <div
        ref={ref}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={description === undefined ? undefined : descriptionId}
        tabIndex={-1}
        data-slot="dialog"
        onKeyDown={onKeyDown}
        {...props}
      >
        <h2 id={titleId} data-slot="dialog-title">
          {title}
        </h2>
        {description === undefined ? null : (
          <div id={descriptionId} data-slot="dialog-description">
            {description}
          </div>
        )}
        {children}
      </div>
    </div>
  );
}
