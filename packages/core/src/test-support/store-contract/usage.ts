import { describe, expect, it } from 'vitest';
import type { UsageRow } from '../../store/key-store.js';
import { DAY, insertKey, NEXT_DAY, type OpenStore, reread, T0 } from './rows.js';

const byDayAndCode = (a: UsageRow, b: UsageRow) =>
  a.day.localeCompare(b.day) || a.code.localeCompare(b.code);

/** `recordUsage` and `readUsage`: what the usage recorder flushes, and the chart reads. */
export function usageContract(open: OpenStore): void {
  describe('recordUsage and readUsage', () => {
    it('moves lastUsedAt forward only; a key that is gone is passed over', async () => {
      const store = await open();
      const key = await insertKey(store);
      const record = (at: number) =>
        store.recordUsage({
          lastUsed: new Map([
            [key.id, at],
            ['key_gone', at],
          ]),
          counts: [],
        });
      await record(T0 + 2000);
      expect((await reread(store, key.id)).lastUsedAt).toBe(T0 + 2000);
      await record(T0 + 1000); // a late flush from another process
      expect((await reread(store, key.id)).lastUsedAt).toBe(T0 + 2000);
      await record(T0 + 3000);
      expect((await reread(store, key.id)).lastUsedAt).toBe(T0 + 3000);
    });

    it('adds counts to those of the same key, day and outcome; reads a key’s from a day on', async () => {
      const store = await open();
      const row = (keyId: string, day: string, code: string, count: number): UsageRow => ({
        keyId,
        consumerId: 'team_1',
        day,
        code,
        count,
      });
      await store.recordUsage({
        lastUsed: new Map(),
        counts: [
          row('key_a', '2025-12-31', 'VALID', 9),
          row('key_a', DAY, 'VALID', 2),
          row('key_a', DAY, 'RATE_LIMITED', 1),
          row('key_b', DAY, 'VALID', 7),
        ],
      });
      await store.recordUsage({
        lastUsed: new Map(),
        counts: [row('key_a', DAY, 'VALID', 3), row('key_a', NEXT_DAY, 'VALID', 1)],
      });
      const read = await store.readUsage('key_a', DAY);
      expect([...read].sort(byDayAndCode)).toEqual([
        row('key_a', DAY, 'RATE_LIMITED', 1),
        row('key_a', DAY, 'VALID', 5),
        row('key_a', NEXT_DAY, 'VALID', 1),
      ]);
      expect(await store.readUsage('key_a', '2026-01-03')).toEqual([]);
      expect(await store.readUsage('key_c', DAY)).toEqual([]);
    });

    it('writes a batch of any size: more rows than one statement binds in SQLite or Postgres', async () => {
      const store = await open();
      // 15 000 rows of five values: past SQLite's 32 766 bound values and Postgres's 65 535.
      const counts = Array.from({ length: 15_000 }, (_, i) => ({
        keyId: `key_${i}`,
        consumerId: 'team_1',
        day: DAY,
        code: 'VALID',
        count: 1,
      }));
      await store.recordUsage({ lastUsed: new Map(), counts });
      await store.recordUsage({ lastUsed: new Map(), counts });
      for (const keyId of ['key_0', 'key_7499', 'key_14999']) {
        expect(await store.readUsage(keyId, DAY)).toEqual([{ ...counts[0], keyId, count: 2 }]);
      }
    });

    it('an empty batch writes nothing and succeeds', async () => {
      const store = await open();
      await expect(store.recordUsage({ lastUsed: new Map(), counts: [] })).resolves.toBeUndefined();
    });
  });
}
