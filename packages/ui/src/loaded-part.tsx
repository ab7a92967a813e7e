import type { ComponentProps, ReactNode } from 'react';
import { errorMessage } from './error-message.js';

/** @internal */
export type LoadedPartProps = Omit<ComponentProps<'div'>, 'children'> & {
  /** The part's `data-slot`; its states are `<part>-error`, `<part>-loading` and `<part>-empty`. */
  part: string;
  /** What the part loads, in words: "API keys", "usage". */
  what: string;
  isLoading: boolean;
  /** Why the data could not be loaded; shown in words instead of it. */
  error: unknown;
  /** Offered with the error, to try again. */
  onRetry: (() => void) | undefined;
  /** Whether there is nothing to show: then `empty` is shown instead. */
  isEmpty: boolean;
  empty: ReactNode;
  /** The data, rendered only once it has loaded and is not empty. */
  children: () => ReactNode;
};

/**
 * A part that shows loaded data (`KeyTable`, `KeyUsageChart`): its error, loading or empty state,
 * in that order, or else the data.
 * @internal
 */
export function LoadedPart({
  part,
  what,
  isLoading,
  error,
  onRetry,
  isEmpty,
  empty,
  children,
  ...props
}: LoadedPartProps) {
  let content: ReactNode;
  if (error !== undefined && error !== null) {
    content = (
      <div role="alert" data-slot={`${part}-error`}>
        <p>
          {`Could not load ${what}. `}
          {errorMessage(error)}
        </p>
        {onRetry === undefined ? null : (
          <button type="button" data-slot="button" data-variant="secondary" onClick={onRetry}>
            Try again
          </button>
        )}
      </div>
    );
  } else if (isLoading) {
    content = (
      <p role="status" data-slot={`${part}-loading`}>
        {`Loading ${what}…`}
      </p>
    );
  } else if (isEmpty) {
    content = <p data-slot={`${part}-empty`}>{empty}</p>;
  } else {
    content = children();
  }
  return (
    <div data-latchkey="" data-slot={part} aria-busy={isLoading} {...props}>
      {content}
    </div>
  );
}
