import { afterThisTest } from '@latchkey/test-support';
import { describe, expect, it } from 'vitest';
import type { KeyStore } from '../../store/key-store.js';
import {
  DAY,
  eventOf,
  insertKey,
  keyRow,
  newHash,
  type OpenStore,
  type StoreFactory,
  T0,
} from './rows.js';

/** One call of every method, for a store that must refuse them all. */
function everyCall(store: KeyStore): [string, () => Promise<unknown>][] {
  const row = keyRow();
  const ref = { id: row.id, consumerId: row.consumerId };
  return [
    ['findByHash', () => store.findByHash(newHash())],
    ['findById', () => store.findById(row.id)],
    ['listKeys', () => store.listKeys('team_1', 10)],
    ['insertKey', () => store.insertKey(row, eventOf(row, 'created'))],
    ['updateKey', () => store.updateKey(row.id, {}, { updatedAt: T0 }, eventOf(row, 'updated'))],
    ['replaceKey', () => store.replaceKey(row.id, {}, { updatedAt: T0 }, keyRow(), [])],
    ['findUnrevoked', () => store.findUnrevoked({ consumerId: 'team_1' })],
    ['revokeKeys', () => store.revokeKeys([ref], T0, null, (key) => eventOf(key, 'revoked'))],
    ['purgeKeys', () => store.purgeKeys(T0)],
    ['spendUsage', () => store.spendUsage(row.id, 1, T0)],
    ['refundUsage', () => store.refundUsage(row.id, 1, null)],
    ['recordUsage', () => store.recordUsage({ lastUsed: new Map([[row.id, T0]]), counts: [] })],
    ['readUsage', () => store.readUsage(row.id, DAY)],
    ['listAuditEvents', () => store.listAuditEvents({ consumerId: 'team_1' }, 10)],
  ];
}

/** `close`, and the faults a store must raise rather than answer. */
export function lifecycleContract(open: OpenStore, unreachable: StoreFactory): void {
  describe('close and faults', () => {
    it('close lets spends under way finish, then every call throws; a second close is harmless', async () => {
      const store = await open();
      const key = await insertKey(store, { remaining: 5 });
      const spending = store.spendUsage(key.id, 1, T0);
      await store.close();
      expect(await spending).toEqual({ spent: true, remaining: 4, lastRefillAt: null });
      for (const [method, call] of everyCall(store)) {
        await expect(call(), method).rejects.toThrow();
      }
      await store.close();
    });

    it('a store whose storage cannot be reached throws, and answers nothing', async () => {
      const store = await unreachable();
      afterThisTest(() => store.close());
      await expect(store.init()).rejects.toThrow();
      for (const [method, call] of everyCall(store)) {
        await expect(call(), method).rejects.toThrow();
      }
    });
  });
}
