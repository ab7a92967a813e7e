import { useRef, useState } from 'react';

/**
 * A dialog's action, run once at a time: `pending` while it runs (and after it succeeds, until the
 * caller closes the dialog), `error` when it failed. The guard is a ref, set at once: state is
 * only seen on the next render, so two submits in one task (a fast double click, a script) would
 * both pass a state check and create two keys.
 * @internal
 */
export function useSubmission() {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const running = useRef(false);
  const submit = async (action: () => Promise<unknown> | undefined): Promise<void> => {
    if (running.current) return;
    running.current = true;
    setPending(true);
    setError(null);
    try {
      await action();
    } catch (reason) {
      setError(reason);
      setPending(false);
      running.current = false;
    }
  };
  /** Whether the action runs now: for Cancel and Escape, which must not close a dialog mid-action. */
  const isRunning = () => running.current;
  return { pending, error, submit, isRunning };
}
