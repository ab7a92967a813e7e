import type { ApiKey } from '@latchkey/core';
import type { RollApiKeyRequest } from '@latchkey/trpc-plugin';
import { useId, useState } from 'react';
import { ConfirmDialog, type ConfirmDialogProps } from './confirm-dialog.js';
import { maskedKey } from './format.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** How long the old key keeps working; the server accepts at most 30 days. */
const GRACE_PERIODS: readonly { label: string; ms: number }[] = [
  { label: 'None: it stops working now', ms: 0 },
  { label: '1 hour', ms: HOUR },
  { label: '24 hours', ms: DAY },
  { label: '7 days', ms: 7 * DAY },
  { label: '30 days', ms: 30 * DAY },
];

export type RollKeyDialogProps = Omit<
  ConfirmDialogProps,
  'onConfirm' | 'title' | 'description' | 'confirmLabel' | 'children'
> & {
  apiKey: Pick<ApiKey, 'id' | 'name' | 'start' | 'last4'>;
  /** Rolls the key (e.g. `rollApiKey`) and closes the dialog; a rejection is shown in it. */
  onRoll: (input: RollApiKeyRequest) => Promise<unknown>;
};

/**
 * Confirms replacing a key with a new one of the same settings, and asks how long the old key
 * keeps working so that machines can switch over without an outage.
 */
export function RollKeyDialog({ apiKey, onRoll, ...props }: RollKeyDialogProps) {
  // A day by default: long enough to redeploy a machine with the new key.
  const [gracePeriodMs, setGracePeriodMs] = useState(DAY);
  const graceId = useId();
  return (
    <ConfirmDialog
      data-slot="roll-key-dialog"
      title={`Roll “${apiKey.name}”?`}
      description={
        <p>
          A new key with the same permissions replaces <code>{maskedKey(apiKey)}</code>. You will
          see the new key once.
        </p>
      }
      confirmLabel="Roll key"
      pendingLabel="Rolling…"
      onConfirm={() => onRoll({ id: apiKey.id, gracePeriodMs })}
      {...props}
    >
      <div data-slot="field">
        <label htmlFor={graceId}>Grace period for the old key</label>
        <select
          id={graceId}
          name="gracePeriodMs"
          value={gracePeriodMs}
          onChange={(event) => setGracePeriodMs(Number(event.target.value))}
        >
          {GRACE_PERIODS.map((choice) => (
            <option key={choice.ms} value={choice.ms}>
              {choice.label}
            </option>
          ))}
        </select>
      </div>
    </ConfirmDialog>
  );
}
