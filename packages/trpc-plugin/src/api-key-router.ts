import { type ApiKeys, isLatchkeyError, type KeyLimitsInput, LatchkeyError } from '@latchkey/core';
import { TRPCError } from '@trpc/server';
import { type ApiKeyAuthorize, refusalOf, userActions } from './authorization.js';
import type { HostContext, HostProcedure } from './host-procedure.js';
import { callCore, toRouterError } from './router-error.js';
import { routerInputs } from './router-inputs.js';
import type { ApiKeyAction, ApiKeyRouter, ApiKeyScope } from './types.js';

export interface ApiKeyRouterOptions<
  P extends string,
  TContext extends object,
  TMeta,
  TContextOverrides extends object,
> {
  apiKeys: ApiKeys<P>;
  userProcedure: HostProcedure<TContext, TMeta, TContextOverrides>;
  consumer: (opts: {
    ctx: HostContext<TContext, TMeta, TContextOverrides>;
  }) => ApiKeyScope | Promise<ApiKeyScope>;
  authorize: ApiKeyAuthorize<HostContext<TContext, TMeta, TContextOverrides>> | undefined;
  limits:
    | ((opts: {
        ctx: HostContext<TContext, TMeta, TContextOverrides>;
        consumerId: string;
      }) => KeyLimitsInput | Promise<KeyLimitsInput>)
    | undefined;
  /** The most live keys a consumer may have; `null` for no limit. */
  maxKeysPerConsumer: number | null;
}

export function buildApiKeyRouter<
  P extends string,
  TContext extends object,
  TMeta,
  TContextOverrides extends object,
>(options: ApiKeyRouterOptions<P, TContext, TMeta, TContextOverrides>): ApiKeyRouter<P, TMeta> {
  const { apiKeys, consumer, authorize, limits, maxKeysPerConsumer } = options;
  const keyLimit = maxKeysPerConsumer === null ? {} : { maxLiveKeys: maxKeysPerConsumer };
  const inputs = routerInputs(apiKeys.permissions);

  // Who is asking and for which consumer comes from the host's context only, never from input.
  // It runs before input validation, so a refused user learns nothing from validation errors.
  const scoped = (action: ApiKeyAction) =>
    options.userProcedure.use(async ({ ctx, next }) => {
      const scope = checkedScope(await consumer({ ctx }));
      const refusal = await refusalOf(authorize, { ctx, action, consumerId: scope.consumerId });
      if (refusal !== null) throw new TRPCError({ code: 'FORBIDDEN', message: refusal });
      const apiKeyScope: ApiKeyScope = { consumerId: scope.consumerId, ownerId: scope.ownerId };
      return next({ ctx: { apiKeyScope } });
    });

  // The host's context is all there, with our scope on top: what `limits` and `authorize` take.
  const hostContext = (ctx: object) =>
    ctx as unknown as HostContext<TContext, TMeta, TContextOverrides>;

  /** The key if it is the consumer's; `NOT_FOUND` for another consumer's key, as for no key. */
  async function getInScope(id: string, consumerId: string) {
    const apiKey = await callCore(() => apiKeys.get(id, { consumerId }));
    if (apiKey === null) throw toRouterError(new LatchkeyError('NOT_FOUND'));
    return apiKey;
  }

  return {
    config: scoped('config').query(async ({ ctx }) => ({
      prefix: apiKeys.prefix,
      permissions: [...apiKeys.permissions],
      rateLimits: apiKeys.rateLimits.map((limit) => ({ ...limit })),
      // What `authorize` allows this user, so a UI need not offer what the server would refuse.
      ...(await userActions(authorize, hostContext(ctx), ctx.apiKeyScope.consumerId)),
    })),

    list: scoped('list')
      .input(inputs.list)
      .query(({ ctx, input: { cursor, limit } }) =>
        callCore(() => apiKeys.list({ cursor, limit, consumerId: ctx.apiKeyScope.consumerId })),
      ),

    get: scoped('get')
      .input(inputs.get)
      .query(({ ctx, input }) => getInScope(input.id, ctx.apiKeyScope.consumerId)),

    create: scoped('create')
      .input(inputs.create)
      .mutation(async ({ ctx, input }) => {
        const { consumerId, ownerId } = ctx.apiKeyScope;
        const hostCtx = hostContext(ctx);
        try {
          // Only the limits are taken from the host's answer: never a consumer or owner.
          const { rateLimits, remaining, refill } =
            (await limits?.({ ctx: hostCtx, consumerId })) ?? {};
          return await apiKeys.create({
            ...input,
            rateLimits,
            remaining,
            refill,
            ...keyLimit,
            consumerId,
            ownerId,
            actorId: ownerId,
          });
        } catch (error) {
          if (error instanceof TRPCError) throw error; // the host's own answer, from `limits`
          throw isHostLimitsError(error) ? badLimits(error) : toRouterError(error);
        }
      }),

    update: scoped('update')
      .input(inputs.update)
      .mutation(({ ctx, input: { id, ...changes } }) => {
        const { consumerId, ownerId } = ctx.apiKeyScope;
        // A field given as `undefined` (possible through `createCaller`) is not a change.
        const defined = Object.fromEntries(
          Object.entries(changes).filter(([, value]) => value !== undefined),
        ) as typeof changes;
        return callCore(() => apiKeys.update(id, { ...defined, consumerId, actorId: ownerId }));
      }),

    revoke: scoped('revoke')
      .input(inputs.revoke)
      .mutation(({ ctx, input: { id, reason } }) => {
        const { consumerId, ownerId } = ctx.apiKeyScope;
        return callCore(() => apiKeys.revoke(id, { reason, consumerId, actorId: ownerId }));
      }),

    roll: scoped('roll')
      .input(inputs.roll)
      .mutation(({ ctx, input: { id, gracePeriodMs } }) => {
        const { consumerId, ownerId } = ctx.apiKeyScope;
        return callCore(() => apiKeys.roll(id, { gracePeriodMs, consumerId, actorId: ownerId }));
      }),

    auditLog: scoped('auditLog')
      .input(inputs.auditLog)
      .query(async ({ ctx, input: { keyId, cursor, limit } }) => {
        const { consumerId } = ctx.apiKeyScope;
        // Another consumer's key id is NOT_FOUND here too, rather than an empty page.
        if (keyId !== undefined) await getInScope(keyId, consumerId);
        return callCore(() => apiKeys.auditLog({ keyId, cursor, limit, consumerId }));
      }),

    // Scoped by core: another consumer's key is NOT_FOUND there, exactly as an unknown id.
    usage: scoped('usage')
      .input(inputs.usage)
      .query(({ ctx, input: { id, days } }) =>
        callCore(() => apiKeys.usage(id, { days, consumerId: ctx.apiKeyScope.consumerId })),
      ),
  };
}

const LIMIT_FIELDS: ReadonlySet<unknown> = new Set(['rateLimits', 'remaining', 'refill']);

/** Core refused the limits: they came from the host's `limits` option, since input has none. */
function isHostLimitsError(error: unknown): error is LatchkeyError {
  return (
    isLatchkeyError(error) &&
    error.code === 'INVALID_INPUT' &&
    (error.issues ?? []).some((issue) => LIMIT_FIELDS.has(issue.path[0]))
  );
}

/** A 500 that names the option; what core refused stays in `cause`, for the host's logs only. */
function badLimits(error: LatchkeyError): TRPCError {
  return new TRPCError({
    code: 'INTERNAL_SERVER_ERROR',
    message: 'Latchkey: the `limits` option returned limits that core refuses (see the cause).',
    cause: error,
  });
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
