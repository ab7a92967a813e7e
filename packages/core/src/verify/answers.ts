import type { RateLimitDecision } from '../limits/rate-limiter.js';
import type { RejectedKey, VerifiedKey } from '../types.js';
import type { CachedKey, KeyRateLimit } from './cached-key.js';
import type { VerifierContext } from './context.js';
import { type Receipt, rateLimitSpent } from './spent-result.js';

/** What a call that passed the in-memory checks spends: its cost, and its rate limit's decision. */
export interface Pass {
  cost: number;
  rateLimit?: KeyRateLimit;
  decision?: RateLimitDecision;
}

/** The pass of a call of cost 1 that spends no rate limit: shared, so the hot path makes none. */
export const ONE_UNIT: Pass = Object.freeze({ cost: 1 });

export const MALFORMED: RejectedKey = Object.freeze({ valid: false, code: 'MALFORMED' });
export const NOT_FOUND: RejectedKey = Object.freeze({ valid: false, code: 'NOT_FOUND' });

/** Counts the refusal of a known key under `code` and returns it. */
export function reject(
  context: VerifierContext,
  record: CachedKey,
  code: RejectedKey['code'],
  now: number,
): RejectedKey {
  context.recorder.record(record.id, record.consumerId, code, now);
  return { valid: false, code, keyId: record.id };
}

/**
 * Counts the call as valid and returns its result: the key's one frozen result when nothing was
 * spent (the hot path allocates nothing), else a fresh one carrying the limits' state and a
 * receipt of what was spent, so that `refund` can give it back.
 */
export function accept<P extends string>(
  context: VerifierContext,
  record: CachedKey,
  pass: Pass,
  now: number,
  usage: { remaining: number | null; lastRefillAt: number | null } | undefined,
): VerifiedKey<P> {
  context.recorder.record(record.id, record.consumerId, 'VALID', now);
  const { cost, decision } = pass;
  if (decision === undefined && usage === undefined) return record.verified as VerifiedKey<P>;
  const receipt: Receipt = {
    keyId: record.id,
    cost,
    rateLimit: rateLimitSpent(pass.rateLimit, decision),
    usage: usage === undefined ? undefined : { lastRefillAt: usage.lastRefillAt },
  };
  // Copied, then added to, rather than spread into a literal: V8 adds properties to a copy made
  // by a leading spread through a slow path.
  const result = new context.SpentResult(record.verified, receipt) as unknown as VerifiedKey<P>;
  if (decision !== undefined) result.rateLimit = decision.state;
  if (usage !== undefined && usage.remaining !== null) result.remaining = usage.remaining;
  return result;
}
