import { describe, expect, it, vi } from 'vitest';
import { rateLimiterContract } from '../../test-support/rate-limiter-contract.js';
import { FixedWindowRateLimiter } from './rate-limiter.js';

rateLimiterContract('in-process fixed window', ({ maxSubjects }) => {
  return new FixedWindowRateLimiter(maxSubjects);
});

describe('in-process rate limits at the cap on subjects (maxSubjects)', () => {
  const MINUTE = 60_000;
  const DAY = 24 * 60 * MINUTE;
  const perMinute = { name: 'default', limit: 5, windowMs: MINUTE, per: 'key' as const };
  const perDay = { name: 'daily', limit: 5, windowMs: DAY, per: 'key' as const };
  const start = Date.UTC(2026, 0, 1);

  it('when every window is live, the one nearest its end goes, and only one', () => {
    const limiter = new FixedWindowRateLimiter(2);
    limiter.spend('daily', perDay, 4, start);
    limiter.spend('minute', perMinute, 4, start + 30_000);
    limiter.spend('new', perMinute, 1, start + 40_000);
    expect(limiter.size).toBe(2);
    expect(limiter.spend('daily', perDay, 2, start + 40_000).allowed).toBe(false);
    expect(limiter.spend('new', perMinute, 5, start + 40_000).allowed).toBe(false);
    // `minute` was forgotten: its next call starts a fresh count, the one case that may over-admit.
    expect(limiter.spend('minute', perMinute, 5, start + 40_000).allowed).toBe(true);
  });

  it('makes room for a new subject without walking the map', () => {
    const limiter = new FixedWindowRateLimiter(1000);
    for (let i = 0; i < 1000; i++) limiter.spend(`old ${i}`, perMinute, 1, start);
    // Every step of every Map iterator (`for…of`, `keys()`…) is counted: a scan of the map for
    // each new subject, as before, took a million of them here.
    const next = vi.spyOn(Object.getPrototypeOf(new Map().keys()) as Iterator<unknown>, 'next');
    for (let i = 0; i < 1000; i++) limiter.spend(`new ${i}`, perMinute, 1, start + 1000);
    const steps = next.mock.calls.length;
    next.mockRestore();
    expect(steps).toBeLessThanOrEqual(5 * 1000);
    expect(limiter.size).toBe(1000);
    expect(limiter.spend('new 999', perMinute, 4, start + 1000)).toMatchObject({
      state: { remaining: 0 },
    });
  });
});
