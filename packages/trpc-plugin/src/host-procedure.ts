import type {
  inferProcedureBuilderResolverOptions,
  TRPCMiddlewareFunction,
  TRPCProcedureBuilder,
  TRPCUnsetMarker,
} from '@trpc/server';
// `Overwrite` is what `.use()` composes contexts with; naming the same type keeps `KeyProcedure`
// identical to what `.use()` infers, instead of a look-alike that needs a cast.
import type { Overwrite } from '@trpc/server/unstable-core-do-not-import';
import type { KeyProcedureApiKey, KeyProcedureContext } from './types.js';

/**
 * A procedure of the host app with middlewares only (no input, output or resolver yet), such as
 * `t.procedure` or a `protectedProcedure` made with `.use()`. The `object` constraints keep
 * contexts added with `.use()` visible downstream.
 */
export type HostProcedure<
  TContext extends object,
  TMeta,
  TContextOverrides extends object,
> = TRPCProcedureBuilder<
  TContext,
  TMeta,
  TContextOverrides,
  TRPCUnsetMarker,
  TRPCUnsetMarker,
  TRPCUnsetMarker,
  TRPCUnsetMarker,
  false
>;

/** The context a resolver of `HostProcedure<TContext, TMeta, TContextOverrides>` receives. */
export type HostContext<
  TContext extends object,
  TMeta,
  TContextOverrides extends object,
> = inferProcedureBuilderResolverOptions<HostProcedure<TContext, TMeta, TContextOverrides>>['ctx'];

/** The host's machine procedure with `ctx.consumerId` and `ctx.apiKey` added. */
export type KeyProcedure<
  P extends string,
  TContext extends object,
  TMeta,
  TContextOverrides extends object,
> = HostProcedure<TContext, TMeta, Overwrite<TContextOverrides, KeyProcedureContext<P>>>;

/**
 * A middleware for `keyProcedure.use(…)`: it fits any procedure whose context holds the verified
 * key, so using it on a procedure without `keyProcedure` is a compile error.
 */
export type ApiKeyMiddleware<P extends string = string> = TRPCMiddlewareFunction<
  { apiKey: KeyProcedureApiKey<P> },
  unknown,
  object,
  object,
  unknown
>;
