import {
  type ApiKey,
  type AuditEvent,
  createApiKeys,
  type JsonObject,
  type Page,
  type UsageDay,
  type VerifyCode,
} from '@latchkey/core';
import { createTRPCClient, httpBatchLink, type TRPCClientError } from '@trpc/client';
import { type inferRouterInputs, type inferRouterOutputs, initTRPC, TRPCError } from '@trpc/server';
import { describe, expectTypeOf, test } from 'vitest';
import { createApiKeyPlugin } from './create-api-key-plugin.js';
import type { KeyProcedure } from './host-procedure.js';
import { withLatchkeyData } from './latchkey-error-data.js';
import type { ApiKeyConfig, ApiKeyRouter, ApiKeyUsage, KeyProcedureApiKey } from './types.js';

// A host app as a customer writes it, with its own context, meta and error formatter.
interface Context {
  headers: Headers;
  session: { userId: string; teamId: string } | null;
}
interface Meta {
  audit?: boolean;
}
const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({ errorFormatter: ({ shape, error }) => withLatchkeyData(shape, error) });
const protectedProcedure = t.procedure.use(({ ctx, next }) => {
  if (ctx.session === null) throw new TRPCError({ code: 'UNAUTHORIZED' });
  return next({ ctx: { session: ctx.session } });
});
const apiKeys = createApiKeys({
  database: { url: ':memory:' },
  permissions: ['invoices:read', 'invoices:write'],
});
type Permission = 'invoices:read' | 'invoices:write';

const { apiKeyRouter, keyProcedure, requirePermissions } = createApiKeyPlugin({
  apiKeys,
  userProcedure: protectedProcedure,
  machineProcedure: t.procedure,
  consumer: ({ ctx }) => {
    // the user procedure's context: the session is no longer nullable
    expectTypeOf(ctx.session).toEqualTypeOf<{ userId: string; teamId: string }>();
    return { consumerId: ctx.session.teamId, ownerId: ctx.session.userId };
  },
  limits: ({ ctx, consumerId }) => {
    // the same user context as `consumer`, and the consumer it chose
    expectTypeOf(ctx.session).toEqualTypeOf<{ userId: string; teamId: string }>();
    expectTypeOf(consumerId).toEqualTypeOf<string>();
    return { rateLimits: [{ limit: 100, windowMs: 60_000, per: 'consumer' }], remaining: null };
  },
  headers: ({ ctx }) => ctx.headers,
});

// `limits` answers with core's limits, nothing else typed.
createApiKeyPlugin({
  apiKeys,
  userProcedure: protectedProcedure,
  machineProcedure: t.procedure,
  consumer: ({ ctx }) => ({ consumerId: ctx.session.teamId, ownerId: ctx.session.userId }),
  // @ts-expect-error a usage limit is a number of uses, not text
  limits: () => ({ remaining: '100' }),
  headers: ({ ctx }) => ctx.headers,
});

const appRouter = t.router({
  apiKeys: apiKeyRouter,
  invoices: {
    list: keyProcedure.query(({ ctx }) => ({ teamId: ctx.consumerId, apiKey: ctx.apiKey })),
    create: keyProcedure
      .use(requirePermissions('invoices:write'))
      .mutation(({ ctx }) => ctx.consumerId),
  },
});
type Outputs = inferRouterOutputs<typeof appRouter>;
type Inputs = inferRouterInputs<typeof appRouter>;

describe('keyProcedure', () => {
  test('ctx.consumerId is a string and ctx.apiKey the verified key, next to the host context', () => {
    keyProcedure.query(({ ctx }) => {
      expectTypeOf(ctx.consumerId).toEqualTypeOf<string>();
      expectTypeOf(ctx.apiKey).toEqualTypeOf<KeyProcedureApiKey<Permission>>();
      expectTypeOf(ctx.apiKey.permissions).toEqualTypeOf<readonly Permission[]>();
      expectTypeOf(ctx.apiKey.metadata).toEqualTypeOf<Readonly<JsonObject>>();
      expectTypeOf(ctx.headers).toEqualTypeOf<Headers>();
      return null;
    });
    expectTypeOf(keyProcedure).toEqualTypeOf<KeyProcedure<Permission, Context, Meta, object>>();
  });

  test('the context survives more middlewares and inputs', () => {
    keyProcedure
      .use(({ next }) => next({ ctx: { requestId: 'r' } }))
      .use(requirePermissions('invoices:read'))
      .query(({ ctx }) => {
        expectTypeOf(ctx.consumerId).toEqualTypeOf<string>();
        expectTypeOf(ctx.requestId).toEqualTypeOf<string>();
        return null;
      });
    expectTypeOf<Outputs['invoices']['list']['teamId']>().toEqualTypeOf<string>();
    expectTypeOf<Outputs['invoices']['create']>().toEqualTypeOf<string>();
  });
});

describe('requirePermissions', () => {
  test('takes declared permissions only, at least one', () => {
    requirePermissions('invoices:read', 'invoices:write');
    // @ts-expect-error not a permission the app declared
    requirePermissions('invoices:delete');
    // @ts-expect-error one declared, one typo
    requirePermissions('invoices:read', 'invoice:write');
    // @ts-expect-error requiring nothing is a mistake
    requirePermissions();
  });

  test('only fits procedures that verified a key', () => {
    keyProcedure.use(requirePermissions('invoices:read'));
    // @ts-expect-error t.procedure has no ctx.apiKey
    t.procedure.use(requirePermissions('invoices:read'));
  });
});

describe('apiKeyRouter', () => {
  test('is the named ApiKeyRouter type with the app permissions and meta', () => {
    expectTypeOf(apiKeyRouter).toEqualTypeOf<ApiKeyRouter<Permission, Meta>>();
  });

  test('outputs through the host router', () => {
    type Router = Outputs['apiKeys'];
    expectTypeOf<Router['config']>().toEqualTypeOf<ApiKeyConfig<Permission>>();
    expectTypeOf<Router['list']>().toEqualTypeOf<Page<ApiKey<Permission>>>();
    expectTypeOf<Router['get']>().toEqualTypeOf<ApiKey<Permission>>();
    expectTypeOf<Router['create']>().toEqualTypeOf<{ key: string; apiKey: ApiKey<Permission> }>();
    expectTypeOf<Router['update']>().toEqualTypeOf<ApiKey<Permission>>();
    expectTypeOf<Router['revoke']>().toEqualTypeOf<ApiKey<Permission>>();
    expectTypeOf<Router['roll']>().toEqualTypeOf<{
      key: string;
      apiKey: ApiKey<Permission>;
      previous: ApiKey<Permission>;
    }>();
    expectTypeOf<Router['auditLog']>().toEqualTypeOf<Page<AuditEvent>>();
    expectTypeOf<Router['usage']>().toEqualTypeOf<ApiKeyUsage>();
    expectTypeOf<Router['usage']['days'][number]>().toEqualTypeOf<UsageDay>();
    expectTypeOf<UsageDay>().toEqualTypeOf<{
      date: string;
      total: number;
      counts: Partial<Record<VerifyCode, number>>;
    }>();
    expectTypeOf<Router['get']['permissions']>().toEqualTypeOf<Permission[]>();
    expectTypeOf<Router['get']['createdAt']>().toEqualTypeOf<number>();
  });

  test('inputs are the contract, with permission names checked', () => {
    type Router = Inputs['apiKeys'];
    expectTypeOf<Router['list']>().toEqualTypeOf<{
      cursor?: string | null | undefined;
      limit?: number | undefined;
      direction?: 'forward' | undefined;
    }>();
    expectTypeOf<Router['create']>().toEqualTypeOf<{
      name: string;
      permissions?: Permission[] | undefined;
      metadata?: JsonObject | undefined;
      expiresAt?: number | null | undefined;
    }>();
    expectTypeOf<Router['roll']>().toEqualTypeOf<{
      id: string;
      gracePeriodMs?: number | undefined;
    }>();
    expectTypeOf<Router['usage']>().toEqualTypeOf<{ id: string; days?: number | undefined }>();

    const caller = appRouter.createCaller({ headers: new Headers(), session: null });
    void caller.apiKeys.create({ name: 'a', permissions: ['invoices:read'] });
    // @ts-expect-error not a declared permission
    void caller.apiKeys.create({ name: 'a', permissions: ['admin'] });
    // @ts-expect-error the consumer comes from the session, never from input
    void caller.apiKeys.list({ consumerId: 'team_b' });
  });

  test('the client sees the latchkey code in error data', () => {
    const client = createTRPCClient<typeof appRouter>({
      links: [httpBatchLink({ url: 'http://127.0.0.1:1/trpc' })],
    });
    void client.invoices.list.query().catch((error: TRPCClientError<typeof appRouter>) => {
      expectTypeOf(error.data?.latchkeyCode).toEqualTypeOf<
        | 'MISSING'
        | 'MALFORMED'
        | 'NOT_FOUND'
        | 'REVOKED'
        | 'EXPIRED'
        | 'DISABLED'
        | 'INSUFFICIENT_PERMISSIONS'
        | 'RATE_LIMITED'
        | 'USAGE_EXCEEDED'
        | 'INVALID_INPUT'
        | 'INVALID_STATE'
        | 'STORAGE_UNAVAILABLE'
        | 'KEY_GENERATION_FAILED'
        | 'KEY_LIMIT_REACHED'
        | undefined
      >();
      expectTypeOf(error.data?.retryAfterMs).toEqualTypeOf<number | undefined>();
    });
  });
});
