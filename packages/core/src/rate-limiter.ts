import type { RateLimit } from './schema.js';
import type { RateLimitState } from './types.js';
import { MAX_RATE_LIMIT_WINDOW_MS } from './validation.js';

export type RateLimitDecision =
  | { allowed: true; state: RateLimitState }
  | { allowed: false; state: RateLimitState; retryAfterMs: number };

interface Window {
  start: number;
  used: number;
}

/**
 * Fixed-window rate limiting in memory: at most `limit` units per window of `windowMs`, windows
 * aligned to multiples of `windowMs` since the epoch (so every process agrees on the boundaries).
 * Spending is synchronous, so it is exact within a process under any concurrency: there is no
 * read-modify-write across an await. Each process counts on its own.
 */
export class FixedWindowRateLimiter {
  readonly #windows = new Map<string, Window>();
  readonly #maxSubjects: number;

  constructor(maxSubjects = 100_000) {
    this.#maxSubjects = maxSubjects;
  }

  /** Spends `cost` from `subject`'s window under `limit`, or refuses and spends nothing. */
  spend(subject: string, limit: RateLimit, cost: number, now: number): RateLimitDecision {
    const start = now - (now % limit.windowMs);
    let window = this.#windows.get(subject);
    if (window === undefined) {
      this.#makeRoom(now);
      window = { start, used: 0 };
      this.#windows.set(subject, window);
    } else if (window.start !== start) {
      window.start = start;
      window.used = 0;
    }
    const resetAt = start + limit.windowMs;
    const allowed = window.used + cost <= limit.limit;
    if (allowed) window.used += cost;
    const state = {
      name: limit.name,
      limit: limit.limit,
      remaining: limit.limit - window.used,
      resetAt,
    };
    return allowed ? { allowed, state } : { allowed, state, retryAfterMs: resetAt - now };
  }

  /** Gives `cost` back to the window that started at `windowStart`, if it is still current. */
  refund(subject: string, windowStart: number, cost: number): void {
    const window = this.#windows.get(subject);
    if (window !== undefined && window.start === windowStart) {
      window.used = Math.max(0, window.used - cost);
    }
  }

  /**
   * Makes `to` count on `from`'s window: the two then share it, so a refund or a spend still made
   * on `from` counts for `to` as well. Units `to` already spent in the same window are added; if
   * `to`'s window is the newer one, the shared window is `to`'s.
   */
  carry(from: string, to: string): void {
    const window = this.#windows.get(from);
    if (window === undefined) return;
    const own = this.#windows.get(to);
    if (own !== undefined && own !== window) {
      if (own.start === window.start) window.used += own.used;
      else if (own.start > window.start) Object.assign(window, own);
    }
    this.#windows.set(to, window);
  }

  get size(): number {
    return this.#windows.size;
  }

  /**
   * Keeps memory bounded: first drops windows that have surely ended (no window lasts longer
   * than the longest allowed, 31 days); if still full, the oldest subject — whose counter is then
   * forgotten, the one case where a limit may admit more than it should.
   */
  #makeRoom(now: number): void {
    if (this.#windows.size < this.#maxSubjects) return;
    for (const [subject, window] of this.#windows) {
      if (now - window.start > MAX_RATE_LIMIT_WINDOW_MS) this.#windows.delete(subject);
    }
    if (this.#windows.size >= this.#maxSubjects) {
      const oldest = this.#windows.keys().next();
      if (!oldest.done) this.#windows.delete(oldest.value);
    }
  }
}
