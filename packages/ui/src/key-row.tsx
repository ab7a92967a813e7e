import type { ApiKey } from '@latchkey/core';
import type { ReactNode } from 'react';
import { formatDate, formatDateTime, maskedKey } from './format.js';
import { KeyStatus } from './key-status.js';

/** @internal */
export interface KeyRowProps<P extends string> {
  apiKey: ApiKey<P>;
  /** The actions cell's content (`KeyActions`); none in a table without actions. */
  actions?: ReactNode;
  /**
   * The open usage row, below the key's: its id (for the Usage button's `aria-controls`), how
   * many columns it spans, and what it shows. None while it is closed.
   */
  usageRow?: { id: string; columns: number; content: ReactNode };
}

/**
 * One key: its name, `start…last4`, dates and status, and its actions; below it, its usage.
 * @internal
 */
export function KeyRow<P extends string>({ apiKey, actions, usageRow }: KeyRowProps<P>) {
  return (
    <>
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
        {actions === undefined ? null : <td>{actions}</td>}
      </tr>
      {usageRow === undefined ? null : (
        <tr data-slot="key-usage-row">
          <td id={usageRow.id} colSpan={usageRow.columns}>
            {usageRow.content}
          </td>
        </tr>
      )}
    </>
  );
}

function Time({ ms, fallback }: { ms: number | null; fallback: string }) {
  if (ms === null) return fallback;
  return (
    <time dateTime={new Date(ms).toISOString()} title={formatDateTime(ms)}>
      {formatDate(ms)}
    </time>
  );
}
