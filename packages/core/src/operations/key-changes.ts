import { invalidInput } from '../validation.js';

/** A revocation's reason as stored: an empty one is none. */
export function reasonOrNull(reason: string | undefined): string | null {
  return reason === undefined || reason === '' ? null : reason;
}

/** Refuses an expiry that is not in the future (`INVALID_INPUT`). */
export function assertFuture(expiresAt: number | null | undefined, now: number): void {
  if (expiresAt != null && expiresAt <= now) {
    throw invalidInput([{ path: ['expiresAt'], message: 'Expiry must be in the future.' }]);
  }
}
