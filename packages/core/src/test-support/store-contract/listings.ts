import { describe, expect, it } from 'vitest';
import { eventOf, insertKey, keyRow, type OpenStore, rollKey, T0 } from './rows.js';

/** `listKeys` and `listAuditEvents`: newest first, by consumer, in pages after a cursor. */
export function listingsContract(open: OpenStore): void {
  describe('listKeys', () => {
    it('lists a consumer’s keys newest first, ties by id, in pages after a cursor', async () => {
      const store = await open();
      const oldest = await insertKey(store, { id: 'key_c', createdAt: T0 });
      const tiedLow = await insertKey(store, { id: 'key_a', createdAt: T0 + 1 });
      const tiedHigh = await insertKey(store, { id: 'key_b', createdAt: T0 + 1 });
      const newest = await insertKey(store, { id: 'key_0', createdAt: T0 + 2 });
      await insertKey(store, { id: 'key_z', consumerId: 'team_2', createdAt: T0 + 1 });

      const first = await store.listKeys('team_1', 2);
      expect(first).toEqual([newest, tiedHigh]);
      const cursor = { at: tiedHigh.createdAt, id: tiedHigh.id };
      expect(await store.listKeys('team_1', 2, cursor)).toEqual([tiedLow, oldest]);
      expect(await store.listKeys('team_1', 2, { at: oldest.createdAt, id: oldest.id })).toEqual(
        [],
      );
      expect(await store.listKeys('team_3', 10)).toEqual([]);
    });

    it('lists a rolled key as findById reads it, through its budget key', async () => {
      const store = await open();
      const old = await insertKey(store, { metadata: { plan: 'free' } });
      const fresh = await rollKey(store, old);
      await store.updateKey(
        fresh.id,
        {},
        { metadata: { plan: 'pro' }, updatedAt: T0 },
        eventOf(fresh, 'updated'),
      );
      const listed = await store.listKeys('team_1', 10);
      expect(listed).toEqual([await store.findById(fresh.id), await store.findById(old.id)]);
      expect(listed.map((key) => key.metadata)).toEqual([{ plan: 'pro' }, { plan: 'pro' }]);
    });
  });

  describe('listAuditEvents', () => {
    it('lists a consumer’s events (or one key’s) newest first, ties by id, after a cursor', async () => {
      const store = await open();
      const key = keyRow();
      const other = keyRow();
      const stranger = keyRow({ consumerId: 'team_2' });
      // Ids chosen so that the order by id, among events of one time, is known.
      const created = { ...eventOf(key, 'created', T0), id: 'evt_c' };
      const otherCreated = { ...eventOf(other, 'created', T0 + 1), id: 'evt_a' };
      const updated = { ...eventOf(key, 'updated', T0 + 1), id: 'evt_b' };
      const strangerCreated = { ...eventOf(stranger, 'created', T0 + 1), id: 'evt_z' };
      const revoked = { ...eventOf(key, 'revoked', T0 + 2, { reason: 'left' }), id: 'evt_0' };
      expect(await store.insertKey(key, created)).toBe('inserted');
      expect(await store.insertKey(other, otherCreated)).toBe('inserted');
      expect(await store.insertKey(stranger, strangerCreated)).toBe('inserted');
      await store.updateKey(key.id, {}, { name: 'b', updatedAt: T0 + 1 }, updated);
      await store.updateKey(key.id, {}, { revokedAt: T0 + 2, updatedAt: T0 + 2 }, revoked);

      const consumer = { consumerId: 'team_1' };
      expect(await store.listAuditEvents(consumer, 2)).toEqual([revoked, updated]);
      const cursor = { at: updated.at, id: updated.id };
      expect(await store.listAuditEvents(consumer, 10, cursor)).toEqual([otherCreated, created]);
      const ofKey = { consumerId: 'team_1', keyId: key.id };
      expect(await store.listAuditEvents(ofKey, 10)).toEqual([revoked, updated, created]);
      expect(await store.listAuditEvents(ofKey, 10, { at: T0 + 2, id: 'evt_0' })).toEqual([
        updated,
        created,
      ]);
      // Another consumer's key is not listed for this one, even by its id.
      expect(await store.listAuditEvents({ consumerId: 'team_1', keyId: stranger.id }, 10)).toEqual(
        [],
      );
    });
  });
}
