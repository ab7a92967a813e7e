import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { manualClock, PERMISSIONS, tempDatabase } from '@latchkey/test-support';
import { createClient } from '@libsql/client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createApiKeys } from './api-keys.js';
import { cryptoRandom } from './base62.js';
import { generateKey } from './key-format.js';
import { createDrizzleStore } from './store/sqlite/index.js';
import { base, countCalls, setup, testDatabase } from './test-support/fixtures.js';

/** `setup()` whose storage counts its calls. */
function counted(cache: { ttlMs?: number; maxEntries?: number } = {}) {
  const database = testDatabase();
  const { store, calls } = countCalls(createDrizzleStore({ url: database.url }));
  const clock = manualClock();
  return { ...setup({ storage: store, clock: clock.now, cache }), clock, calls };
}

describe('verify: every outcome code', () => {
  it('VALID carries who the key acts for', async () => {
    const { apiKeys, clock } = setup();
    const { key, apiKey } = await apiKeys.create({
      ...base,
      name: 'worker',
      permissions: ['invoices:read', 'reports:read'],
      metadata: { plan: 'pro' },
      expiresAt: clock.now() + 60_000,
    });
    expect(await apiKeys.verify(key, { permissions: ['invoices:read'] })).toEqual({
      valid: true,
      code: 'VALID',
      keyId: apiKey.id,
      consumerId: 'team_1',
      ownerId: 'user_1',
      name: 'worker',
      permissions: ['invoices:read', 'reports:read'],
      metadata: { plan: 'pro' },
      expiresAt: clock.now() + 60_000,
    });
  });

  it('MALFORMED for bad shape or checksum, without touching storage', async () => {
    const { apiKeys, calls } = counted();
    const { key } = await apiKeys.create({ ...base, name: 'a' });
    calls.clear();
    const typo = `${key.slice(0, 12)}${key[12] === 'x' ? 'y' : 'x'}${key.slice(13)}`;
    for (const bad of [typo, '', 'Bearer x', 'a'.repeat(10_000), undefined, 42, { key }]) {
      expect(await apiKeys.verify(bad)).toEqual({ valid: false, code: 'MALFORMED' });
    }
    expect(calls.size).toBe(0);
  });

  it('NOT_FOUND for a well-formed unknown key of its own prefix', async () => {
    const { apiKeys } = setup();
    expect(await apiKeys.verify(generateKey('acme', cryptoRandom))).toEqual({
      valid: false,
      code: 'NOT_FOUND',
    });
  });

  it('REVOKED, DISABLED and EXPIRED, with the key id', async () => {
    const { apiKeys, clock } = setup();
    const revoked = await apiKeys.create({ ...base, name: 'r' });
    await apiKeys.revoke(revoked.apiKey.id);
    const disabled = await apiKeys.create({ ...base, name: 'd', enabled: false });
    const expiring = await apiKeys.create({ ...base, name: 'e', expiresAt: clock.now() + 1000 });

    expect(await apiKeys.verify(revoked.key)).toEqual({
      valid: false,
      code: 'REVOKED',
      keyId: revoked.apiKey.id,
    });
    expect(await apiKeys.verify(disabled.key)).toEqual({
      valid: false,
      code: 'DISABLED',
      keyId: disabled.apiKey.id,
    });
    clock.advance(999);
    expect((await apiKeys.verify(expiring.key)).valid).toBe(true);
    clock.advance(1);
    expect(await apiKeys.verify(expiring.key)).toEqual({
      valid: false,
      code: 'EXPIRED',
      keyId: expiring.apiKey.id,
    });
    expect((await apiKeys.get(expiring.apiKey.id))?.status).toBe('expired');
  });

  it('INSUFFICIENT_PERMISSIONS names what is missing', async () => {
    const { apiKeys } = setup();
    const { key, apiKey } = await apiKeys.create({
      ...base,
      name: 'a',
      permissions: ['invoices:read'],
    });
    expect(await apiKeys.verify(key, { permissions: ['invoices:read', 'invoices:write'] })).toEqual(
      {
        valid: false,
        code: 'INSUFFICIENT_PERMISSIONS',
        keyId: apiKey.id,
        missingPermissions: ['invoices:write'],
      },
    );
    expect((await apiKeys.verify(key, { permissions: [] })).valid).toBe(true);
  });

  it('checks revoked before disabled before expired before permissions', async () => {
    const { apiKeys, clock } = setup();
    const { key, apiKey } = await apiKeys.create({
      ...base,
      name: 'a',
      enabled: false,
      expiresAt: clock.now() + 1,
    });
    clock.advance(1);
    const wants = { permissions: ['invoices:write'] } as const;
    expect((await apiKeys.verify(key, wants)).code).toBe('DISABLED');
    await apiKeys.revoke(apiKey.id);
    expect((await apiKeys.verify(key, wants)).code).toBe('REVOKED');
  });

  it('a key hashed under a secret verifies only with that secret', async () => {
    const database = tempDatabase();
    const withSecret = createApiKeys({ database: { url: database.url }, secret: 'pepper' });
    const { key } = await withSecret.create({ ...base, name: 'a' });
    expect((await withSecret.verify(key)).valid).toBe(true);
    await withSecret.close();
    const withoutSecret = createApiKeys({ database: { url: database.url } });
    expect((await withoutSecret.verify(key)).code).toBe('NOT_FOUND');
    await withoutSecret.close();
    database.remove();
  });
});

describe("verify: only this instance's prefix", () => {
  /** Two apps (or environments) on one database: `acme_live` counts its storage calls. */
  function liveAndTest(acceptPrefixes?: string[]) {
    const database = testDatabase();
    const clock = manualClock();
    const { store, calls } = countCalls(createDrizzleStore({ url: database.url }));
    const live = createApiKeys({
      storage: store,
      prefix: 'acme_live',
      clock: clock.now,
      ...(acceptPrefixes === undefined ? {} : { acceptPrefixes }),
    });
    const test = createApiKeys({ database: { url: database.url }, prefix: 'acme_test' });
    onTestFinished(() => Promise.all([live.close(), test.close()]).then(() => undefined));
    return { live, test, calls };
  }

  it('a key of another prefix is MALFORMED, without a storage read, however it arrives', async () => {
    const { live, test, calls } = liveAndTest();
    const own = await live.create({ ...base, name: 'live' });
    const other = await test.create({ ...base, name: 'test' });
    expect((await test.verify(other.key)).valid).toBe(true);
    calls.clear();

    expect(await live.verify(other.key)).toEqual({ valid: false, code: 'MALFORMED' });
    expect(live.verifyCached(other.key)).toEqual({ valid: false, code: 'MALFORMED' });
    const state = await live.authenticateRequest(
      new Headers({ authorization: `Bearer ${other.key}` }),
    );
    expect(state.isAuthenticated).toBe(false);
    expect(state.toResponse()?.status).toBe(401);
    expect(await state.toResponse()?.json()).toMatchObject({ error: { code: 'MALFORMED' } });
    // Prefixes that contain the instance's own, or that it contains, are other prefixes too.
    for (const prefix of ['acme', 'acme_live_eu', 'xacme_live', 'live']) {
      expect(await live.verify(generateKey(prefix, cryptoRandom))).toEqual({
        valid: false,
        code: 'MALFORMED',
      });
    }
    expect(calls.size).toBe(0);
    expect((await live.verify(own.key)).valid).toBe(true);
  });

  it('acceptPrefixes verifies the keys of the prefixes it names too, during a migration', async () => {
    const { live, test } = liveAndTest(['acme_test']);
    const own = await live.create({ ...base, name: 'live' });
    const other = await test.create({ ...base, name: 'test' });
    expect(await live.verify(other.key)).toMatchObject({ valid: true, keyId: other.apiKey.id });
    expect((await live.verify(own.key)).valid).toBe(true);
    expect(own.key.startsWith('acme_live_')).toBe(true); // new keys carry the own prefix
    expect((await live.verify(generateKey('acme', cryptoRandom))).code).toBe('MALFORMED');
  });

  it('acceptPrefixes is checked as prefix is', () => {
    for (const acceptPrefixes of [['Acme'], ['acme-old'], [''], 'acme_old', [42]]) {
      expect(() =>
        createApiKeys({ database: { url: ':memory:' }, acceptPrefixes } as never),
      ).toThrow(TypeError);
    }
  });
});

/**
 * A real store on a temp file whose verification reads answer late, as over a slow network to a
 * remote database: each read runs at once, and its answer is held until `release()`. Only the
 * latency is injected; every read and write is real.
 */
function slowReads() {
  const database = testDatabase();
  const store = createDrizzleStore({ url: database.url });
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  let readRan = () => {};
  const firstReadRan = new Promise<void>((resolve) => {
    readRan = resolve;
  });
  const slow = {
    ...store,
    async findByHash(hash: string) {
      const row = await store.findByHash(hash);
      readRan();
      await released;
      return row;
    },
  };
  return { ...setup({ storage: slow }), firstReadRan, release };
}

describe('verify: a change through this instance applies to every verification after it', () => {
  type Setup = ReturnType<typeof slowReads>;
  type Key = Awaited<ReturnType<Setup['apiKeys']['create']>>;
  const cases: [string, (apiKeys: Setup['apiKeys'], key: Key) => Promise<unknown>, string][] = [
    ['revoke', (apiKeys, { apiKey }) => apiKeys.revoke(apiKey.id), 'REVOKED'],
    ['disable', (apiKeys, { apiKey }) => apiKeys.update(apiKey.id, { enabled: false }), 'DISABLED'],
    [
      'a narrowing of its permissions',
      (apiKeys, { apiKey }) => apiKeys.update(apiKey.id, { permissions: ['invoices:read'] }),
      'INSUFFICIENT_PERMISSIONS',
    ],
    ['a roll without grace period', (apiKeys, { apiKey }) => apiKeys.roll(apiKey.id), 'EXPIRED'],
  ];

  it.each(cases)(
    '%s, even while a read of the key from before it is still on its way',
    async (_, change, code) => {
      const { apiKeys, firstReadRan, release } = slowReads();
      const created = await apiKeys.create({
        ...base,
        name: 'a',
        permissions: ['invoices:read', 'invoices:write'],
      });
      const wants = { permissions: ['invoices:write'] } as const;
      const before = apiKeys.verify(created.key, wants);
      await firstReadRan; // that read saw the key as it was; its answer is still on its way
      await change(apiKeys, created);
      const after = apiKeys.verify(created.key, wants);
      release();
      expect((await after).code).toBe(code);
      expect((await apiKeys.verify(created.key, wants)).code).toBe(code);
      expect((await before).valid).toBe(true); // it started before the change
    },
  );
});

describe('verify: a storage fault', () => {
  it('is STORAGE_UNAVAILABLE, and its error does not quote the hash of the key', async () => {
    const database = testDatabase();
    const client = createClient({ url: database.url });
    onTestFinished(() => client.close());
    // The host's own client: reads go through drizzle, whose errors quote the query's parameters.
    const apiKeys = createApiKeys({ database: client, cache: { ttlMs: 0 } });
    const { key } = await apiKeys.create({ ...base, name: 'a' });
    await client.execute('ALTER TABLE latchkey_keys RENAME TO gone');

    const error = await apiKeys.verify(key).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    const hash = createHash('sha256').update(key).digest('hex');
    const chain: unknown[] = [];
    for (let link: unknown = error; link instanceof Error; link = link.cause) chain.push(link);
    expect(chain.length).toBeGreaterThan(1); // the driver's error is kept, for the logs
    for (const link of chain) expect(String((link as Error).message)).not.toContain(hash);
    expect(inspect(error, { depth: 10 })).not.toContain(hash);
    await client.execute('ALTER TABLE gone RENAME TO latchkey_keys');
    await apiKeys.close();
  });

  // A row edited by hand, or by another program: valid JSON of the wrong shape is as unreadable
  // as a missing table, and must not crash the request helpers with a TypeError.
  it('is STORAGE_UNAVAILABLE for a row whose columns hold the wrong types', async () => {
    const { apiKeys, database } = setup({ cache: { ttlMs: 0 } });
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a' });
    const client = createClient({ url: database.url });
    onTestFinished(() => client.close());
    for (const [column, value] of [
      ['permissions', '5'],
      ['permissions', '"invoices:read"'], // a string: its letters are no permissions
      ['rate_limits', '{}'],
      ['rate_limits', '[1]'], // a limit without a name: no call would spend from it
      ['rate_limits', '[{"name":"default","limit":"x","windowMs":1000,"per":"key"}]'],
      ['metadata', '[]'],
    ] as const) {
      await client.execute({
        sql: `UPDATE latchkey_keys SET ${column} = ? WHERE id = ?`,
        args: [value, apiKey.id],
      });
      await expect(apiKeys.verify(key)).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
      const state = await apiKeys.authenticateRequest(
        new Headers({ authorization: `Bearer ${key}` }),
      );
      expect(state.toResponse()?.status).toBe(503);
      // Put right, the row verifies again.
      await client.execute({
        sql: 'UPDATE latchkey_keys SET permissions = ?, rate_limits = ?, metadata = ? WHERE id = ?',
        args: ['[]', '[]', '{}', apiKey.id],
      });
      expect((await apiKeys.verify(key)).valid).toBe(true);
    }
    // A key in its grace period too, whose permissions are read with its new key's.
    const rolled = await apiKeys.roll(apiKey.id, { gracePeriodMs: 60_000 });
    for (const [id, value] of [
      [apiKey.id, '"invoices:read"'],
      [rolled.apiKey.id, '{"a":"invoices:read"}'],
    ] as const) {
      await client.execute({
        sql: 'UPDATE latchkey_keys SET permissions = ? WHERE id = ?',
        args: [value, id],
      });
      await expect(apiKeys.verify(key)).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
      await client.execute({
        sql: 'UPDATE latchkey_keys SET permissions = ? WHERE id = ?',
        args: ['[]', id],
      });
    }
    expect((await apiKeys.verify(key)).valid).toBe(true);
  });
});

describe("verify: the host's own libsql client", () => {
  it.each(['bigint', 'string'] as const)(
    'is refused, with a clear reason, when it reads integers as %s',
    async (intMode) => {
      const client = createClient({ url: testDatabase().url, intMode });
      onTestFinished(() => client.close());
      const { apiKeys } = setup({ database: client });
      const refused = await apiKeys.create({ ...base, name: 'a' }).catch((error: unknown) => error);
      expect(refused).toMatchObject({
        code: 'STORAGE_UNAVAILABLE',
        message: expect.stringContaining(`intMode 'number'`),
      });
    },
  );
});

describe('verify: what it costs', () => {
  it('a valid key is one indexed read and no write; cached, it is no read at all', async () => {
    const { apiKeys, calls } = counted();
    const { key } = await apiKeys.create({ ...base, name: 'a' });
    calls.clear();
    expect((await apiKeys.verify(key)).valid).toBe(true);
    expect(Object.fromEntries(calls)).toEqual({ findByHash: 1 });
    for (let i = 0; i < 100; i++) expect((await apiKeys.verify(key)).valid).toBe(true);
    expect(Object.fromEntries(calls)).toEqual({ findByHash: 1 });
  });

  it('with the cache off (ttlMs 0) every call is exactly one read', async () => {
    const { apiKeys, calls } = counted({ ttlMs: 0 });
    const { key } = await apiKeys.create({ ...base, name: 'a' });
    calls.clear();
    for (let i = 0; i < 5; i++) await apiKeys.verify(key);
    expect(Object.fromEntries(calls)).toEqual({ findByHash: 5 });
  });

  it('concurrent cold verifications of one key share a single read', async () => {
    const { apiKeys, calls } = counted();
    const { key } = await apiKeys.create({ ...base, name: 'a' });
    calls.clear();
    const results = await Promise.all(Array.from({ length: 50 }, () => apiKeys.verify(key)));
    expect(results.every((r) => r.valid)).toBe(true);
    expect(calls.get('findByHash')).toBe(1);
  });

  it('lastUsedAt is written in one batch on flush, not per verification', async () => {
    const { apiKeys, calls, clock } = counted();
    const a = await apiKeys.create({ ...base, name: 'a' });
    const b = await apiKeys.create({ ...base, name: 'b' });
    calls.clear();
    for (let i = 0; i < 100; i++) {
      clock.advance(1);
      await apiKeys.verify(i % 2 === 0 ? a.key : b.key);
    }
    expect(calls.get('recordUsage')).toBeUndefined();
    await apiKeys.flush();
    expect(calls.get('recordUsage')).toBe(1);
    expect((await apiKeys.get(a.apiKey.id))?.lastUsedAt).toBe(clock.now() - 1);
    expect((await apiKeys.get(b.apiKey.id))?.lastUsedAt).toBe(clock.now());
    await apiKeys.flush();
    expect(calls.get('recordUsage')).toBe(1); // nothing new, nothing written
  });

  it('the cache is bounded: the oldest entry is dropped', async () => {
    const { apiKeys, calls } = counted({ maxEntries: 2 });
    const keys = await Promise.all(
      ['a', 'b', 'c'].map((name) => apiKeys.create({ ...base, name })),
    );
    calls.clear();
    for (const { key } of keys) await apiKeys.verify(key);
    await apiKeys.verify(keys[2]?.key);
    await apiKeys.verify(keys[1]?.key);
    expect(calls.get('findByHash')).toBe(3);
    await apiKeys.verify(keys[0]?.key);
    expect(calls.get('findByHash')).toBe(4);
  });

  it('another process’s revocation is seen once the cache TTL has passed', async () => {
    const database = tempDatabase();
    const clock = manualClock();
    const options = { database: { url: database.url }, permissions: PERMISSIONS, clock: clock.now };
    const here = createApiKeys({ ...options, cache: { ttlMs: 10_000 } });
    const elsewhere = createApiKeys(options);
    const { key, apiKey } = await here.create({ ...base, name: 'a' });
    expect((await here.verify(key)).valid).toBe(true);
    await elsewhere.revoke(apiKey.id);
    clock.advance(9_999);
    expect((await here.verify(key)).valid).toBe(true); // documented: within the TTL
    clock.advance(1);
    expect((await here.verify(key)).code).toBe('REVOKED');
    await Promise.all([here.close(), elsewhere.close()]);
    database.remove();
  });
});

describe('verifyCached: the same answer, without a promise, when no storage is needed', () => {
  it('answers for a cached key as verify does, with no storage call, and counts the call', async () => {
    const { apiKeys, calls } = counted();
    const { key, apiKey } = await apiKeys.create({
      ...base,
      name: 'a',
      permissions: ['invoices:read'],
    });
    calls.clear();
    expect(apiKeys.verifyCached(key)).toBeUndefined(); // not cached yet: nothing done
    const verified = await apiKeys.verify(key);
    expect(apiKeys.verifyCached(key)).toEqual(verified);
    expect(apiKeys.verifyCached(key, { permissions: ['reports:read'] })).toEqual({
      valid: false,
      code: 'INSUFFICIENT_PERMISSIONS',
      keyId: apiKey.id,
      missingPermissions: ['reports:read'],
    });
    expect(apiKeys.verifyCached('not a key')).toEqual({ valid: false, code: 'MALFORMED' });
    expect(Object.fromEntries(calls)).toEqual({ findByHash: 1 });
    const { days } = await apiKeys.usage(apiKey.id, { days: 1 });
    expect(days[0]?.counts).toEqual({ VALID: 2, INSUFFICIENT_PERMISSIONS: 1 });
  });

  it('spends and refuses rate limits exactly as verify does', async () => {
    const { apiKeys } = counted();
    const { key } = await apiKeys.create({
      ...base,
      name: 'a',
      rateLimits: [{ limit: 3, windowMs: 60_000 }],
    });
    expect((await apiKeys.verify(key)).valid).toBe(true);
    expect(apiKeys.verifyCached(key)).toMatchObject({ valid: true, rateLimit: { remaining: 1 } });
    expect(apiKeys.verifyCached(key)).toMatchObject({ valid: true, rateLimit: { remaining: 0 } });
    expect(apiKeys.verifyCached(key)).toMatchObject({ valid: false, code: 'RATE_LIMITED' });
    expect((await apiKeys.verify(key)).code).toBe('RATE_LIMITED');
  });

  it('leaves a key with a usage limit to verify, spending nothing', async () => {
    const { apiKeys } = counted();
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a', remaining: 5 });
    expect(await apiKeys.verify(key)).toMatchObject({ valid: true, remaining: 4 });
    expect(apiKeys.verifyCached(key)).toBeUndefined();
    expect((await apiKeys.get(apiKey.id))?.remaining).toBe(4);
  });

  it('sees a revocation in this process at once, and nothing with the cache off', async () => {
    const { apiKeys } = counted();
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a' });
    await apiKeys.verify(key);
    await apiKeys.revoke(apiKey.id);
    expect(apiKeys.verifyCached(key)).toBeUndefined();
    expect((await apiKeys.verify(key)).code).toBe('REVOKED');
    expect(apiKeys.verifyCached(key)).toMatchObject({ valid: false, code: 'REVOKED' });

    const strict = counted({ ttlMs: 0 });
    const created = await strict.apiKeys.create({ ...base, name: 'b' });
    expect((await strict.apiKeys.verify(created.key)).valid).toBe(true);
    expect(strict.apiKeys.verifyCached(created.key)).toBeUndefined();
  });
});
