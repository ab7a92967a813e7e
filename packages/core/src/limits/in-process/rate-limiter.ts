import type { RateLimit } from '../../store/key-store.js';
import type { RateLimitDecision, RateLimiter } from '../rate-limiter.js';

interface Window {
  start: number;
  used: number;
  /** Fixed for the window's life: a subject spent under another length gets a new window. */
  readonly windowMs: number;
}

/**
 * Fixed-window rate limiting in memory: at most `limit` units per window of `windowMs`, windows
 * aligned to multiples of `windowMs` since the epoch (so every process agrees on the boundaries).
 * Spending is synchronous, so it is exact within a process under any concurrency: there is no
 * read-modify-write across an await. Each process counts on its own.
 */
export class FixedWindowRateLimiter implements RateLimiter {
  /** Every spend is decided in memory, at once. */
  readonly synchronous = true;
  // Each subject's window: the one lookup of a spend.
  readonly #windows = new Map<string, Window>();
  // The same subjects by window length, each group in the order its windows started (a subject
  // whose window starts anew moves to the back): the front of a group is the window of that
  // length that ends first, so making room looks at one subject per length, never at all.
  readonly #byLength = new Map<number, Map<string, Window>>();
  readonly #maxSubjects: number;

  /**
   * @param maxSubjects The most subjects counted at once (default 100,000): at the cap, an ended
   * window makes room first, else the live one nearest its end is forgotten.
   */
  constructor(maxSubjects = 100_000) {
    this.#maxSubjects = maxSubjects;
  }

  /** Spends `cost` from `subject`'s window under `limit`, or refuses and spends nothing. */
  spend(subject: string, limit: RateLimit, cost: number, now: number): RateLimitDecision {
    const start = now - (now % limit.windowMs);
    let window = this.#windows.get(subject);
    if (window === undefined || window.windowMs !== limit.windowMs) {
      if (window !== undefined) this.#delete(subject);
      this.#makeRoom(now);
      window = { start, used: 0, windowMs: limit.windowMs };
      this.#windows.set(subject, window);
      this.#file(subject, window);
    } else if (window.start !== start) {
      window.start = start;
      window.used = 0;
      this.#file(subject, window);
    }
    const resetAt = start + limit.windowMs;
    const allowed = window.used + cost <= limit.limit;
    if (allowed) window.used += cost;
    const state = {
      name: limit.name,
      limit: limit.limit,
      remaining: limit.limit - window.used,
      resetAt,
      windowMs: limit.windowMs,
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
      if (own.start === window.start) {
        window.used += own.used;
      } else if (own.start > window.start) {
        window.start = own.start;
        window.used = own.used;
        this.#file(from, window);
      }
      this.#delete(to);
    }
    this.#windows.set(to, window);
    this.#file(to, window);
  }

  get size(): number {
    return this.#windows.size;
  }

  /** Puts `subject` at the back of its length's group: its window is the latest to start. */
  #file(subject: string, window: Window): void {
    let group = this.#byLength.get(window.windowMs);
    if (group === undefined) {
      group = new Map();
      this.#byLength.set(window.windowMs, group);
    }
    group.delete(subject);
    group.set(subject, window);
  }

  #delete(subject: string): void {
    const window = this.#windows.get(subject);
    if (window === undefined) return;
    this.#windows.delete(subject);
    const group = this.#byLength.get(window.windowMs);
    group?.delete(subject);
    if (group?.size === 0) this.#byLength.delete(window.windowMs);
  }

  /**
   * Keeps memory bounded: at the cap, drops one subject, found among the fronts of the groups (one
   * per window length in use, never a walk of every subject). A window that has ended goes first,
   * so nothing is lost; only when every window is live does the one nearest its end go, whose
   * counter is then forgotten: the one case where a limit may admit more than it should.
   */
  #makeRoom(now: number): void {
    if (this.#windows.size < this.#maxSubjects) return;
    let victim: string | undefined;
    let victimEnd = Number.POSITIVE_INFINITY;
    for (const [windowMs, group] of this.#byLength) {
      const first = group.entries().next();
      if (first.done) continue;
      const [subject, window] = first.value;
      const end = window.start + windowMs;
      if (end < victimEnd) {
        victim = subject;
        victimEnd = end;
      }
      if (end <= now) break;
    }
    if (victim !== undefined) this.#delete(victim);
  }
}
