import type { ApiKeys } from '@latchkey/core';
import type { Permission } from '@latchkey/test-support';
import {
  adminsChangeKeys,
  type HostContext,
  type Session,
  signedIn,
  teamOfUser,
} from '@latchkey/test-support/host-app';
import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import { z } from 'zod';
import { createApiKeyPlugin } from '../create-api-key-plugin.js';
import type { HostProcedure } from '../host-procedure.js';
import { withLatchkeyData } from '../latchkey-error-data.js';
import type { ApiKeyPlugin, ApiKeyPluginOptions } from '../plugin-options.js';
import type { RequestHeaders } from '../request-headers.js';

/**
 * The routes of a host app as a customer would write them, on the procedures of whichever tRPC
 * instance is given: members of a team may look at its keys, only admins may change them.
 */
function routes(
  procedure: HostProcedure<HostContext, object, object>,
  apiKeys: ApiKeys<Permission>,
) {
  const { apiKeyRouter, keyProcedure, requirePermissions } = createApiKeyPlugin({
    apiKeys,
    userProcedure: signedIn(procedure),
    machineProcedure: procedure,
    consumer: teamOfUser,
    authorize: adminsChangeKeys,
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

/** The team every user of `barePlugin`'s app acts for. */
export const TEAM = { consumerId: 'team_a', ownerId: 'user_1' } as const;

/** The options a test of one option gives `barePlugin`: any, but the key set and procedures. */
type TestedOptions<P extends string, TContext extends object, TMeta> = Partial<
  Omit<ApiKeyPluginOptions<P, TContext, TMeta, object, object>, 'apiKeys'>
>;

/**
 * The plugin on `procedure` (users' and machines' both), for tests of one option: every user acts
 * for `TEAM` and machines send no headers, unless `options` says otherwise.
 */
export function barePlugin<P extends string, TContext extends object, TMeta>(
  apiKeys: ApiKeys<P>,
  procedure: HostProcedure<TContext, TMeta, object>,
  options: TestedOptions<P, TContext, TMeta> = {},
): ApiKeyPlugin<P, TContext, TMeta, object> {
  return createApiKeyPlugin<P, TContext, TMeta, object, object>({
    apiKeys,
    userProcedure: procedure,
    machineProcedure: procedure,
    consumer: () => TEAM,
    headers: () => null,
    ...options,
  });
}

/** `barePlugin` for tests of the key check: keys are read from `ctx.headers`. */
export function keyPluginOn<P extends string, TContext extends { headers: RequestHeaders }, TMeta>(
  apiKeys: ApiKeys<P>,
  procedure: HostProcedure<TContext, TMeta, object>,
  options: TestedOptions<P, TContext, TMeta> = {},
): ApiKeyPlugin<P, TContext, TMeta, object> {
  return barePlugin(apiKeys, procedure, { headers: ({ ctx }) => ctx.headers, ...options });
}
