import type { RateLimit } from '../store/key-store.js';
import type { RateLimitState } from '../types.js';

/** A rate limiter's answer to a spend: admitted with the window's state, or refused and why. */
export type RateLimitDecision =
  | { allowed: true; state: RateLimitState }
  | { allowed: false; state: RateLimitState; retryAfterMs: number };

/**
 * The contract the verifier spends rate limits through: one counter per `subject` (the verifier
 * makes one per limit, owner and window), at most `limit.limit` units per window of
 * `limit.windowMs`, windows aligned to multiples of `windowMs` since the epoch, so that every
 * process agrees on the boundaries. Every implementation runs `rateLimiterContract` (in
 * `test-support/rate-limiter-contract.ts`).
 */
export interface RateLimiter {
  /**
   * Whether `spend` always answers synchronously. When it does, `verifyCached` spends rate limits
   * itself; when it does not, `verifyCached` leaves rate-limited calls to `verify`, which awaits
   * only the answers that are promises.
   */
  readonly synchronous: boolean;
  /**
   * Spends `cost` from `subject`'s current window under `limit`, or refuses and spends nothing
   * (then `retryAfterMs` is the time to the window's end). Answers synchronously when it can
   * decide in memory (the in-process limiter always can), with a promise only when it must ask
   * storage first. Exact under any concurrency of callers.
   */
  spend(
    subject: string,
    limit: RateLimit,
    cost: number,
    now: number,
  ): RateLimitDecision | Promise<RateLimitDecision>;
  /**
   * Gives `cost` back to `subject`'s window that started at `windowStart`, if that is still the
   * current one: units of a window that has ended are not carried into the next.
   */
  refund(subject: string, windowStart: number, cost: number): void;
  /**
   * Makes `to` count on `from`'s window (after a roll, the new key's counter starts where the old
   * key's is): the two then share it, so a spend or refund still made on `from` counts for `to`.
   * Units `to` already spent in the same window are added; if `to`'s window is the newer one, the
   * shared window is `to`'s.
   */
  carry(from: string, to: string): void;
}
