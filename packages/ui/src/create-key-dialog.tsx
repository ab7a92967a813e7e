import type { CreateApiKeyRequest } from '@latchkey/trpc-plugin';
import { useId, useState } from 'react';
import { Dialog, type DialogProps } from './dialog.js';
import { EXPIRIES, ExpiryField } from './expiry-field.js';
import { FormError } from './form-error.js';
import { PermissionCheckboxes } from './permission-checkboxes.js';
import { useSubmission } from './use-submission.js';

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
        <PermissionCheckboxes permissions={permissions} granted={granted} onChange={setGranted} />
        <ExpiryField id={`${id}-expiry`} value={expiry} onChange={setExpiry} />
        <FormError error={error} />
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
