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
 * focus moves in on open (to the child marked `data-autofocus`, else the first control), Tab stays inside,
 * Escape asks to close, and focus returns to the control that opened it.
 */
export function Dialog({ onClose, title, description, children, ...props }: DialogProps) {
  const ref = useRef<HTMLDivElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (dialog === null) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const initial = dialog.querySelector<HTMLElement>('[data-autofocus]') ?? focusables(dialog)[0];
    (initial ?? dialog).focus();
    return () => {
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
    <div data-latchkey="" data-slot="dialog-overlay">
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
