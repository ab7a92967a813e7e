import type { VerifiableKeyRow } from '../store/key-store.js';
import { effectiveRateLimits } from './cached-key.js';
import type { VerifierContext } from './context.js';

/**
 * After a roll: the new key's per-key counters start where the old key's are, in this process,
 * so that rolling does not start the window afresh (the old key counts on them from now on).
 */
export function carryRateLimits(
  context: VerifierContext,
  old: Pick<VerifiableKeyRow, 'id' | 'consumerId' | 'rateLimits'>,
  newId: string,
): void {
  const { defaultRateLimits, rateLimiter } = context;
  const before = effectiveRateLimits(old, old.id, defaultRateLimits);
  const after = effectiveRateLimits(old, newId, defaultRateLimits);
  for (const [name, { subject }] of before) {
    const moved = after.get(name)?.subject;
    if (moved !== undefined && moved !== subject) rateLimiter.carry(subject, moved);
  }
}
