import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PERMISSIONS } from '@latchkey/test-support';
import { createClient } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { describe, expect, it, vi } from 'vitest';
import { readMigrations } from '../../../../../scripts/embed-migrations.mjs';
import { createApiKeys } from '../../api-keys.js';
import { createKeyHasher } from '../../hash/node.js';
import { generateKey } from '../../key-format.js';
import { closedPort } from '../../test-support/closed-port.js';
import { base, testDatabase } from '../../test-support/fixtures.js';
import { createDrizzleStore } from './index.js';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './migrations.generated.js';
import { apiKeysTable } from './schema.js';

describe('the embedded default', () => {
  it('creates the folder and the file, migrates, and reopens an existing file', async () => {
    const database = testDatabase();
    const nested = join(database.path, '..', 'a', 'b', 'keys.db');
    const first = createApiKeys({ database: { url: `file:${nested}` }, permissions: PERMISSIONS });
    const { key } = await first.create({ ...base, name: 'a' });
    await first.close();
    expect(existsSync(nested)).toBe(true);

    const second = createApiKeys({ database: { url: `file:${nested}` }, permissions: PERMISSIONS });
    expect((await second.verify(key)).valid).toBe(true);
    await second.close();
  });

  it('two processes opening a new file at once both migrate it safely', async () => {
    const database = testDatabase();
    const instances = [0, 1, 2].map(() => createApiKeys({ database: { url: database.url } }));
    await Promise.all(instances.map((i) => i.ready()));
    const { key } = await (instances[0] as (typeof instances)[0]).create({ ...base, name: 'a' });
    for (const i of instances) expect((await i.verify(key)).valid).toBe(true);
    await Promise.all(instances.map((i) => i.close()));
  });

  it('works on the host’s own drizzle database and libsql client, which it does not close', async () => {
    const database = testDatabase();
    const client = createClient({ url: database.url });
    const viaDrizzle = createApiKeys({ database: drizzle(client) });
    const { key, apiKey } = await viaDrizzle.create({ ...base, name: 'a' });
    await viaDrizzle.close();
    const viaClient = createApiKeys({ database: client });
    expect((await viaClient.verify(key)).valid).toBe(true);
    await viaClient.close();
    // the host's client is still open, and the host can query Latchkey's table with the schema
    const rows = await drizzle(client).select().from(apiKeysTable);
    expect(rows.map((r) => r.id)).toEqual([apiKey.id]);
    client.close();
  });

  it('says so when its tables were created by something else, such as drizzle-kit', async () => {
    const database = testDatabase();
    const client = createClient({ url: database.url });
    await client.execute('CREATE TABLE latchkey_keys (id text PRIMARY KEY)');
    const apiKeys = createApiKeys({ database: client });
    await expect(apiKeys.ready()).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
      message: expect.stringMatching(/tables already there.*keep them out of your drizzle-kit/),
    });
    // nothing was half-applied: the host's table is as it was, and no migration is recorded
    const { rows } = await client.execute('SELECT count(*) AS n FROM latchkey_migrations');
    expect(rows[0]?.n).toBe(0);
    client.close();
  });

  it('upgrades a database made by an earlier version: its keys keep working, and a rolled pair shares one budget', async () => {
    const database = testDatabase();
    const client = createClient({ url: database.url });
    await migrate(client, MIGRATIONS.slice(0, 1)); // the first release's tables, and keys in them
    const random = (bytes: Uint8Array) => crypto.getRandomValues(bytes);
    const [plain, rolledOld, rolledNew] = [
      generateKey('lk', random),
      generateKey('lk', random),
      generateKey('lk', random),
    ];
    const insert = (id: string, key: string, replacedBy: string | null, expiresAt: number | null) =>
      client.execute({
        sql: `insert into latchkey_keys (id, hash, start, last4, name, consumer_id, owner_id,
          permissions, metadata, enabled, created_at, updated_at, expires_at, replaced_by_id, remaining)
          values (?, ?, 'lk_x', 'abcd', ?, ?, ?, '[]', '{}', 1, 1, 1, ?, ?, 4)`,
        args: [
          id,
          createKeyHasher()(key),
          id,
          base.consumerId,
          base.ownerId,
          expiresAt,
          replacedBy,
        ],
      });
    await insert('key_plain', plain, null, null);
    // rolled by the earlier version: the old key in its grace period, each with a copy of the uses
    await insert('key_rolled_old', rolledOld, 'key_rolled_new', Date.now() + 86_400_000);
    await insert('key_rolled_new', rolledNew, null, null);

    const upgraded = createApiKeys({ database: client, permissions: PERMISSIONS });
    expect(await upgraded.verify(plain)).toMatchObject({ valid: true, remaining: 3 });
    const { rows } = await client.execute('select tag from latchkey_migrations order by tag');
    expect(rows.map((row) => row.tag)).toEqual(MIGRATIONS.map((migration) => migration.tag));
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await upgraded.verify(i % 2 ? rolledNew : rolledOld));
    expect(results.filter((result) => result.valid)).toHaveLength(4);
    const rolled = await upgraded.roll('key_plain', { gracePeriodMs: 60_000 });
    expect(await upgraded.verify(plain)).toMatchObject({ valid: true, remaining: 2 });
    expect(await upgraded.verify(rolled.key)).toMatchObject({ valid: true, remaining: 1 });
    await upgraded.close();
    client.close();
  });

  it('ships the SQL that drizzle-kit generated from the schema', () => {
    const folder = new URL('./drizzle/', import.meta.url).pathname;
    expect(MIGRATIONS).toEqual(readMigrations(folder));
    expect(MIGRATIONS.length).toBeGreaterThan(0);
  });
});

describe('the database option', () => {
  it('a URL without a scheme is a TypeError at once, suggesting the `file:` URL meant', () => {
    const attempt = (url: string) => () => createApiKeys({ database: { url } });
    expect(attempt('latchkey.db')).toThrow(TypeError);
    expect(attempt('latchkey.db')).toThrow(/"latchkey\.db" is not a URL.*`file:latchkey\.db`/);
    expect(attempt('.data/keys.db')).toThrow(/`file:\.data\/keys\.db`/);
    expect(attempt('/srv/app/latchkey.db')).toThrow(/`file:\/srv\/app\/latchkey\.db`/);
    expect(attempt('')).toThrow(/`file:path\/to\/latchkey\.db`/);
  });

  it('a busyTimeoutMs or create of the wrong kind is a TypeError at once', () => {
    const url = 'file:unused.db';
    expect(() => createApiKeys({ database: { url, busyTimeoutMs: -1 } })).toThrow(
      /`database\.busyTimeoutMs`/,
    );
    expect(() => createApiKeys({ database: { url, busyTimeoutMs: 1.5 } })).toThrow(TypeError);
    expect(() => createApiKeys({ database: { url, create: 'no' as unknown as boolean } })).toThrow(
      /`database\.create`/,
    );
  });
});

describe('secrets are never stored or logged', () => {
  it('the key is not in the database file, its WAL, or any console output', async () => {
    const database = testDatabase();
    const logged: string[] = [];
    for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
      vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
      });
    }
    const apiKeys = createApiKeys({ database: { url: database.url }, permissions: PERMISSIONS });
    const created = await apiKeys.create({ ...base, name: 'a', permissions: ['invoices:read'] });
    await apiKeys.verify(created.key);
    const rolled = await apiKeys.roll(created.apiKey.id, { gracePeriodMs: 1000 });
    await apiKeys.verify(rolled.key);
    await apiKeys.update(rolled.apiKey.id, { name: 'b' });
    await apiKeys.flush();

    const files = readdirSync(join(database.path, '..'));
    const bytes = files.map((f) => readFileSync(join(database.path, '..', f)).toString('latin1'));
    for (const secret of [created.key, rolled.key]) {
      const hidden = secret.slice(9, -4); // what `start` and `last4` do not show
      for (const content of bytes) {
        expect(content).not.toContain(hidden);
        expect(content).not.toContain(secret);
      }
      expect(logged.join('\n')).not.toContain(hidden);
    }
    await apiKeys.close();
    vi.restoreAllMocks();
  });
});

describe('storage faults', () => {
  it('an unreachable remote database raises STORAGE_UNAVAILABLE, never a result', async () => {
    const port = await closedPort();
    const apiKeys = createApiKeys({ database: { url: `http://127.0.0.1:${port}` } });
    const key = generateKey('lk', (bytes) => crypto.getRandomValues(bytes));
    await expect(apiKeys.verify(key)).rejects.toMatchObject({
      name: 'LatchkeyError',
      code: 'STORAGE_UNAVAILABLE',
    });
    await expect(apiKeys.create({ ...base, name: 'a' })).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
    await apiKeys.close();
  });

  it('a file that is not a database raises STORAGE_UNAVAILABLE', async () => {
    const database = testDatabase();
    writeFileSync(database.path, 'this is not sqlite'.repeat(100));
    const apiKeys = createApiKeys({ database: { url: database.url } });
    await expect(apiKeys.list({ consumerId: 'team_1' })).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
  });

  it('a failed open is retried by the next call', async () => {
    const database = testDatabase();
    const blocked = join(database.path, '..', 'blocked');
    writeFileSync(blocked, 'a file where a folder should be');
    const url = `file:${join(blocked, 'keys.db')}`;
    const apiKeys = createApiKeys({ database: { url } });
    await expect(apiKeys.ready()).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    await import('node:fs/promises').then((fs) => fs.rm(blocked));
    mkdirSync(blocked);
    await apiKeys.ready();
    expect((await apiKeys.create({ ...base, name: 'a' })).key).toMatch(/^lk_/);
    await apiKeys.close();
  });

  it('storage lost after start: verify raises STORAGE_UNAVAILABLE; a background flush reports and retries', async () => {
    const database = testDatabase();
    const client = createClient({ url: database.url });
    const errors: unknown[] = [];
    const apiKeys = createApiKeys({
      database: client,
      cache: { ttlMs: 0 },
      onBackgroundError: (error) => errors.push(error),
    });
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a' });
    expect((await apiKeys.verify(key)).valid).toBe(true);
    client.close();
    await expect(apiKeys.verify(key)).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    await apiKeys.flush(); // must not throw
    expect(errors).toHaveLength(1);

    // the pending lastUsedAt survives the failure and lands once storage is back
    const reopened = createClient({ url: database.url });
    const check = createApiKeys({ database: reopened });
    expect((await check.get(apiKey.id))?.lastUsedAt).toBeNull();
    await check.close();
    reopened.close();
  });
});

describe('the verification read', () => {
  it('gives the same row through the native statement as through the libsql client', async () => {
    const database = testDatabase();
    const apiKeys = createApiKeys({ database: { url: database.url }, permissions: PERMISSIONS });
    const { key } = await apiKeys.create({
      ...base,
      name: 'full',
      permissions: ['invoices:read', 'reports:read'],
      metadata: { plan: 'pro', seats: 3, nested: { ok: true } },
      expiresAt: Date.now() + 60_000,
      enabled: false,
      rateLimits: [{ limit: 5, windowMs: 1000, per: 'consumer' }],
      remaining: 7,
    });
    await apiKeys.close();
    const hash = createKeyHasher()(key);

    const native = createDrizzleStore({ url: database.url }); // opens the file itself
    const client = createClient({ url: database.url });
    const viaClient = createDrizzleStore(client);
    await Promise.all([native.init(), viaClient.init()]);
    const row = await native.findByHash(hash);
    expect(row).toEqual(await viaClient.findByHash(hash));
    expect(row).toMatchObject({ enabled: false, remaining: 7, metadata: { nested: { ok: true } } });
    expect(await native.findByHash('0'.repeat(64))).toBeUndefined();
    await Promise.all([native.close(), viaClient.close()]);
    client.close();
  });
});
