import type { ApiKeys, VerifiedKey, VerifyResult } from '@latchkey/core';
import {
  assertDeclaredPermissions,
  queryOf,
  type ResolvedKeyOptions,
  readKey,
} from '@latchkey/core/http';
import { type AuthFailure, authFailure, rejectedKeyFailure } from './auth-failure.js';
import type {
  ApiKeyMiddleware,
  HostContext,
  HostProcedure,
  KeyProcedure,
} from './host-procedure.js';
import { keyContext, verificationOf } from './key-context.js';
import { headerGetter, type RequestHeaders } from './request-headers.js';
import { keyResponseHeaders, type ResponseHeadersOption } from './response-headers.js';
import { callCore, toRouterError } from './router-error.js';
import type { KeyProcedureContext } from './types.js';

export interface KeyProcedureOptions<
  P extends string,
  TContext extends object,
  TMeta,
  TContextOverrides extends object,
> {
  apiKeys: ApiKeys<P>;
  machineProcedure: HostProcedure<TContext, TMeta, TContextOverrides>;
  headers: (opts: {
    ctx: HostContext<TContext, TMeta, TContextOverrides>;
  }) => RequestHeaders | null | undefined;
  url:
    | ((opts: {
        ctx: HostContext<TContext, TMeta, TContextOverrides>;
      }) => string | null | undefined)
    | undefined;
  responseHeaders:
    | ResponseHeadersOption<HostContext<TContext, TMeta, TContextOverrides>>
    | undefined;
  /** Core's header options, resolved (and checked) once when the plugin is created. */
  keyOptions: ResolvedKeyOptions;
  /** The time in epoch ms, for the `RateLimit` field's `t`. */
  clock: () => number;
}

export interface KeyProcedures<
  P extends string,
  TContext extends object,
  TMeta,
  TContextOverrides extends object,
> {
  keyProcedure: KeyProcedure<P, TContext, TMeta, TContextOverrides>;
  requirePermissions: (...permissions: [P, ...P[]]) => ApiKeyMiddleware<P>;
}

export function buildKeyProcedures<
  P extends string,
  TContext extends object,
  TMeta,
  TContextOverrides extends object,
>(
  options: KeyProcedureOptions<P, TContext, TMeta, TContextOverrides>,
): KeyProcedures<P, TContext, TMeta, TContextOverrides> {
  type Context = HostContext<TContext, TMeta, TContextOverrides>;
  const { apiKeys, keyOptions } = options;
  const responseHeaders = keyResponseHeaders<Context>(options.responseHeaders, options.clock);

  const refuse = (ctx: Context, failure: AuthFailure) => {
    responseHeaders.refusal(ctx, failure.cause);
    return failure;
  };

  /**
   * `machineProcedure` with the key check: the key read, verified with `required` permissions (in
   * core's order: permissions before limits, so a key lacking one spends nothing and is told 403
   * even when its limits are spent), and added to the context.
   */
  function keyProcedureRequiring(
    required: readonly P[],
    base: HostProcedure<TContext, TMeta, TContextOverrides> = options.machineProcedure,
  ): KeyProcedure<P, TContext, TMeta, TContextOverrides> {
    const verifyOptions = required.length === 0 ? undefined : { permissions: [...required] };

    /**
     * What the call's key adds to the context, or the refusal thrown. The hot path: a cached key
     * is answered without a promise or a closure of ours (`pnpm bench`); only a key that needs
     * storage gives a promise.
     */
    const authenticate = (
      ctx: Context,
    ): KeyProcedureContext<P> | Promise<KeyProcedureContext<P>> => {
      // The same reader as core's request helpers, so both doors accept and refuse the same requests.
      const url = options.url?.({ ctx });
      const reading = readKey(
        headerGetter(options.headers({ ctx })),
        url === null || url === undefined ? null : queryOf(url),
        keyOptions,
      );
      if (!reading.ok) throw refuse(ctx, authFailure(reading.code, { message: reading.message }));
      const cached = apiKeys.verifyCached(reading.key, verifyOptions);
      if (cached !== undefined) return keyContext(admitted(ctx, cached));
      return apiKeys.verify(reading.key, verifyOptions).then(
        (result) => keyContext(admitted(ctx, result)),
        (error: unknown) => {
          throw toRouterError(error);
        },
      );
    };

    const procedure = base.use(({ ctx, next }) => {
      const added = authenticate(ctx);
      return added instanceof Promise
        ? added.then((keyCtx) => next({ ctx: keyCtx }))
        : next({ ctx: added });
    });

    // `keyProcedure.use(requirePermissions(…))` is this procedure requiring more permissions, not
    // a second middleware that refunds afterwards: one layer, and core's order of checks. Any
    // other middleware is added as tRPC adds it (a `requirePermissions` after it then refunds).
    const use = ((middleware: unknown) => {
      const more = typeof middleware === 'function' ? requiredBy.get(middleware) : undefined;
      if (more === undefined) return procedure.use(middleware as never);
      return keyProcedureRequiring([...new Set([...required, ...more])], base);
    }) as typeof procedure.use;
    const meta = ((value: TMeta) =>
      keyProcedureRequiring(required, base.meta(value))) as typeof procedure.meta;

    // `keyProcedure.query(…)` and `.mutation(…)`, with nothing in between but `requirePermissions`
    // and `.meta(…)`: the key is checked as the resolver is called, in the same tRPC layer, rather
    // than in a middleware layer of its own, which costs tRPC more than the check itself (its
    // copies of the call's options). The resolver sees the same properties and values as after
    // the middleware (`withKey`: only their order differs).
    type Resolver = (opts: { ctx: Context }) => unknown;
    // tRPC makes the resolver's options afresh for each call (a copy per layer), so the context is
    // set on them as the middleware's `next({ ctx })` would: the resolver, and the result tRPC
    // hands back up the chain, see the same context, with no second copy of the options.
    const checkingKey =
      (resolver: Resolver): Resolver =>
      (opts) => {
        const added = authenticate(opts.ctx);
        if (added instanceof Promise) {
          return added.then((keyCtx) => {
            opts.ctx = withKey(opts.ctx, keyCtx);
            return resolver(opts);
          });
        }
        opts.ctx = withKey(opts.ctx, added);
        return resolver(opts);
      };
    const query = ((resolver: Resolver) =>
      base.query(checkingKey(resolver) as never)) as typeof procedure.query;
    const mutation = ((resolver: Resolver) =>
      base.mutation(checkingKey(resolver) as never)) as typeof procedure.mutation;

    return { ...procedure, use, meta, query, mutation };
  }

  /** The permissions each `requirePermissions(…)` middleware of this plugin requires. */
  const requiredBy = new WeakMap<object, readonly P[]>();
  const keyProcedure = keyProcedureRequiring([]);

  /**
   * The valid verification, or the refusal thrown. A key with the rate limit the call spent from
   * gets the RateLimit fields; one without costs a single property check.
   */
  function admitted(ctx: Context, result: VerifyResult<P>): VerifiedKey<P> {
    if (!result.valid) throw refuse(ctx, rejectedKeyFailure(result));
    if (result.rateLimit !== undefined) responseHeaders.rateLimit(ctx, result.rateLimit);
    return result;
  }

  const requirePermissions = (...permissions: [P, ...P[]]): ApiKeyMiddleware<P> => {
    // A permission the app never declared can only come from a cast or plain JavaScript: fail at
    // startup, not with a 403 on every call.
    assertDeclaredPermissions(apiKeys.permissions, permissions, 'requirePermissions(…)');
    const middleware: ApiKeyMiddleware<P> = ({ ctx, next }) => {
      const held = ctx.apiKey.permissions;
      const missingPermissions = permissions.filter((permission) => !held.includes(permission));
      if (missingPermissions.length === 0) return next();
      // The host's context is all there at run time; the middleware's type names only the key.
      return refusePermissions(
        ctx as unknown as Context & KeyProcedureContext<P>,
        missingPermissions,
      );
    };
    requiredBy.set(middleware, permissions);
    return middleware;
  };

  /**
   * DESIGN.md: a request refused by an earlier check spends nothing from a later one. The key was
   * verified (its rate-limit units and a `remaining` use spent) before this check refused it, so
   * the 403 gives them back and the call is counted as refused, not valid.
   */
  async function refusePermissions(
    ctx: Context & KeyProcedureContext<P>,
    missingPermissions: readonly string[],
  ): Promise<never> {
    const verification = verificationOf(ctx.apiKey);
    if (verification !== undefined) {
      await callCore(() => apiKeys.refund(verification, 'INSUFFICIENT_PERMISSIONS'));
    }
    throw refuse(ctx, authFailure('INSUFFICIENT_PERMISSIONS', { missingPermissions }));
  }

  return { keyProcedure, requirePermissions };
}

/**
 * The host's context with the key's: the same properties and values as tRPC's `next({ ctx })`
 * gives, the key's winning over the host's of the same name. They are written first and the
 * host's copied after them, because V8 adds properties to a copy made by a leading spread
 * (`{ ...ctx, consumerId }`) through a slow path: 1.2–2 µs a call in a tight loop, 2.5 µs of a
 * request in the loaded benchmark server. A host property of the same name is then written
 * over. So the key's two come first in `Object.keys(ctx)`, where `next` puts them last.
 */
function withKey<C extends object, P extends string>(
  ctx: C,
  added: KeyProcedureContext<P>,
): C & KeyProcedureContext<P> {
  const { consumerId, apiKey } = added;
  const merged = { consumerId, apiKey, ...ctx } as C & KeyProcedureContext<P>;
  if (merged.consumerId !== consumerId || merged.apiKey !== apiKey) {
    merged.consumerId = consumerId;
    merged.apiKey = apiKey;
  }
  return merged;
}
