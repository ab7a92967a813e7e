import type { CreateApiKeyRequest } from '@latchkey/trpc-plugin';
import { useId, useState } from 'react';
import { Dialog, type DialogProps } from './dialog.js';
import { errorMessage } from './error-message.js';
import { useSubmission } from './use-submission.js';

const DAY = 24 * 60 * 60 * 1000;

/** When a new key stops working, from now; `null` never. */
const EXPIRIES: readonly { label: string; ms: number | null }[] = [
  { label: 'Never', ms: null },
  { label: 'In 7 days', ms: 7 * DAY },
  { label: 'In 30 days', ms: 30 * DAY },
  { label: 'In 90 days', ms: 90 * DAY },
  { label: 'In 1 year', ms: 365 * DAY },
];

export type CreateKeyDialogProps<P extends string = string> = Omit<
  DialogProps,
  'onClose' | 'title' | 'description' | 'children' | 'onSubmit'
> & {
  /** The permissions a key may be given (the router's `config.permissions`), as checkboxes. */
  permissions: readonly P[];
  /** Creates the key (e.g. `createApiKey`) and closes the dialog; a rejection is shown in it. */
  onCreate: (input: CreateApiKeyRequest<P>) => Promise<unknown>;
  /** Cancel or Escape; ignored while the key is being created. */
  onCancel: () => void;
};

/** A form for a new key: its name, its permissions (none checked: least privilege) and expiry. */
export function CreateKeyDialog<P extends string>({
  permissions,
  onCreate,
  onCancel,
  ...props
}: CreateKeyDialogProps<P>) {
  const [name, setName] = useState('');
  const [granted, setGranted] = useState<ReadonlySet<P>>(new Set());
  const [expiry, setExpiry] = useState(0);
  const { pending, error, submit, isRunning } = useSubmission();
  const id = useId();
  const cancel = () => {
    if (!isRunning()) onCancel();
  };

  return (
    <Dialog
      data-slot="create-key-dialog"
      title="Create API key"
      description={<p>The key will be shown once, right after it is created.</p>}
      onClose={cancel}
      {...props}
    >
      <form
        data-slot="dialog-form"
        onSubmit={(event) => {
          event.preventDefault();
          const ms = EXPIRIES[expiry]?.ms ?? null;
          void submit(() =>
            onCreate({
              name,
              // in declared order, whatever order they were ticked in
              permissions: permissions.filter((permission) => granted.has(permission)),
              expiresAt: ms === null ? null : Date.now() + ms,
            }),
          );
        }}
      >
        <div data-slot="field">
          <label htmlFor={`${id}-name`}>Name</label>
          <input
            id={`${id}-name`}
            name="name"
            required
            maxLength={100}
            autoComplete="off"
            placeholder="e.g. Billing sync"
            value={name}
            onChange={(event) => setName(event.target.value)}
            data-autofocus
          />
        </div>
        {permissions.length === 0 ? null : (
          <fieldset data-slot="permissions">
            <legend>Permissions</legend>
            {permissions.map((permission) => (
              <label key={permission} data-slot="checkbox">
                <input
                  type="checkbox"
                  name="permissions"
                  value={permission}
                  checked={granted.has(permission)}
                  onChange={(event) => {
                    const next = new Set(granted);
                    if (event.target.checked) next.add(permission);
                    else next.delete(permission);
                    setGranted(next);
                  }}
                />
                <code>{permission}</code>
              </label>
            ))}
          </fieldset>
        )}
        <div data-slot="field">
          <label htmlFor={`${id}-expiry`}>Expires</label>
          <select
            id={`${id}-expiry`}
            name="expiry"
            value={expiry}
            onChange={(event) => setExpiry(Number(event.target.value))}
          >
            {EXPIRIES.map((choice, index) => (
              <option key={choice.label} value={index}>
                {choice.label}
              </option>
            ))}
          </select>
        </div>
        {error === null ? null : (
          <p role="alert" data-slot="form-error">
            {errorMessage(error)}
          </p>
        )}
        <div data-slot="dialog-actions">
          <button type="button" data-slot="button" data-variant="secondary" onClick={cancel}>
            Cancel
          </button>
          <button type="submit" data-slot="button" data-variant="primary" aria-disabled={pending}>
            {pending ? 'Creating…' : 'Create key'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
