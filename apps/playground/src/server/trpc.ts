import { type ApiKeyAction, createApiKeyPlugin, withLatchkeyData } from '@latchkey/trpc-plugin';
import { initTRPC, TRPCError } from '@trpc/server';
import { apiKeys } from './api-keys';
import type { DemoUser } from './session';

export interface Context {
  /** The request's headers: where `keyProcedure` finds the key. */
  headers: Headers;
  /** The request's URL: a key in its query string is refused, not read. */
  url: string;
  /** The response's headers: where `keyProcedure` puts `WWW-Authenticate` and `Retry-After`. */
  resHeaders: Headers;
  /** The signed-in demo user, for the key-management router. */
  user: DemoUser | null;
}

const t = initTRPC.context<Context>().create({
  // Adds `data.latchkeyCode` (and `retryAfterMs`) so machine clients can branch on the code.
  errorFormatter: ({ shape, error }) => withLatchkeyData(shape, error),
});

export const router = t.router;
export const publicProcedure = t.procedure;
export const userProcedure = t.procedure.use(({ ctx, next }) => {
  if (ctx.user === null) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first.' });
  return next({ ctx: { user: ctx.user } });
});

const READ_ONLY = new Set<ApiKeyAction>(['config', 'list', 'get', 'auditLog', 'usage']);

/**
 * The limits of each new key of a team on the free plan: the app decides, never the user. The rate
 * is the team's (`per: 'consumer'`), so more keys do not mean more calls; it replaces the app-wide
 * limit of the same name for these keys. `remaining` is each key's own budget of uses.
 */
export const FREE_PLAN_LIMITS = {
  rateLimits: [{ limit: 10, windowMs: 60_000, per: 'consumer' as const }],
  remaining: 100,
  refill: { amount: 100, intervalMs: 24 * 60 * 60 * 1000 },
};

export const { apiKeyRouter, keyProcedure, requirePermissions } = createApiKeyPlugin({
  apiKeys,
  userProcedure,
  machineProcedure: publicProcedure,
  consumer: ({ ctx }) => ({ consumerId: ctx.user.teamId, ownerId: ctx.user.id }),
  // Members may look at their team's keys; only admins may create, change, revoke or roll them.
  // The reason is the 403's message, and what `<ApiKeyManager/>` shows a member (from `config`).
  authorize: ({ ctx, action }) =>
    ctx.user.role === 'admin' ||
    READ_ONLY.has(action) || { reason: 'Only admins may create, change, roll or revoke API keys.' },
  // Keys of free teams get limits of their own; a roll keeps them.
  limits: ({ ctx }) => (ctx.user.plan === 'free' ? FREE_PLAN_LIMITS : {}),
  headers: ({ ctx }) => ctx.headers,
  url: ({ ctx }) => ctx.url,
  responseHeaders: ({ ctx }) => ctx.resHeaders,
});
