import { createClient } from '@libsql/client';
import { describe, expect, it, vi } from 'vitest';
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
