import { type KeyLimitsInput, LatchkeyError } from '@latchkey/core';
import { storageFailure } from '@latchkey/core/http';
import { PERMISSIONS } from '@latchkey/test-support';
import { createTRPCClient, httpBatchLink, type TRPCClientError } from '@trpc/client';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import type { ApiKeyAuthorize } from './authorization.js';
import { createApiKeyPlugin } from './create-api-key-plugin.js';
import { brokenApiKeys, testApiKeys } from './test-support/api-keys.js';
import { admin, member, rejection, userClient } from './test-support/clients.js';
import {
  barePlugin,
  callerContext,
  type HostRouter,
  hostApp,
  type SuperjsonHostRouter,
  superjsonHostApp,
} from './test-support/host-app.js';
import { serve, sessionHeaders } from './test-support/http-server.js';
import type { ApiKeyAction, ApiKeyUserAction } from './types.js';

const HOUR = 60 * 60 * 1000;

type Client = ReturnType<typeof userClient>['client'];

/** One call of each action config reports on, on the key `id`. */
const CALLS: Record<ApiKeyUserAction, (client: Client, id: string) => Promise<unknown>> = {
  list: (client) => client.apiKeys.list.query({}),
  get: (client, id) => client.apiKeys.get.query({ id }),
  create: (client) => client.apiKeys.create.mutate({ name: 'new' }),
  update: (client, id) => client.apiKeys.update.mutate({ id, name: 'renamed' }),
  roll: (client, id) => client.apiKeys.roll.mutate({ id }),
  revoke: (client, id) => client.apiKeys.revoke.mutate({ id }),
  auditLog: (client) => client.apiKeys.auditLog.query({}),
  usage: (client, id) => client.apiKeys.usage.query({ id }),
};

/** What `config` reports without `authorize`: every action allowed. */
const ALL_ALLOWED = Object.fromEntries(
  Object.keys(CALLS).map((action) => [action, true]),
) as Record<ApiKeyUserAction, boolean>;

describe('apiKeyRouter over HTTP', () => {
  it('manages a key from creation to roll and revocation, for the user’s own team', async () => {
    const { apiKeys, clock } = testApiKeys();
    const { url } = await serve(hostApp(apiKeys));
    const { client } = userClient(url, admin('team_a', 'user_1'));

    expect(await client.apiKeys.config.query()).toEqual({
      prefix: 'acme',
      permissions: [...PERMISSIONS],
      rateLimits: [],
      actions: ALL_ALLOWED,
      refusals: {},
    });

    const created = await client.apiKeys.create.mutate({
      name: '  Billing sync ',
      permissions: ['invoices:read'],
      metadata: { region: 'eu' },
      expiresAt: clock.now() + 24 * HOUR,
    });
    expect(created.key).toMatch(/^acme_/);
    expect(created.apiKey).toMatchObject({
      name: 'Billing sync',
      consumerId: 'team_a',
      ownerId: 'user_1',
      permissions: ['invoices:read'],
      metadata: { region: 'eu' },
      status: 'active',
      expiresAt: clock.now() + 24 * HOUR,
    });
    expect(await apiKeys.verify(created.key)).toMatchObject({ valid: true, consumerId: 'team_a' });
    const id = created.apiKey.id;
    expect(await client.apiKeys.get.query({ id })).toEqual(created.apiKey);

    clock.advance(1000);
    const updated = await client.apiKeys.update.mutate({
      id,
      name: 'Billing',
      permissions: ['invoices:read', 'invoices:write'],
      metadata: { region: 'us' },
      enabled: false,
      expiresAt: null,
    });
    expect(updated).toMatchObject({
      name: 'Billing',
      permissions: ['invoices:read', 'invoices:write'],
      metadata: { region: 'us' },
      enabled: false,
      status: 'disabled',
      expiresAt: null,
      updatedAt: clock.now(),
    });
    await client.apiKeys.update.mutate({ id, enabled: true });

    const rolled = await client.apiKeys.roll.mutate({ id, gracePeriodMs: HOUR });
    expect(rolled.previous).toMatchObject({
      id,
      expiresAt: clock.now() + HOUR,
      replacedById: rolled.apiKey.id,
    });
    expect(rolled.apiKey).toMatchObject({ rolledFromId: id, name: 'Billing', status: 'active' });
    expect((await apiKeys.verify(created.key)).valid).toBe(true);
    expect((await apiKeys.verify(rolled.key)).valid).toBe(true);
    clock.advance(HOUR);
    expect((await apiKeys.verify(created.key)).code).toBe('EXPIRED');

    const revoked = await client.apiKeys.revoke.mutate({ id: rolled.apiKey.id, reason: 'leaked' });
    expect(revoked).toMatchObject({
      status: 'revoked',
      revokedReason: 'leaked',
      revokedAt: clock.now(),
    });
    expect((await apiKeys.verify(rolled.key)).code).toBe('REVOKED');

    const log = await client.apiKeys.auditLog.query({ keyId: id });
    expect(log.items.map((event) => event.action)).toEqual([
      'rolled',
      'updated',
      'updated',
      'created',
    ]);
    expect(log.items.every((event) => event.actorId === 'user_1')).toBe(true);
  });

  it('pages keys and audit events with cursors', async () => {
    const { apiKeys, clock } = testApiKeys();
    const { url } = await serve(hostApp(apiKeys));
    const { client } = userClient(url, admin('team_a'));
    const names = ['one', 'two', 'three'];
    for (const name of names) {
      await client.apiKeys.create.mutate({ name });
      clock.advance(1);
    }

    const first = await client.apiKeys.list.query({ limit: 2 });
    expect(first.items.map((key) => key.name)).toEqual(['three', 'two']);
    expect(first.nextCursor).toEqual(expect.any(String));
    // as tRPC's useInfiniteQuery asks for the next page
    const second = await client.apiKeys.list.query({
      limit: 2,
      cursor: first.nextCursor,
      direction: 'forward',
    });
    expect(second).toEqual({ items: [expect.objectContaining({ name: 'one' })], nextCursor: null });
    expect((await client.apiKeys.list.query({})).items).toHaveLength(3);

    const events = await client.apiKeys.auditLog.query({ limit: 2 });
    expect(events.items).toHaveLength(2);
    const rest = await client.apiKeys.auditLog.query({ cursor: events.nextCursor });
    expect(rest).toEqual({
      items: [expect.objectContaining({ action: 'created' })],
      nextCursor: null,
    });
  });

  it('returns the secret only from create and roll, and never a hash', async () => {
    const { apiKeys } = testApiKeys();
    const { url } = await serve(hostApp(apiKeys));
    const { client, recorder } = userClient(url, admin('team_a'));
    const { key, apiKey } = await client.apiKeys.create.mutate({ name: 'k' });
    const rolled = await client.apiKeys.roll.mutate({ id: apiKey.id });
    await client.apiKeys.list.query({});
    await client.apiKeys.get.query({ id: apiKey.id });
    await client.apiKeys.update.mutate({ id: rolled.apiKey.id, name: 'k2' });
    await client.apiKeys.revoke.mutate({ id: rolled.apiKey.id });
    await client.apiKeys.auditLog.query({});

    const bodies = recorder.responses.map((response) => response.body);
    expect(bodies.filter((body) => body.includes(key))).toHaveLength(1);
    expect(bodies.filter((body) => body.includes(rolled.key))).toHaveLength(1);
    for (const body of bodies) {
      expect(body).not.toMatch(/"hash"/);
      expect(body).not.toMatch(/[0-9a-f]{64}/);
    }
  });

  it('maps core errors: CONFLICT, BAD_REQUEST with core’s message, NOT_FOUND', async () => {
    const { apiKeys, clock } = testApiKeys();
    const { url } = await serve(hostApp(apiKeys));
    const { client, recorder } = userClient(url, admin('team_a'));
    const { apiKey } = await client.apiKeys.create.mutate({ name: 'k' });
    await client.apiKeys.revoke.mutate({ id: apiKey.id });

    const conflict = await rejection(client.apiKeys.update.mutate({ id: apiKey.id, name: 'x' }));
    expect(recorder.last().status).toBe(409);
    expect(conflict.data).toMatchObject({ code: 'CONFLICT', latchkeyCode: 'INVALID_STATE' });
    expect(conflict.message).toBe('A revoked key cannot be changed.');

    const past = await rejection(
      client.apiKeys.create.mutate({ name: 'late', expiresAt: clock.now() - 1 }),
    );
    expect(recorder.last().status).toBe(400);
    expect(past.data).toMatchObject({ code: 'BAD_REQUEST', latchkeyCode: 'INVALID_INPUT' });
    expect(past.message).toBe('Invalid input: expiresAt: Expiry must be in the future.');

    const nothing = await rejection(client.apiKeys.update.mutate({ id: apiKey.id }));
    expect(nothing.data?.code).toBe('BAD_REQUEST');

    const missing = await rejection(client.apiKeys.get.query({ id: 'key_unknown' }));
    expect(recorder.last().status).toBe(404);
    expect(missing.data).toMatchObject({ code: 'NOT_FOUND', latchkeyCode: 'NOT_FOUND' });
    expect((await apiKeys.list({ consumerId: 'team_a' })).items).toHaveLength(1);
  });

  it('answers 503 without internals when storage is down', async () => {
    const { apiKeys } = brokenApiKeys();
    const { url } = await serve(hostApp(apiKeys));
    const { client, recorder } = userClient(url, admin('team_a'));
    for (const call of [
      () => client.apiKeys.list.query({}),
      () => client.apiKeys.create.mutate({ name: 'k' }),
      () => client.apiKeys.get.query({ id: 'key_x' }),
    ]) {
      const error = await rejection(call());
      expect(recorder.last().status).toBe(503);
      expect(error.message).toBe(storageFailure().message);
      expect(error.data).toMatchObject({
        code: 'SERVICE_UNAVAILABLE',
        latchkeyCode: 'STORAGE_UNAVAILABLE',
      });
      expect(recorder.last().body).not.toMatch(/sqlite|latchkey-plugin-test|not-a-database/i);
    }
  });

  it('counts a key’s verifications per day and outcome, for a chart', async () => {
    const { apiKeys, clock } = testApiKeys();
    const { url } = await serve(hostApp(apiKeys));
    const { client } = userClient(url, admin('team_a'));
    const { key, apiKey } = await client.apiKeys.create.mutate({
      name: 'k',
      permissions: ['invoices:read'],
    });
    await apiKeys.verify(key);
    await apiKeys.verify(key, { permissions: ['invoices:write'] });
    clock.advance(24 * HOUR);
    await apiKeys.verify(key);

    expect(await client.apiKeys.usage.query({ id: apiKey.id, days: 2 })).toEqual({
      keyId: apiKey.id,
      days: [
        { date: '2026-01-01', total: 2, counts: { VALID: 1, INSUFFICIENT_PERMISSIONS: 1 } },
        { date: '2026-01-02', total: 1, counts: { VALID: 1 } },
      ],
    });
    const { days } = await client.apiKeys.usage.query({ id: apiKey.id });
    expect(days).toHaveLength(30);
    expect(days.at(-1)?.date).toBe('2026-01-02');
    expect(days.slice(0, -2).every((day) => day.total === 0)).toBe(true);
  });

  it('lets authorize() refuse some actions to some members, changing nothing', async () => {
    const { apiKeys } = testApiKeys();
    const { url } = await serve(hostApp(apiKeys));
    const { apiKey } = await userClient(url, admin('team_a')).client.apiKeys.create.mutate({
      name: 'k',
    });
    const { client, recorder } = userClient(url, member('team_a'));

    expect((await client.apiKeys.list.query({})).items).toHaveLength(1);
    expect((await client.apiKeys.get.query({ id: apiKey.id })).name).toBe('k');
    expect((await client.apiKeys.auditLog.query({})).items).toHaveLength(1);
    expect((await client.apiKeys.config.query()).prefix).toBe('acme');
    expect((await client.apiKeys.usage.query({ id: apiKey.id, days: 1 })).days).toHaveLength(1);
    for (const call of [
      () => client.apiKeys.create.mutate({ name: 'mine' }),
      () => client.apiKeys.update.mutate({ id: apiKey.id, name: 'renamed' }),
      () => client.apiKeys.revoke.mutate({ id: apiKey.id }),
      () => client.apiKeys.roll.mutate({ id: apiKey.id }),
      // refused before input validation: bad input tells a refused user nothing either
      () => client.apiKeys.create.mutate({ name: '' }),
    ]) {
      expect((await rejection(call())).data?.code).toBe('FORBIDDEN');
      expect(recorder.last().status).toBe(403);
    }
    const { items } = await apiKeys.list({ consumerId: 'team_a' });
    expect(items).toEqual([expect.objectContaining({ name: 'k', status: 'active' })]);
  });

  it('config tells each user which actions authorize() allows, as the procedures then answer', async () => {
    const { apiKeys } = testApiKeys();
    const { url } = await serve(hostApp(apiKeys));
    const admins = userClient(url, admin('team_a')).client;
    const members = userClient(url, member('team_a')).client;
    const refused = 'You may not manage API keys.';

    const forMember = await members.apiKeys.config.query();
    expect(forMember.actions).toEqual({
      ...ALL_ALLOWED,
      create: false,
      update: false,
      revoke: false,
      roll: false,
    });
    expect(forMember.refusals).toEqual({
      create: refused,
      update: refused,
      revoke: refused,
      roll: refused,
    });
    const forAdmin = await admins.apiKeys.config.query();
    expect([forAdmin.actions, forAdmin.refusals]).toEqual([ALL_ALLOWED, {}]);

    // Each procedure answers as config said: refused ones 403 with the reason config gave.
    for (const [client, config] of [
      [members, forMember],
      [admins, forAdmin],
    ] as const) {
      for (const action of Object.keys(CALLS) as ApiKeyUserAction[]) {
        const { apiKey } = await apiKeys.create({ consumerId: 'team_a', ownerId: 'u', name: 'k' });
        const outcome = await CALLS[action](client, apiKey.id).then(
          () => 'allowed',
          (error: TRPCClientError<HostRouter>) => `${error.data?.code}: ${error.message}`,
        );
        const expected = config.actions[action] ? 'allowed' : `FORBIDDEN: ${refused}`;
        expect({ action, outcome }).toEqual({ action, outcome: expected });
      }
    }
  });

  it('config and the 403 give the reason authorize() returns or throws; only true allows', async () => {
    const { apiKeys } = testApiKeys();
    const t = initTRPC.create();
    const answers: Partial<Record<ApiKeyAction, () => unknown>> = {
      create: () => ({ reason: 'Only admins may create API keys.' }),
      revoke: () => {
        throw new TRPCError({ code: 'FORBIDDEN', message: 'Revoking is off for this team.' });
      },
      update: () => false,
      // plain JavaScript may answer anything: what is not `true` refuses
      roll: () => 'yes',
    };
    const plugin = (authorize?: ApiKeyAuthorize<object>) =>
      barePlugin(apiKeys, t.procedure, { authorize });
    const { apiKeyRouter } = plugin(({ action }) => (answers[action]?.() ?? true) as boolean);
    const caller = t.router({ apiKeys: apiKeyRouter }).createCaller({}).apiKeys;

    const config = await caller.config();
    expect(config.actions).toEqual({
      ...ALL_ALLOWED,
      create: false,
      update: false,
      revoke: false,
      roll: false,
    });
    expect(config.refusals).toEqual({
      create: 'Only admins may create API keys.',
      revoke: 'Revoking is off for this team.',
      update: 'You may not manage API keys.',
      roll: 'You may not manage API keys.',
    });
    const { apiKey } = await apiKeys.create({ consumerId: 'team_a', ownerId: 'u', name: 'k' });
    for (const [action, call] of [
      ['create', () => caller.create({ name: 'k' })],
      ['revoke', () => caller.revoke({ id: apiKey.id })],
      ['update', () => caller.update({ id: apiKey.id, name: 'x' })],
      ['roll', () => caller.roll({ id: apiKey.id })],
    ] as const) {
      await expect(call()).rejects.toMatchObject({
        code: 'FORBIDDEN',
        message: config.refusals[action],
      });
    }
    expect((await apiKeys.get(apiKey.id))?.status).toBe('active');

    // Without authorize, every action is allowed.
    const open = t.router({ apiKeys: plugin().apiKeyRouter }).createCaller({}).apiKeys;
    expect(await open.config()).toMatchObject({ actions: ALL_ALLOWED, refusals: {} });
  });

  it('refuses a create past maxKeysPerConsumer (default 100) with 403 KEY_LIMIT_REACHED', async () => {
    const { apiKeys } = testApiKeys();
    const { url } = await serve(hostApp(apiKeys));
    const { client, recorder } = userClient(url, admin('team_a'));
    const created = await Promise.all(
      Array.from({ length: 99 }, (_, i) =>
        apiKeys.create({ consumerId: 'team_a', ownerId: 'user_1', name: `k${i}` }),
      ),
    );
    await client.apiKeys.create.mutate({ name: 'the hundredth' });
    const refused = await rejection(client.apiKeys.create.mutate({ name: 'one too many' }));
    expect(recorder.last().status).toBe(403);
    expect(refused.message).toContain('100 live API keys');
    expect(refused.data).toMatchObject({ code: 'FORBIDDEN', latchkeyCode: 'KEY_LIMIT_REACHED' });
    // A revoked key frees its place.
    await client.apiKeys.revoke.mutate({ id: created[0]?.apiKey.id ?? '' });
    await client.apiKeys.create.mutate({ name: 'in its place' });
  });

  it('takes maxKeysPerConsumer as a whole number of at least 1, or null for no limit', async () => {
    const { apiKeys } = testApiKeys();
    const t = initTRPC.create();
    const plugin = (maxKeysPerConsumer: number | null) =>
      barePlugin(apiKeys, t.procedure, { maxKeysPerConsumer });
    for (const bad of [0, 1.5, -1, Number.POSITIVE_INFINITY]) {
      expect(() => plugin(bad)).toThrow(/maxKeysPerConsumer/);
    }
    const one = t.router({ apiKeys: plugin(1).apiKeyRouter }).createCaller({}).apiKeys;
    const unlimited = t.router({ apiKeys: plugin(null).apiKeyRouter }).createCaller({}).apiKeys;
    await one.create({ name: 'a' });
    await expect(one.create({ name: 'b' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await unlimited.create({ name: 'b' });
  });

  it('gives keys created through it the limits that limits() chooses, e.g. by plan', async () => {
    const { apiKeys } = testApiKeys();
    const t = initTRPC.context<{ plan: 'free' | 'pro' }>().create();
    const asked: string[] = [];
    const freeLimits = {
      rateLimits: [{ limit: 5, windowMs: 60_000 }],
      remaining: 2,
      refill: { amount: 2, intervalMs: 24 * HOUR },
    };
    const { apiKeyRouter } = createApiKeyPlugin({
      apiKeys,
      userProcedure: t.procedure,
      machineProcedure: t.procedure,
      consumer: ({ ctx }) => ({ consumerId: `team_${ctx.plan}`, ownerId: 'user_1' }),
      headers: () => null,
      limits: async ({ ctx, consumerId }) => {
        asked.push(consumerId);
        // Only the limits are taken, never a consumer from the answer.
        return ctx.plan === 'free' ? { ...freeLimits, consumerId: 'team_pro' } : {};
      },
    });
    const router = t.router({ apiKeys: apiKeyRouter });
    const free = router.createCaller({ plan: 'free' }).apiKeys;
    const pro = router.createCaller({ plan: 'pro' }).apiKeys;

    const freeKey = await free.create({ name: 'f' });
    expect(freeKey.apiKey).toMatchObject({
      consumerId: 'team_free',
      rateLimits: [{ name: 'default', limit: 5, windowMs: 60_000, per: 'key' }],
      remaining: 2,
      refill: freeLimits.refill,
    });
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await apiKeys.verify(freeKey.key)).code);
    expect(codes).toEqual(['VALID', 'VALID', 'USAGE_EXCEEDED']);
    const proKey = await pro.create({ name: 'p' });
    expect(proKey.apiKey).toMatchObject({ rateLimits: [], remaining: null, refill: null });
    // A roll keeps the key's limits, without asking again.
    const rolled = await free.roll({ id: freeKey.apiKey.id });
    expect(rolled.apiKey).toMatchObject({ rateLimits: freeKey.apiKey.rateLimits, remaining: 0 });
    expect(asked).toEqual(['team_free', 'team_pro']);
  });

  it('answers limits that core refuses with a 500 naming the option, and makes no key', async () => {
    const { apiKeys } = testApiKeys();
    const t = initTRPC.create();
    let answer: () => KeyLimitsInput = () => ({ remaining: -1 });
    const { apiKeyRouter } = barePlugin(apiKeys, t.procedure, { limits: () => answer() });
    const caller = t.router({ apiKeys: apiKeyRouter }).createCaller({}).apiKeys;
    const refused = await caller.create({ name: 'k' }).catch((error: TRPCError) => error);
    expect(refused).toMatchObject({ code: 'INTERNAL_SERVER_ERROR' });
    expect((refused as TRPCError).message).toContain('`limits` option');
    // What core refused is for the host's logs, not for the user.
    expect((refused as TRPCError).message).not.toContain('remaining');
    expect((refused as TRPCError).cause).toMatchObject({ code: 'INVALID_INPUT' });
    // A user's own bad input is still theirs to fix: 400.
    await expect(caller.create({ name: '' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // What the hook throws is answered as anywhere else: its own tRPC error, or core's code.
    answer = () => {
      throw new TRPCError({ code: 'PAYMENT_REQUIRED', message: 'Choose a plan first.' });
    };
    await expect(caller.create({ name: 'k' })).rejects.toMatchObject({ code: 'PAYMENT_REQUIRED' });
    answer = () => {
      throw new LatchkeyError('STORAGE_UNAVAILABLE');
    };
    await expect(caller.create({ name: 'k' })).rejects.toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
    });
    expect((await apiKeys.list({ consumerId: 'team_a' })).items).toEqual([]);
  });

  it('is behind the host’s user procedure', async () => {
    const { apiKeys } = testApiKeys();
    const { url } = await serve(hostApp(apiKeys));
    const client = createTRPCClient<ReturnType<typeof hostApp>>({
      links: [httpBatchLink({ url })],
    });
    expect((await rejection(client.apiKeys.list.query({}))).data?.code).toBe('UNAUTHORIZED');
    expect((await rejection(client.apiKeys.create.mutate({ name: 'k' }))).data?.code).toBe(
      'UNAUTHORIZED',
    );
    expect((await apiKeys.list({ consumerId: 'team_a' })).items).toEqual([]);
  });
});

describe('apiKeyRouter with superjson and through createCaller', () => {
  it('works through the host transformer', async () => {
    const { apiKeys } = testApiKeys();
    const { url } = await serve(superjsonHostApp(apiKeys));
    const client = createTRPCClient<SuperjsonHostRouter>({
      links: [
        httpBatchLink({ url, transformer: superjson, headers: sessionHeaders(admin('team_a')) }),
      ],
    });
    const { apiKey } = await client.apiKeys.create.mutate({ name: 'sj', metadata: { n: 1 } });
    expect(await client.apiKeys.list.query({})).toEqual({ items: [apiKey], nextCursor: null });
    const missing = await rejection(client.apiKeys.get.query({ id: 'key_unknown' }));
    expect(missing.data).toMatchObject({ code: 'NOT_FOUND', latchkeyCode: 'NOT_FOUND' });
  });

  it('works through createCaller', async () => {
    const { apiKeys } = testApiKeys();
    const caller = hostApp(apiKeys).createCaller(callerContext({ session: admin('team_a') }));
    const { apiKey } = await caller.apiKeys.create({ name: 'direct' });
    expect(await caller.apiKeys.get({ id: apiKey.id })).toEqual(apiKey);
    expect(
      await caller.apiKeys.update({ id: apiKey.id, name: undefined, enabled: false }),
    ).toMatchObject({
      name: 'direct',
      enabled: false,
    });
    await expect(caller.apiKeys.get({ id: 'key_unknown' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
