import type { SpendRefusal, SpendResult } from '../store/key-store.js';
import type { RejectedKey, VerifyResult } from '../types.js';
import { accept, NOT_FOUND, type Pass, reject } from './answers.js';
import type { CachedKey } from './cached-key.js';
import type { VerifierContext } from './context.js';
import { forgetStale } from './load-key.js';
import { rateLimitSpent } from './spent-result.js';

/**
 * The last check: spends the call's cost from a usage-limited key's `remaining`, in storage, and
 * answers by whether it could: `VALID`, `USAGE_EXCEEDED`, or the key's own state when storage
 * found it changed. A call refused here (or failed by storage) spends nothing from its rate limit.
 */
export async function spendUsage<P extends string>(
  context: VerifierContext,
  record: CachedKey,
  keyIndex: string,
  pass: Pass,
  now: number,
): Promise<VerifyResult<P>> {
  const { storage, usageLimiter } = context;
  let spent: SpendResult;
  try {
    spent = await storage(() => usageLimiter.spend(record.id, pass.cost, now));
  } catch (error) {
    giveBackRateLimit(context, pass);
    throw error;
  }
  if (spent.spent) return accept<P>(context, record, pass, now, spent);
  giveBackRateLimit(context, pass);
  if (spent.refusal !== undefined)
    return refuseChanged(context, record, keyIndex, spent.refusal, now);
  context.recorder.record(record.id, record.consumerId, 'USAGE_EXCEEDED', now);
  // No refill that covers the cost (`null`), or one due already by the clock of the process
  // that spent last: no time to retry at.
  const retryAfterMs = spent.nextRefillAt === null ? 0 : spent.nextRefillAt - now;
  return {
    valid: false,
    code: 'USAGE_EXCEEDED',
    keyId: record.id,
    ...(retryAfterMs > 0 ? { retryAfterMs } : {}),
  };
}

/**
 * The answer for a key that storage refused to spend for its own state: revoked, disabled or
 * expired (or deleted) since this process read it, by another process or by a write to storage.
 * The stale record is dropped, so that the next call reads the key as it is.
 */
function refuseChanged(
  context: VerifierContext,
  record: CachedKey,
  keyIndex: string,
  code: SpendRefusal,
  now: number,
): RejectedKey {
  forgetStale(context, keyIndex);
  return code === 'NOT_FOUND' ? NOT_FOUND : reject(context, record, code, now);
}

function giveBackRateLimit(context: VerifierContext, pass: Pass): void {
  const spent = rateLimitSpent(pass.rateLimit, pass.decision);
  if (spent !== undefined) context.rateLimiter.refund(spent.subject, spent.windowStart, pass.cost);
}
