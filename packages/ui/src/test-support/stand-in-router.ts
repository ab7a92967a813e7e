// STAND-IN for `@latchkey/trpc-plugin`'s `apiKeyRouter`, which is being written in parallel: the
// same procedures, inputs, outputs and error codes, on @latchkey/core. Replaced by the real plugin
// as soon as it lands; nothing outside test-support may import this file.
import { type ApiKeys, isLatchkeyError, type LatchkeyError } from '@latchkey/core';
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';

export interface TestContext {
  session: { teamId: string; userId: string };
}

const t = initTRPC.context<TestContext>().create();

function toTRPCError(error: LatchkeyError): TRPCError {
  const message =
    error.issues.length > 0
      ? error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join(' ')
      : error.message;
  const code = (
    {
      INVALID_INPUT: 'BAD_REQUEST',
      NOT_FOUND: 'NOT_FOUND',
      INVALID_STATE: 'CONFLICT',
      STORAGE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
      KEY_GENERATION_FAILED: 'INTERNAL_SERVER_ERROR',
    } as const
  )[error.code];
  return new TRPCError({ code, message, cause: error });
}

export function createStandInRouter<P extends string>(apiKeys: ApiKeys<P>) {
  const procedure = t.procedure.use(async ({ ctx, next }) => {
    const result = await next({
      ctx: { consumerId: ctx.session.teamId, ownerId: ctx.session.userId },
    });
    if (!result.ok && isLatchkeyError(result.error.cause)) throw toTRPCError(result.error.cause);
    return result;
  });
  const permissions = z.array(z.string()) as unknown as z.ZodType<P[], P[]>;
  const id = z.string();
  return t.router({
    apiKeys: t.router({
      config: procedure.query(() => ({
        prefix: apiKeys.prefix,
        permissions: [...apiKeys.permissions],
      })),
      list: procedure
        .input(
          z.object({
            cursor: z.string().nullish(),
            limit: z.number().int().min(1).max(100).optional(),
          }),
        )
        .query(({ ctx, input }) => apiKeys.list({ consumerId: ctx.consumerId, ...input })),
      get: procedure.input(z.object({ id })).query(async ({ ctx, input }) => {
        const apiKey = await apiKeys.get(input.id, { consumerId: ctx.consumerId });
        if (apiKey === null) throw new TRPCError({ code: 'NOT_FOUND' });
        return apiKey;
      }),
      create: procedure
        .input(
          z.object({
            name: z.string(),
            permissions: permissions.optional(),
            metadata: z.record(z.string(), z.json()).optional(),
            expiresAt: z.number().nullish(),
          }),
        )
        .mutation(({ ctx, input }) =>
          apiKeys.create({ ...input, consumerId: ctx.consumerId, ownerId: ctx.ownerId }),
        ),
      update: procedure
        .input(
          z.object({
            id,
            name: z.string().optional(),
            permissions: permissions.optional(),
            metadata: z.record(z.string(), z.json()).optional(),
            enabled: z.boolean().optional(),
            expiresAt: z.number().nullish(),
          }),
        )
        .mutation(({ ctx, input: { id, ...changes } }) =>
          apiKeys.update(id, { ...changes, consumerId: ctx.consumerId, actorId: ctx.ownerId }),
        ),
      revoke: procedure
        .input(z.object({ id, reason: z.string().optional() }))
        .mutation(({ ctx, input: { id, reason } }) =>
          apiKeys.revoke(id, { reason, consumerId: ctx.consumerId, actorId: ctx.ownerId }),
        ),
      roll: procedure
        .input(z.object({ id, gracePeriodMs: z.number().optional() }))
        .mutation(({ ctx, input: { id, gracePeriodMs } }) =>
          apiKeys.roll(id, { gracePeriodMs, consumerId: ctx.consumerId, actorId: ctx.ownerId }),
        ),
      auditLog: procedure
        .input(
          z.object({
            keyId: z.string().optional(),
            cursor: z.string().nullish(),
            limit: z.number().optional(),
          }),
        )
        .query(({ ctx, input }) => apiKeys.auditLog({ consumerId: ctx.consumerId, ...input })),
    }),
  });
}
