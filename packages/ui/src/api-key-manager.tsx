import type { ApiKey } from '@latchkey/core';
import { type ComponentProps, type ReactNode, useEffect, useId, useRef, useState } from 'react';
import { errorMessage } from './error-message.js';
import { KeyTable } from './key-table.js';
import { ManagerDialogs, type OpenDialog } from './manager-dialogs.js';
import { ManagerHeader } from './manager-header.js';
import { RevealKeyOnce } from './reveal-key-once.js';
import type { ApiKeyManagerState } from './use-api-key-manager.js';
import { visuallyHidden } from './visually-hidden.js';

/** @internal */
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

/**
 * The parts composed into one screen over the state of `useApiKeyManager()`.
 * @internal
 */
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

  const open = (next: OpenDialog<P>) => {
    setActionError(null);
    setDialog(next);
  };
  const toggleEnabled = async (apiKey: ApiKey<P>) => {
    setActionError(null);
    try {
      await manager.updateApiKey({ id: apiKey.id, enabled: !apiKey.enabled });
      announce(`${apiKey.name} ${apiKey.enabled ? 'disabled' : 'enabled'}.`);
    } catch (error) {
      setActionError(error);
    }
  };
  const { revealedKey, can } = manager;

  return (
    <section data-latchkey="" data-slot="api-key-manager" aria-labelledby={headingId} {...props}>
      <ManagerHeader
        manager={manager}
        heading={heading}
        headingId={headingId}
        headingRef={headingRef}
        onCreate={() => open({ kind: 'create' })}
      />
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
      {/* Only the actions `authorize` allows this user: the server would refuse the others. */}
      <KeyTable
        apiKeys={manager.apiKeys}
        isLoading={manager.isLoading}
        error={manager.error}
        onRetry={manager.refetch}
        onRoll={can.roll ? (apiKey) => open({ kind: 'roll', apiKey }) : undefined}
        onRevoke={can.revoke ? (apiKey) => open({ kind: 'revoke', apiKey }) : undefined}
        onToggleEnabled={can.update ? toggleEnabled : undefined}
        renderUsage={can.usage ? renderUsage : undefined}
      />
      <LoadMore manager={manager} />
      <p role="status" style={visuallyHidden}>
        {announcement}
      </p>
      <ManagerDialogs
        dialog={dialog}
        manager={manager}
        onClose={() => setDialog(null)}
        onRevoked={(apiKey) => {
          announce(`${apiKey.name} revoked.`);
          setFocusHeading((count) => count + 1);
        }}
      />
    </section>
  );
}

/** The next page's button; a failure sits by it, and the keys shown so far stay. */
function LoadMore({
  manager,
}: {
  manager: Pick<ApiKeyManagerState, 'hasMore' | 'isLoadingMore' | 'loadMoreError' | 'loadMore'>;
}) {
  const failed = manager.loadMoreError !== null && !manager.isLoadingMore;
  const errorId = useId();
  return (
    <>
      {manager.hasMore ? (
        <button
          type="button"
          data-slot="button"
          data-variant="secondary"
          aria-disabled={manager.isLoadingMore}
          aria-describedby={failed ? errorId : undefined}
          onClick={() => {
            if (!manager.isLoadingMore) manager.loadMore();
          }}
        >
          {manager.isLoadingMore ? 'Loading…' : failed ? 'Try again' : 'Load more'}
        </button>
      ) : null}
      {failed ? (
        <p id={errorId} role="alert" data-slot="form-error">
          Could not load more API keys. {errorMessage(manager.loadMoreError)}
        </p>
      ) : null}
    </>
  );
}
