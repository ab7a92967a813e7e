import { describe, expect, it } from 'vitest';
import {
  eventOf,
  eventsOf,
  insertKey,
  keyRow,
  newHash,
  type OpenStore,
  reread,
  rollKey,
  T0,
} from './rows.js';

/** `insertKey`, `findById` and `findByHash`. */
export function keysContract(open: OpenStore): void {
  describe('insertKey', () => {
    it('stores every field as given, and its event', async () => {
      const store = await open();
      const row = keyRow({
        permissions: ['invoices:read', 'reports:read'],
        metadata: { plan: 'pro', seats: 3, nested: { ok: true, list: [1, 'two', null] } },
        enabled: false,
        expiresAt: T0 + 60_000,
        rateLimits: [{ name: 'default', limit: 5, windowMs: 1000, per: 'consumer' }],
        remaining: 7,
        refillAmount: 10,
        refillIntervalMs: 86_400_000,
        lastRefillAt: T0,
      });
      const event = eventOf(row, 'created', T0, { name: row.name });
      expect(await store.insertKey(row, event)).toBe('inserted');
      expect(await store.findById(row.id)).toEqual(row);
      expect(await eventsOf(store, row.consumerId)).toEqual([event]);
    });

    it('is `taken` when the hash or the id exists, and writes nothing', async () => {
      const store = await open();
      const first = await insertKey(store);
      for (const taken of [keyRow({ hash: first.hash }), keyRow({ id: first.id })]) {
        expect(await store.insertKey(taken, eventOf(taken, 'created'))).toBe('taken');
      }
      expect(await store.listKeys('team_1', 10)).toEqual([first]);
      expect(await eventsOf(store, 'team_1')).toHaveLength(1);
    });

    it('with a limit, is `limit-reached` once the consumer has maxLive live keys', async () => {
      const store = await open();
      const now = T0 + 1000;
      const limit = { maxLive: 2, now };
      // Not live at `now`: revoked, or expired (an expiry of exactly `now` is past).
      await insertKey(store, { revokedAt: T0, revokedReason: null });
      await insertKey(store, { expiresAt: now });
      await insertKey(store, { consumerId: 'team_2' });
      const live = keyRow({ expiresAt: now + 1 });
      expect(await store.insertKey(live, eventOf(live, 'created'), limit)).toBe('inserted');
      const second = keyRow();
      expect(await store.insertKey(second, eventOf(second, 'created'), limit)).toBe('inserted');
      const third = keyRow();
      expect(await store.insertKey(third, eventOf(third, 'created'), limit)).toBe('limit-reached');
      expect(await store.findById(third.id)).toBeUndefined();
      expect(await eventsOf(store, 'team_1', third.id)).toEqual([]);
    });

    it('counts the limit with the insert: concurrent inserts never pass maxLive', async () => {
      const store = await open();
      const rows = Array.from({ length: 8 }, () => keyRow());
      const outcomes = await Promise.all(
        rows.map((row) => store.insertKey(row, eventOf(row, 'created'), { maxLive: 3, now: T0 })),
      );
      expect(outcomes.filter((outcome) => outcome === 'inserted')).toHaveLength(3);
      expect(await store.listKeys('team_1', 10)).toHaveLength(3);
      expect(await eventsOf(store, 'team_1')).toHaveLength(3);
    });
  });

  describe('findByHash and findById', () => {
    it('findByHash reads the columns verification needs; an unknown hash is undefined', async () => {
      const store = await open();
      const row = await insertKey(store, {
        metadata: { plan: 'pro' },
        rateLimits: [{ name: 'burst', limit: 2, windowMs: 1000, per: 'key' }],
        remaining: 4,
        expiresAt: T0 + 5000,
      });
      expect(await store.findByHash(row.hash)).toEqual({
        id: row.id,
        consumerId: row.consumerId,
        ownerId: row.ownerId,
        name: row.name,
        permissions: row.permissions,
        metadata: row.metadata,
        enabled: row.enabled,
        expiresAt: row.expiresAt,
        revokedAt: row.revokedAt,
        rateLimits: row.rateLimits,
        remaining: row.remaining,
        budgetKeyId: null,
      });
      expect(await store.findByHash(newHash())).toBeUndefined();
      expect(await store.findById('key_unknown')).toBeUndefined();
    });

    it('a rolled key reads its budget key’s metadata, limits, uses and refill, its own state', async () => {
      const store = await open();
      const old = await insertKey(store, { remaining: 10, refillAmount: 10 });
      const fresh = await rollKey(store, old, { graceMs: 60_000 });
      const settings = {
        metadata: { plan: 'enterprise' },
        rateLimits: [{ name: 'default', limit: 9, windowMs: 60_000, per: 'key' as const }],
        remaining: 3,
        refillAmount: 20,
        refillIntervalMs: 3_600_000,
        lastRefillAt: T0 + 1000,
      };
      await store.updateKey(
        fresh.id,
        {},
        { ...settings, updatedAt: T0 + 2000 },
        eventOf(fresh, 'updated'),
      );
      await store.updateKey(
        old.id,
        {},
        { enabled: false, updatedAt: T0 + 2000 },
        eventOf(old, 'updated'),
      );

      const record = await reread(store, old.id);
      expect(record).toMatchObject({ ...settings, enabled: false, budgetKeyId: fresh.id });
      expect(record.expiresAt).toBe(T0 + 61_000);
      expect(await store.findByHash(old.hash)).toMatchObject({
        metadata: settings.metadata,
        rateLimits: settings.rateLimits,
        remaining: 3,
        enabled: false,
        expiresAt: T0 + 61_000,
        budgetKeyId: fresh.id,
      });
    });

    it('a rolled key keeps only those of its permissions that its budget key holds too', async () => {
      const store = await open();
      const old = await insertKey(store, { permissions: ['invoices:read', 'invoices:write'] });
      const fresh = await rollKey(store, old);
      const permit = (permissions: string[]) =>
        store.updateKey(fresh.id, {}, { permissions, updatedAt: T0 }, eventOf(fresh, 'updated'));

      await permit(['invoices:read']); // narrowing the new key narrows the old one
      expect((await reread(store, old.id)).permissions).toEqual(['invoices:read']);
      expect((await store.findByHash(old.hash))?.permissions).toEqual(['invoices:read']);

      await permit(['invoices:read', 'invoices:write', 'reports:read']); // widening does not widen it
      expect((await reread(store, old.id)).permissions).toEqual([
        'invoices:read',
        'invoices:write',
      ]);
      expect((await store.findByHash(old.hash))?.permissions).toEqual([
        'invoices:read',
        'invoices:write',
      ]);
    });
  });
}
