import type { ApiKey } from '@latchkey/core';
import { type ComponentProps, type ReactNode, useId, useState } from 'react';
import { KeyActions } from './key-actions.js';
import { KeyRow } from './key-row.js';
import { LoadedPart } from './loaded-part.js';
import { useToggleEnabled } from './use-toggle-enabled.js';
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
  const { toggling, toggle } = useToggleEnabled(onToggleEnabled);
  const usageId = useId();
  const hasActions =
    onRoll !== undefined ||
    onRevoke !== undefined ||
    onToggleEnabled !== undefined ||
    renderUsage !== undefined;
  const columns = hasActions ? 7 : 6;
  const actionsOf = (apiKey: ApiKey<P>, usageOpen: boolean) => (
    <KeyActions
      apiKey={apiKey}
      onToggleEnabled={onToggleEnabled && (() => void toggle(apiKey))}
      isToggling={toggling.has(apiKey.id)}
      onRoll={onRoll && (() => onRoll(apiKey))}
      onRevoke={onRevoke && (() => onRevoke(apiKey))}
      usage={
        renderUsage && {
          isOpen: usageOpen,
          rowId: usageId,
          onToggle: () => setUsageKeyId(usageOpen ? null : apiKey.id),
        }
      }
    />
  );
  return (
    <LoadedPart
      part="key-table"
      what="API keys"
      isLoading={isLoading}
      error={error}
      onRetry={onRetry}
      isEmpty={apiKeys.length === 0}
      empty="No API keys yet. Create one to let a machine call this app."
      {...props}
    >
      {() => (
        <table data-slot="key-table-table">
          <caption style={visuallyHidden}>API keys</caption>
          <KeyTableHead hasActions={hasActions} />
          <tbody>
            {apiKeys.map((apiKey) => {
              const usageOpen = usageKeyId === apiKey.id;
              return (
                <KeyRow
                  key={apiKey.id}
                  apiKey={apiKey}
                  actions={hasActions ? actionsOf(apiKey, usageOpen) : undefined}
                  usageRow={
                    usageOpen && renderUsage
                      ? { id: usageId, columns, content: renderUsage(apiKey) }
                      : undefined
                  }
                />
              );
            })}
          </tbody>
        </table>
      )}
    </LoadedPart>
  );
}

function KeyTableHead({ hasActions }: { hasActions: boolean }) {
  return (
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
  );
}
