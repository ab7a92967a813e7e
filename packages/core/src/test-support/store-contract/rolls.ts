import { describe, expect, it } from 'vitest';
import type { ApiKeyRow, KeyStore } from '../../store/key-store.js';
import {
  eventOf,
  eventsOf,
  insertKey,
  keyRow,
  type OpenStore,
  reread,
  rollArguments,
  rollKey,
  T0,
} from './rows.js';

/** What the store holds of a roll's two keys and their events, to compare before and after. */
async function snapshot(store: KeyStore, old: ApiKeyRow, newKeyId: string) {
  return {
    old: await store.findById(old.id),
    fresh: await store.findById(newKeyId),
    events: await eventsOf(store, old.consumerId),
  };
}

/** `replaceKey`: the roll of a key, its copy of settings, expiry cap and chain of budgets. */
export function rollsContract(open: OpenStore): void {
  describe('replaceKey', () => {
    it('inserts the new key with the old one’s settings as they are at commit, and both events', async () => {
      const store = await open();
      const read = await insertKey(store, {
        name: 'old',
        permissions: ['invoices:read', 'invoices:write'],
        metadata: { plan: 'free' },
        rateLimits: [{ name: 'default', limit: 5, windowMs: 1000, per: 'key' }],
        remaining: 10,
        refillAmount: 10,
        refillIntervalMs: 60_000,
        lastRefillAt: T0,
        expiresAt: T0 + 500_000,
      });
      // Changed after the roll read the key: the roll must copy these, not what it read.
      const since = {
        name: 'renamed',
        permissions: ['invoices:read'],
        metadata: { plan: 'pro' },
        enabled: false,
        remaining: 7,
        lastRefillAt: T0 + 10,
      };
      await store.updateKey(
        read.id,
        {},
        { ...since, updatedAt: T0 + 10 },
        eventOf(read, 'updated'),
      );
      const { filter, changes, newRow, events, expiresBy } = rollArguments(read, { now: T0 + 20 });

      const rolled = await store.replaceKey(read.id, filter, changes, newRow, events, expiresBy);
      expect(rolled).toEqual({ ...newRow, ...since, expiresAt: T0 + 500_000 });
      expect(await store.findById(newRow.id)).toEqual(rolled);
      expect(await reread(store, read.id)).toMatchObject({
        replacedById: newRow.id,
        budgetKeyId: newRow.id,
        updatedAt: T0 + 20,
        expiresAt: T0 + 20 + 60_000,
      });
      const written = await eventsOf(store, 'team_1');
      expect(written).toEqual(expect.arrayContaining(events));
    });

    it('caps the old key’s expiry at expiresBy, or keeps its own as it is at commit if sooner', async () => {
      const store = await open();
      const unlimited = await insertKey(store);
      const fresh = await rollKey(store, unlimited, { now: T0 + 1000, graceMs: 5000 });
      expect((await reread(store, unlimited.id)).expiresAt).toBe(T0 + 6000);
      expect(fresh.expiresAt).toBeNull();

      const soon = await insertKey(store, { expiresAt: T0 + 3000 });
      const soonFresh = await rollKey(store, soon, { now: T0 + 1000, graceMs: 5000 });
      expect((await reread(store, soon.id)).expiresAt).toBe(T0 + 3000);
      expect(soonFresh.expiresAt).toBe(T0 + 3000);

      // Read without an expiry, then given one before the roll commits.
      const read = await insertKey(store);
      const change = { expiresAt: T0 + 2000, updatedAt: T0 };
      await store.updateKey(read.id, {}, change, eventOf(read, 'updated'));
      const lateFresh = await rollKey(store, read, { now: T0 + 1000, graceMs: 5000 });
      expect((await reread(store, read.id)).expiresAt).toBe(T0 + 2000);
      expect(lateFresh.expiresAt).toBe(T0 + 2000);
    });

    it('without expiresBy, caps the old key’s expiry at changes.expiresAt', async () => {
      const store = await open();
      const old = await insertKey(store);
      const { filter, changes, newRow, events } = rollArguments(old, { now: T0, graceMs: 700 });
      expect(await store.replaceKey(old.id, filter, changes, newRow, events)).toMatchObject({
        id: newRow.id,
        expiresAt: null,
      });
      expect((await reread(store, old.id)).expiresAt).toBe(T0 + 700);
    });

    it('is `not-found`, writing nothing, for a key revoked, rolled, unknown or another consumer’s', async () => {
      const store = await open();
      const revoked = await insertKey(store, { revokedAt: T0, revokedReason: null });
      const rolled = await insertKey(store);
      await rollKey(store, rolled);
      const theirs = await insertKey(store, { consumerId: 'team_2' });
      const unknown = keyRow({ id: 'key_unknown' });
      for (const old of [revoked, await reread(store, rolled.id), theirs, unknown]) {
        const { changes, newRow, events, expiresBy } = rollArguments(old);
        const before = await snapshot(store, old, newRow.id);
        const filter = { consumerId: 'team_1' };
        expect(await store.replaceKey(old.id, filter, changes, newRow, events, expiresBy)).toBe(
          'not-found',
        );
        expect(await snapshot(store, old, newRow.id)).toEqual(before);
      }
    });

    it('is `hash-taken`, writing nothing, when the new key’s hash or id exists', async () => {
      const store = await open();
      const old = await insertKey(store);
      const other = await insertKey(store);
      for (const clash of [{ hash: other.hash }, { id: other.id }]) {
        const { filter, changes, newRow, events, expiresBy } = rollArguments(old, {
          fields: clash,
        });
        const before = await snapshot(store, old, newRow.id);
        expect(await store.replaceKey(old.id, filter, changes, newRow, events, expiresBy)).toBe(
          'hash-taken',
        );
        expect(await snapshot(store, old, newRow.id)).toEqual(before);
      }
      // And the roll succeeds with a fresh hash and id.
      expect((await rollKey(store, old)).rolledFromId).toBe(old.id);
    });

    it('moves the budget along a chain of rolls: every older key spends from the newest', async () => {
      const store = await open();
      const first = await insertKey(store, { remaining: 10, metadata: { v: 1 } });
      const second = await rollKey(store, first, { now: T0 + 1000 });
      const third = await rollKey(store, await reread(store, second.id), { now: T0 + 2000 });
      for (const older of [first, second]) {
        expect((await reread(store, older.id)).budgetKeyId).toBe(third.id);
      }
      await store.updateKey(
        third.id,
        {},
        { metadata: { v: 3 }, updatedAt: T0 + 3000 },
        eventOf(third, 'updated'),
      );
      expect(await store.spendUsage(first.id, 2, T0 + 3000)).toMatchObject({ remaining: 8 });
      expect(await store.spendUsage(second.id, 3, T0 + 3000)).toMatchObject({ remaining: 5 });
      expect(await store.findByHash(first.hash)).toMatchObject({
        remaining: 5,
        metadata: { v: 3 },
      });
      expect((await reread(store, third.id)).remaining).toBe(5);
    });
  });
}
