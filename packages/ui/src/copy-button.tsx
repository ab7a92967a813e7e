import { type ComponentProps, useEffect, useState } from 'react';

export type CopyButtonProps = Omit<ComponentProps<'button'>, 'value' | 'onClick'> & {
  /** The text to put on the clipboard. */
  value: string;
};

type CopyState = 'idle' | 'copied' | 'failed';

const MESSAGES: Record<CopyState, string> = {
  idle: '',
  copied: 'Copied to the clipboard.',
  failed: 'Could not copy. Select the key and copy it by hand.',
};

/**
 * Copies `value` and says so in a live region that is rendered from the start, since screen
 * readers announce changes to a live region, not its arrival.
 */
export function CopyButton({ value, children = 'Copy', ...props }: CopyButtonProps) {
  const [state, setState] = useState<CopyState>('idle');
  useEffect(() => {
    if (state !== 'copied') return;
    const timer = setTimeout(() => setState('idle'), 3000);
    return () => clearTimeout(timer);
  }, [state]);

  return (
    <>
      <button
        type="button"
        data-latchkey=""
        data-slot="copy-button"
        data-state={state}
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(value);
            setState('copied');
          } catch {
            setState('failed');
          }
        }}
        {...props}
      >
        {children}
      </button>
      <span role="status" data-latchkey="" data-slot="copy-status" data-state={state}>
        {MESSAGES[state]}
      </span>
    </>
  );
}
