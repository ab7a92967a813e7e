import type { ApiKey } from '@latchkey/core';
import { type ComponentProps, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { CreateKeyDialog } from './create-key-dialog.js';
import { errorMessage } from './error-message.js';
import { KeyTable } from './key-table.js';
import { RevealKeyOnce } from './reveal-key-once.js';
import { RevokeKeyDialog } from './revoke-key-dialog.js';
import { RollKeyDialog } from './roll-key-dialog.js';
import type { ApiKeyManagerState } from './use-api-key-manager.js';
import { visuallyHidden } from './visually-hidden.js';

export type ApiKeyManagerViewProps<P extends string = string> = Omit<
  ComponentProps<'section'>,
  'children'
> & {
  /** What `useApiKeyManager()` returned. */
  manager: ApiKeyManagerState<P>;
  /** The section's heading. Default "API keys". */
  heading?: ReactNode;
  /** A key's usage, shown below its row by its Usage button; without it there is no such button. */
  renderUsage?: (apiKey: ApiKey<P>) => ReactNode;
};

type OpenDialog<P extends string> =
  | { kind: 'create' }
  | { kind: 'revoke' | 'roll'; apiKey: ApiKey<P> }
  | null;

/** The parts composed into one screen over the state of `useApiKeyManager()`. */
export function ApiKeyManagerView<P extends string>({
  manager,
  heading = 'API keys',
  renderUsage,
  ...props
}: ApiKeyManagerViewProps<P>) {
  const [dialog, setDialog] = useState<OpenDialog<P>>(null);
  const [announcement, setAnnouncement] = useState('');
  // What to announce next. Written to the live region only once no dialog is open: while one is,
  // the region is inert and screen readers ignore changes to it, and the dialog's effect that
  // lifts `inert` runs after the commit that closes it.
  const [nextAnnouncement, announce] = useState('');
  const [actionError, setActionError] = useState<unknown>(null);
  // Bumped when the control that had focus goes away (a revoked key's buttons, the dismissed
  // secret), so that focus lands on the heading rather than on the page's body.
  const [focusHeading, setFocusHeading] = useState(0);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const headingId = useId();
  useEffect(() => {
    if (focusHeading > 0) headingRef.current?.focus();
  }, [focusHeading]);
  useEffect(() => {
    if (dialog !== null || nextAnnouncement === '') return;
    setAnnouncement(nextAnnouncement);
    announce('');
  }, [dialog, nextAnnouncement]);

  const close = () => setDialog(null);
  const open = (next: OpenDialog<P>) => {
    setActionError(null);
    setDialog(next);
  };
  const { revealedKey } = manager;
  // The keys shown so far stay; the error sits by the button that tries again.
  const loadMoreFailed = manager.loadMoreError !== null && !manager.isLoadingMore;
  const loadMoreErrorId = useId();

  return (
    <section data-latchkey="" data-slot="api-key-manager" aria-labelledby={headingId} {...props}>
      <header data-slot="api-key-manager-header">
        <h2 id={headingId} ref={headingRef} tabIndex={-1} data-slot="api-key-manager-title">
          {heading}
        </h2>
        <button
          type="button"
          data-slot="button"
          data-variant="primary"
          disabled={manager.isLoading || manager.error !== null}
          onClick={() => open({ kind: 'create' })}
        >
          Create API key
        </button>
      </header>
      {revealedKey === null ? null : (
        <RevealKeyOnce
          key={revealedKey.apiKey.id}
          revealed={revealedKey}
          onDismiss={() => {
            manager.dismissRevealedKey();
            setFocusHeading((count) => count + 1);
          }}
        />
      )}
      {actionError === null ? null : (
        <p role="alert" data-slot="form-error">
          {errorMessage(actionError)}
        </p>
      )}
      <KeyTable
        apiKeys={manager.apiKeys}
        isLoading={manager.isLoading}
        error={manager.error}
        onRetry={manager.refetch}
        onRoll={(apiKey) => open({ kind: 'roll', apiKey })}
        onRevoke={(apiKey) => open({ kind: 'revoke', apiKey })}
        renderUsage={renderUsage}
        onToggleEnabled={async (apiKey) => {
          setActionError(null);
          try {
            await manager.updateApiKey({ id: apiKey.id, enabled: !apiKey.enabled });
            announce(`${apiKey.name} ${apiKey.enabled ? 'disabled' : 'enabled'}.`);
          } catch (error) {
            setActionError(error);
          }
        }}
      />
      {manager.hasMore ? (
        <button
          type="button"
          data-slot="button"
          data-variant="secondary"
          aria-disabled={manager.isLoadingMore}
          aria-describedby={loadMoreFailed ? loadMoreErrorId : undefined}
          onClick={() => {
            if (!manager.isLoadingMore) manager.loadMore();
          }}
        >
          {manager.isLoadingMore ? 'Loading…' : loadMoreFailed ? 'Try again' : 'Load more'}
        </button>
      ) : null}
      {loadMoreFailed ? (
        <p id={loadMoreErrorId} role="alert" data-slot="form-error">
          Could not load more API keys. {errorMessage(manager.loadMoreError)}
        </p>
      ) : null}
      <p role="status" style={visuallyHidden}>
        {announcement}
      </p>
      {dialog?.kind === 'create' ? (
        <CreateKeyDialog
          permissions={manager.permissions}
          onCancel={close}
          onCreate={async (input) => {
            await manager.createApiKey(input);
            close();
          }}
        />
      ) : null}
      {dialog?.kind === 'revoke' ? (
        <RevokeKeyDialog
          apiKey={dialog.apiKey}
          onCancel={close}
          onRevoke={async (input) => {
            await manager.revokeApiKey(input);
            close();
            announce(`${dialog.apiKey.name} revoked.`);
            setFocusHeading((count) => count + 1);
          }}
        />
      ) : null}
      {dialog?.kind === 'roll' ? (
        <RollKeyDialog
          apiKey={dialog.apiKey}
          onCancel={close}
          onRoll={async (input) => {
            await manager.rollApiKey(input);
            close();
          }}
        />
      ) : null}
    </section>
  );
}
