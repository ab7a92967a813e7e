import type { ApiKey } from '@latchkey/core';
import { type ComponentProps, Fragment, type ReactNode, useId, useRef, useState } from 'react';
import { errorMessage } from './error-message.js';
import { formatDate, formatDateTime, maskedKey } from './format.js';
import { KeyStatus } from './key-status.js';
import { visuallyHidden } from './visually-hidden.js';

export type KeyTableProps<P extends string = string> = Omit<ComponentProps<'div'>, 'children'> & {
  apiKeys: readonly ApiKey<P>[];
  /** Shows the loading state instead of the table. */
  isLoading?: boolean;
  /** Why the keys could not be loaded; shown in words instead of the table. */
  error?: unknown;
  /** Offered with the error, to try again. */
  onRetry?: () => void;
  /** Asks to roll a key; without it there is no Roll button. */
  onRoll?: (apiKey: ApiKey<P>) => void;
  /** Asks to revoke a key; without it there is no Revoke button. */
  onRevoke?: (apiKey: ApiKey<P>) => void;
  /**
   * Turns a key off or on again; without it there is no Disable / Enable button. While the promise
   * it returns is pending, the key's button shows it is busy and ignores further presses.
   */
  onToggleEnabled?: (apiKey: ApiKey<P>) => unknown;
  /**
   * What a key's Usage button shows in a row below it, e.g. a `KeyUsageChart`; without it there
   * is no Usage button. Called only for the one key whose usage is open.
   */
  renderUsage?: (apiKey: ApiKey<P>) => ReactNode;
};

function Time({ ms, fallback }: { ms: number | null; fallback: string }) {
  if (ms === null) return fallback;
  return (
    <time dateTime={new Date(ms).toISOString()} title={formatDateTime(ms)}>
      {formatDate(ms)}
    </time>
  );
}

function toggleLabel(enabled: boolean, pending: boolean): string {
  if (pending) return enabled ? 'Disabling' : 'Enabling';
  return enabled ? 'Disable' : 'Enable';
}

/** The keys with name, `start…last4`, dates and status, or the loading, error or empty state. */
export function KeyTable<P extends string>({
  apiKeys,
  isLoading = false,
  error,
  onRetry,
  onRoll,
  onRevoke,
  onToggleEnabled,
  renderUsage,
  ...props
}: KeyTableProps<P>) {
  const [usageKeyId, setUsageKeyId] = useState<string | null>(null);
  // Keys whose Disable / Enable is in flight: a second press would send a second update. The state
  // shows it; the ref guards at once, as two presses in one task both see the state before either.
  const [toggling, setToggling] = useState<ReadonlySet<string>>(() => new Set());
  const inFlight = useRef(new Set<string>());
  const toggle = async (apiKey: ApiKey<P>) => {
    if (onToggleEnabled === undefined || inFlight.current.has(apiKey.id)) return;
    inFlight.current.add(apiKey.id);
    setToggling((ids) => new Set(ids).add(apiKey.id));
    try {
      await onToggleEnabled(apiKey);
    } finally {
      inFlight.current.delete(apiKey.id);
      setToggling((ids) => {
        const rest = new Set(ids);
        rest.delete(apiKey.id);
        return rest;
      });
    }
  };
  const usageId = useId();
  const hasActions =
    onRoll !== undefined ||
    onRevoke !== undefined ||
    onToggleEnabled !== undefined ||
    renderUsage !== undefined;
  const columns = hasActions ? 7 : 6;
  let content: ReactNode;
  if (error !== undefined && error !== null) {
    content = (
      <div role="alert" data-slot="key-table-error">
        <p>Could not load API keys. {errorMessage(error)}</p>
        {onRetry === undefined ? null : (
          <button type="button" data-slot="button" data-variant="secondary" onClick={onRetry}>
            Try again
          </button>
        )}
      </div>
    );
  } else if (isLoading) {
    content = (
      <p role="status" data-slot="key-table-loading">
        Loading API keys…
      </p>
    );
  } else if (apiKeys.length === 0) {
    content = (
      <p data-slot="key-table-empty">No API keys yet. Create one to let a machine call this app.</p>
    );
  } else {
    content = (
      <table data-slot="key-table-table">
        <caption style={visuallyHidden}>API keys</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col">Created</th>
            <th scope="col">Last used</th>
            <th scope="col">Expires</th>
            <th scope="col">Status</th>
            {hasActions ? (
              <th scope="col">
                <span style={visuallyHidden}>Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {apiKeys.map((apiKey) => {
            // A revoked key cannot change; a rolled or expired one cannot be rolled again.
            const changeable = apiKey.status !== 'revoked';
            const rollable =
              changeable && apiKey.status !== 'expired' && apiKey.replacedById === null;
            const usageOpen = usageKeyId === apiKey.id;
            const isToggling = toggling.has(apiKey.id);
            const toggleVerb = toggleLabel(apiKey.enabled, isToggling);
            return (
              <Fragment key={apiKey.id}>
                <tr data-slot="key-row" data-status={apiKey.status}>
                  <th scope="row" data-slot="key-name">
                    {apiKey.name}
                  </th>
                  <td>
                    <code data-slot="key-masked">{maskedKey(apiKey)}</code>
                  </td>
                  <td>
                    <Time ms={apiKey.createdAt} fallback="" />
                  </td>
                  <td>
                    <Time ms={apiKey.lastUsedAt} fallback="Never" />
                  </td>
                  <td>
                    <Time ms={apiKey.expiresAt} fallback="Never" />
                  </td>
                  <td>
                    <KeyStatus status={apiKey.status} />
                  </td>
                  {hasActions ? (
                    <td>
                      <div data-slot="key-actions">
                        {onToggleEnabled && changeable && apiKey.status !== 'expired' ? (
                          <button
                            type="button"
                            data-slot="button"
                            data-variant="ghost"
                            aria-label={`${toggleVerb} ${apiKey.name}`}
                            // aria-disabled rather than disabled, so the button keeps focus
                            aria-disabled={isToggling}
                            onClick={() => void toggle(apiKey)}
                          >
                            {isToggling ? `${toggleVerb}…` : toggleVerb}
                          </button>
                        ) : null}
                        {onRoll && rollable ? (
                          <button
                            type="button"
                            data-slot="button"
                            data-variant="ghost"
                            aria-label={`Roll ${apiKey.name}`}
                            onClick={() => onRoll(apiKey)}
                          >
                            Roll
                          </button>
                        ) : null}
                        {onRevoke && changeable ? (
                          <button
                            type="button"
                            data-slot="button"
                            data-variant="ghost-danger"
                            aria-label={`Revoke ${apiKey.name}`}
                            onClick={() => onRevoke(apiKey)}
                          >
                            Revoke
                          </button>
                        ) : null}
                        {renderUsage ? (
                          <button
                            type="button"
                            data-slot="button"
                            data-variant="ghost"
                            aria-label={`Usage of ${apiKey.name}`}
                            aria-expanded={usageOpen}
                            aria-controls={usageOpen ? usageId : undefined}
                            onClick={() => setUsageKeyId(usageOpen ? null : apiKey.id)}
                          >
                            Usage
                          </button>
                        ) : null}
                      </div>
                    </td>
                  ) : null}
                </tr>
                {usageOpen && renderUsage ? (
                  <tr data-slot="key-usage-row">
                    <td id={usageId} colSpan={columns}>
                      {renderUsage(apiKey)}
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            );
          })}
        </tbody>
      </table>
    );
  }
  return (
    <div data-latchkey="" data-slot="key-table" aria-busy={isLoading} {...props}>
      {content}
    </div>
  );
}
