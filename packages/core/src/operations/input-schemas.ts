import { z } from 'zod';
import {
  cursorSchema,
  externalIdSchema,
  gracePeriodSchema,
  metadataSchema,
  nameSchema,
  pageSizeSchema,
  permissionsSchema,
  rateLimitsSchema,
  reasonSchema,
  refillSchema,
  remainingSchema,
  timestampSchema,
} from '../schemas.js';
import { DAY_MS } from '../time.js';
import { INPUT_LIMITS } from '../validation.js';

/** A key's id as the operations take it. */
export const keyIdSchema = z.string().min(1).max(INPUT_LIMITS.idMaxLength);

/** The operations' input schemas, built once per instance for its declared permissions. */
export type InputSchemas<P extends string> = ReturnType<typeof buildSchemas<P>>;

// By instance: built at its first management call, with zod, which verifying a key never loads.
const built = new WeakMap<object, InputSchemas<string>>();

/** The input schemas of the instance that `context` belongs to. */
export function schemasOf<P extends string>(context: { declared: readonly P[] }): InputSchemas<P> {
  let schemas = built.get(context);
  if (schemas === undefined) {
    schemas = buildSchemas<string>(context.declared);
    built.set(context, schemas);
  }
  return schemas as unknown as InputSchemas<P>;
}

/** The operations' input schemas: strict objects, whose permissions are the declared ones. */
export function buildSchemas<P extends string>(declared: readonly P[]) {
  const permissions = permissionsSchema(declared);
  const scoped = { consumerId: externalIdSchema.optional(), actorId: externalIdSchema.optional() };
  const limits = {
    rateLimits: rateLimitsSchema.optional(),
    remaining: remainingSchema.nullable().optional(),
    refill: refillSchema.nullable().optional(),
  };
  const listing = {
    consumerId: externalIdSchema,
    cursor: cursorSchema.nullish(),
    limit: pageSizeSchema.default(INPUT_LIMITS.pageSizeDefault),
  };
  return {
    create: z.strictObject({
      name: nameSchema,
      consumerId: externalIdSchema,
      ownerId: externalIdSchema,
      actorId: externalIdSchema.optional(),
      permissions: permissions.default([]),
      metadata: metadataSchema.default({}),
      expiresAt: timestampSchema.nullish(),
      enabled: z.boolean().default(true),
      maxLiveKeys: z.number().int().min(1).optional(),
      ...limits,
    }),
    update: z.strictObject({
      ...scoped,
      name: nameSchema.optional(),
      permissions: permissions.optional(),
      metadata: metadataSchema.optional(),
      enabled: z.boolean().optional(),
      expiresAt: timestampSchema.nullable().optional(),
      ...limits,
    }),
    revoke: z.strictObject({ ...scoped, reason: reasonSchema.optional() }),
    roll: z.strictObject({ ...scoped, gracePeriodMs: gracePeriodSchema.default(0) }),
    revokeMany: z.strictObject({
      consumerId: externalIdSchema.optional(),
      ownerId: externalIdSchema.optional(),
      actorId: externalIdSchema.optional(),
      reason: reasonSchema.optional(),
    }),
    scope: z.strictObject({ consumerId: externalIdSchema.optional() }),
    purge: z.strictObject({
      retentionMs: z
        .number()
        .int()
        .min(DAY_MS, { error: 'Keep revoked and expired keys for at least a day.' }),
    }),
    usage: z.strictObject({
      consumerId: externalIdSchema.optional(),
      days: z.number().int().min(1).max(366).default(30),
    }),
    list: z.strictObject(listing),
    auditLog: z.strictObject({ ...listing, keyId: keyIdSchema.optional() }),
  };
}
