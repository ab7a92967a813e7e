import type { ComponentProps } from 'react';
import { useEffect, useId, useRef } from 'react';
import { CopyButton } from './copy-button.js';
import { formatDateTime, maskedKey } from './format.js';
import type { RevealedKey } from './use-api-key-manager.js';

export type RevealKeyOnceProps = Omit<ComponentProps<'section'>, 'children'> & {
  /** The secret just created or rolled (the hook's `revealedKey`). */
  revealed: RevealedKey;
  /** Drops the secret (the hook's `dismissRevealedKey`); it cannot be shown again. */
  onDismiss: () => void;
};

/**
 * The one place a secret is ever rendered. It takes focus when it appears so that the warning is
 * read first; dismissing it drops the secret for good.
 */
export function RevealKeyOnce({ revealed, onDismiss, ...props }: RevealKeyOnceProps) {
  const ref = useRef<HTMLElement>(null);
  const titleId = useId();
  useEffect(() => {
    ref.current?.focus();
  }, []);
  const { key, apiKey, previous } = revealed;

  return (
    <section
      ref={ref}
      tabIndex={-1}
      aria-labelledby={titleId}
      data-latchkey=""
      data-slot="reveal-key-once"
      {...props}
    >
      <h3 id={titleId} data-slot="reveal-key-title">
        {previous === undefined ? 'Your new API key' : 'Your rolled API key'}: {apiKey.name}
      </h3>
      <p data-slot="reveal-key-warning">
        Copy it now and store it somewhere safe. You will not be able to see it again.
      </p>
      <div data-slot="reveal-key-value">
        <code data-slot="reveal-key-secret">{key}</code>
        <CopyButton value={key}>Copy key</CopyButton>
      </div>
      {previous === undefined ? null : (
        <p data-slot="reveal-key-previous">
          The old key <code>{maskedKey(previous)}</code>{' '}
          {previous.expiresAt !== null && previous.expiresAt > Date.now()
            ? `keeps working until ${formatDateTime(previous.expiresAt)}.`
            : 'has stopped working.'}
        </p>
      )}
      <button type="button" data-slot="button" data-variant="primary" onClick={onDismiss}>
        Done
      </button>
    </section>
  );
}
