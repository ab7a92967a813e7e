import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { manualClock, tempDatabase } from '@latchkey/test-support';
import { createClient } from '@libsql/client';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { createApiKeys } from './api-keys.js';
import { createDrizzleStore } from './store/sqlite/index.js';
import { base, countCalls, setup, testDatabase } from './test-support/fixtures.js';

const MINUTE = 60_000;

type Instance = ReturnType<typeof setup>['apiKeys'];

/**
 * An instance that counts its storage calls and another on the same file, as another process
 * (or anything else writing to the database) would be.
 */
function twoInstances() {
  const database = testDatabase();
  const { store, calls } = countCalls(createDrizzleStore({ url: database.url }));
  const { apiKeys: here, clock } = setup({ storage: store });
  const { apiKeys: elsewhere } = setup({ database: { url: database.url }, clock: clock.now });
  return { here, elsewhere, clock, calls, database };
}

describe('rate limits', () => {
  it('100 concurrent calls against a limit of 10: exactly 10 valid, 90 RATE_LIMITED', async () => {
    const { apiKeys, clock } = setup();
    const { key } = await apiKeys.create({
      ...base,
      name: 'a',
      rateLimits: [{ limit: 10, windowMs: MINUTE }],
    });
    clock.advance(15_000); // 15 s into the window [0, 60 s) of the injected epoch-aligned clock
    const results = await Promise.all(Array.from({ length: 100 }, () => apiKeys.verify(key)));
    const valid = results.filter((r) => r.valid);
    const limited = results.filter((r) => r.code === 'RATE_LIMITED');
    expect(valid).toHaveLength(10);
    expect(limited).toHaveLength(90);
    for (const r of limited) {
      expect(r).toMatchObject({
        retryAfterMs: 45_000,
        rateLimit: { name: 'default', limit: 10, remaining: 0, resetAt: clock.now() + 45_000 },
      });
    }
    expect(valid.map((r) => r.valid && r.rateLimit?.remaining).sort()).toEqual([
      0, 1, 2, 3, 4, 5, 6, 7, 8, 9,
    ]);
  });

  it('a new window starts afresh; cost spends several units', async () => {
    const { apiKeys, clock } = setup();
    const { key } = await apiKeys.create({
      ...base,
      name: 'a',
      rateLimits: [{ limit: 10, windowMs: MINUTE }],
    });
    expect(await apiKeys.verify(key, { cost: 6 })).toMatchObject({ rateLimit: { remaining: 4 } });
    expect(await apiKeys.verify(key, { cost: 5 })).toMatchObject({ code: 'RATE_LIMITED' });
    expect(await apiKeys.verify(key, { cost: 4 })).toMatchObject({ rateLimit: { remaining: 0 } });
    clock.advance(MINUTE);
    expect(await apiKeys.verify(key, { cost: 10 })).toMatchObject({ valid: true });
    // Dearer than the whole limit: refused with no time to retry at, since none would pass it.
    const tooDear = await apiKeys.verify(key, { cost: 11 });
    expect(tooDear.code).toBe('RATE_LIMITED');
    expect(tooDear).not.toHaveProperty('retryAfterMs');
    for (const cost of [-1, 1.5, 1_000_001, '2']) {
      await expect(apiKeys.verify(key, { cost } as never)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        issues: [{ path: ['cost'] }],
      });
    }
    // Options of the wrong type are refused, never read as "no permission" or "no limit".
    for (const options of [{ permissions: 'invoices:read' }, { rateLimit: {} }]) {
      await expect(apiKeys.verify(key, options as never)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    }
  });

  it('named limits, defaults from the options, and a key overriding a default', async () => {
    const { apiKeys } = setup({ rateLimits: [{ limit: 2, windowMs: MINUTE }] });
    // The defaults as every key has them, for a UI to show; not to be changed from outside.
    expect(apiKeys.rateLimits).toEqual([
      { name: 'default', limit: 2, windowMs: MINUTE, per: 'key' },
    ]);
    expect(Object.isFrozen(apiKeys.rateLimits[0])).toBe(true);
    const plain = await apiKeys.create({ ...base, name: 'plain' });
    const special = await apiKeys.create({
      ...base,
      name: 'special',
      rateLimits: [
        { limit: 3, windowMs: MINUTE },
        { name: 'exports', limit: 1, windowMs: MINUTE },
      ],
    });
    const codes = async (key: string, n: number, rateLimit?: string) =>
      (
        await Promise.all(
          Array.from({ length: n }, () =>
            apiKeys.verify(key, rateLimit === undefined ? {} : { rateLimit }),
          ),
        )
      ).map((r) => r.code);
    expect(await codes(plain.key, 3)).toEqual(['VALID', 'VALID', 'RATE_LIMITED']);
    expect(await codes(special.key, 4)).toEqual(['VALID', 'VALID', 'VALID', 'RATE_LIMITED']);
    expect(await codes(special.key, 2, 'exports')).toEqual(['VALID', 'RATE_LIMITED']);
    expect(await codes(plain.key, 2, 'exports')).toEqual(['VALID', 'VALID']); // no such limit
  });

  it('a consumer-wide limit is shared by all keys of the consumer, and only theirs', async () => {
    const { apiKeys } = setup({ rateLimits: [{ limit: 3, windowMs: MINUTE, per: 'consumer' }] });
    const a = await apiKeys.create({ ...base, name: 'a' });
    const b = await apiKeys.create({ ...base, name: 'b' });
    const other = await apiKeys.create({ ...base, consumerId: 'team_2', name: 'c' });
    const order = [a, b, a, b, other];
    const results = [];
    for (const k of order) results.push((await apiKeys.verify(k.key)).code);
    expect(results).toEqual(['VALID', 'VALID', 'VALID', 'RATE_LIMITED', 'VALID']);
  });

  it('keeps apart the counters of limits that differ in owner, name or window', async () => {
    const { apiKeys } = setup();
    const sharing = (consumerId: string, windowMs: number, limitName = 'x') =>
      apiKeys.create({
        ...base,
        consumerId,
        name: `${consumerId} ${limitName}`,
        rateLimits: [{ name: limitName, limit: 2, windowMs, per: 'consumer' }],
      });
    // `org:1` + `x` would read as `org` + `1:x` if the counter's name were joined with colons.
    const a = await sharing('org:1', MINUTE);
    const b = await sharing('org', MINUTE, '1:x');
    // Two keys of one consumer sharing `x` with different windows: each window keeps its count.
    const c = await sharing('team_3', MINUTE);
    const d = await sharing('team_3', 7001);
    const codes = async (key: string, rateLimit: string) =>
      (await apiKeys.verify(key, { rateLimit })).code;
    expect([await codes(a.key, 'x'), await codes(a.key, 'x'), await codes(a.key, 'x')]).toEqual([
      'VALID',
      'VALID',
      'RATE_LIMITED',
    ]);
    expect(await codes(b.key, '1:x')).toBe('VALID');
    const alternating = [];
    for (let i = 0; i < 6; i++) alternating.push(await codes(i % 2 === 0 ? c.key : d.key, 'x'));
    expect(alternating).toEqual([
      'VALID',
      'VALID',
      'VALID',
      'VALID',
      'RATE_LIMITED',
      'RATE_LIMITED',
    ]);
  });

  it('a call refused by an earlier check spends nothing from the rate limit', async () => {
    const { apiKeys } = setup();
    const { key } = await apiKeys.create({
      ...base,
      name: 'a',
      permissions: ['invoices:read'],
      rateLimits: [{ limit: 1, windowMs: MINUTE }],
    });
    for (let i = 0; i < 5; i++) {
      const denied = await apiKeys.verify(key, { permissions: ['invoices:write'] });
      expect(denied.code).toBe('INSUFFICIENT_PERMISSIONS');
    }
    expect((await apiKeys.verify(key)).valid).toBe(true);
  });

  it('rejects bad limits at create and in the options', async () => {
    const { apiKeys } = setup();
    for (const rateLimits of [
      [{ limit: 0, windowMs: 1000 }],
      [{ limit: 1, windowMs: 0 }],
      [{ limit: 1, windowMs: 32 * 86_400_000 }],
      [
        { name: 'x', limit: 1, windowMs: 1000 },
        { name: 'x', limit: 2, windowMs: 1000 },
      ],
    ]) {
      await expect(apiKeys.create({ ...base, name: 'a', rateLimits })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    }
    expect(() => setup({ rateLimits: [{ limit: -1, windowMs: 1 }] })).toThrow(/rateLimits/);
  });
});

describe('usage limits', () => {
  it('spends `remaining` down to zero, then USAGE_EXCEEDED; rate-limited calls spend none', async () => {
    const { apiKeys } = setup();
    const { key, apiKey } = await apiKeys.create({
      ...base,
      name: 'a',
      remaining: 3,
      rateLimits: [{ limit: 2, windowMs: MINUTE }],
    });
    expect(await apiKeys.verify(key)).toMatchObject({ valid: true, remaining: 2 });
    expect(await apiKeys.verify(key)).toMatchObject({ valid: true, remaining: 1 });
    expect((await apiKeys.verify(key)).code).toBe('RATE_LIMITED');
    expect((await apiKeys.get(apiKey.id))?.remaining).toBe(1);
    await apiKeys.update(apiKey.id, { rateLimits: [] });
    expect(await apiKeys.verify(key)).toMatchObject({ valid: true, remaining: 0 });
    expect(await apiKeys.verify(key)).toEqual({
      valid: false,
      code: 'USAGE_EXCEEDED',
      keyId: apiKey.id,
    });
    await apiKeys.update(apiKey.id, { remaining: null });
    expect(await apiKeys.verify(key)).toMatchObject({ valid: true });
  });

  it('a call refused for its usage limit spends nothing from its rate limit', async () => {
    const { apiKeys } = setup();
    const { key, apiKey } = await apiKeys.create({
      ...base,
      name: 'a',
      remaining: 0,
      rateLimits: [{ limit: 2, windowMs: MINUTE }],
    });
    for (let i = 0; i < 3; i++) expect((await apiKeys.verify(key)).code).toBe('USAGE_EXCEEDED');
    await apiKeys.update(apiKey.id, { remaining: 10 });
    expect(await apiKeys.verify(key)).toMatchObject({ valid: true, rateLimit: { remaining: 1 } });
  });

  it('a call of cost 0 is free: spent limits do not refuse it, and it reports what is left', async () => {
    const { apiKeys } = setup();
    const { key, apiKey } = await apiKeys.create({
      ...base,
      name: 'a',
      remaining: 1,
      rateLimits: [{ limit: 1, windowMs: MINUTE }],
    });
    expect(await apiKeys.verify(key)).toMatchObject({ valid: true, remaining: 0 });
    expect((await apiKeys.verify(key)).code).toBe('RATE_LIMITED');
    const free = await apiKeys.verify(key, { cost: 0 });
    expect(free).toMatchObject({ valid: true, remaining: 0, rateLimit: { remaining: 0 } });
    expect((await apiKeys.get(apiKey.id))?.remaining).toBe(0);
    // A refused key is refused at cost 0 too: being free skips limits, not the key's own checks.
    await apiKeys.update(apiKey.id, { enabled: false });
    expect((await apiKeys.verify(key, { cost: 0 })).code).toBe('DISABLED');
  });

  it('uses set by hand restart the refill interval; a denial never says to retry in the past', async () => {
    const { apiKeys, clock } = setup();
    const { key, apiKey } = await apiKeys.create({
      ...base,
      name: 'a',
      refill: { amount: 10, intervalMs: MINUTE },
    });
    clock.advance(2 * MINUTE); // a refill is due
    expect((await apiKeys.update(apiKey.id, { remaining: 0 })).remaining).toBe(0);
    expect(await apiKeys.verify(key)).toMatchObject({
      code: 'USAGE_EXCEEDED',
      retryAfterMs: MINUTE,
    });
    clock.advance(MINUTE);
    // A refill gives 10: a call that costs 11 can never pass, whenever it is retried.
    const tooDear = await apiKeys.verify(key, { cost: 11 });
    expect(tooDear.code).toBe('USAGE_EXCEEDED');
    expect(tooDear).not.toHaveProperty('retryAfterMs');
    expect(await apiKeys.verify(key)).toMatchObject({ valid: true, remaining: 9 });
  });

  it('a refill below the cost promises no retry: no refill can ever cover the call', async () => {
    const { apiKeys, clock } = setup();
    const { key, apiKey } = await apiKeys.create({
      ...base,
      name: 'a',
      refill: { amount: 2, intervalMs: MINUTE },
    });
    const refused = { valid: false, code: 'USAGE_EXCEEDED', keyId: apiKey.id };
    expect(await apiKeys.verify(key, { cost: 3 })).toEqual(refused);
    expect(await apiKeys.verify(key, { cost: 2 })).toMatchObject({ valid: true, remaining: 0 });
    clock.advance(MINUTE / 4);
    expect(await apiKeys.verify(key, { cost: 3 })).toEqual(refused);
    // A call that the next refill covers is told when it comes.
    expect(await apiKeys.verify(key, { cost: 2 })).toEqual({
      ...refused,
      retryAfterMs: (3 * MINUTE) / 4,
    });
  });

  it.each([
    ['revoked', (elsewhere: Instance, id: string) => elsewhere.revoke(id), 'REVOKED'],
    [
      'disabled',
      (elsewhere: Instance, id: string) => elsewhere.update(id, { enabled: false }),
      'DISABLED',
    ],
    [
      'rolled without grace period',
      (elsewhere: Instance, id: string) => elsewhere.roll(id),
      'EXPIRED',
    ],
  ] as const)(
    'a key with a usage limit %s in another process stops at its next spend, cached or not',
    async (_, change, code) => {
      const { here, elsewhere, calls } = twoInstances();
      const { key, apiKey } = await here.create({ ...base, name: 'a', remaining: 10 });
      expect(await here.verify(key)).toMatchObject({ valid: true, remaining: 9 });
      await change(elsewhere, apiKey.id);
      calls.clear();

      // Its spend is refused by the key's own state in storage, and the stale entry is dropped.
      expect(await here.verify(key)).toEqual({ valid: false, code, keyId: apiKey.id });
      expect(await here.verify(key)).toEqual({ valid: false, code, keyId: apiKey.id });
      expect(await here.verify(key)).toEqual({ valid: false, code, keyId: apiKey.id });
      expect(calls.get('spendUsage')).toBe(1);
      expect(calls.get('findByHash')).toBe(1);
      expect((await here.get(apiKey.id))?.remaining).toBe(9);
      const { days } = await here.usage(apiKey.id, { days: 1 });
      expect(days[0]?.counts).toEqual({ VALID: 1, [code]: 3 });
    },
  );

  it('a key with a usage limit that expires by a change in another process stops at its expiry', async () => {
    const { here, elsewhere, clock } = twoInstances();
    const { key, apiKey } = await here.create({ ...base, name: 'a', remaining: 10 });
    expect(await here.verify(key)).toMatchObject({ valid: true, remaining: 9 });
    // Within the cache's TTL (10 s), where this process still holds the key without an expiry.
    await elsewhere.update(apiKey.id, { expiresAt: clock.now() + 5_000 });
    clock.advance(4_999);
    expect(await here.verify(key)).toMatchObject({ valid: true, remaining: 8 });
    clock.advance(1);
    expect(await here.verify(key)).toEqual({ valid: false, code: 'EXPIRED', keyId: apiKey.id });
    expect((await here.get(apiKey.id))?.remaining).toBe(8);
  });

  it('a key with a usage limit deleted from storage is NOT_FOUND at its next spend', async () => {
    const { here, database } = twoInstances();
    const { key, apiKey } = await here.create({ ...base, name: 'a', remaining: 10 });
    expect(await here.verify(key)).toMatchObject({ valid: true, remaining: 9 });
    const client = createClient({ url: database.url });
    await client.execute({ sql: 'delete from latchkey_keys where id = ?', args: [apiKey.id] });
    client.close();
    expect(await here.verify(key)).toEqual({ valid: false, code: 'NOT_FOUND' });
    expect(await here.verify(key)).toEqual({ valid: false, code: 'NOT_FOUND' });
  });

  it("a rolled key's own state stops its spends, not that of the key whose budget it spends", async () => {
    const { here, elsewhere } = twoInstances();
    const first = await here.create({ ...base, name: 'a', remaining: 10 });
    const second = await here.roll(first.apiKey.id, { gracePeriodMs: 10 * MINUTE });
    expect(await here.verify(first.key)).toMatchObject({ valid: true, remaining: 9 });
    // Revoking the new key leaves the old one its grace period, spending from the new key's uses.
    await elsewhere.revoke(second.apiKey.id);
    expect(await here.verify(first.key)).toMatchObject({ valid: true, remaining: 8 });
    await elsewhere.update(first.apiKey.id, { enabled: false });
    expect(await here.verify(first.key)).toEqual({
      valid: false,
      code: 'DISABLED',
      keyId: first.apiKey.id,
    });
    expect((await here.get(second.apiKey.id))?.remaining).toBe(8);
  });

  it('a roll does not copy the uses: through the grace period, old and new keys share one budget', async () => {
    const { apiKeys } = setup();
    const first = await apiKeys.create({ ...base, name: 'a', remaining: 6 });
    expect(await apiKeys.verify(first.key)).toMatchObject({ remaining: 5 });
    const second = await apiKeys.roll(first.apiKey.id, { gracePeriodMs: MINUTE });
    expect(second.apiKey.remaining).toBe(5);
    // Rolled again within the grace period: all three keys spend from the newest one.
    expect(await apiKeys.verify(second.key)).toMatchObject({ remaining: 4 });
    const third = await apiKeys.roll(second.apiKey.id, { gracePeriodMs: MINUTE });
    const all = [first.key, second.key, third.key];
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => apiKeys.verify(all[i % 3])),
    );
    expect(results.filter((result) => result.valid)).toHaveLength(4);
    expect(results.filter((result) => result.code === 'USAGE_EXCEEDED')).toHaveLength(8);
    expect((await apiKeys.get(third.apiKey.id))?.remaining).toBe(0);
    // Each key's record shows the budget that limits it, not a copy from before its roll.
    for (const { apiKey } of [first, second]) {
      expect((await apiKeys.get(apiKey.id))?.remaining).toBe(0);
    }
    const listed = (await apiKeys.list({ consumerId: base.consumerId })).items;
    expect(listed.map((key) => key.remaining)).toEqual([0, 0, 0]);
    // So do the answers to renaming and revoking a rolled key.
    expect(await apiKeys.update(first.apiKey.id, { name: 'renamed' })).toMatchObject({
      name: 'renamed',
      remaining: 0,
    });
    expect(await apiKeys.revoke(second.apiKey.id)).toMatchObject({
      status: 'revoked',
      remaining: 0,
    });
  });

  // Read by the native reader from a file, and by drizzle's prepared statement from `:memory:`.
  it.each([
    ['a file', {}],
    [':memory:', { database: { url: ':memory:' } }],
  ])(
    'a roll neither resets nor multiplies the rate: old and new keys share one count and one limit (%s)',
    async (_, options) => {
      const { apiKeys, clock } = setup(options);
      const first = await apiKeys.create({
        ...base,
        name: 'a',
        rateLimits: [{ limit: 4, windowMs: MINUTE }],
      });
      const valid = async (keys: string[], calls: number) => {
        const results = await Promise.all(
          Array.from({ length: calls }, (_, i) => apiKeys.verify(keys[i % keys.length] as string)),
        );
        return results.filter((result) => result.valid).length;
      };
      expect(await valid([first.key], 3)).toBe(3);
      // Rolled twice in the same window: one unit is left between all three keys, not 4 each.
      const second = await apiKeys.roll(first.apiKey.id, { gracePeriodMs: 10 * MINUTE });
      const third = await apiKeys.roll(second.apiKey.id, { gracePeriodMs: 10 * MINUTE });
      const all = [first.key, second.key, third.key];
      expect(await valid(all, 9)).toBe(1);
      // The new key's limit is the old keys' too: lowered, it binds all three in the next window.
      clock.advance(MINUTE);
      await apiKeys.update(third.apiKey.id, { rateLimits: [{ limit: 2, windowMs: MINUTE }] });
      expect(await valid(all, 9)).toBe(2);
      expect(await apiKeys.get(first.apiKey.id)).toMatchObject({ rateLimits: [{ limit: 2 }] });
    },
  );

  it('a limit set on the new key after a roll binds the old key too, cached or not', async () => {
    const { apiKeys } = setup();
    const first = await apiKeys.create({ ...base, name: 'a' }); // no usage limit
    const second = await apiKeys.roll(first.apiKey.id, { gracePeriodMs: MINUTE });
    expect((await apiKeys.verify(first.key)).valid).toBe(true); // cached as unlimited
    await apiKeys.update(second.apiKey.id, { remaining: 3 });
    expect(await apiKeys.get(first.apiKey.id)).toMatchObject({ remaining: 3 });
    const results = [];
    for (let i = 0; i < 10; i++) results.push(await apiKeys.verify(i % 2 ? second.key : first.key));
    expect(results.filter((result) => result.valid)).toHaveLength(3);
  });

  /** `setup()` whose rolls run `beforeReplace` after reading the old key, before writing. */
  function rollingWithALateUpdate() {
    const store = createDrizzleStore({ url: testDatabase().url });
    const late: { beforeReplace?: () => Promise<unknown> } = {};
    const fixtures = setup({
      storage: {
        ...store,
        replaceKey: async (...replacing) => {
          await late.beforeReplace?.();
          return store.replaceKey(...replacing);
        },
      },
    });
    return { ...fixtures, late };
  }

  it('an expiry set while a roll commits is kept, on the new key and on the old one', async () => {
    const { apiKeys, clock, late } = rollingWithALateUpdate();
    const { apiKey } = await apiKeys.create({ ...base, name: 'a' }); // no expiry when read
    const soon = clock.now() + 10_000; // before the grace period ends
    late.beforeReplace = () => apiKeys.update(apiKey.id, { expiresAt: soon });
    const rolled = await apiKeys.roll(apiKey.id, { gracePeriodMs: MINUTE });
    expect(rolled.apiKey.expiresAt).toBe(soon);
    expect(rolled.previous.expiresAt).toBe(soon);
    expect((await apiKeys.get(apiKey.id))?.expiresAt).toBe(soon);
    expect((await apiKeys.get(rolled.apiKey.id))?.expiresAt).toBe(soon);
    // The audit trail claims no expiry the key does not have: only when the grace period ends.
    const { items } = await apiKeys.auditLog({ consumerId: base.consumerId, keyId: apiKey.id });
    expect(items.find((event) => event.action === 'rolled')?.details).toEqual({
      newKeyId: rolled.apiKey.id,
      gracePeriodMs: MINUTE,
      expiresBy: clock.now() + MINUTE,
    });
  });

  it('an expiry lifted while a roll commits leaves the old key its whole grace period', async () => {
    const { apiKeys, clock, late } = rollingWithALateUpdate();
    const { key, apiKey } = await apiKeys.create({
      ...base,
      name: 'a',
      expiresAt: clock.now() + 10_000, // when read by the roll
    });
    late.beforeReplace = () => apiKeys.update(apiKey.id, { expiresAt: null });
    const rolled = await apiKeys.roll(apiKey.id, { gracePeriodMs: 10 * MINUTE });
    expect(rolled.apiKey.expiresAt).toBeNull();
    expect(rolled.previous.expiresAt).toBe(clock.now() + 10 * MINUTE);
    clock.advance(MINUTE);
    expect((await apiKeys.verify(key)).code).toBe('VALID');
    expect((await apiKeys.get(apiKey.id))?.expiresAt).toBe(rolled.previous.expiresAt);
  });

  it('a rate limit changed while a roll commits is the one the new key carries on', async () => {
    const { apiKeys, late } = rollingWithALateUpdate();
    const { key, apiKey } = await apiKeys.create({
      ...base,
      name: 'a',
      rateLimits: [{ limit: 2, windowMs: MINUTE }],
    });
    const longer = [{ name: 'default', limit: 2, windowMs: 2 * MINUTE, per: 'key' as const }];
    late.beforeReplace = async () => {
      await apiKeys.update(apiKey.id, { rateLimits: longer });
      await apiKeys.verify(key);
      await apiKeys.verify(key);
    };
    const rolled = await apiKeys.roll(apiKey.id, { gracePeriodMs: MINUTE });
    expect(rolled.previous.rateLimits).toEqual(longer);
    expect(rolled.apiKey.rateLimits).toEqual(longer);
    expect((await apiKeys.verify(rolled.key)).code).toBe('RATE_LIMITED');
  });

  it('a refund after a roll gives the unit back to the count the keys share', async () => {
    const { apiKeys } = setup();
    const { key, apiKey } = await apiKeys.create({
      ...base,
      name: 'a',
      rateLimits: [{ limit: 2, windowMs: MINUTE }],
    });
    const first = await apiKeys.verify(key);
    await apiKeys.verify(key);
    if (!first.valid) throw new Error('the key does not verify');
    const rolled = await apiKeys.roll(apiKey.id, { gracePeriodMs: MINUTE });
    await apiKeys.refund(first); // the call before the roll was refused after all
    expect((await apiKeys.verify(rolled.key)).code).toBe('VALID');
    expect((await apiKeys.verify(key)).code).toBe('RATE_LIMITED');
  });

  it('an update during a roll is on the new key, or refused: never lost', async () => {
    const { apiKeys } = setup();
    for (let round = 0; round < 10; round++) {
      const { apiKey } = await apiKeys.create({
        ...base,
        name: 'a',
        permissions: ['invoices:read', 'invoices:write'],
        remaining: 10,
      });
      const [rolling, updating] = await Promise.allSettled([
        apiKeys.roll(apiKey.id, { gracePeriodMs: MINUTE }),
        apiKeys.update(apiKey.id, { permissions: ['invoices:read'], enabled: false, remaining: 3 }),
      ]);
      if (rolling.status === 'rejected') throw rolling.reason;
      const stored = await apiKeys.get(rolling.value.apiKey.id);
      expect(stored).toEqual(rolling.value.apiKey);
      // The update came first and the new key has it, or came after and was refused: never an
      // update that succeeded and a new key without it.
      if (updating.status === 'fulfilled') {
        expect(stored).toMatchObject({
          permissions: ['invoices:read'],
          enabled: false,
          remaining: 3,
        });
      } else {
        expect(updating.reason).toMatchObject({ code: 'INVALID_STATE' });
        expect(stored).toMatchObject({ permissions: apiKey.permissions, enabled: true });
      }
    }
  });

  it('refills to `amount` every interval; a denial says when the next refill comes', async () => {
    const { apiKeys, clock } = setup();
    const { key, apiKey } = await apiKeys.create({
      ...base,
      name: 'a',
      refill: { amount: 2, intervalMs: 10 * MINUTE },
    });
    expect(apiKey).toMatchObject({ remaining: 2, refill: { amount: 2, intervalMs: 10 * MINUTE } });
    await apiKeys.verify(key);
    await apiKeys.verify(key);
    clock.advance(4 * MINUTE);
    expect(await apiKeys.verify(key)).toMatchObject({
      code: 'USAGE_EXCEEDED',
      retryAfterMs: 6 * MINUTE,
    });
    clock.advance(6 * MINUTE);
    expect((await apiKeys.get(apiKey.id))?.remaining).toBe(2);
    expect(await apiKeys.verify(key, { cost: 2 })).toMatchObject({ valid: true, remaining: 0 });
    clock.advance(25 * MINUTE); // two intervals later: one refill, not two
    expect(await apiKeys.verify(key)).toMatchObject({ valid: true, remaining: 1 });
    expect(await apiKeys.verify(key)).toMatchObject({ valid: true, remaining: 0 });
    expect(await apiKeys.verify(key)).toMatchObject({ retryAfterMs: 5 * MINUTE });
  });

  it('concurrent verifications share one commit, and each result carries its own `remaining`', async () => {
    const database = tempDatabase();
    const client = createClient({ url: database.url });
    const { apiKeys } = setup({ database: client });
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'busy', remaining: 50 });
    await apiKeys.verify(key); // cached, so that every call below goes straight to the spend
    let commits = 0;
    const batch = client.batch.bind(client);
    client.batch = (statements, mode) => {
      commits++;
      return batch(statements, mode);
    };

    const results = await Promise.all(Array.from({ length: 100 }, () => apiKeys.verify(key)));
    const remainingSeen = results.flatMap((result) => (result.valid ? [result.remaining] : []));
    // 49 left after the first call: 49 more pass, each told a different count, down to 0.
    expect(remainingSeen.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: 49 }, (_, i) => i),
    );
    expect(results.filter((result) => result.code === 'USAGE_EXCEEDED')).toHaveLength(51);
    expect(commits).toBe(1);
    expect((await apiKeys.get(apiKey.id))?.remaining).toBe(0);
    await apiKeys.close();
    client.close();
    database.remove();
  });

  it('close() waits for verifications under way: none is refused, lost or left uncounted', async () => {
    const database = tempDatabase();
    const { apiKeys } = setup({ database: { url: database.url } });
    const { key: metered, apiKey } = await apiKeys.create({ ...base, name: 'm', remaining: 5 });
    const { key: cold, apiKey: coldKey } = await apiKeys.create({
      ...base,
      name: 'c',
      remaining: 5,
    });
    const { key: plain, apiKey: plainKey } = await apiKeys.create({ ...base, name: 'p' });
    await apiKeys.verify(metered);
    // a spend for a cached key, a read that ends in a spend, and a read
    const inFlight = [apiKeys.verify(metered), apiKeys.verify(cold), apiKeys.verify(plain)];
    await apiKeys.close();
    expect(await Promise.all(inFlight)).toMatchObject([
      { valid: true, remaining: 3 },
      { valid: true, remaining: 4 },
      { valid: true },
    ]);
    const { apiKeys: reopened } = setup({ database: { url: database.url } });
    expect((await reopened.get(apiKey.id))?.remaining).toBe(3);
    expect((await reopened.get(coldKey.id))?.remaining).toBe(4);
    const total = async (id: string) =>
      (await reopened.usage(id, { days: 1 })).days.reduce((sum, day) => sum + day.total, 0);
    expect([await total(apiKey.id), await total(coldKey.id), await total(plainKey.id)]).toEqual([
      2, 1, 1,
    ]);
    await reopened.close();
    database.remove();
  });

  it('200 concurrent verifications in two processes on one file: exactly `remaining` (50) pass', async () => {
    const database = tempDatabase();
    const { apiKeys } = setup({ database: { url: database.url } });
    const { key } = await apiKeys.create({ ...base, name: 'shared', remaining: 50 });
    const worker = fileURLToPath(new URL('./test-support/spend-worker.ts', import.meta.url));
    const processes = [0, 1].map(() =>
      spawn(
        process.execPath,
        ['--conditions=@latchkey/source', '--import', 'tsx', worker, database.url, key, '100'],
        { stdio: ['pipe', 'pipe', 'inherit'] },
      ),
    );
    const outputs = processes.map(
      (child) =>
        new Promise<string[]>((resolve, reject) => {
          const lines: string[] = [];
          let buffer = '';
          child.stdout.on('data', (chunk: Buffer) => {
            buffer += chunk.toString();
            const parts = buffer.split('\n');
            buffer = parts.pop() ?? '';
            for (const line of parts) {
              lines.push(line);
              if (line === 'ready' && ++readyCount === processes.length) {
                for (const p of processes) p.stdin.write('go\n');
              }
            }
          });
          child.on('exit', (code) =>
            code === 0 ? resolve(lines) : reject(new Error(`worker exited ${code}`)),
          );
        }),
    );
    let readyCount = 0;
    const results = (await Promise.all(outputs)).map((lines) => JSON.parse(lines.at(-1) ?? '{}'));
    expect(results.reduce((sum, r) => sum + r.valid, 0)).toBe(50);
    expect(results.reduce((sum, r) => sum + r.exceeded, 0)).toBe(150);
    database.remove();
  }, 60_000);
});

describe('usage analytics and batched writes', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('counts verifications per UTC day and outcome, zero-filled', async () => {
    const { apiKeys, clock } = setup();
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a', permissions: [] });
    clock.advance(86_400_000 - 1000); // the last second of 2026-01-01
    await apiKeys.verify(key);
    await apiKeys.verify(key, { permissions: ['invoices:read'] });
    clock.advance(2000); // 2026-01-02
    await apiKeys.verify(key);
    await apiKeys.verify(key);
    await apiKeys.update(apiKey.id, { enabled: false });
    await apiKeys.verify(key);
    const { days } = await apiKeys.usage(apiKey.id, { days: 3 });
    expect(days).toEqual([
      { date: '2025-12-31', total: 0, counts: {} },
      { date: '2026-01-01', total: 2, counts: { VALID: 1, INSUFFICIENT_PERMISSIONS: 1 } },
      { date: '2026-01-02', total: 3, counts: { VALID: 2, DISABLED: 1 } },
    ]);
    await expect(apiKeys.usage(apiKey.id, { consumerId: 'team_2' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('usage() shows the calls not yet written, and a dashboard polling it writes nothing', async () => {
    const database = tempDatabase();
    const { store, calls } = countCalls(createDrizzleStore({ url: database.url }));
    const { apiKeys } = setup({ storage: store, flushIntervalMs: 60_000 });
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a', permissions: [] });
    await apiKeys.verify(key);
    await apiKeys.verify(key);
    await apiKeys.verify(key, { permissions: ['invoices:read'] });
    for (let poll = 0; poll < 5; poll++) {
      const { days } = await apiKeys.usage(apiKey.id, { days: 1 });
      expect(days[0]).toMatchObject({
        total: 3,
        counts: { VALID: 2, INSUFFICIENT_PERMISSIONS: 1 },
      });
    }
    expect(calls.get('recordUsage') ?? 0).toBe(0);
    // Written once, they are counted once: from storage, no longer from memory.
    await apiKeys.flush();
    await apiKeys.verify(key);
    const { days } = await apiKeys.usage(apiKey.id, { days: 1 });
    expect(days[0]).toMatchObject({ total: 4, counts: { VALID: 3, INSUFFICIENT_PERMISSIONS: 1 } });
    expect(calls.get('recordUsage')).toBe(1);
    database.remove();
  });

  it('usage() read while a flush is written counts each call once', async () => {
    const database = tempDatabase();
    const real = createDrizzleStore({ url: database.url });
    // The read is made, then held while the flush writes: what it saw is from before the write.
    let hold: Promise<void> | undefined;
    let readMade = () => {};
    const store = new Proxy(real, {
      get(target, property, receiver) {
        if (property !== 'readUsage') return Reflect.get(target, property, receiver);
        return async (...args: Parameters<typeof real.readUsage>) => {
          const rows = await real.readUsage(...args);
          readMade();
          await hold;
          return rows;
        };
      },
    });
    const { apiKeys } = setup({ storage: store, flushIntervalMs: 60_000 });
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a' });
    await apiKeys.verify(key);
    await apiKeys.verify(key);

    let release = () => {};
    hold = new Promise((resolve) => {
      release = resolve;
    });
    const read = new Promise<void>((resolve) => {
      readMade = resolve;
    });
    const usage = apiKeys.usage(apiKey.id, { days: 1 });
    await read;
    hold = undefined; // the read made again is not held
    await apiKeys.flush();
    release();
    expect((await usage).days[0]?.counts).toEqual({ VALID: 2 });
    database.remove();
  });

  it('usage() with a flush during every read writes first, then reads: behind, never twice', async () => {
    const database = tempDatabase();
    const real = createDrizzleStore({ url: database.url });
    let duringRead = async () => {};
    const store = new Proxy(real, {
      get(target, property, receiver) {
        if (property !== 'readUsage') return Reflect.get(target, property, receiver);
        return async (...args: Parameters<typeof real.readUsage>) => {
          const rows = await real.readUsage(...args);
          await duringRead();
          return rows;
        };
      },
    });
    const { apiKeys } = setup({ storage: store, flushIntervalMs: 60_000 });
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a' });
    await apiKeys.verify(key);
    duringRead = async () => {
      await apiKeys.verify(key);
      await apiKeys.flush();
    };
    // Three reads, each with a flush during it, then the flush and the read that count: the
    // call made during that last read is after it.
    const { days } = await apiKeys.usage(apiKey.id, { days: 1 });
    expect(days[0]?.counts).toEqual({ VALID: 4 });
    database.remove();
  });

  it('at most one write per flush interval, whatever the load', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const database = tempDatabase();
    const { store, calls } = countCalls(createDrizzleStore({ url: database.url }));
    const clock = manualClock();
    const { apiKeys } = setup({ storage: store, clock: clock.now, flushIntervalMs: 1000 });
    const keys = await Promise.all(
      ['a', 'b', 'c'].map((name) => apiKeys.create({ ...base, name })),
    );
    for (let round = 1; round <= 3; round++) {
      for (let i = 0; i < 3000; i++) await apiKeys.verify(keys[i % 3]?.key);
      expect(calls.get('recordUsage') ?? 0).toBe(round - 1);
      await vi.advanceTimersByTimeAsync(1000);
      await apiKeys.flush(); // waits for the timer's flush to finish
      expect(calls.get('recordUsage')).toBe(round);
    }
    const { days } = await apiKeys.usage(keys[0]?.apiKey.id ?? '', { days: 1 });
    expect(days[0]?.counts).toEqual({ VALID: 3000 });
    database.remove();
  });
});

describe('refund: a request refused after a valid verification spends nothing', () => {
  it('gives back rate-limit units and remaining uses, and recounts the outcome', async () => {
    const { apiKeys } = setup();
    const { key, apiKey } = await apiKeys.create({
      ...base,
      name: 'a',
      remaining: 2,
      rateLimits: [{ limit: 2, windowMs: MINUTE }],
    });
    const first = await apiKeys.verify(key);
    if (!first.valid) throw new Error('expected a valid key');
    expect(first).toMatchObject({ remaining: 1, rateLimit: { remaining: 1 } });
    await apiKeys.refund(first);
    expect((await apiKeys.get(apiKey.id))?.remaining).toBe(2);
    expect(await apiKeys.verify(key)).toMatchObject({ remaining: 1, rateLimit: { remaining: 1 } });
    expect(await apiKeys.verify(key)).toMatchObject({ remaining: 0, rateLimit: { remaining: 0 } });
    expect((await apiKeys.verify(key)).code).toBe('RATE_LIMITED');
    const { days } = await apiKeys.usage(apiKey.id, { days: 1 });
    expect(days[0]?.counts).toEqual({ VALID: 2, INSUFFICIENT_PERMISSIONS: 1, RATE_LIMITED: 1 });
  });

  it('gives back what was spent only once, however often it is called', async () => {
    const {
      apiKeys,
      apiKeys: { refund },
    } = setup();
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a', remaining: 5 });
    const spent = await apiKeys.verify(key);
    if (!spent.valid) throw new Error('expected a valid key');
    await Promise.all([refund(spent), refund(spent), refund(spent)]);
    expect((await apiKeys.get(apiKey.id))?.remaining).toBe(5);
  });

  it("gives back only what this instance spent: another instance's result, or a copy, gives nothing", async () => {
    const { apiKeys, database } = setup();
    const other = createApiKeys({ database: { url: database.url }, prefix: 'acme' });
    onTestFinished(() => other.close());
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a', remaining: 5 });
    const spent = await other.verify(key);
    if (!spent.valid) throw new Error('expected a valid key');
    // What a user sees of a result that spent something: its fields, as data.
    expect(JSON.parse(JSON.stringify(spent))).toEqual({ ...spent });
    expect(spent).toMatchObject({ keyId: apiKey.id, remaining: 4 });
    await apiKeys.refund(spent);
    await other.refund({ ...spent });
    expect((await apiKeys.get(apiKey.id))?.remaining).toBe(4);
    await other.refund(spent);
    expect((await apiKeys.get(apiKey.id))?.remaining).toBe(5);
  });

  it('counts the call only under a refusal code, never VALID or a name that is no code', async () => {
    const { apiKeys } = setup();
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a', remaining: 5 });
    const spent = await apiKeys.verify(key);
    if (!spent.valid) throw new Error('expected a valid key');
    for (const code of ['VALID', 'MALFORMED', '__proto__', 'bogus']) {
      await expect(apiKeys.refund(spent, code as never)).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        issues: [{ path: ['code'] }],
      });
    }
    expect((await apiKeys.get(apiKey.id))?.remaining).toBe(4); // nothing was given back
    await apiKeys.refund(spent, 'RATE_LIMITED');
    const { days } = await apiKeys.usage(apiKey.id, { days: 1 });
    expect(days[0]?.counts).toEqual({ RATE_LIMITED: 1 });
  });

  it('does not give back uses that a refill has reset since', async () => {
    const { apiKeys, clock } = setup();
    const { key, apiKey } = await apiKeys.create({
      ...base,
      name: 'a',
      refill: { amount: 3, intervalMs: MINUTE },
    });
    const spent = await apiKeys.verify(key);
    if (!spent.valid) throw new Error('expected a valid key');
    clock.advance(MINUTE);
    expect(await apiKeys.verify(key)).toMatchObject({ remaining: 2 }); // refilled to 3, spent 1
    await apiKeys.refund(spent);
    expect((await apiKeys.get(apiKey.id))?.remaining).toBe(2);
  });

  it('close() waits for a refund under way: the use given back is written', async () => {
    const database = tempDatabase();
    const store = createDrizzleStore({ url: database.url });
    // The refund's statement waits for `reply`, as one to a remote database waits for its answer.
    let reply = () => {};
    const replied = new Promise<void>((resolve) => {
      reply = resolve;
    });
    const { apiKeys } = setup({
      storage: {
        ...store,
        refundUsage: async (...args) => {
          await replied;
          return store.refundUsage(...args);
        },
      },
    });
    const { key, apiKey } = await apiKeys.create({ ...base, name: 'a', remaining: 5 });
    const spent = await apiKeys.verify(key);
    if (!spent.valid) throw new Error('expected a valid key');
    const refunding = apiKeys.refund(spent);
    const closing = apiKeys.close();
    setImmediate(reply); // after every step of close() that does not wait for it
    await Promise.all([refunding, closing]);
    const { apiKeys: reopened } = setup({ database: { url: database.url } });
    expect((await reopened.get(apiKey.id))?.remaining).toBe(5);
    await reopened.close();
    database.remove();
  });
});
