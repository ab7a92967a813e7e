import type { ApiKey } from '@latchkey/core';
import { useRef, useState } from 'react';

/**
 * Disable / Enable for a table of keys: `toggle(apiKey)` calls `onToggleEnabled` once at a time per
 * key, and `toggling` holds the keys whose call is in flight. A second press would send a second
 * update: the state shows it; the ref guards at once, as two presses in one task both see the
 * state before either.
 * @internal
 */
export function useToggleEnabled<P extends string>(
  onToggleEnabled: ((apiKey: ApiKey<P>) => unknown) | undefined,
) {
  const [toggling, setToggling] = useState<ReadonlySet<string>>(() => new Set());
  const inFlight = useRef(new Set<string>());
  const toggle = async (apiKey: ApiKey<P>) => {
    if (onToggleEnabled === undefined || inFlight.current.has(apiKey.id)) return;
    inFlight.current.add(apiKey.id);
    setToggling((ids) => new Set(ids).add(apiKey.id));
    try {
      await onToggleEnabled(apiKey);
    } finally {
      inFlight.current.delete(apiKey.id);
      setToggling((ids) => {
        const rest = new Set(ids);
        rest.delete(apiKey.id);
        return rest;
      });
    }
  };
  return { toggling, toggle };
}
