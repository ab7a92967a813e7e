import { errorMessage } from './error-message.js';

/**
 * Why a dialog's action failed, in words, announced as it appears; nothing without an error.
 * @internal
 */
export function FormError({ error }: { error: unknown }) {
  if (error === null) return null;
  return (
    <p role="alert" data-slot="form-error">
      {errorMessage(error)}
    </p>
  );
}
