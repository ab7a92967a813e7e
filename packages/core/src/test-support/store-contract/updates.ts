import { describe, expect, it } from 'vitest';
import { eventOf, eventsOf, insertKey, type OpenStore, reread, rollKey, T0 } from './rows.js';

/** `updateKey`: a change and its event, both or neither, only of a key the filter allows. */
export function updatesContract(open: OpenStore): void {
  describe('updateKey', () => {
    it('changes the key, writes its event, and returns the record as findById reads it', async () => {
      const store = await open();
      const row = await insertKey(store);
      const changes = {
        name: 'renamed',
        enabled: false,
        metadata: { plan: 'pro' },
        rateLimits: [{ name: 'default', limit: 3, windowMs: 1000, per: 'key' as const }],
        remaining: 5,
        refillAmount: 5,
        refillIntervalMs: 1000,
        lastRefillAt: T0 + 10,
        expiresAt: T0 + 99_000,
        updatedAt: T0 + 10,
      };
      const event = eventOf(row, 'updated', T0 + 10, { name: 'renamed' });
      const updated = await store.updateKey(row.id, { consumerId: 'team_1' }, changes, event);
      expect(updated).toEqual({ ...row, ...changes });
      expect(await store.findById(row.id)).toEqual(updated);
      expect((await eventsOf(store, 'team_1', row.id))[0]).toEqual(event);
    });

    it('is undefined, writing nothing, for a key that is unknown, revoked or another consumer’s', async () => {
      const store = await open();
      const row = await insertKey(store);
      const revoked = await insertKey(store, { revokedAt: T0, revokedReason: 'leaked' });
      const attempts: [string, { consumerId?: string }][] = [
        ['key_unknown', {}],
        [revoked.id, {}],
        [row.id, { consumerId: 'team_2' }],
      ];
      for (const [id, filter] of attempts) {
        const event = eventOf({ id, consumerId: 'team_1' }, 'updated');
        expect(await store.updateKey(id, filter, { name: 'x', updatedAt: T0 + 1 }, event)).toBe(
          undefined,
        );
      }
      expect(await reread(store, row.id)).toEqual(row);
      expect(await reread(store, revoked.id)).toEqual(revoked);
      expect(await eventsOf(store, 'team_1')).toHaveLength(2); // the two `created`
    });

    it('with notRolled, leaves a rolled key alone; without, changes it and reads its budget', async () => {
      const store = await open();
      const old = await insertKey(store);
      const fresh = await rollKey(store, old);
      await store.updateKey(
        fresh.id,
        {},
        { metadata: { plan: 'pro' }, updatedAt: T0 },
        eventOf(fresh, 'updated'),
      );
      const change = { enabled: false, updatedAt: T0 + 2000 };
      expect(
        await store.updateKey(old.id, { notRolled: true }, change, eventOf(old, 'updated')),
      ).toBeUndefined();
      expect((await reread(store, old.id)).enabled).toBe(true);

      const updated = await store.updateKey(old.id, {}, change, eventOf(old, 'updated'));
      expect(updated).toMatchObject({ enabled: false, metadata: { plan: 'pro' } });
      expect(updated).toEqual(await store.findById(old.id));
    });

    it('writes the change and its event together: an event that cannot be written undoes it', async () => {
      const store = await open();
      const row = await insertKey(store);
      const [created] = await eventsOf(store, 'team_1', row.id);
      // An event whose id is taken cannot be stored; the change must not be stored without it.
      const clash = { ...eventOf(row, 'updated'), id: created?.id ?? '' };
      await expect(
        store.updateKey(row.id, {}, { name: 'lost', updatedAt: T0 + 1 }, clash),
      ).rejects.toThrow();
      expect(await reread(store, row.id)).toEqual(row);
      expect(await eventsOf(store, 'team_1')).toEqual([created]);
    });
  });
}
