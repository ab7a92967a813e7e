import type { ApiKeys } from '@latchkey/core';
import { createApiKeyPlugin, withLatchkeyData } from '@latchkey/trpc-plugin';
import { initTRPC, TRPCError } from '@trpc/server';

/** A signed-in user of the host app: members may look at their team's keys, admins may change them. */
export interface Session {
  userId: string;
  teamId: string;
  role: 'admin' | 'member';
}

export interface HostContext {
  headers: Headers;
  resHeaders: Headers;
  session: Session | null;
}

const t = initTRPC.context<HostContext>().create({
  errorFormatter: ({ shape, error }) => withLatchkeyData(shape, error),
});

/** A host app's router as a customer writes it, with the key router nested under `apiKeys`. */
export function hostApp<P extends string>(apiKeys: ApiKeys<P>) {
  const protectedProcedure = t.procedure.use(({ ctx, next }) => {
    if (ctx.session === null) throw new TRPCError({ code: 'UNAUTHORIZED' });
    return next({ ctx: { session: ctx.session } });
  });
  const { apiKeyRouter } = createApiKeyPlugin({
    apiKeys,
    userProcedure: protectedProcedure,
    machineProcedure: t.procedure,
    consumer: ({ ctx }) => ({ consumerId: ctx.session.teamId, ownerId: ctx.session.userId }),
    authorize: ({ ctx, action }) =>
      ctx.session.role === 'admin' ||
      ['config', 'list', 'get', 'auditLog', 'usage'].includes(action),
    headers: ({ ctx }) => ctx.headers,
    responseHeaders: ({ ctx }) => ctx.resHeaders,
  });
  return t.router({ apiKeys: apiKeyRouter });
}
