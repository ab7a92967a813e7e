import { createClient } from '@libsql/client';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import type { UsageBatch } from './store/key-store.js';
import { createDrizzleStore } from './store/sqlite/index.js';
import { base, setup, testDatabase } from './test-support/fixtures.js';

describe('the usage recorder', () => {
  it('an onBackgroundError that throws breaks neither this flush nor the next ones', async () => {
    const reported: unknown[] = [];
    const { apiKeys, database } = setup({
      onBackgroundError: (error) => {
        reported.push(error);
        throw new Error('logger failed');
      },
    });
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a' });
    expect((await apiKeys.verify(key)).valid).toBe(true);

    // The usage table goes away for one flush, through a connection of its own.
    const other = createClient({ url: database.url });
    await other.execute('alter table latchkey_usage rename to latchkey_usage_away');
    await apiKeys.flush(); // fails, is reported, and keeps the counts
    expect(reported).toHaveLength(1);
    await other.execute('alter table latchkey_usage_away rename to latchkey_usage');
    other.close();

    await apiKeys.flush();
    const { days } = await apiKeys.usage(apiKey.id, { days: 1 });
    expect(days[0]?.counts).toEqual({ VALID: 1 });
    await apiKeys.close();
    expect(reported).toHaveLength(1);
  });

  it('is quiet after close(): a late refund schedules no flush, which could only fail', async () => {
    const reported: unknown[] = [];
    const { apiKeys } = setup({ onBackgroundError: (error) => reported.push(error) });
    const { key } = await apiKeys.create({ ...base, name: 'a' });
    const result = await apiKeys.verify(key);
    if (!result.valid) throw new Error('the key does not verify');
    await apiKeys.close();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    onTestFinished(() => {
      vi.useRealTimers();
    });
    await apiKeys.refund(result); // e.g. a permission check that ran on as the server shut down
    await vi.advanceTimersByTimeAsync(60_000);
    expect(vi.getTimerCount()).toBe(0);
    await apiKeys.flush(); // nor does a flush asked for after close()
    expect(reported).toEqual([]);
  });

  it('nor the flush on its timer, which has no caller to reject to', async () => {
    const reported: unknown[] = [];
    const { apiKeys, database } = setup({
      flushIntervalMs: 10,
      onBackgroundError: (error) => {
        reported.push(error);
        throw new Error('logger failed');
      },
    });
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a' });
    const other = createClient({ url: database.url });
    await other.execute('alter table latchkey_usage rename to latchkey_usage_away');
    expect((await apiKeys.verify(key)).valid).toBe(true);
    await vi.waitFor(() => expect(reported.length).toBeGreaterThan(0));
    await other.execute('alter table latchkey_usage_away rename to latchkey_usage');
    other.close();

    const { days } = await apiKeys.usage(apiKey.id, { days: 1 });
    expect(days[0]?.counts).toEqual({ VALID: 1 });
    await apiKeys.close();
  });

  it('a long outage keeps one row per key, day and outcome, and one batch of any size is written', async () => {
    const store = createDrizzleStore({ url: testDatabase().url });
    const batches: UsageBatch[] = [];
    let down = true;
    const { apiKeys, clock } = setup({
      onBackgroundError: () => {},
      storage: {
        ...store,
        recordUsage: async (batch) => {
          batches.push(batch);
          if (!down) return store.recordUsage(batch);
          await new Promise((resolve) => setTimeout(resolve, 0)); // fails slowly, as a timeout does
          throw new Error('storage is down');
        },
      },
    });
    const keys = await Promise.all(
      [0, 1, 2].map((i) => apiKeys.create({ ...base, name: `k${i}` })),
    );
    for (let flush = 0; flush < 50; flush++) {
      if (flush === 25) clock.advance(86_400_000); // the outage runs over midnight
      const flushing = apiKeys.flush();
      for (const { key } of keys) await apiKeys.verify(key); // while the write is failing
      await flushing;
    }
    // Three keys, two days, one outcome: six rows in the last failed batch, not one per failure.
    expect(batches.at(-1)?.counts).toHaveLength(6);
    down = false;
    await apiKeys.flush();
    const { days } = await apiKeys.usage((keys[0] as (typeof keys)[0]).apiKey.id, { days: 2 });
    expect(days.map((day) => day.counts)).toEqual([{ VALID: 25 }, { VALID: 25 }]);

    // Far more rows than SQLite binds to one statement (about 6 500 of them).
    await store.recordUsage({
      lastUsed: new Map(),
      counts: Array.from({ length: 7000 }, (_, i) => ({
        keyId: `key_${i}`,
        consumerId: 'team_1',
        day: '2026-01-01',
        code: 'VALID',
        count: 1,
      })),
    });
    expect(await store.readUsage('key_6999', '2026-01-01')).toMatchObject([{ count: 1 }]);
  });

  it('counts calls made on the first day of the epoch, as an injected clock may start there', async () => {
    const { apiKeys } = setup({ clock: () => 5000 });
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a' });
    await apiKeys.verify(key);
    const { days } = await apiKeys.usage(apiKey.id, { days: 1 });
    expect(days).toEqual([{ date: '1970-01-01', total: 1, counts: { VALID: 1 } }]);
  });
});
