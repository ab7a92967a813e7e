import type { ApiKey } from '@latchkey/core';
import type { RevokeApiKeyRequest } from '@latchkey/trpc-plugin';
import { useId, useState } from 'react';
import { ConfirmDialog, type ConfirmDialogProps } from './confirm-dialog.js';
import { maskedKey } from './format.js';

export type RevokeKeyDialogProps = Omit<
  ConfirmDialogProps,
  'onConfirm' | 'title' | 'description' | 'confirmLabel' | 'children'
> & {
  apiKey: Pick<ApiKey, 'id' | 'name' | 'start' | 'last4'>;
  /** Revokes the key (e.g. `revokeApiKey`) and closes the dialog; a rejection is shown in it. */
  onRevoke: (input: RevokeApiKeyRequest) => Promise<unknown>;
};

/** Confirms revoking a key, with an optional reason for the audit log. */
export function RevokeKeyDialog({ apiKey, onRevoke, ...props }: RevokeKeyDialogProps) {
  const [reason, setReason] = useState('');
  const reasonId = useId();
  return (
    <ConfirmDialog
      data-slot="revoke-key-dialog"
      title={`Revoke “${apiKey.name}”?`}
      description={
        <p>
          Machines using <code>{maskedKey(apiKey)}</code> will be refused at once. This cannot be
          undone; the key stays listed for the audit trail.
        </p>
      }
      tone="danger"
      confirmLabel="Revoke key"
      pendingLabel="Revoking…"
      onConfirm={() =>
        onRevoke({ id: apiKey.id, ...(reason.trim() ? { reason: reason.trim() } : {}) })
      }
      {...props}
    >
      <div data-slot="field">
        <label htmlFor={reasonId}>Reason (optional)</label>
        <input
          id={reasonId}
          name="reason"
          maxLength={500}
          value={reason}
          onChange={(event) => setReason(event.target.value)}
        />
      </div>
    </ConfirmDialog>
  );
}
