import type { ApiKeyRow, RateLimit } from '../store/key-store.js';
import type { Refill } from '../types.js';

/**
 * The stored limit columns for given limit inputs; a field left undefined stays as it is.
 * Setting a refill starts its first interval now and fills `remaining` if not given.
 */
export function limitColumns(
  input: {
    rateLimits?: RateLimit[] | undefined;
    remaining?: number | null | undefined;
    refill?: Refill | null | undefined;
  },
  now: number,
): Partial<
  Pick<ApiKeyRow, 'rateLimits' | 'remaining' | 'refillAmount' | 'refillIntervalMs' | 'lastRefillAt'>
> {
  const columns: ReturnType<typeof limitColumns> = {};
  if (input.rateLimits !== undefined) columns.rateLimits = input.rateLimits;
  if (input.remaining !== undefined) {
    columns.remaining = input.remaining;
    // Uses set by hand restart the refill interval: a refill already due would undo them at once.
    if (input.remaining !== null) columns.lastRefillAt = now;
  }
  if (input.refill !== undefined) {
    columns.refillAmount = input.refill?.amount ?? null;
    columns.refillIntervalMs = input.refill?.intervalMs ?? null;
    columns.lastRefillAt = input.refill === null ? null : now;
    if (input.refill !== null && input.remaining === undefined)
      columns.remaining = input.refill.amount;
  }
  return columns;
}
