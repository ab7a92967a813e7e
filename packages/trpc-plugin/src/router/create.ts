import { isLatchkeyError, type LatchkeyError } from '@latchkey/core';
import { TRPCError } from '@trpc/server';
import { toRouterError } from '../router-error.js';
import type { RouterProcedure } from './context.js';

/**
 * A new key for the consumer, owned by the user, with the limits the host's `limits` chose.
 * @internal
 */
export const createProcedure: RouterProcedure<'create'> = (context) => {
  const { apiKeys, keyLimit } = context;
  return context
    .scoped('create')
    .input(context.inputs.create)
    .mutation(async ({ ctx, input }) => {
      const { consumerId, ownerId } = ctx.apiKeyScope;
      try {
        // Only the limits are taken from the host's answer: never a consumer or owner.
        const { rateLimits, remaining, refill } = (await context.limitsOf(ctx)) ?? {};
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
    });
};

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
