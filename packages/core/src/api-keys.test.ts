import { createClient } from '@libsql/client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createApiKeys } from './api-keys.js';
import { isWellFormed } from './key-format.js';
import { createDrizzleStore } from './store/sqlite/index.js';
import { base, countCalls, setup, testDatabase } from './test-support/fixtures.js';

describe('create', () => {
  it('maxLiveKeys: refused at the limit, counting neither revoked nor expired keys, even all at once', async () => {
    const { apiKeys, clock } = setup();
    const live = { ...base, name: 'k', maxLiveKeys: 3 };
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, () => apiKeys.create(live)),
    );
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
    for (const result of results.filter((r) => r.status === 'rejected')) {
      expect(result.reason).toMatchObject({
        code: 'KEY_LIMIT_REACHED',
        message: expect.stringContaining('3 live API keys'),
      });
    }
    const { items } = await apiKeys.list({ consumerId: base.consumerId });
    expect(items).toHaveLength(3);
    const log = await apiKeys.auditLog({ consumerId: base.consumerId });
    expect(log.items).toHaveLength(3); // a refused create writes no event
    // Another consumer has its own count; revoking or expiring a key frees its place.
    await apiKeys.create({ ...live, consumerId: 'team_2' });
    await apiKeys.revoke(items[0]?.id ?? '');
    await apiKeys.update(items[1]?.id ?? '', { expiresAt: clock.now() + 1000 });
    await apiKeys.create(live);
    await expect(apiKeys.create(live)).rejects.toMatchObject({ code: 'KEY_LIMIT_REACHED' });
    clock.advance(1000);
    await apiKeys.create(live);
    // Without the option there is no limit.
    await apiKeys.create({ ...base, name: 'k' });
  });

  it('returns the secret once, with a record that holds no secret', async () => {
    const { apiKeys, clock } = setup();
    const { key, apiKey } = await apiKeys.create({
      ...base,
      name: 'CI deploys',
      permissions: ['invoices:read'],
      metadata: { env: 'ci' },
    });
    expect(isWellFormed(key)).toBe(true);
    expect(key.startsWith('acme_')).toBe(true);
    expect(apiKey).toMatchObject({
      name: 'CI deploys',
      consumerId: 'team_1',
      ownerId: 'user_1',
      start: key.slice(0, 9),
      last4: key.slice(-4),
      permissions: ['invoices:read'],
      metadata: { env: 'ci' },
      enabled: true,
      status: 'active',
      createdAt: clock.now(),
      expiresAt: null,
      revokedAt: null,
    });
    expect(apiKey.id).toMatch(/^key_[0-9A-Za-z]{22}$/);
    expect(JSON.stringify(apiKey)).not.toContain(key.slice(9, -4));
    expect(apiKey).not.toHaveProperty('hash');
    expect(await apiKeys.get(apiKey.id)).toEqual(apiKey);
  });

  it('trims the name and drops duplicate permissions', async () => {
    const { apiKeys } = setup();
    const { apiKey } = await apiKeys.create({
      ...base,
      name: '  spaced  ',
      permissions: ['invoices:read', 'invoices:read'],
    });
    expect(apiKey.name).toBe('spaced');
    expect(apiKey.permissions).toEqual(['invoices:read']);
  });
});

describe('list', () => {
  it('pages a consumer’s keys newest first, and only that consumer’s', async () => {
    const { apiKeys, clock } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push((await apiKeys.create({ ...base, name: `key ${i}` })).apiKey.id);
      clock.advance(1000);
    }
    // two keys created in the same millisecond still page without loss or repeat
    ids.push((await apiKeys.create({ ...base, name: 'same ms a' })).apiKey.id);
    ids.push((await apiKeys.create({ ...base, name: 'same ms b' })).apiKey.id);
    await apiKeys.create({ ...base, consumerId: 'team_2', name: 'other team' });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await apiKeys.list({ consumerId: 'team_1', limit: 2, cursor });
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((k) => k.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(seen).toHaveLength(7);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(seen.slice(2)).toEqual(ids.slice(0, 5).reverse());
  });

  it('rejects a forged cursor', async () => {
    const { apiKeys } = setup();
    await expect(
      apiKeys.list({ consumerId: 'team_1', cursor: 'not-a-cursor' }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', issues: [{ path: ['cursor'] }] });
  });
});

describe('update', () => {
  it('changes what it is given, and the verification sees it at once', async () => {
    const { apiKeys, clock } = setup();
    const { key, apiKey } = await apiKeys.create({
      ...base,
      name: 'a',
      permissions: ['invoices:read'],
    });
    expect((await apiKeys.verify(key)).valid).toBe(true);
    clock.advance(10);
    const updated = await apiKeys.update(apiKey.id, {
      name: 'b',
      permissions: ['invoices:write'],
      metadata: { tier: 2 },
      enabled: false,
      actorId: 'user_2',
    });
    expect(updated).toMatchObject({
      name: 'b',
      permissions: ['invoices:write'],
      metadata: { tier: 2 },
      enabled: false,
      status: 'disabled',
      updatedAt: clock.now(),
    });
    expect(await apiKeys.verify(key)).toMatchObject({ valid: false, code: 'DISABLED' });
    await apiKeys.update(apiKey.id, { enabled: true });
    expect(await apiKeys.verify(key, { permissions: ['invoices:read'] })).toMatchObject({
      code: 'INSUFFICIENT_PERMISSIONS',
    });
  });

  it('sets and clears an expiry', async () => {
    const { apiKeys, clock } = setup();
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a' });
    await apiKeys.update(apiKey.id, { expiresAt: new Date(clock.now() + 1000) });
    clock.advance(1000);
    expect(await apiKeys.verify(key)).toMatchObject({ code: 'EXPIRED' });
    expect((await apiKeys.update(apiKey.id, { expiresAt: null })).status).toBe('active');
    expect((await apiKeys.verify(key)).valid).toBe(true);
  });

  it('refuses a revoked key and an empty change', async () => {
    const { apiKeys } = setup();
    const { apiKey } = await apiKeys.create({ ...base, name: 'a' });
    await expect(apiKeys.update(apiKey.id, {})).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    await apiKeys.revoke(apiKey.id);
    await expect(apiKeys.update(apiKey.id, { name: 'b' })).rejects.toMatchObject({
      code: 'INVALID_STATE',
    });
  });
});

describe('revoke', () => {
  it('keeps the record with its reason; the key fails on the very next call', async () => {
    const { apiKeys, clock } = setup();
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a' });
    expect((await apiKeys.verify(key)).valid).toBe(true); // now cached
    clock.advance(5);
    const revoked = await apiKeys.revoke(apiKey.id, {
      reason: 'leaked in a log',
      actorId: 'user_9',
    });
    expect(revoked).toMatchObject({
      status: 'revoked',
      revokedAt: clock.now(),
      revokedReason: 'leaked in a log',
    });
    expect(await apiKeys.verify(key)).toEqual({ valid: false, code: 'REVOKED', keyId: apiKey.id });
    expect((await apiKeys.get(apiKey.id))?.status).toBe('revoked');
  });

  it('is idempotent: a second revoke keeps the first time and reason', async () => {
    const { apiKeys, clock } = setup();
    const { apiKey } = await apiKeys.create({ ...base, name: 'a' });
    const first = await apiKeys.revoke(apiKey.id, { reason: 'one' });
    clock.advance(100);
    const second = await apiKeys.revoke(apiKey.id, { reason: 'two' });
    expect(second).toEqual(first);
    const log = await apiKeys.auditLog({ consumerId: 'team_1', keyId: apiKey.id });
    expect(log.items.map((e) => e.action)).toEqual(['revoked', 'created']);
  });
});

describe('roll', () => {
  it('makes a new key with the same settings; the old one stops at once by default', async () => {
    const { apiKeys } = setup();
    const original = await apiKeys.create({
      ...base,
      name: 'a',
      permissions: ['reports:read'],
      metadata: { m: 1 },
    });
    expect((await apiKeys.verify(original.key)).valid).toBe(true);
    const rolled = await apiKeys.roll(original.apiKey.id, { actorId: 'user_1' });
    expect(rolled.key).not.toBe(original.key);
    expect(rolled.apiKey).toMatchObject({
      name: 'a',
      permissions: ['reports:read'],
      metadata: { m: 1 },
      consumerId: 'team_1',
      ownerId: 'user_1',
      rolledFromId: original.apiKey.id,
      status: 'active',
    });
    expect(rolled.previous).toMatchObject({ replacedById: rolled.apiKey.id, status: 'expired' });
    expect(await apiKeys.verify(original.key)).toMatchObject({ valid: false, code: 'EXPIRED' });
    expect(await apiKeys.verify(rolled.key)).toMatchObject({
      valid: true,
      keyId: rolled.apiKey.id,
    });
  });

  it('keeps the old key working through the grace period, then expires it', async () => {
    const { apiKeys, clock } = setup();
    const original = await apiKeys.create({ ...base, name: 'a' });
    const rolled = await apiKeys.roll(original.apiKey.id, { gracePeriodMs: 60_000 });
    clock.advance(59_999);
    expect((await apiKeys.verify(original.key)).valid).toBe(true);
    expect((await apiKeys.verify(rolled.key)).valid).toBe(true);
    clock.advance(1);
    expect(await apiKeys.verify(original.key)).toMatchObject({ code: 'EXPIRED' });
    expect((await apiKeys.verify(rolled.key)).valid).toBe(true);
  });

  it('refuses to roll a key twice, or a revoked or expired one', async () => {
    const { apiKeys, clock } = setup();
    const a = await apiKeys.create({ ...base, name: 'a' });
    await apiKeys.roll(a.apiKey.id, { gracePeriodMs: 1000 });
    await expect(apiKeys.roll(a.apiKey.id)).rejects.toMatchObject({ code: 'INVALID_STATE' });

    const b = await apiKeys.create({ ...base, name: 'b' });
    await apiKeys.revoke(b.apiKey.id);
    await expect(apiKeys.roll(b.apiKey.id)).rejects.toMatchObject({ code: 'INVALID_STATE' });

    const c = await apiKeys.create({ ...base, name: 'c', expiresAt: clock.now() + 10 });
    clock.advance(10);
    await expect(apiKeys.roll(c.apiKey.id)).rejects.toMatchObject({ code: 'INVALID_STATE' });
  });

  it('a rolled key may be renamed or disabled, nothing else: an update cannot bring it back', async () => {
    const { apiKeys, clock } = setup();
    const original = await apiKeys.create({ ...base, name: 'a' });
    const rolled = await apiKeys.roll(original.apiKey.id, { gracePeriodMs: 1000 });
    for (const changes of [
      { expiresAt: null },
      { expiresAt: clock.now() + 86_400_000 },
      { permissions: ['reports:read' as const] },
      { remaining: 100 },
    ]) {
      await expect(apiKeys.update(original.apiKey.id, changes)).rejects.toMatchObject({
        code: 'INVALID_STATE',
        message: expect.stringContaining('(change them there)'),
      });
    }
    // Its name can still change, it can be disabled and enabled, and it still expires when its
    // grace period ends.
    expect((await apiKeys.update(original.apiKey.id, { name: 'old a' })).name).toBe('old a');
    await apiKeys.update(original.apiKey.id, { enabled: false });
    expect(await apiKeys.verify(original.key)).toMatchObject({ code: 'DISABLED' });
    await apiKeys.update(original.apiKey.id, { enabled: true });
    clock.advance(1000);
    expect(await apiKeys.verify(original.key)).toMatchObject({ code: 'EXPIRED' });
    expect((await apiKeys.verify(rolled.key)).valid).toBe(true);
  });

  // Read by the native reader from a file, and by drizzle's prepared statement from `:memory:`.
  it.each([
    ['a file', {}],
    [':memory:', { database: { url: ':memory:' } }],
  ])(
    'the old key is allowed no more than the new key: narrowing the new key narrows it too, widening does not widen it (%s)',
    async (_, options) => {
      const { apiKeys } = setup(options);
      const original = await apiKeys.create({
        ...base,
        name: 'a',
        permissions: ['invoices:read', 'invoices:write'],
        metadata: { tier: 'gold' },
      });
      const rolled = await apiKeys.roll(original.apiKey.id, { gracePeriodMs: 7 * 86_400_000 });
      const write = { permissions: ['invoices:write' as const] };
      expect((await apiKeys.verify(original.key, write)).valid).toBe(true); // now cached

      await apiKeys.update(rolled.apiKey.id, {
        permissions: ['invoices:read'],
        metadata: { tier: 'free' },
      });
      expect(await apiKeys.verify(original.key, write)).toMatchObject({
        code: 'INSUFFICIENT_PERMISSIONS',
      });
      const narrowed = { permissions: ['invoices:read'], metadata: { tier: 'free' } };
      expect(await apiKeys.verify(original.key)).toMatchObject({ valid: true, ...narrowed });
      expect(await apiKeys.get(original.apiKey.id)).toMatchObject(narrowed);

      // Widening the new key does not widen the old one, which may be why the key was rolled.
      await apiKeys.update(rolled.apiKey.id, {
        permissions: ['invoices:read', 'invoices:write', 'reports:read'],
      });
      expect(await apiKeys.verify(original.key)).toMatchObject({
        permissions: ['invoices:read', 'invoices:write'],
      });
      expect(await apiKeys.verify(original.key, { permissions: ['reports:read'] })).toMatchObject({
        code: 'INSUFFICIENT_PERMISSIONS',
      });
      await apiKeys.update(rolled.apiKey.id, { permissions: ['invoices:read'] });

      // Its state stays its own: a leaked new key is revoked without cutting off the old one,
      // which is ended by disabling or revoking it.
      await apiKeys.revoke(rolled.apiKey.id, { reason: 'leaked' });
      expect(await apiKeys.verify(original.key)).toMatchObject({ valid: true, ...narrowed });
      await apiKeys.revoke(original.apiKey.id);
      expect(await apiKeys.verify(original.key)).toMatchObject({ code: 'REVOKED' });
    },
  );

  it('never shortens an expiry that comes before the grace period ends', async () => {
    const { apiKeys, clock } = setup();
    const a = await apiKeys.create({ ...base, name: 'a', expiresAt: clock.now() + 1000 });
    const rolled = await apiKeys.roll(a.apiKey.id, { gracePeriodMs: 60_000 });
    expect(rolled.previous.expiresAt).toBe(clock.now() + 1000);
    expect(rolled.apiKey.expiresAt).toBe(clock.now() + 1000);
  });
});

describe('scope: another consumer’s key is NOT_FOUND, exactly like an unknown id', () => {
  it('for get, update, revoke and roll', async () => {
    const { apiKeys } = setup();
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'theirs' });
    const other = { consumerId: 'team_2' };
    expect(await apiKeys.get(apiKey.id, other)).toBeNull();
    expect(await apiKeys.get('key_doesnotexist', other)).toBeNull();
    for (const id of [apiKey.id, 'key_doesnotexist']) {
      await expect(apiKeys.update(id, { ...other, name: 'mine' })).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      await expect(apiKeys.revoke(id, other)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(apiKeys.roll(id, other)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
    expect(await apiKeys.get(apiKey.id)).toMatchObject({ name: 'theirs', status: 'active' });
    expect((await apiKeys.verify(key)).valid).toBe(true);
  });
});

describe('revokeMany: automatic revocation', () => {
  async function team() {
    const ctx = setup();
    const make = (consumerId: string, ownerId: string) =>
      ctx.apiKeys.create({ consumerId, ownerId, name: `${consumerId}/${ownerId}` });
    const keys = {
      aliceTeam1: await make('team_1', 'alice'),
      bobTeam1: await make('team_1', 'bob'),
      aliceTeam2: await make('team_2', 'alice'),
      carolTeam2: await make('team_2', 'carol'),
    };
    for (const k of Object.values(keys)) expect((await ctx.apiKeys.verify(k.key)).valid).toBe(true);
    return { ...ctx, keys };
  }
  const validity = async (
    apiKeys: ReturnType<typeof setup>['apiKeys'],
    keys: Record<string, { key: string }>,
  ) =>
    Object.fromEntries(
      await Promise.all(
        Object.entries(keys).map(async ([name, k]) => [name, (await apiKeys.verify(k.key)).valid]),
      ),
    );

  it('a key rolled while the team is revoked is revoked too: no key outlives its team', async () => {
    const { apiKeys } = setup();
    for (let round = 0; round < 10; round++) {
      const consumerId = `team_race_${round}`;
      const { apiKey } = await apiKeys.create({ consumerId, ownerId: 'alice', name: 'a' });
      const [rolled] = await Promise.allSettled([
        apiKeys.roll(apiKey.id, { gracePeriodMs: 60_000 }),
        apiKeys.revokeMany({ consumerId, reason: 'team deleted' }),
      ]);
      const live = (await apiKeys.list({ consumerId })).items.filter(
        (key) => key.revokedAt === null,
      );
      expect(live, `round ${round}, roll ${rolled.status}`).toEqual([]);
      if (rolled.status === 'fulfilled') {
        expect((await apiKeys.verify(rolled.value.key)).code).toBe('REVOKED');
      }
    }
  });

  it('a deleted team: every key of the consumer', async () => {
    const { apiKeys, keys } = await team();
    const result = await apiKeys.revokeMany({ consumerId: 'team_1', reason: 'team deleted' });
    expect(result.revokedKeyIds.sort()).toEqual(
      [keys.aliceTeam1.apiKey.id, keys.bobTeam1.apiKey.id].sort(),
    );
    expect(await validity(apiKeys, keys)).toEqual({
      aliceTeam1: false,
      bobTeam1: false,
      aliceTeam2: true,
      carolTeam2: true,
    });
    expect(await apiKeys.get(keys.bobTeam1.apiKey.id)).toMatchObject({
      revokedReason: 'team deleted',
    });
  });

  it('a deleted user: every key they own, in every team', async () => {
    const { apiKeys, keys } = await team();
    await apiKeys.revokeMany({ ownerId: 'alice', reason: 'user deleted' });
    expect(await validity(apiKeys, keys)).toEqual({
      aliceTeam1: false,
      bobTeam1: true,
      aliceTeam2: false,
      carolTeam2: true,
    });
  });

  it('a user who left one team: their keys in that team only', async () => {
    const { apiKeys, keys, clock } = await team();
    clock.advance(1);
    await apiKeys.revokeMany({ consumerId: 'team_2', ownerId: 'alice', reason: 'left team' });
    expect(await validity(apiKeys, keys)).toEqual({
      aliceTeam1: true,
      bobTeam1: true,
      aliceTeam2: false,
      carolTeam2: true,
    });
    const log = await apiKeys.auditLog({ consumerId: 'team_2', keyId: keys.aliceTeam2.apiKey.id });
    expect(log.items[0]).toMatchObject({ action: 'revoked', details: { reason: 'left team' } });
  });

  it('refuses to revoke everything, and skips keys already revoked', async () => {
    const { apiKeys, keys } = await team();
    await expect(apiKeys.revokeMany({ reason: 'oops' })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    await apiKeys.revoke(keys.bobTeam1.apiKey.id, { reason: 'earlier' });
    const result = await apiKeys.revokeMany({ consumerId: 'team_1' });
    expect(result.revokedKeyIds).toEqual([keys.aliceTeam1.apiKey.id]);
    expect((await apiKeys.get(keys.bobTeam1.apiKey.id))?.revokedReason).toBe('earlier');
  });
});

describe('audit log', () => {
  it('records every change with its actor, newest first, paged', async () => {
    const { apiKeys, clock } = setup();
    const { apiKey } = await apiKeys.create({ ...base, name: 'a', actorId: 'user_1' });
    clock.advance(1);
    await apiKeys.update(apiKey.id, { name: 'b', actorId: 'user_2' });
    clock.advance(1);
    const rolled = await apiKeys.roll(apiKey.id, { actorId: 'user_3', gracePeriodMs: 5 });
    clock.advance(1);
    await apiKeys.revoke(rolled.apiKey.id, { actorId: 'user_4', reason: 'done' });

    const first = await apiKeys.auditLog({ consumerId: 'team_1', limit: 3 });
    expect(first.nextCursor).not.toBeNull();
    const second = await apiKeys.auditLog({
      consumerId: 'team_1',
      limit: 3,
      cursor: first.nextCursor,
    });
    const all = [...first.items, ...second.items];
    expect(all.map((e) => [e.action, e.actorId])).toEqual([
      ['revoked', 'user_4'],
      expect.arrayContaining([]) as never,
      expect.arrayContaining([]) as never,
      ['updated', 'user_2'],
      ['created', 'user_1'],
    ]);
    expect(
      all
        .slice(1, 3)
        .map((e) => e.action)
        .sort(),
    ).toEqual(['created', 'rolled']);
    expect(all.find((e) => e.action === 'updated')?.details).toEqual({ fields: ['name'] });
    expect(all.find((e) => e.action === 'rolled')).toMatchObject({
      keyId: apiKey.id,
      details: { newKeyId: rolled.apiKey.id, gracePeriodMs: 5 },
    });
    expect(second.nextCursor).toBeNull();
    expect((await apiKeys.auditLog({ consumerId: 'team_2' })).items).toEqual([]);
  });
});

describe('authenticateRequest (the method)', () => {
  it('authenticates a Fetch API request and answers for a bad one', async () => {
    const { apiKeys } = setup();
    const { key } = await apiKeys.create({ ...base, name: 'a', permissions: ['invoices:read'] });
    const ok = await apiKeys.authenticateRequest(
      new Request('https://app.test/api', { headers: { authorization: `Bearer ${key}` } }),
      { permissions: ['invoices:read'] },
    );
    expect(ok.toResponse()).toBeNull();
    expect(ok.toAuth()).toMatchObject({ consumerId: 'team_1' });
    expect(ok.toAuth().has({ permission: 'invoices:read' })).toBe(true);

    const missing = await apiKeys.authenticateRequest(new Headers());
    expect(missing.toAuth().consumerId).toBeNull();
    expect(missing.toResponse()?.status).toBe(401);
    expect(missing.toResponse()?.headers.get('www-authenticate')).toBe('Bearer');
  });
});

describe('purge', () => {
  it('a purged key is NOT_FOUND at once in this process, cached or not', async () => {
    const { apiKeys, clock, database } = setup();
    const DAY = 86_400_000;
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'old' });
    await apiKeys.revoke(apiKey.id);
    clock.advance(2 * DAY);
    expect((await apiKeys.verify(key)).code).toBe('REVOKED'); // now cached as revoked
    expect((await apiKeys.purge({ retentionMs: DAY })).purgedKeyIds).toEqual([apiKey.id]);
    expect((await apiKeys.verify(key)).code).toBe('NOT_FOUND');
    // Nor does the refused call counted before the purge come back as a row of a key that is gone.
    await apiKeys.flush();
    const client = createClient({ url: database.url });
    onTestFinished(() => client.close());
    const rows = await client.execute({
      sql: 'select * from latchkey_usage where key_id = ?',
      args: [apiKey.id],
    });
    expect(rows.rows).toEqual([]);
  });

  it('keeps a key whose uses a rolled key in its grace period still spends', async () => {
    const { apiKeys, clock } = setup();
    const DAY = 86_400_000;
    const first = await apiKeys.create({ ...base, name: 'a', remaining: 10 });
    const second = await apiKeys.roll(first.apiKey.id, { gracePeriodMs: 20 * DAY });
    await apiKeys.revoke(second.apiKey.id); // leaked: revoked at once, the old key lives on
    clock.advance(2 * DAY);
    expect((await apiKeys.purge({ retentionMs: DAY })).purgedKeyIds).toEqual([]);
    expect(await apiKeys.verify(first.key)).toMatchObject({ valid: true, remaining: 9 });
    clock.advance(20 * DAY); // the old key has expired too: both go
    const { purgedKeyIds } = await apiKeys.purge({ retentionMs: DAY });
    expect(purgedKeyIds.sort()).toEqual([first.apiKey.id, second.apiKey.id].sort());
  });

  it('deletes records revoked or expired before the retention period, keeping their audit trail', async () => {
    const { apiKeys, clock, database } = setup();
    const DAY = 86_400_000;
    const revoked = await apiKeys.create({ ...base, name: 'revoked long ago' });
    const expired = await apiKeys.create({
      ...base,
      name: 'expired',
      expiresAt: clock.now() + 1000,
    });
    const active = await apiKeys.create({ ...base, name: 'active' });
    await apiKeys.verify(revoked.key);
    await apiKeys.revoke(revoked.apiKey.id, { reason: 'old' });
    await apiKeys.flush(); // writes its usage counts
    clock.advance(3 * DAY);
    const recent = await apiKeys.create({ ...base, name: 'revoked recently' });
    await apiKeys.revoke(recent.apiKey.id);

    await expect(apiKeys.purge({ retentionMs: 1000 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
    const { purgedKeyIds } = await apiKeys.purge({ retentionMs: 2 * DAY });
    expect(purgedKeyIds.sort()).toEqual([revoked.apiKey.id, expired.apiKey.id].sort());
    const left = await apiKeys.list({ consumerId: 'team_1' });
    expect(left.items.map((k) => k.id).sort()).toEqual([active.apiKey.id, recent.apiKey.id].sort());
    expect((await apiKeys.verify(active.key)).valid).toBe(true);
    expect((await apiKeys.verify(revoked.key)).code).toBe('NOT_FOUND');
    const trail = await apiKeys.auditLog({ consumerId: 'team_1', keyId: revoked.apiKey.id });
    expect(trail.items.map((e) => e.action)).toEqual(['revoked', 'created']);

    const client = createClient({ url: database.url });
    const usageRows = await client.execute({
      sql: 'select count(*) as n from latchkey_usage where key_id = ?',
      args: [revoked.apiKey.id],
    });
    client.close();
    expect(usageRows.rows[0]?.n).toBe(0);
  });
});

describe('concurrent changes', () => {
  it('two rolls of one key at once: exactly one new key, the other call refused', async () => {
    const { apiKeys } = setup();
    const { apiKey } = await apiKeys.create({ ...base, name: 'a' });
    const outcomes = await Promise.allSettled([
      apiKeys.roll(apiKey.id, { gracePeriodMs: 1000 }),
      apiKeys.roll(apiKey.id, { gracePeriodMs: 1000 }),
      apiKeys.roll(apiKey.id, { gracePeriodMs: 1000 }),
    ]);
    const rolled = outcomes.filter((o) => o.status === 'fulfilled');
    expect(rolled).toHaveLength(1);
    for (const o of outcomes.filter((o) => o.status === 'rejected')) {
      expect(o.reason).toMatchObject({ code: 'INVALID_STATE' });
    }
    const { items } = await apiKeys.list({ consumerId: 'team_1' });
    expect(items).toHaveLength(2);
  });

  it('an update racing a revoke never un-revokes the key', async () => {
    const { apiKeys } = setup();
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a' });
    await Promise.allSettled([
      apiKeys.update(apiKey.id, { enabled: true, name: 'b' }),
      apiKeys.revoke(apiKey.id, { reason: 'race' }),
      apiKeys.update(apiKey.id, { name: 'c' }),
    ]);
    expect((await apiKeys.get(apiKey.id))?.status).toBe('revoked');
    expect((await apiKeys.verify(key)).code).toBe('REVOKED');
  });
});

describe('options', () => {
  it('refuses at once what would quietly misbehave later, naming the option', () => {
    for (const [option, value] of [
      ['flushIntervalMs', { flushIntervalMs: Number.POSITIVE_INFINITY }],
      ['flushIntervalMs', { flushIntervalMs: 0 }],
      ['cache.ttlMs', { cache: { ttlMs: -1 } }],
      ['cache.maxEntries', { cache: { maxEntries: 1.5 } }],
      ['secret', { secret: 42 }],
      ['secret', { secret: '' }],
    ] as const) {
      expect(() => createApiKeys({ database: { url: ':memory:' }, ...(value as object) })).toThrow(
        `invalid \`${option}\` option: `,
      );
    }
  });
});

describe('close', () => {
  it('is final: a later call is STORAGE_UNAVAILABLE (503), never an answer from a fresh database', async () => {
    const apiKeys = createApiKeys({ database: { url: ':memory:' } });
    const { key } = await apiKeys.create({ ...base, name: 'a' });
    await apiKeys.close();
    for (const call of [
      apiKeys.verify(key),
      apiKeys.list({ consumerId: base.consumerId }),
      apiKeys.ready(),
    ]) {
      await expect(call).rejects.toMatchObject({
        code: 'STORAGE_UNAVAILABLE',
        message: expect.stringContaining('closed'),
      });
    }
    await expect(apiKeys.close()).resolves.toBeUndefined();
  });

  it('is final even when storage was still opening', async () => {
    const apiKeys = createApiKeys({ database: { url: testDatabase().url } });
    const opening = apiKeys.ready();
    await apiKeys.close();
    await opening;
    await expect(apiKeys.create({ ...base, name: 'late' })).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
  });

  it('is final even when a failed open is retried while it closes', async () => {
    const store = createDrizzleStore({ url: testDatabase().url });
    let opens = 0;
    const apiKeys = createApiKeys({
      storage: {
        ...store,
        init: async () => {
          opens++;
          if (opens === 1) throw new Error('disk not mounted yet');
          return store.init();
        },
      },
    });
    const first = apiKeys.ready();
    const closing = apiKeys.close();
    const retried = first.catch(() => apiKeys.ready());
    await closing;
    await expect(retried).rejects.toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
    await expect(apiKeys.list({ consumerId: base.consumerId })).rejects.toMatchObject({
      code: 'STORAGE_UNAVAILABLE',
    });
    expect(opens).toBe(1);
  });

  it('finishes while verifications keep arriving: those needing storage after it began are refused', async () => {
    // Storage across a network (a remote libsql server): every read and spend takes a while.
    const store = createDrizzleStore({ url: testDatabase().url });
    const later = () => new Promise((resolve) => setTimeout(resolve, 1));
    const apiKeys = createApiKeys({
      storage: {
        ...store,
        findByHash: async (hash) => {
          await later();
          return store.findByHash(hash);
        },
        spendUsage: async (...spend) => {
          await later();
          return store.spendUsage(...spend);
        },
      },
      cache: { ttlMs: 0 },
    });
    const metered = await apiKeys.create({ ...base, name: 'metered', remaining: 1_000_000 });
    const plain = await apiKeys.create({ ...base, name: 'plain' });
    // Requests arriving on every turn of the event loop, whether or not earlier ones are answered,
    // as at a busy server: at most 3 000 of them.
    const late: Promise<string>[] = [];
    let closing: Promise<void> | undefined;
    let closedWhileArriving = false;
    for (let arrivals = 0; arrivals < 3000 && !closedWhileArriving; arrivals++) {
      const answer = apiKeys.verify(arrivals % 2 ? metered.key : plain.key).then(
        (result) => result.code,
        (error: { code: string }) => error.code,
      );
      if (closing !== undefined) late.push(answer);
      if (arrivals === 100) {
        closing = apiKeys.close().then(() => {
          closedWhileArriving = true;
        });
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(closedWhileArriving).toBe(true);
    expect(late.length).toBeGreaterThan(0);
    expect(new Set(await Promise.all(late))).toEqual(new Set(['STORAGE_UNAVAILABLE']));
  });

  it('counts every call it answered, however many arrive during its last flush', async () => {
    const database = testDatabase();
    const store = createDrizzleStore({ url: database.url });
    const apiKeys = createApiKeys({
      storage: {
        ...store,
        recordUsage: async (batch) => {
          await new Promise((resolve) => setTimeout(resolve, 20)); // a slow write
          return store.recordUsage(batch);
        },
      },
    });
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a' });
    let valid = 0;
    let closed = false;
    const verifyOnce = async () => {
      const result = await apiKeys.verify(key).catch(() => undefined);
      if (result?.valid) valid++;
    };
    await verifyOnce(); // the key is cached from here on
    const closing = apiKeys.close().then(() => {
      closed = true;
    });
    while (!closed) {
      await verifyOnce();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await closing;
    const reader = createApiKeys({ database: { url: database.url } });
    const { days } = await reader.usage(apiKey.id, { days: 1 });
    expect(days[0]?.counts.VALID).toBe(valid);
    await reader.close();
  });

  it('closes once, however often and however soon it is called again', async () => {
    const { store, calls } = countCalls(createDrizzleStore({ url: testDatabase().url }));
    const apiKeys = createApiKeys({ storage: store });
    await apiKeys.create({ ...base, name: 'a' });
    await Promise.all([apiKeys.close(), apiKeys.close()]);
    await apiKeys.close();
    expect(calls.get('close')).toBe(1);
  });
});
