import { manualClock } from '@latchkey/test-support';
import { describe, expect, it } from 'vitest';
import { eventOf, insertKey, type OpenStore, reread, rollKey, T0 } from './rows.js';

/** `spendUsage` and `refundUsage`: the guarded spend of a key's uses, and its undoing. */
export function spendContract(open: OpenStore): void {
  describe('spendUsage', () => {
    it('always spends a key without a usage limit', async () => {
      const store = await open();
      const key = await insertKey(store);
      const spent = { spent: true, remaining: null, lastRefillAt: null };
      expect(await store.spendUsage(key.id, 1, T0)).toEqual(spent);
      expect(await store.spendUsage(key.id, 1_000_000, T0)).toEqual(spent);
    });

    it('spends `cost` uses while enough are left, and refuses without spending after', async () => {
      const store = await open();
      const key = await insertKey(store, { remaining: 3 });
      expect(await store.spendUsage(key.id, 2, T0)).toEqual({
        spent: true,
        remaining: 1,
        lastRefillAt: null,
      });
      expect(await store.spendUsage(key.id, 2, T0)).toEqual({ spent: false, nextRefillAt: null });
      expect((await reread(store, key.id)).remaining).toBe(1);
      expect(await store.spendUsage(key.id, 1, T0)).toMatchObject({ spent: true, remaining: 0 });
    });

    it('spends exactly what is left under concurrency, never more', async () => {
      const store = await open();
      const ones = await insertKey(store, { remaining: 10 });
      const threes = await insertKey(store, { remaining: 10 });
      const results = await Promise.all([
        ...Array.from({ length: 25 }, () => store.spendUsage(ones.id, 1, T0)),
        ...Array.from({ length: 8 }, () => store.spendUsage(threes.id, 3, T0)),
      ]);
      expect(results.slice(0, 25).filter((result) => result.spent)).toHaveLength(10);
      expect(results.slice(25).filter((result) => result.spent)).toHaveLength(3);
      expect((await reread(store, ones.id)).remaining).toBe(0);
      expect((await reread(store, threes.id)).remaining).toBe(1);
    });

    it('refills first once an interval has passed, and says when the next refill comes', async () => {
      const store = await open();
      const clock = manualClock(T0);
      const key = await insertKey(store, {
        remaining: 0,
        refillAmount: 5,
        refillIntervalMs: 1000,
        lastRefillAt: T0,
      });
      clock.advance(999);
      expect(await store.spendUsage(key.id, 1, clock.now())).toEqual({
        spent: false,
        nextRefillAt: T0 + 1000,
      });
      clock.advance(1501); // two and a half intervals: the refill counts from the last boundary
      expect(await store.spendUsage(key.id, 1, clock.now())).toEqual({
        spent: true,
        remaining: 4,
        lastRefillAt: T0 + 2000,
      });
      expect(await store.spendUsage(key.id, 5, clock.now())).toEqual({
        spent: false,
        nextRefillAt: T0 + 3000,
      });
    });

    it('gives no time to retry at when the refill is smaller than the cost', async () => {
      const store = await open();
      const key = await insertKey(store, {
        remaining: 0,
        refillAmount: 2,
        refillIntervalMs: 1000,
        lastRefillAt: T0,
      });
      expect(await store.spendUsage(key.id, 3, T0 + 10)).toEqual({
        spent: false,
        nextRefillAt: null,
      });
    });

    it('refuses by the state of the key’s own row, limited or not: revoked, disabled, expired, gone', async () => {
      const store = await open();
      const now = T0 + 5000;
      const cases = [
        [{ revokedAt: T0, enabled: false }, 'REVOKED'],
        [{ enabled: false, expiresAt: T0 }, 'DISABLED'],
        [{ expiresAt: now }, 'EXPIRED'],
      ] as const;
      for (const remaining of [null, 10]) {
        for (const [state, refusal] of cases) {
          const key = await insertKey(store, { ...state, remaining });
          expect(await store.spendUsage(key.id, 1, now)).toEqual({
            spent: false,
            nextRefillAt: null,
            refusal,
          });
          expect((await reread(store, key.id)).remaining).toBe(remaining);
        }
      }
      expect(await store.spendUsage('key_unknown', 1, now)).toEqual({
        spent: false,
        nextRefillAt: null,
        refusal: 'NOT_FOUND',
      });
      const live = await insertKey(store, { expiresAt: now + 1, remaining: 1 });
      expect(await store.spendUsage(live.id, 1, now)).toMatchObject({ spent: true });
    });

    it('spends a rolled key’s uses from its budget key, refused by its own state only', async () => {
      const store = await open();
      const old = await insertKey(store, { remaining: 10 });
      const fresh = await rollKey(store, old, { now: T0, graceMs: 60_000 });
      expect(await store.spendUsage(old.id, 3, T0 + 1)).toMatchObject({ remaining: 7 });
      expect(await store.spendUsage(fresh.id, 2, T0 + 1)).toMatchObject({ remaining: 5 });

      // The new key revoked (it leaked): the old one still runs, on the same budget.
      await store.revokeKeys([fresh], T0 + 2, null, (key) => eventOf(key, 'revoked'));
      expect(await store.spendUsage(fresh.id, 1, T0 + 3)).toMatchObject({ refusal: 'REVOKED' });
      expect(await store.spendUsage(old.id, 1, T0 + 3)).toMatchObject({ remaining: 4 });
      // The old key past its grace period: refused by its own expiry.
      expect(await store.spendUsage(old.id, 1, T0 + 60_000)).toMatchObject({ refusal: 'EXPIRED' });
      expect((await reread(store, fresh.id)).remaining).toBe(4);
    });
  });

  describe('refundUsage', () => {
    it('gives back what a spend took, to the budget key of a rolled key', async () => {
      const store = await open();
      const old = await insertKey(store, { remaining: 10 });
      const spent = await store.spendUsage(old.id, 3, T0);
      await store.refundUsage(old.id, 3, spent.spent ? spent.lastRefillAt : null);
      expect((await reread(store, old.id)).remaining).toBe(10);

      const fresh = await rollKey(store, old, { now: T0 });
      const fromOld = await store.spendUsage(old.id, 4, T0 + 1);
      expect(fromOld).toMatchObject({ remaining: 6 });
      await store.refundUsage(old.id, 4, null);
      expect((await reread(store, fresh.id)).remaining).toBe(10);
    });

    it('gives nothing back after a refill, which reset the uses anyway', async () => {
      const store = await open();
      const key = await insertKey(store, {
        remaining: 5,
        refillAmount: 5,
        refillIntervalMs: 1000,
        lastRefillAt: T0,
      });
      const before = await store.spendUsage(key.id, 2, T0 + 10);
      expect(before).toEqual({ spent: true, remaining: 3, lastRefillAt: T0 });
      const after = await store.spendUsage(key.id, 1, T0 + 1500); // refilled to 5, then spent
      expect(after).toEqual({ spent: true, remaining: 4, lastRefillAt: T0 + 1000 });

      await store.refundUsage(key.id, 2, T0); // the spend before the refill
      expect((await reread(store, key.id)).remaining).toBe(4);
      await store.refundUsage(key.id, 1, T0 + 1000);
      expect((await reread(store, key.id)).remaining).toBe(5);
    });

    it('leaves a key without a usage limit unlimited', async () => {
      const store = await open();
      const key = await insertKey(store);
      await store.refundUsage(key.id, 1, null);
      expect((await reread(store, key.id)).remaining).toBeNull();
    });
  });
}
