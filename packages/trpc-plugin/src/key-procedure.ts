import type { HostContext, HostProcedure, KeyProcedure } from './host-procedure.js';
import type { KeyCheck } from './key-check.js';
import type { KeyProcedureContext } from './types.js';

/**
 * `base` (the host's `machineProcedure`) with the key check: the key read, verified with
 * `required` permissions (in core's order: permissions before limits, so a key lacking one spends
 * nothing and is told 403 even when its limits are spent), and added to the context.
 * @internal
 */
export function keyProcedureRequiring<
  P extends string,
  TContext extends object,
  TMeta,
  TContextOverrides extends object,
>(
  check: KeyCheck<P, HostContext<TContext, TMeta, TContextOverrides>>,
  required: readonly P[],
  base: HostProcedure<TContext, TMeta, TContextOverrides>,
): KeyProcedure<P, TContext, TMeta, TContextOverrides> {
  type Context = HostContext<TContext, TMeta, TContextOverrides>;
  const authenticate = check.authenticator(
    required.length === 0 ? undefined : { permissions: [...required] },
  );

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
    const more = typeof middleware === 'function' ? check.requiredBy.get(middleware) : undefined;
    if (more === undefined) return procedure.use(middleware as never);
    return keyProcedureRequiring(check, [...new Set([...required, ...more])], base);
  }) as typeof procedure.use;
  const meta = ((value: TMeta) =>
    keyProcedureRequiring(check, required, base.meta(value))) as typeof procedure.meta;

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
