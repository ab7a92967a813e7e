import type { ApiKeys, KeyLimitsInput, RequestKeyOptions } from '@latchkey/core';
import type { ApiKeyAuthorize } from './authorization.js';
import type {
  ApiKeyMiddleware,
  HostContext,
  HostProcedure,
  KeyProcedure,
} from './host-procedure.js';
import type { RequestHeaders } from './request-headers.js';
import type { ResponseHeaders } from './response-headers.js';
import type { ApiKeyRouter, ApiKeyScope } from './types.js';

/**
 * `authorizationHeader` (default `'authorization'`, read as `Bearer <key>`) and `apiKeyHeader`
 * (default `'x-api-key'`) are core's `RequestKeyOptions`, so `keyProcedure` and core's request
 * helpers are configured alike.
 */
export interface ApiKeyPluginOptions<
  P extends string,
  TContext extends object,
  TMeta,
  TUserContextOverrides extends object,
  TMachineContextOverrides extends object,
> extends RequestKeyOptions {
  /** The `createApiKeys(…)` instance; its declared permissions type every permission here. */
  apiKeys: ApiKeys<P>;
  /** The host's signed-in-user procedure (e.g. `protectedProcedure`): guards `apiKeyRouter`. */
  userProcedure: HostProcedure<TContext, TMeta, TUserContextOverrides>;
  /** What `keyProcedure` builds on, usually `publicProcedure`. From the same tRPC instance. */
  machineProcedure: HostProcedure<TContext, TMeta, TMachineContextOverrides>;
  /**
   * The consumer whose keys the signed-in user manages, and the user (owner of the keys they
   * create, actor in the audit log). The router takes the consumer from here only, never from
   * input. Throw a `TRPCError` to refuse, e.g. when the user has no team.
   */
  consumer: (opts: {
    ctx: HostContext<TContext, TMeta, TUserContextOverrides>;
  }) => ApiKeyScope | Promise<ApiKeyScope>;
  /**
   * Whether this user may do this to the consumer's keys, e.g. only a team's admins may create,
   * revoke or roll. `true` allows; `false` is `FORBIDDEN` ("You may not manage API keys."), and
   * `{ reason }` is `FORBIDDEN` with your words. The router's `config` reports the answer for each
   * action, so a UI offers only what is allowed. Default: every signed-in user of the consumer may
   * do all.
   */
  authorize?: ApiKeyAuthorize<HostContext<TContext, TMeta, TUserContextOverrides>>;
  /**
   * The limits of each key created through the router, chosen by you, e.g. by the consumer's plan:
   * `rateLimits`, `remaining` and `refill`, as core's `create` takes them (users never set limits
   * themselves). A rolled key keeps its limits; change them for existing keys with core's `update`.
   * Default: none of the key's own, so only `createApiKeys`'s `rateLimits` apply. Limits that core
   * refuses are a 500 naming this option, and no key is made. For a plan, give its rate
   * `per: 'consumer'` (a key's own limit replaces an app-wide one of the same name), and know that
   * `remaining` is per key: more keys, more uses.
   */
  limits?: (opts: {
    ctx: HostContext<TContext, TMeta, TUserContextOverrides>;
    consumerId: string;
  }) => KeyLimitsInput | Promise<KeyLimitsInput>;
  /**
   * The most live keys (neither revoked nor expired) a consumer may have; `create` beyond it is
   * `FORBIDDEN` (`KEY_LIMIT_REACHED`). A roll is not refused: its old key, in its grace period, is
   * one more for a while. `null` for no limit. Default 100.
   */
  maxKeysPerConsumer?: number | null;
  /**
   * Where the request's headers are in the host's context: Fetch API `Headers` or a Node.js
   * headers record. A context without them (e.g. a `createCaller` call) is `MISSING`.
   */
  headers: (opts: {
    ctx: HostContext<TContext, TMeta, TMachineContextOverrides>;
  }) => RequestHeaders | null | undefined;
  /**
   * The request's URL, or its path with the query (`req.url` of a Fetch `Request` or of Node.js),
   * so that a key sent in the query string is refused (`MALFORMED`) rather than ignored: a key in
   * a URL ends up in logs. Default: the query is not looked at.
   */
  url?: (opts: {
    ctx: HostContext<TContext, TMeta, TMachineContextOverrides>;
  }) => string | null | undefined;
  /**
   * Where `keyProcedure` puts its response headers: `WWW-Authenticate` (on 401 and 403),
   * `Retry-After` (on 429) and the RateLimit fields (for a key with a rate limit, allowed or
   * refused). Default: found in the context, `ctx.resHeaders` (the fetch adapter's, as Next.js
   * route handlers have it) or else `ctx.res` (a Node.js response: the standalone, Express and
   * Next.js pages adapters); without either, none are sent. Give it for another shape, e.g.
   * `({ ctx }) => ({ set: (name, value) => ctx.reply.header(name, value) })`; `null` sends none.
   */
  responseHeaders?: (opts: {
    ctx: HostContext<TContext, TMeta, TMachineContextOverrides>;
  }) => ResponseHeaders | null | undefined;
  /**
   * The time in epoch ms, for the `t` of the `RateLimit` field (seconds until the window resets):
   * give the clock you gave `createApiKeys`. Default `Date.now`.
   */
  clock?: () => number;
}

export interface ApiKeyPlugin<
  P extends string,
  TContext extends object,
  TMeta,
  TMachineContextOverrides extends object,
> {
  /** Key management for signed-in users: nest it, `router({ apiKeys: apiKeyRouter })`. */
  apiKeyRouter: ApiKeyRouter<P, TMeta>;
  /** `machineProcedure` that requires a valid key and adds `ctx.consumerId` and `ctx.apiKey`. */
  keyProcedure: KeyProcedure<P, TContext, TMeta, TMachineContextOverrides>;
  /** `keyProcedure.use(requirePermissions('invoices:write'))`: 403 unless the key holds them all. */
  requirePermissions: (...permissions: [P, ...P[]]) => ApiKeyMiddleware<P>;
}
