import { existsSync, readdirSync, readlinkSync, renameSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createApiKeys } from '../../api-keys.js';
import { generateKey } from '../../key-format.js';
import { base, testDatabase } from '../../test-support/fixtures.js';

const unknownKey = () => generateKey('lk', (bytes) => crypto.getRandomValues(bytes));

/** File descriptors of this process open on the database file, its WAL or its shared memory. */
function openFilesOf(path: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(path);
    } catch {
      return false; // closed since it was listed
    }
  }).length;
}

function removeDatabaseFiles(path: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true });
}

describe('a database file that is missing', () => {
  it('with `create: false`: STORAGE_UNAVAILABLE naming the path, and no empty file made', async () => {
    const database = testDatabase();
    const missing = createApiKeys({ database: { url: database.url, create: false } });
    await expect(missing.verify(unknownKey())).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
      message: expect.stringContaining(`${database.path} does not exist`),
    });
    await expect(missing.create({ ...base, name: 'a' })).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
    expect(existsSync(database.path)).toBe(false);
    await missing.close();

    // The first start creates it (the default); from then on `create: false` opens it.
    const first = createApiKeys({ database: { url: database.url } });
    const { key } = await first.create({ ...base, name: 'a' });
    await first.close();
    const existing = createApiKeys({ database: { url: database.url, create: false } });
    expect((await existing.verify(key)).valid).toBe(true);
    await existing.close();
  });
});

describe('a database file removed or replaced under a running instance', () => {
  it('moved away: unknown keys and writes are STORAGE_UNAVAILABLE, not NOT_FOUND; put back, all is well', async () => {
    const database = testDatabase();
    const apiKeys = createApiKeys({ database: { url: database.url }, cache: { ttlMs: 0 } });
    const { key } = await apiKeys.create({ ...base, name: 'a' });

    renameSync(database.path, `${database.path}.moved`); // a volume unmounted, say
    const refused = {
      code: 'STORAGE_UNAVAILABLE',
      message: expect.stringMatching(/removed or replaced/),
    };
    await expect(apiKeys.verify(unknownKey())).rejects.toMatchObject(refused);
    await expect(apiKeys.get('key_unknown')).rejects.toMatchObject(refused);
    await expect(apiKeys.create({ ...base, name: 'b' })).rejects.toMatchObject(refused);

    renameSync(`${database.path}.moved`, database.path);
    expect(await apiKeys.verify(unknownKey())).toMatchObject({ valid: false, code: 'NOT_FOUND' });
    expect((await apiKeys.verify(key)).valid).toBe(true);
    expect((await apiKeys.create({ ...base, name: 'b' })).key).toMatch(/^lk_/);
    await apiKeys.close();
  });

  it('deleted, then created anew and empty by another instance: its keys are refused, not unknown', async () => {
    const database = testDatabase();
    const running = createApiKeys({ database: { url: database.url }, cache: { ttlMs: 0 } });
    await running.create({ ...base, name: 'a' });

    removeDatabaseFiles(database.path);
    const fresh = createApiKeys({ database: { url: database.url } });
    const { key: elsewhere } = await fresh.create({ ...base, name: 'in the new file' });

    const refused = {
      code: 'STORAGE_UNAVAILABLE',
      message: expect.stringMatching(/removed or replaced/),
    };
    await expect(running.verify(elsewhere)).rejects.toMatchObject(refused);
    await expect(running.verify(unknownKey())).rejects.toMatchObject(refused);
    await expect(running.create({ ...base, name: 'lost' })).rejects.toMatchObject(refused);
    await Promise.all([running.close(), fresh.close()]);
  });
});

describe('close()', () => {
  it('lets go of every file descriptor of the database, and leaves no WAL behind', async () => {
    const database = testDatabase();
    const apiKeys = createApiKeys({ database: { url: database.url } });
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a', remaining: 10 });
    await apiKeys.verify(key); // the native read, a usage spend
    await apiKeys.list({ consumerId: base.consumerId }); // a read through the client
    await apiKeys.update(apiKey.id, { name: 'b' });
    expect(openFilesOf(database.path)).toBeGreaterThan(0);

    await apiKeys.close();
    expect(openFilesOf(database.path)).toBe(0);
    // The last connection checkpointed the WAL into the file: a copy of the file alone is whole.
    expect(existsSync(`${database.path}-wal`)).toBe(false);
  });
});
