import { createClient } from '@libsql/client';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { base, setup } from './test-support/fixtures.js';

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
});
