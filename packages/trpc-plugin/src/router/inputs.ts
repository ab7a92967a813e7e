import { INPUT_LIMITS, type JsonObject } from '@latchkey/core';
import {
  gracePeriodSchema,
  metadataSchema,
  nameSchema,
  reasonSchema,
} from '@latchkey/core/schemas';
import { z } from 'zod';

// The largest value a JavaScript Date can hold, in epoch ms.
const MAX_TIMESTAMP = 8.64e15;
// Core's cursors are a few dozen characters; this only bounds what a caller can send.
const MAX_CURSOR_LENGTH = 512;
// A chart of three months; core reads up to a year, which a UI request has no need for.
const MAX_USAGE_DAYS = 90;
const DEFAULT_USAGE_DAYS = 30;

/**
 * The input of each router procedure, for the app's permissions `P`.
 * @internal
 */
export type RouterInputs<P extends string> = ReturnType<typeof routerInputs<P>>;

/**
 * The input of each router procedure. Objects are strict, so a `consumerId` or any other field the
 * router does not take is a `BAD_REQUEST` rather than silently dropped; every string, list and
 * object is bounded. Core validates again (the future `expiresAt`, "nothing to update").
 * @internal
 */
export function routerInputs<P extends string>(declared: readonly P[]) {
  const known = new Set<string>(declared);
  const list = declared.join(', ') || '(none)';
  const id = z
    .string()
    .min(1)
    .max(INPUT_LIMITS.idMaxLength, { error: `At most ${INPUT_LIMITS.idMaxLength} characters.` });
  const permissions = z
    .array(
      z.custom<P>((value) => typeof value === 'string' && known.has(value), {
        error: `Not a declared permission (declared: ${list}).`,
      }),
    )
    .max(declared.length, { error: `At most the ${declared.length} declared permissions.` })
    .refine((values) => new Set(values).size === values.length, {
      error: 'Each permission at most once.',
    });
  // Typed as the JSON object the UI sends; core's schema does the checking and the size bound.
  const metadata = z.custom<JsonObject>().superRefine((value, ctx) => {
    for (const issue of metadataSchema.safeParse(value).error?.issues ?? []) {
      ctx.addIssue({ code: 'custom', message: issue.message });
    }
  });
  const expiresAt = z.number().int().min(0).max(MAX_TIMESTAMP).nullable();
  const cursor = z.string().max(MAX_CURSOR_LENGTH).nullish();
  const limit = z.number().int().min(1).max(INPUT_LIMITS.pageSizeMax).optional();
  // tRPC's `useInfiniteQuery` adds `direction` to the input; only forward paging exists.
  const direction = z.literal('forward', { error: 'Pages only go forward.' }).optional();

  return {
    list: z.strictObject({ cursor, limit, direction }),
    get: z.strictObject({ id }),
    create: z.strictObject({
      name: nameSchema,
      permissions: permissions.optional(),
      metadata: metadata.optional(),
      expiresAt: expiresAt.optional(),
    }),
    update: z.strictObject({
      id,
      name: nameSchema.optional(),
      permissions: permissions.optional(),
      metadata: metadata.optional(),
      enabled: z.boolean().optional(),
      expiresAt: expiresAt.optional(),
    }),
    revoke: z.strictObject({ id, reason: reasonSchema.optional() }),
    roll: z.strictObject({ id, gracePeriodMs: gracePeriodSchema.optional() }),
    auditLog: z.strictObject({ keyId: id.optional(), cursor, limit, direction }),
    usage: z.strictObject({
      id,
      days: z.number().int().min(1).max(MAX_USAGE_DAYS).default(DEFAULT_USAGE_DAYS),
    }),
  };
}
