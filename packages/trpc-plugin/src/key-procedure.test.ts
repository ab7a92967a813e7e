import type { ApiKeys } from '@latchkey/core';
import { AUTH_FAILURE_MESSAGES, storageFailure } from '@latchkey/core/http';
import type { manualClock, Permission } from '@latchkey/test-support';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { initTRPC, type TRPC_ERROR_CODE_KEY, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { LatchkeyCode } from './latchkey-error-data.js';
import { brokenApiKeys, testApiKeys } from './test-support/api-keys.js';
import { rejection } from './test-support/clients.js';
import {
  type BareHostRouter,
  bareHostApp,
  callerContext,
  type HostRouter,
  hostApp,
  keyPluginOn,
  type SuperjsonHostRouter,
  superjsonHostApp,
  TEAM,
} from './test-support/host-app.js';
import { recordingFetch, serve } from './test-support/http-server.js';

/** A machine calling the host app over HTTP, sending `headers` with every request. */
async function machine(
  app: typeof hostApp | typeof bareHostApp,
  apiKeys: ApiKeys<Permission>,
  headers: Record<string, string>,
) {
  const { url } = await serve(app(apiKeys));
  const recorder = recordingFetch();
  const client = createTRPCClient<HostRouter | BareHostRouter>({
    links: [httpBatchLink({ url, headers, fetch: recorder.fetch })],
  });
  return { client, recorder };
}

describe('keyProcedure over HTTP', () => {
  it('gives a machine with a valid key its consumer', async () => {
    const { apiKeys } = testApiKeys();
    const { key, apiKey } = await apiKeys.create({
      ...TEAM,
      name: 'billing sync',
      permissions: ['invoices:read'],
      metadata: { region: 'eu' },
    });
    const sources: Record<string, string>[] = [
      { authorization: `Bearer ${key}` },
      { 'x-api-key': key },
    ];
    for (const headers of sources) {
      const { client, recorder } = await machine(hostApp, apiKeys, headers);
      const result = await client.whoami.query();
      expect(result.consumerId).toBe('team_a');
      expect(result.apiKey).toEqual({
        id: apiKey.id,
        ownerId: 'user_1',
        permissions: ['invoices:read'],
        metadata: { region: 'eu' },
        rateLimit: null,
        remaining: null,
      });
      expect(recorder.last().status).toBe(200);
      expect(recorder.last().headers.get('www-authenticate')).toBeNull();
    }
  });

  it('lets a key with the required permission through', async () => {
    const { apiKeys } = testApiKeys();
    const { key } = await apiKeys.create({ ...TEAM, name: 'w', permissions: ['invoices:write'] });
    const { client } = await machine(hostApp, apiKeys, { authorization: `Bearer ${key}` });
    expect(await client.invoices.create.mutate({ amount: 5 })).toEqual({
      teamId: 'team_a',
      amount: 5,
    });
  });
});

interface Arranged {
  apiKeys: ApiKeys<Permission>;
  /** The key the machine sends; `null` for none. */
  key: string | null;
  /** Call the procedure that requires `invoices:write` instead of `whoami`. */
  write?: boolean;
}

interface FailureCase {
  code: LatchkeyCode;
  status: number;
  trpcCode: TRPC_ERROR_CODE_KEY;
  message: string;
  wwwAuthenticate?: string;
  retryAfter?: string;
  data?: Record<string, unknown>;
  arrange: (
    apiKeys: ApiKeys<Permission>,
    clock: ReturnType<typeof manualClock>,
    key: string,
  ) => Promise<Arranged>;
}

const unauthorized = (code: LatchkeyCode) => ({
  code,
  status: 401,
  trpcCode: 'UNAUTHORIZED' as const,
  message: AUTH_FAILURE_MESSAGES[code as keyof typeof AUTH_FAILURE_MESSAGES],
  // RFC 6750: a plain challenge when no key was sent, `invalid_token` once one was.
  wwwAuthenticate: code === 'MISSING' ? 'Bearer' : 'Bearer error="invalid_token"',
});
const tooMany = (code: LatchkeyCode) => ({
  code,
  status: 429,
  trpcCode: 'TOO_MANY_REQUESTS' as const,
  message: AUTH_FAILURE_MESSAGES[code as keyof typeof AUTH_FAILURE_MESSAGES],
});

const FAILURES: FailureCase[] = [
  { ...unauthorized('MISSING'), arrange: async (apiKeys) => ({ apiKeys, key: null }) },
  {
    ...unauthorized('MALFORMED'),
    arrange: async (apiKeys, _clock, key) => ({ apiKeys, key: `${key.slice(0, -1)}!` }),
  },
  {
    ...unauthorized('NOT_FOUND'),
    arrange: async (apiKeys) => {
      const elsewhere = testApiKeys().apiKeys;
      const { key } = await elsewhere.create({ ...TEAM, name: 'elsewhere' });
      return { apiKeys, key };
    },
  },
  {
    ...unauthorized('REVOKED'),
    arrange: async (apiKeys, _clock, key) => {
      const { items } = await apiKeys.list({ consumerId: TEAM.consumerId });
      await apiKeys.revoke(items[0]?.id ?? '');
      return { apiKeys, key };
    },
  },
  {
    ...unauthorized('EXPIRED'),
    arrange: async (apiKeys, clock) => {
      const { key } = await apiKeys.create({ ...TEAM, name: 'e', expiresAt: clock.now() + 1000 });
      clock.advance(1000);
      return { apiKeys, key };
    },
  },
  {
    ...unauthorized('DISABLED'),
    arrange: async (apiKeys, _clock, key) => {
      const { items } = await apiKeys.list({ consumerId: TEAM.consumerId });
      await apiKeys.update(items[0]?.id ?? '', { enabled: false });
      return { apiKeys, key };
    },
  },
  {
    code: 'INSUFFICIENT_PERMISSIONS',
    status: 403,
    trpcCode: 'FORBIDDEN',
    message: AUTH_FAILURE_MESSAGES.INSUFFICIENT_PERMISSIONS,
    wwwAuthenticate: 'Bearer error="insufficient_scope"',
    data: { missingPermissions: ['invoices:write'] },
    arrange: async (apiKeys, _clock, key) => ({ apiKeys, key, write: true }),
  },
  {
    ...tooMany('RATE_LIMITED'),
    retryAfter: '2',
    data: { retryAfterMs: 1500 },
    arrange: async (apiKeys, clock) => {
      const { key } = await apiKeys.create({
        ...TEAM,
        name: 'one a minute',
        rateLimits: [{ limit: 1, windowMs: 60_000 }],
      });
      expect((await apiKeys.verify(key)).valid).toBe(true);
      // Windows are aligned to the epoch, as is the test clock: 1.5 s of this one are left.
      clock.advance(58_500);
      return { apiKeys, key };
    },
  },
  {
    ...tooMany('USAGE_EXCEEDED'),
    arrange: async (apiKeys) => {
      const { key } = await apiKeys.create({ ...TEAM, name: 'spent', remaining: 0 });
      return { apiKeys, key };
    },
  },
  {
    code: 'STORAGE_UNAVAILABLE',
    status: 503,
    trpcCode: 'SERVICE_UNAVAILABLE',
    message: storageFailure().message,
    arrange: async (_apiKeys, _clock, key) => ({ apiKeys: brokenApiKeys().apiKeys, key }),
  },
];

describe.each([
  { formatter: 'withLatchkeyData', app: hostApp },
  { formatter: 'no error formatter', app: bareHostApp },
])('each failure reaches the client ($formatter)', ({ app, formatter }) => {
  const withData = formatter === 'withLatchkeyData';

  it.each(FAILURES)('$code: HTTP $status $trpcCode', async (failure) => {
    const { apiKeys, clock } = testApiKeys();
    const { key: readKey } = await apiKeys.create({
      ...TEAM,
      name: 'reader',
      permissions: ['invoices:read'],
    });
    const arranged = await failure.arrange(apiKeys, clock, readKey);
    const headers: Record<string, string> =
      arranged.key === null ? {} : { authorization: `Bearer ${arranged.key}` };
    const { client, recorder } = await machine(app, arranged.apiKeys, headers);

    const error = await rejection(
      arranged.write ? client.invoices.create.mutate({ amount: 1 }) : client.whoami.query(),
    );

    expect(recorder.last().status).toBe(failure.status);
    expect(error.data?.httpStatus).toBe(failure.status);
    expect(error.data?.code).toBe(failure.trpcCode);
    expect(error.message).toBe(failure.message);
    const response = recorder.last().headers;
    expect(response.get('www-authenticate')).toBe(failure.wwwAuthenticate ?? null);
    expect(response.get('retry-after')).toBe(failure.retryAfter ?? null);
    // A refusal is never cached: the same request can succeed a moment later.
    expect(response.get('cache-control')).toBe(failure.status === 503 ? null : 'no-store');
    if (withData) {
      expect(error.data?.latchkeyCode).toBe(failure.code);
      expect(error.data).toMatchObject(failure.data ?? {});
    } else {
      expect(error.data).not.toHaveProperty('latchkeyCode');
    }
  });
});

describe('keyProcedure with superjson', () => {
  it('answers and refuses through the host transformer', async () => {
    const { apiKeys } = testApiKeys();
    const { key, apiKey } = await apiKeys.create({ ...TEAM, name: 'sj' });
    const { url } = await serve(superjsonHostApp(apiKeys));
    const recorder = recordingFetch();
    const client = createTRPCClient<SuperjsonHostRouter>({
      links: [
        httpBatchLink({
          url,
          transformer: superjson,
          headers: { authorization: `Bearer ${key}` },
          fetch: recorder.fetch,
        }),
      ],
    });

    const result = await client.whoami.query();
    expect(result.consumerId).toBe('team_a');
    expect(result.checkedAt).toBeInstanceOf(Date);

    await apiKeys.revoke(apiKey.id);
    const error = await rejection(client.whoami.query());
    expect(recorder.last().status).toBe(401);
    expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', latchkeyCode: 'REVOKED' });
  });
});

describe('keyProcedure through createCaller', () => {
  it('reads the consumer, and sets failure headers on the context', async () => {
    const { apiKeys } = testApiKeys();
    const { key, apiKey } = await apiKeys.create({ ...TEAM, name: 'c' });
    const router = hostApp(apiKeys);

    const ok = router.createCaller(callerContext({ headers: { 'x-api-key': key } }));
    expect((await ok.whoami()).consumerId).toBe('team_a');

    await apiKeys.revoke(apiKey.id);
    const context = callerContext({ headers: { authorization: `Bearer ${key}` } });
    const error = await router
      .createCaller(context)
      .whoami()
      .catch((error: unknown) => error);
    expect(error).toBeInstanceOf(TRPCError);
    expect(error).toMatchObject({ code: 'UNAUTHORIZED', cause: { code: 'REVOKED' } });
    expect(context.resHeaders.get('www-authenticate')).toBe('Bearer error="invalid_token"');

    const none = router.createCaller({ ...context, headers: new Headers() }).whoami();
    await expect(none).rejects.toMatchObject({ code: 'UNAUTHORIZED', cause: { code: 'MISSING' } });
  });

  it("keeps the host's context and puts the key's consumer over one of the same name", async () => {
    const { apiKeys } = testApiKeys();
    const { key, apiKey } = await apiKeys.create({ ...TEAM, name: 'c' });
    const t = initTRPC
      .context<{ headers: Record<string, string>; requestId: string; consumerId?: string }>()
      .create();
    const { keyProcedure } = keyPluginOn(apiKeys, t.procedure);
    const seen = ({ ctx }: { ctx: { requestId: string; consumerId: string; apiKey: object } }) => ({
      requestId: ctx.requestId,
      consumerId: ctx.consumerId,
      keyId: (ctx.apiKey as { id: string }).id,
    });
    const router = t.router({
      query: keyProcedure.query(seen),
      // After a middleware of the host's, the key is checked in a middleware of its own.
      afterUse: keyProcedure.use(({ next }) => next()).query(seen),
    });
    // A context that already names a consumer (from a session cookie, say) or a key must not
    // pass them on, whichever of the two it names.
    const expected = { requestId: 'r1', consumerId: 'team_a', keyId: apiKey.id };
    for (const names of [
      { consumerId: 'team_from_cookie', apiKey: { id: 'forged' } },
      { consumerId: 'team_from_cookie' },
      { apiKey: { id: 'forged' } },
      { consumerId: 'team_a', apiKey: { id: 'forged' } },
    ]) {
      const context = { headers: { 'x-api-key': key }, requestId: 'r1', ...names };
      const caller = router.createCaller(context);
      // The first call of each reads storage or the cache; the second is answered from the cache.
      for (let call = 0; call < 2; call++) {
        expect(await caller.query()).toEqual(expected);
        expect(await caller.afterUse()).toEqual(expected);
      }
      // The host's own object is not changed.
      expect(context).toEqual({ headers: { 'x-api-key': key }, requestId: 'r1', ...names });
    }
  });

  it('checks the key however the procedure is built, before input, keeping meta', async () => {
    const { apiKeys } = testApiKeys();
    const { key } = await apiKeys.create({ ...TEAM, name: 'w', permissions: ['invoices:write'] });
    const t = initTRPC
      .context<{ headers: Record<string, string> }>()
      .meta<{ scope: string }>()
      .create();
    const { keyProcedure, requirePermissions } = keyPluginOn(apiKeys, t.procedure);
    const answer = ({ ctx, meta }: { ctx: { consumerId: string }; meta?: { scope: string } }) =>
      `${ctx.consumerId} ${meta?.scope ?? '-'}`;
    const router = t.router({
      plain: keyProcedure.query(answer),
      meta: keyProcedure.meta({ scope: 'm' }).query(answer),
      allowed: keyProcedure
        .meta({ scope: 'a' })
        .use(requirePermissions('invoices:write'))
        .mutation(answer),
      forbidden: keyProcedure.use(requirePermissions('reports:read')).query(answer),
      input: keyProcedure.input(z.object({ n: z.number() })).query(answer),
      subscription: keyProcedure.subscription(async function* ({ ctx }) {
        yield ctx.consumerId;
      }),
      afterUse: keyProcedure
        .use(({ next }) => next())
        .meta({ scope: 'u' })
        .query(answer),
    });
    const good = router.createCaller({ headers: { 'x-api-key': key } });
    expect(await good.plain()).toBe('team_a -');
    expect(await good.meta()).toBe('team_a m');
    expect(await good.allowed()).toBe('team_a a');
    expect(await good.input({ n: 1 })).toBe('team_a -');
    expect(await good.afterUse()).toBe('team_a u');
    for await (const consumer of await good.subscription()) expect(consumer).toBe('team_a');
    await expect(good.forbidden()).rejects.toMatchObject({
      code: 'FORBIDDEN',
      cause: { code: 'INSUFFICIENT_PERMISSIONS' },
    });

    const none = router.createCaller({ headers: {} });
    for (const call of [
      () => none.plain(),
      () => none.meta(),
      () => none.allowed(),
      () => none.afterUse(),
      () => none.subscription(),
      // A caller without a key learns nothing of the input the procedure takes.
      () => none.input({ n: 'not a number' } as never),
    ]) {
      await expect(call()).rejects.toMatchObject({
        code: 'UNAUTHORIZED',
        cause: { code: 'MISSING' },
      });
    }
  });

  it('reads only the configured sources', async () => {
    const { apiKeys } = testApiKeys();
    const { key } = await apiKeys.create({ ...TEAM, name: 'h' });
    const t = initTRPC.context<{ headers: Record<string, string> }>().create();
    const { keyProcedure } = keyPluginOn(apiKeys, t.procedure, {
      authorizationHeader: false,
      apiKeyHeader: 'X-Acme-Key',
    });
    const router = t.router({ whoami: keyProcedure.query(({ ctx }) => ctx.consumerId) });

    expect(await router.createCaller({ headers: { 'x-acme-key': key } }).whoami()).toBe('team_a');
    const bearer = router.createCaller({ headers: { authorization: `Bearer ${key}` } }).whoami();
    await expect(bearer).rejects.toMatchObject({
      message: 'An API key is required: send it as `x-acme-key`.',
      cause: { code: 'MISSING' },
    });
  });

  it('refuses, when the app starts, header options no request can meet', () => {
    const { apiKeys } = testApiKeys();
    const t = initTRPC.context<{ headers: Headers }>().create();
    const plugin = (options: {
      authorizationHeader?: string | false;
      apiKeyHeader?: string | false;
    }) => keyPluginOn(apiKeys, t.procedure, options);
    expect(() => plugin({ apiKeyHeader: 'x api key' })).toThrow(TypeError);
    expect(() => plugin({ authorizationHeader: false, apiKeyHeader: false })).toThrow(TypeError);
  });

  it('refuses, when the app starts, a required permission it never declared', () => {
    const { apiKeys } = testApiKeys();
    const t = initTRPC.context<{ headers: Headers }>().create();
    const { requirePermissions } = keyPluginOn(apiKeys, t.procedure);
    expect(() => requirePermissions('invoices:delete' as Permission)).toThrow(/invoices:delete/);
    // As plain JavaScript would call it: the typo, the permission it meant, and the declared ones.
    expect(() => requirePermissions('invoices:wirte' as Permission)).toThrow(
      /"invoices:wirte" is not a declared permission.*Did you mean "invoices:write"\?.*invoices:read, invoices:write, reports:read/,
    );
    expect(() => requirePermissions('invoices:read', 7 as never)).toThrow(TypeError);
  });
});
