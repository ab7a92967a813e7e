import { describe, expect, it } from 'vitest';
import type { KeyRef } from '../../store/key-store.js';
import { DAY, eventOf, eventsOf, insertKey, type OpenStore, reread, rollKey, T0 } from './rows.js';

const byId = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
const refOf = ({ id, consumerId }: KeyRef): KeyRef => ({ id, consumerId });

/** `findUnrevoked`, `revokeKeys` and `purgeKeys`. */
export function revocationContract(open: OpenStore): void {
  describe('findUnrevoked and revokeKeys', () => {
    it('findUnrevoked gives the id and consumer of unrevoked keys matching every field given', async () => {
      const store = await open();
      const mine = await insertKey(store, { consumerId: 'team_1', ownerId: 'user_1' });
      const colleague = await insertKey(store, { consumerId: 'team_1', ownerId: 'user_2' });
      const elsewhere = await insertKey(store, { consumerId: 'team_2', ownerId: 'user_1' });
      await insertKey(store, { consumerId: 'team_1', ownerId: 'user_1', revokedAt: T0 });
      const find = async (filter: { consumerId?: string; ownerId?: string }) =>
        (await store.findUnrevoked(filter)).sort(byId);

      expect(await find({ consumerId: 'team_1' })).toEqual([mine, colleague].map(refOf).sort(byId));
      expect(await find({ ownerId: 'user_1' })).toEqual([mine, elsewhere].map(refOf).sort(byId));
      expect(await find({ consumerId: 'team_1', ownerId: 'user_1' })).toEqual([refOf(mine)]);
      expect(await find({ consumerId: 'team_3' })).toEqual([]);
    });

    it('revokeKeys revokes each key still unrevoked with its event, and returns those rows', async () => {
      const store = await open();
      const live = await insertKey(store);
      const gone = await insertKey(store, { revokedAt: T0, revokedReason: 'earlier' });
      const at = T0 + 500;
      const revoked = await store.revokeKeys([live, gone].map(refOf), at, 'team deleted', (key) =>
        eventOf(key, 'revoked', at, { reason: 'team deleted' }),
      );
      const expected = { ...live, revokedAt: at, revokedReason: 'team deleted', updatedAt: at };
      expect(revoked).toEqual([expected]);
      expect(await reread(store, live.id)).toEqual(expected);
      expect(await reread(store, gone.id)).toEqual(gone);
      expect((await eventsOf(store, 'team_1', live.id)).map((event) => event.action)).toEqual([
        'revoked',
        'created',
      ]);
      expect(await eventsOf(store, 'team_1', gone.id)).toHaveLength(1); // its `created` only
      expect(await store.revokeKeys([], at, null, (key) => eventOf(key, 'revoked'))).toEqual([]);
    });
  });

  describe('purgeKeys', () => {
    it('deletes keys revoked or expired before `before`, with their usage; events stay', async () => {
      const store = await open();
      const before = T0 + 10_000;
      const revoked = await insertKey(store, { revokedAt: before - 1 });
      const expired = await insertKey(store, { expiresAt: before - 1 });
      const kept = [
        await insertKey(store),
        await insertKey(store, { revokedAt: before }),
        await insertKey(store, { expiresAt: before }),
      ];
      const counts = [revoked, ...kept, { id: 'key_purged_long_ago', consumerId: 'team_1' }].map(
        (key) => ({ keyId: key.id, consumerId: 'team_1', day: DAY, code: 'VALID', count: 1 }),
      );
      await store.recordUsage({ lastUsed: new Map(), counts });

      expect((await store.purgeKeys(before)).sort()).toEqual([revoked.id, expired.id].sort());
      expect(await store.findById(revoked.id)).toBeUndefined();
      expect(await store.findById(expired.id)).toBeUndefined();
      for (const key of kept) expect(await store.findById(key.id)).toEqual(key);
      expect(await store.readUsage(revoked.id, DAY)).toEqual([]);
      expect(await store.readUsage('key_purged_long_ago', DAY)).toEqual([]);
      expect(await store.readUsage(kept[0]?.id ?? '', DAY)).toHaveLength(1);
      expect(await eventsOf(store, 'team_1', revoked.id)).toHaveLength(1);
      expect(await store.purgeKeys(before)).toEqual([]);
    });

    it('keeps a key that a key still in its grace period spends from, until that one goes', async () => {
      const store = await open();
      const old = await insertKey(store, { remaining: 5 });
      const fresh = await rollKey(store, old, { now: T0 + 1000, graceMs: 10_000 }); // old: T0 + 11 000
      await store.revokeKeys([refOf(fresh)], T0 + 2000, 'leaked', (key) => eventOf(key, 'revoked'));

      expect(await store.purgeKeys(T0 + 5000)).toEqual([]);
      expect(await store.spendUsage(old.id, 1, T0 + 5000)).toMatchObject({ remaining: 4 });
      expect((await store.purgeKeys(T0 + 20_000)).sort()).toEqual([old.id, fresh.id].sort());
    });
  });
}
