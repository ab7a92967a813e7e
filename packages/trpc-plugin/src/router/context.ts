import { type ApiKey, type ApiKeys, type KeyLimitsInput, LatchkeyError } from '@latchkey/core';
import { TRPCError, type TRPCProcedureBuilder, type TRPCUnsetMarker } from '@trpc/server';
import { refusalOf, userActions } from '../authorization.js';
import type { ApiKeyPluginOptions } from '../plugin-options.js';
import { callCore, toRouterError } from '../router-error.js';
import type { ApiKeyAction, ApiKeyConfig, ApiKeyRouter, ApiKeyScope } from '../types.js';
import { type RouterInputs, routerInputs } from './inputs.js';

/**
 * What the router takes of the plugin's options.
 * @internal
 */
export type RouterOptions<
  P extends string,
  TContext extends object,
  TMeta,
  TContextOverrides extends object,
> = Pick<
  ApiKeyPluginOptions<P, TContext, TMeta, TContextOverrides, object>,
  'apiKeys' | 'userProcedure' | 'consumer' | 'authorize' | 'limits'
>;

/**
 * What every procedure's context holds: the user's scope, checked.
 * @internal
 */
export interface ScopedContext {
  apiKeyScope: ApiKeyScope;
}

/**
 * The host's user procedure for one action, the scope checked. Its context is typed as the scope
 * alone: the procedures read nothing else of it, and hand it whole to the host's own options.
 * @internal
 */
export type ScopedProcedure<TMeta> = TRPCProcedureBuilder<
  object,
  TMeta,
  ScopedContext,
  TRPCUnsetMarker,
  TRPCUnsetMarker,
  TRPCUnsetMarker,
  TRPCUnsetMarker,
  false
>;

/**
 * What each procedure of the router takes: made once per plugin from its options, with the
 * host's types resolved, so a procedure is a short function of its own (better-auth's routes).
 * @internal
 */
export interface RouterContext<P extends string, TMeta> {
  apiKeys: ApiKeys<P>;
  /** The input of each procedure. */
  inputs: RouterInputs<P>;
  /**
   * The user procedure for `action`. Who is asking and for which consumer comes from the host's
   * context only, never from input; it runs before input validation, so a refused user learns
   * nothing from validation errors.
   */
  scoped: (action: ApiKeyAction) => ScopedProcedure<TMeta>;
  /** What `authorize` allows this user, action by action. */
  userActions: (ctx: ScopedContext) => Promise<Pick<ApiKeyConfig, 'actions' | 'refusals'>>;
  /** The limits of a new key, from the host's `limits` option; none without it. */
  limitsOf: (ctx: ScopedContext) => Promise<KeyLimitsInput | undefined>;
  /** `create`'s cap on a consumer's live keys, from `maxKeysPerConsumer`. */
  keyLimit: { maxLiveKeys?: number };
}

/**
 * A procedure of the router, made from the router's context: one file each.
 * @internal
 */
export type RouterProcedure<K extends keyof ApiKeyRouter> = <P extends string, TMeta>(
  context: RouterContext<P, TMeta>,
) => ApiKeyRouter<P, TMeta>[K];

/**
 * The router's context, for the host's user procedure and options.
 * @internal
 */
export function createRouterContext<
  P extends string,
  TContext extends object,
  TMeta,
  TContextOverrides extends object,
>(
  options: RouterOptions<P, TContext, TMeta, TContextOverrides>,
  maxKeysPerConsumer: number | null,
): RouterContext<P, TMeta> {
  const { apiKeys, consumer, authorize, limits } = options;
  // The host's context is all there, with our scope on top: what `limits` and `authorize` take.
  type HostCtx = Parameters<typeof consumer>[0]['ctx'];
  const hostContext = (ctx: ScopedContext) => ctx as unknown as HostCtx;
  const scoped = (action: ApiKeyAction) =>
    options.userProcedure.use(async ({ ctx, next }) => {
      const scope = checkedScope(await consumer({ ctx }));
      const refusal = await refusalOf(authorize, { ctx, action, consumerId: scope.consumerId });
      if (refusal !== null) throw new TRPCError({ code: 'FORBIDDEN', message: refusal });
      const apiKeyScope: ApiKeyScope = { consumerId: scope.consumerId, ownerId: scope.ownerId };
      return next({ ctx: { apiKeyScope } });
    }) as unknown as ScopedProcedure<TMeta>;
  return {
    apiKeys,
    inputs: routerInputs(apiKeys.permissions),
    scoped,
    userActions: (ctx) => userActions(authorize, hostContext(ctx), ctx.apiKeyScope.consumerId),
    limitsOf: async (ctx) =>
      limits?.({ ctx: hostContext(ctx), consumerId: ctx.apiKeyScope.consumerId }),
    keyLimit: maxKeysPerConsumer === null ? {} : { maxLiveKeys: maxKeysPerConsumer },
  };
}

/**
 * The key if it is the consumer's; `NOT_FOUND` for another consumer's key, as for no key.
 * @internal
 */
export async function keyInScope<P extends string>(
  apiKeys: ApiKeys<P>,
  id: string,
  consumerId: string,
): Promise<ApiKey<P>> {
  const apiKey = await callCore(() => apiKeys.get(id, { consumerId }));
  if (apiKey === null) throw toRouterError(new LatchkeyError('NOT_FOUND'));
  return apiKey;
}

/**
 * A change made by the signed-in user: scoped to the consumer, and theirs in the audit log.
 * @internal
 */
export function changeBy({ apiKeyScope }: ScopedContext): { consumerId: string; actorId: string } {
  return { consumerId: apiKeyScope.consumerId, actorId: apiKeyScope.ownerId };
}

/**
 * The host's `consumer` answer, checked at run time: core reads a missing `consumerId` as "any
 * consumer", so a session without a team (an `any`-typed session, a `!`) must fail closed here,
 * as the host's bug it is, rather than open every consumer's keys to this user.
 */
function checkedScope(scope: ApiKeyScope): ApiKeyScope {
  const { consumerId, ownerId } = scope ?? {};
  if (
    typeof consumerId === 'string' &&
    consumerId !== '' &&
    typeof ownerId === 'string' &&
    ownerId !== ''
  ) {
    return scope;
  }
  throw new TRPCError({
    code: 'INTERNAL_SERVER_ERROR',
    message:
      'Latchkey: the `consumer` option must return a non-empty `consumerId` and `ownerId` (strings) for a signed-in user.',
  });
}
