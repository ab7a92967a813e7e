import type { RateLimitDecision } from '../limits/rate-limiter.js';
import type { VerifiedKey } from '../types.js';
import type { KeyRateLimit } from './cached-key.js';

/** What one valid verification spent, so that `refund` can give it back. */
export interface Receipt {
  keyId: string;
  cost: number;
  rateLimit: { subject: string; windowStart: number } | undefined;
  usage: { lastRefillAt: number | null } | undefined;
}

/** A verifier's own class of results that spent something (see `createSpentResultClass`). */
export type SpentResultClass = ReturnType<typeof createSpentResultClass>;

/**
 * A class, new for each verifier, of the results of verifications that spent something: the key's
 * result with its limits' state, and, in a private field, the receipt of what it spent, for
 * `refund`. The class is one verifier's own, so a result of another verifier (or a copy) has no
 * receipt here: `take` gives back only what this verifier spent. (A `WeakMap` from results to
 * receipts cost more than all the rest of a rate-limited verification.) The shared frozen result
 * of a key without limits spent nothing and has none.
 */
export function createSpentResultClass() {
  return class SpentResult {
    #receipt: Receipt | undefined;

    constructor(verified: VerifiedKey, receipt: Receipt) {
      Object.assign(this, verified);
      this.#receipt = receipt;
    }

    /** The receipt of `result`, once: what was spent is given back only once. */
    static take(result: object): Receipt | undefined {
      if (!(#receipt in result)) return undefined;
      const receipt = result.#receipt;
      result.#receipt = undefined;
      return receipt;
    }
  };
}

/** Where a call's rate-limit units went (counter and window), to give them back; none if none. */
export function rateLimitSpent(
  rateLimit: KeyRateLimit | undefined,
  decision: RateLimitDecision | undefined,
): Receipt['rateLimit'] {
  if (rateLimit === undefined || decision === undefined) return undefined;
  return {
    subject: rateLimit.subject,
    windowStart: decision.state.resetAt - rateLimit.limit.windowMs,
  };
}
