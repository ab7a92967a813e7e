import type { RejectedKey, VerifiedKey } from '../types.js';
import type { VerifierContext } from './context.js';
import { track } from './underway.js';

/** What `refund` may count a call under: a refusal of a key that was found. */
export type RefundCode = Exclude<RejectedKey['code'], 'MALFORMED' | 'NOT_FOUND'>;

/**
 * Gives back what a valid verification spent (its rate-limit units and `remaining` uses) when
 * the request was refused after it — by a permission check later in a tRPC middleware chain,
 * say — and counts it under `code` instead of `VALID`. Call it once per refused request: what
 * was spent is given back only once, but each call recounts the outcome.
 */
export async function refund(
  context: VerifierContext,
  result: VerifiedKey,
  code: RefundCode = 'INSUFFICIENT_PERMISSIONS',
): Promise<void> {
  const { clock, recorder, SpentResult, rateLimiter, usageLimiter, storage } = context;
  const now = clock();
  recorder.record(result.keyId, result.consumerId, 'VALID', now, -1);
  recorder.record(result.keyId, result.consumerId, code, now);
  const receipt = SpentResult.take(result);
  if (receipt === undefined) return;
  if (receipt.rateLimit !== undefined) {
    rateLimiter.refund(receipt.rateLimit.subject, receipt.rateLimit.windowStart, receipt.cost);
  }
  if (receipt.usage !== undefined) {
    const { lastRefillAt } = receipt.usage;
    await track(
      context,
      storage(() => usageLimiter.refund(receipt.keyId, receipt.cost, lastRefillAt)),
    );
  }
}
