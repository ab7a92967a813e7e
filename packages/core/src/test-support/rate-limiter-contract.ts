import { describe, expect, it } from 'vitest';
import type { RateLimitDecision, RateLimiter } from '../limits/rate-limiter.js';
import type { RateLimit } from '../store/key-store.js';

/** Makes a fresh, empty limiter for one test; `maxSubjects` is the most subjects it counts at once. */
export type MakeRateLimiter = (options: { maxSubjects: number }) => RateLimiter;

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const START = Date.UTC(2026, 0, 1); // a multiple of every window length used here
const perMinute = (limit: number): RateLimit => ({
  name: 'default',
  limit,
  windowMs: MINUTE,
  per: 'key',
});
const perDay: RateLimit = { name: 'daily', limit: 5, windowMs: DAY, per: 'key' };

/**
 * `limiter.spend(...)`, awaited: and, for a limiter that says it is `synchronous`, checked to answer
 * without a promise, as `verifyCached` relies on.
 */
async function spend(
  limiter: RateLimiter,
  subject: string,
  limit: RateLimit,
  cost: number,
  now: number,
): Promise<RateLimitDecision> {
  const decision = limiter.spend(subject, limit, cost, now);
  if (limiter.synchronous) expect(decision).not.toBeInstanceOf(Promise);
  return decision;
}

/**
 * The behaviour every `RateLimiter` implementation promises (`limits/rate-limiter.ts`), as one
 * suite: each implementation's test file calls it once with a factory, as drizzle's dialects call
 * their common `tests()`. A new implementation is one more call.
 *
 * @example
 * rateLimiterContract('in-process', ({ maxSubjects }) => new FixedWindowRateLimiter(maxSubjects));
 */
export function rateLimiterContract(name: string, makeLimiter: MakeRateLimiter): void {
  const make = (maxSubjects = 100_000) => makeLimiter({ maxSubjects });

  describe(`rate limiter contract: ${name}`, () => {
    spendingContract(make);
    windowContract(make);
    refundAndCarryContract(make);
    capContract(make);
  });
}

function spendingContract(make: () => RateLimiter): void {
  it('admits exactly the limit among concurrent callers, then refuses with retryAfterMs', async () => {
    const limiter = make();
    const now = START + 15_000; // 45 s before the window ends
    // Each caller yields first, so that all of them are under way before any spends.
    const callers = Array.from({ length: 100 }, async (_, i) => {
      await Promise.resolve();
      return spend(limiter, i % 2 === 0 ? 'a' : 'b', perMinute(10), 1, now);
    });
    const decisions = await Promise.all(callers);
    const admitted = decisions.filter((d) => d.allowed);
    expect(admitted).toHaveLength(20); // 10 for each subject
    expect(admitted.map((d) => d.state.remaining).sort((x, y) => x - y)).toEqual([
      0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9,
    ]);
    for (const refused of decisions.filter((d) => !d.allowed)) {
      expect(refused).toEqual({
        allowed: false,
        retryAfterMs: 45_000,
        state: {
          name: 'default',
          limit: 10,
          remaining: 0,
          resetAt: START + MINUTE,
          windowMs: MINUTE,
        },
      });
    }
  });

  it('a cost spends several units; a refused spend spends nothing', async () => {
    const limiter = make();
    expect(await spend(limiter, 'a', perMinute(10), 6, START)).toMatchObject({
      allowed: true,
      state: { remaining: 4 },
    });
    expect(await spend(limiter, 'a', perMinute(10), 5, START)).toMatchObject({
      allowed: false,
      state: { remaining: 4 },
    });
    expect(await spend(limiter, 'a', perMinute(10), 4, START)).toMatchObject({
      allowed: true,
      state: { remaining: 0 },
    });
    expect((await spend(limiter, 'a', perMinute(10), 1, START)).allowed).toBe(false);
  });
}

function windowContract(make: () => RateLimiter): void {
  it('windows are aligned to the epoch, not to the first spend, and each starts afresh', async () => {
    const limiter = make();
    const first = START + 50_000; // 10 s before the boundary every process agrees on
    expect(await spend(limiter, 'a', perMinute(2), 2, first)).toMatchObject({
      state: { remaining: 0, resetAt: START + MINUTE },
    });
    expect(await spend(limiter, 'a', perMinute(2), 1, START + MINUTE - 1)).toMatchObject({
      allowed: false,
      retryAfterMs: 1,
    });
    expect(await spend(limiter, 'a', perMinute(2), 2, START + MINUTE)).toMatchObject({
      allowed: true,
      state: { remaining: 0, resetAt: START + 2 * MINUTE },
    });
  });
}

function refundAndCarryContract(make: () => RateLimiter): void {
  it('a refund gives back to the current window only, and never beyond the limit', async () => {
    const limiter = make();
    await spend(limiter, 'a', perMinute(2), 2, START);
    limiter.refund('a', START, 1);
    expect(await spend(limiter, 'a', perMinute(2), 1, START)).toMatchObject({
      allowed: true,
      state: { remaining: 0 },
    });
    // Units of an ended window are not given to the next.
    const next = START + MINUTE;
    await spend(limiter, 'a', perMinute(2), 2, next);
    limiter.refund('a', START, 2);
    expect((await spend(limiter, 'a', perMinute(2), 1, next)).allowed).toBe(false);
    // Giving back more than was spent leaves a fresh window, not a bigger one.
    limiter.refund('a', next, 5);
    expect(await spend(limiter, 'a', perMinute(2), 2, next)).toMatchObject({
      state: { remaining: 0 },
    });
    expect((await spend(limiter, 'a', perMinute(2), 1, next)).allowed).toBe(false);
  });

  it('a counter carried to another is shared, with what the other already spent added', async () => {
    const limiter = make();
    const limit = perMinute(4);
    const now = START;
    await spend(limiter, 'old', limit, 2, now);
    await spend(limiter, 'new', limit, 1, now); // a call on the rolled key read just before the carry
    limiter.carry('old', 'new');
    expect(await spend(limiter, 'new', limit, 1, now)).toMatchObject({ state: { remaining: 0 } });
    limiter.refund('old', now, 1); // a refund of a call made before the roll
    expect((await spend(limiter, 'new', limit, 1, now)).allowed).toBe(true);
    expect((await spend(limiter, 'old', limit, 1, now)).allowed).toBe(false);

    // The old key last spent in an earlier window than the new one: the new one's count stands.
    const later = now + MINUTE;
    await spend(limiter, 'older', limit, 3, now);
    await spend(limiter, 'newer', limit, 2, later);
    limiter.carry('older', 'newer');
    expect((await spend(limiter, 'newer', limit, 3, later)).allowed).toBe(false);
    expect(await spend(limiter, 'older', limit, 2, later)).toMatchObject({
      state: { remaining: 0 },
    });
  });
}

function capContract(make: (maxSubjects: number) => RateLimiter): void {
  it('at the cap on subjects, drops an ended window first, whenever it was made', async () => {
    const limiter = make(3);
    await spend(limiter, 'daily', perDay, 2, START); // the oldest subject, its window live all day
    await spend(limiter, 'a', perMinute(5), 1, START);
    await spend(limiter, 'b', perMinute(5), 1, START);
    const later = START + 2 * MINUTE; // the windows of `a` and `b` have ended
    await spend(limiter, 'c', perMinute(5), 4, later);
    // `daily` still counts the 2 it spent: 3 more pass, then none.
    expect(await spend(limiter, 'daily', perDay, 3, later)).toMatchObject({
      state: { remaining: 0 },
    });
    expect((await spend(limiter, 'daily', perDay, 1, later)).allowed).toBe(false);
    expect((await spend(limiter, 'c', perMinute(5), 2, later)).allowed).toBe(false);
    expect(await spend(limiter, 'c', perMinute(5), 1, later)).toMatchObject({
      state: { remaining: 0 },
    });
  });

  it('at the cap, a subject whose window starts anew keeps its count over those in an older one', async () => {
    const limiter = make(2);
    await spend(limiter, 'a', perMinute(5), 1, START);
    await spend(limiter, 'b', perMinute(5), 1, START);
    const later = START + MINUTE;
    await spend(limiter, 'a', perMinute(5), 3, later); // `a` in a new window; `b` ended in the old one
    await spend(limiter, 'c', perMinute(5), 1, later);
    expect(await spend(limiter, 'a', perMinute(5), 2, later)).toMatchObject({
      state: { remaining: 0 },
    });
  });
}
