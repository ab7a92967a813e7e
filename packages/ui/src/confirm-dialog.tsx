import type { ReactNode } from 'react';
import { Dialog, type DialogProps } from './dialog.js';
import { FormError } from './form-error.js';
import { useSubmission } from './use-submission.js';

export type ConfirmDialogProps = Omit<DialogProps, 'onClose' | 'onSubmit'> & {
  /** Cancel or Escape; ignored while the action runs. */
  onCancel: () => void;
  /** The action. A rejection keeps the dialog open and shows the error in words. */
  onConfirm: () => Promise<unknown> | undefined;
  confirmLabel: ReactNode;
  /** Shown on the confirm button while the action runs. Default "Working…". */
  pendingLabel?: ReactNode;
  /** `danger` styles the confirm button as destructive. Default `default`. */
  tone?: 'default' | 'danger';
};

/**
 * Asks before an action that cannot be undone. Focus starts on Cancel, so a stray Enter does not
 * confirm; extra fields (children) sit between the question and the buttons.
 */
export function ConfirmDialog({
  onCancel,
  onConfirm,
  confirmLabel,
  pendingLabel = 'Working…',
  tone = 'default',
  children,
  ...props
}: ConfirmDialogProps) {
  const { pending, error, submit, isRunning } = useSubmission();
  const cancel = () => {
    if (!isRunning()) onCancel();
  };

  return (
    <Dialog onClose={cancel} data-slot="confirm-dialog" data-tone={tone} {...props}>
      <form
        data-slot="dialog-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit(onConfirm);
        }}
      >
        {children}
        <FormError error={error} />
        <div data-slot="dialog-actions">
          <button
            type="button"
            data-slot="button"
            data-variant="secondary"
            onClick={cancel}
            data-autofocus
          >
            Cancel
          </button>
          <button
            type="submit"
            data-slot="button"
            data-variant={tone === 'danger' ? 'danger' : 'primary'}
            // aria-disabled rather than disabled, so the button keeps focus while the action runs
            aria-disabled={pending}
          >
            {pending ? pendingLabel : confirmLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
