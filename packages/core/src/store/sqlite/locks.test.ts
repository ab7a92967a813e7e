import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { describe, expect, it } from 'vitest';
import { createApiKeys } from '../../api-keys.js';
import type { ApiKeys } from '../../api-keys-types.js';
import { base, testDatabase } from '../../test-support/fixtures.js';
import { holdLockInAnotherProcess } from '../../test-support/hold-lock.js';

// Bounds that hold on a loaded 2-core machine: blocked, the process answers after the lock's
// whole timeout (5 s by default), not a few milliseconds late.
const PROMPT_MS = 250;

/** Runs `call` `afterMs` from now; how late it answered, and what. */
function answerIn<T>(afterMs: number, call: () => T | Promise<T>) {
  const due = performance.now() + afterMs;
  return new Promise<{ lateMs: number; answer: T }>((resolve, reject) => {
    setTimeout(async () => {
      try {
        const answer = await call();
        resolve({ lateMs: performance.now() - due, answer });
      } catch (error) {
        reject(error);
      }
    }, afterMs);
  });
}

/** An instance with a key already cached and one whose every use is a write (`remaining`). */
async function withKeys(apiKeys: ApiKeys) {
  const cached = await apiKeys.create({ ...base, name: 'cached' });
  const metered = await apiKeys.create({ ...base, name: 'metered', remaining: 5 });
  expect((await apiKeys.verify(cached.key)).valid).toBe(true);
  return { cached, metered };
}

/** Latchkey's writes started while the lock is held: a usage spend, a flush, a create. */
function startWrites(apiKeys: ApiKeys, meteredKey: string) {
  return Promise.all([
    apiKeys.verify(meteredKey),
    apiKeys.flush(),
    apiKeys.create({ ...base, name: 'made while locked' }),
  ]);
}

async function expectPromptAnswers(apiKeys: ApiKeys, cachedKey: string) {
  const sync = await answerIn(25, () => apiKeys.verifyCached(cachedKey));
  expect(sync.answer?.valid).toBe(true);
  expect(sync.lateMs).toBeLessThan(PROMPT_MS);
  const async = await answerIn(25, () => apiKeys.verify(cachedKey));
  expect(async.answer.valid).toBe(true);
  expect(async.lateMs).toBeLessThan(PROMPT_MS);
}

describe('a lock held by someone else never stalls the process', () => {
  it('a host write transaction on the file: cached keys answer at once, and both sides commit', async () => {
    const database = testDatabase();
    const errors: unknown[] = [];
    const apiKeys = createApiKeys({
      database: { url: database.url },
      onBackgroundError: (error) => errors.push(error),
    });
    const { cached, metered } = await withKeys(apiKeys);
    const host = createClient({ url: database.url });
    await host.execute('create table orders (id integer primary key)');

    const transaction = await host.transaction('write');
    await transaction.execute('insert into orders (id) values (1)');
    const writes = startWrites(apiKeys, metered.key);
    await expectPromptAnswers(apiKeys, cached.key);
    // The host's transaction goes on, and ends, while Latchkey waits for it.
    await transaction.execute('insert into orders (id) values (2)');
    await transaction.commit();

    const [spent, , created] = await writes;
    expect(spent).toMatchObject({ valid: true, remaining: 4 });
    expect((await apiKeys.get(created.apiKey.id))?.name).toBe('made while locked');
    expect((await apiKeys.get(cached.apiKey.id))?.lastUsedAt).not.toBeNull();
    expect((await host.execute('select count(*) as n from orders')).rows[0]?.n).toBe(2);
    expect(errors).toEqual([]);
    await apiKeys.close();
    host.close();
  });

  it('the host’s own drizzle database in a transaction: Latchkey waits for it instead of failing', async () => {
    const database = testDatabase();
    const host = createClient({ url: database.url });
    const db = drizzle(host);
    const apiKeys = createApiKeys({ database: db });
    const { cached, metered } = await withKeys(apiKeys);

    let commit = () => {};
    const committed = db.transaction(async (tx) => {
      await tx.run('create table orders (id integer primary key)');
      await new Promise<void>((resolve) => {
        commit = resolve;
      });
    });
    await new Promise((resolve) => setTimeout(resolve, 10)); // the transaction holds the lock
    const writes = startWrites(apiKeys, metered.key);
    await expectPromptAnswers(apiKeys, cached.key);
    commit();
    await committed;

    const [spent, , created] = await writes;
    expect(spent).toMatchObject({ valid: true, remaining: 4 });
    expect((await apiKeys.get(created.apiKey.id))?.name).toBe('made while locked');
    await apiKeys.close();
    host.close();
  });

  it('a lock held by another process: cached keys answer at once, writes land once it is released', async () => {
    const database = testDatabase();
    const apiKeys = createApiKeys({ database: { url: database.url } });
    const { cached, metered } = await withKeys(apiKeys);

    const lock = await holdLockInAnotherProcess(database.path);
    const writes = startWrites(apiKeys, metered.key);
    await expectPromptAnswers(apiKeys, cached.key);
    await lock.release();

    const [spent, , created] = await writes;
    expect(spent).toMatchObject({ valid: true, remaining: 4 });
    expect((await apiKeys.get(created.apiKey.id))?.name).toBe('made while locked');
    await apiKeys.close();
  });
});

describe('a lock held past busyTimeoutMs', () => {
  it('is STORAGE_UNAVAILABLE; once it is released, the next writes succeed at once', async () => {
    const database = testDatabase();
    const errors: unknown[] = [];
    const apiKeys = createApiKeys({
      database: { url: database.url, busyTimeoutMs: 200 },
      onBackgroundError: (error) => errors.push(error),
    });
    const { cached, metered } = await withKeys(apiKeys);

    const lock = await holdLockInAnotherProcess(database.path);
    const refusal = await apiKeys.create({ ...base, name: 'refused' }).catch((error) => error);
    expect(refusal).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    await expect(apiKeys.verify(metered.key)).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
    await apiKeys.flush();
    expect(errors).toHaveLength(1);
    await lock.release();

    expect((await apiKeys.create({ ...base, name: 'after' })).key).toMatch(/^lk_/);
    expect(await apiKeys.verify(metered.key)).toMatchObject({ valid: true, remaining: 4 });
    await apiKeys.flush();
    expect(errors).toHaveLength(1);
    expect((await apiKeys.get(cached.apiKey.id))?.lastUsedAt).not.toBeNull();
    await apiKeys.update(metered.apiKey.id, { name: 'renamed' });
    expect((await apiKeys.get(metered.apiKey.id))?.name).toBe('renamed');
    // The refusal said why, for whoever reads the logs.
    expect(refusal.message).toMatch(/locked by another connection for 200 ms \(busyTimeoutMs\)/);
    await apiKeys.close();
  });
});
