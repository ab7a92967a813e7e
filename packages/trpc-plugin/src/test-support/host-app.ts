import type { ApiKeys, RequestKeyOptions } from '@latchkey/core';
import type { Permission } from '@latchkey/test-support';
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z } from 'zod';
import { createApiKeyPlugin } from '../create-api-key-plugin.js';
import type { HostProcedure } from '../host-procedure.js';
import { withLatchkeyData } from '../latchkey-error-data.js';
import type { RequestHeaders } from '../request-headers.js';
import type { ApiKeyAction } from '../types.js';

/** A signed-in user of the host app. */
export interface Session {
  userId: string;
  teamId: string;
  role: 'admin' | 'member';
}

/** The host app's context, as its fetch-adapter `createContext` builds it. */
export interface HostContext {
  headers: Headers;
  /** The request's URL; `null` for `createCaller`. */
  url: string | null;
  resHeaders: Headers | null;
  session: Session | null;
}

const READ_ACTIONS: ReadonlySet<ApiKeyAction> = new Set([
  'config',
  'list',
  'get',
  'auditLog',
  'usage',
]);

/**
 * The routes of a host app as a customer would write them, on the procedures of whichever tRPC
 * instance is given: members of a team may look at its keys, only admins may change them.
 */
function routes(
  procedure: HostProcedure<HostContext, object, object>,
  apiKeys: ApiKeys<Permission>,
) {
  const protectedProcedure = procedure.use(({ ctx, next }) => {
    if (ctx.session === null) throw new TRPCError({ code: 'UNAUTHORIZED' });
    return next({ ctx: { session: ctx.session } });
  });
  const { apiKeyRouter, keyProcedure, requirePermissions } = createApiKeyPlugin({
    apiKeys,
    userProcedure: protectedProcedure,
    machineProcedure: procedure,
    consumer: ({ ctx }) => ({ consumerId: ctx.session.teamId, ownerId: ctx.session.userId }),
    authorize: ({ ctx, action }) => ctx.session.role === 'admin' || READ_ACTIONS.has(action),
    headers: ({ ctx }) => ctx.headers,
    url: ({ ctx }) => ctx.url,
    responseHeaders: ({ ctx }) => ctx.resHeaders,
  });
  return {
    apiKeys: apiKeyRouter,
    whoami: keyProcedure.query(({ ctx }) => ({
      consumerId: ctx.consumerId,
      apiKey: ctx.apiKey,
      checkedAt: new Date(Date.UTC(2026, 0, 1)),
    })),
    invoices: {
      create: keyProcedure
        .use(requirePermissions('invoices:write'))
        .input(z.object({ amount: z.number().int().positive() }))
        .mutation(({ ctx, input }) => ({ teamId: ctx.consumerId, amount: input.amount })),
      // The permission checked after another middleware (input parsing): a second layer, which
      // gives back what the verification spent when it refuses.
      archive: keyProcedure
        .input(z.object({ id: z.string() }))
        .use(requirePermissions('invoices:write'))
        .mutation(({ input }) => ({ archived: input.id })),
    },
  };
}

const formatted = initTRPC.context<HostContext>().create({
  errorFormatter: ({ shape, error }) => withLatchkeyData(shape, error),
});
const formattedSuperjson = initTRPC.context<HostContext>().create({
  transformer: superjson,
  errorFormatter: ({ shape, error }) => withLatchkeyData(shape, error),
});
const bare = initTRPC.context<HostContext>().create();

/** JSON on the wire, `withLatchkeyData` in the error formatter. */
export const hostApp = (apiKeys: ApiKeys<Permission>) =>
  formatted.router(routes(formatted.procedure, apiKeys));

/** superjson on the wire, `withLatchkeyData` in the error formatter. */
export const superjsonHostApp = (apiKeys: ApiKeys<Permission>) =>
  formattedSuperjson.router(routes(formattedSuperjson.procedure, apiKeys));

/** tRPC's defaults: no transformer, no error formatter. */
export const bareHostApp = (apiKeys: ApiKeys<Permission>) =>
  bare.router(routes(bare.procedure, apiKeys));

export type HostRouter = ReturnType<typeof hostApp>;
export type SuperjsonHostRouter = ReturnType<typeof superjsonHostApp>;
export type BareHostRouter = ReturnType<typeof bareHostApp>;

/** A context for `createCaller`: a user session, or a machine's request headers. */
export function callerContext(
  from: { session: Session } | { headers: Record<string, string> },
): HostContext & { resHeaders: Headers } {
  return {
    headers: new Headers('headers' in from ? from.headers : {}),
    url: null,
    resHeaders: new Headers(),
    session: 'session' in from ? from.session : null,
  };
}

/** The team every user of `keyPluginOn`'s app acts for. */
export const TEAM = { consumerId: 'team_a', ownerId: 'user_1' } as const;

/**
 * The plugin on `procedure` (users' and machines' both), for tests of the key check alone: keys
 * are read from `ctx.headers`, with `keyOptions`' header names, and every user acts for `TEAM`.
 */
export function keyPluginOn<P extends string, TContext extends { headers: RequestHeaders }, TMeta>(
  apiKeys: ApiKeys<P>,
  procedure: HostProcedure<TContext, TMeta, object>,
  keyOptions: RequestKeyOptions = {},
) {
  return createApiKeyPlugin({
    apiKeys,
    userProcedure: procedure,
    machineProcedure: procedure,
    consumer: () => TEAM,
    headers: ({ ctx }) => ctx.headers,
    ...keyOptions,
  });
}
