import { z } from 'zod';
import { createKeyHasher } from '#hash';
import { cryptoRandom, type RandomSource } from './base62.js';
import { TtlCache } from './cache.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { isLatchkeyError, LatchkeyError } from './errors.js';
import { newEventId, newKeyId } from './ids.js';
import type { JsonObject } from './json.js';
import { assertPrefix, displayParts, generateKey, isWellFormed } from './key-format.js';
import { LastUsedRecorder } from './last-used.js';
import type { ApiKeyRow, AuditEventRow } from './schema.js';
import { createDrizzleStore, type DatabaseOption } from './storage/drizzle-store.js';
import type { KeyChanges, KeyStore } from './storage/store.js';
import type {
  ApiKey,
  ApiKeyStatus,
  AuditEvent,
  CreatedApiKey,
  Page,
  RejectedKey,
  RolledApiKey,
  VerifiedKey,
  VerifyResult,
} from './types.js';
import {
  cursorSchema,
  externalIdSchema,
  gracePeriodSchema,
  INPUT_LIMITS,
  invalidInput,
  metadataSchema,
  nameSchema,
  pageSizeSchema,
  parseInput,
  permissionsSchema,
  reasonSchema,
  timestampSchema,
} from './validation.js';

export interface ApiKeysOptions<TPermissions extends readonly string[]> {
  /**
   * Where keys are stored: `{ url: 'file:.data/latchkey.db' }` (created and migrated on first use),
   * a remote libsql URL, or the host's own drizzle libsql database or libsql client.
   * Give this or `storage`.
   */
  database?: DatabaseOption;
  /** Another storage adapter. Give this or `database`. */
  storage?: KeyStore;
  /** Names the app in every key (`acme_…`); lower-case letters and digits, `_`-separated. Default `lk`. */
  prefix?: string;
  /** Every permission a key may hold, declared once: `['invoices:read', 'invoices:write'] as const`. Default none. */
  permissions?: TPermissions;
  /** When set, keys are hashed with HMAC-SHA-256 under this secret instead of plain SHA-256. Keep it stable. */
  secret?: string;
  /** The verification cache. */
  cache?: {
    /**
     * How long a verified record is trusted before storage is read again. Changes made through
     * this instance apply at once; other processes see them within this time. `0` reads storage on
     * every call. Default 10 000 ms.
     */
    ttlMs?: number;
    /** The most records held; the oldest go first. Default 10 000. */
    maxEntries?: number;
  };
  /** How often `lastUsedAt` is written, batched, in the background. Default 5 000 ms. */
  lastUsedFlushIntervalMs?: number;
  /** Called with background faults (a failed `lastUsedAt` flush, which is retried). Default `console.error`. */
  onBackgroundError?: (error: unknown) => void;
  /** The time in epoch milliseconds. Default `Date.now`; tests inject their own. */
  clock?: () => number;
  /** The randomness for keys and ids. Default `crypto.getRandomValues`; tests inject their own. */
  random?: RandomSource;
}

/** Limit the action to one consumer's keys: a key of another consumer is `NOT_FOUND`. */
export interface ScopeOptions {
  consumerId?: string;
}

/** Who performs a change, for the audit log. */
export interface ActorOptions {
  actorId?: string;
}

export interface CreateApiKeyInput<TPermission extends string> extends ActorOptions {
  name: string;
  consumerId: string;
  ownerId: string;
  permissions?: readonly TPermission[];
  metadata?: JsonObject;
  /** When the key stops verifying; must be in the future. Default: never. */
  expiresAt?: Date | number | null;
  /** Default `true`. */
  enabled?: boolean;
}

export interface UpdateApiKeyInput<TPermission extends string> extends ScopeOptions, ActorOptions {
  name?: string;
  permissions?: readonly TPermission[];
  metadata?: JsonObject;
  enabled?: boolean;
  /** A future time, or `null` for no expiry. */
  expiresAt?: Date | number | null;
}

export interface RevokeApiKeyInput extends ScopeOptions, ActorOptions {
  reason?: string;
}

export interface RollApiKeyInput extends ScopeOptions, ActorOptions {
  /** How long the old key keeps working, in ms. Default 0: it stops at once. At most 30 days. */
  gracePeriodMs?: number;
}

export interface RevokeManyInput extends ActorOptions {
  /** Every key of this consumer (the team or org was deleted)… */
  consumerId?: string;
  /** …or of this owner (the user was deleted), or both (the user left the team). */
  ownerId?: string;
  reason?: string;
}

export interface ListApiKeysInput {
  consumerId: string;
  cursor?: string | null;
  /** Default 20, at most 100. */
  limit?: number;
}

export interface AuditLogInput extends ListApiKeysInput {
  keyId?: string;
}

export interface VerifyOptions<TPermission extends string> {
  /** Every one of these must be held by the key, or the result is `INSUFFICIENT_PERMISSIONS`. */
  permissions?: readonly TPermission[];
}

export interface ApiKeys<TPermission extends string = string> {
  readonly prefix: string;
  readonly permissions: readonly TPermission[];
  create(input: CreateApiKeyInput<TPermission>): Promise<CreatedApiKey<TPermission>>;
  get(id: string, options?: ScopeOptions): Promise<ApiKey<TPermission> | null>;
  list(input: ListApiKeysInput): Promise<Page<ApiKey<TPermission>>>;
  update(id: string, input: UpdateApiKeyInput<TPermission>): Promise<ApiKey<TPermission>>;
  revoke(id: string, input?: RevokeApiKeyInput): Promise<ApiKey<TPermission>>;
  roll(id: string, input?: RollApiKeyInput): Promise<RolledApiKey<TPermission>>;
  revokeMany(input: RevokeManyInput): Promise<{ revokedKeyIds: string[] }>;
  auditLog(input: AuditLogInput): Promise<Page<AuditEvent>>;
  /**
   * Never throws for a bad key: returns `{ valid: true, … }` or `{ valid: false, code }`.
   * Throws `STORAGE_UNAVAILABLE` when storage cannot be reached, which is not a bad key.
   */
  verify(key: unknown, options?: VerifyOptions<TPermission>): Promise<VerifyResult<TPermission>>;
  /** Opens and migrates storage now rather than on first use. */
  ready(): Promise<void>;
  /** Writes pending `lastUsedAt` updates. */
  flush(): Promise<void>;
  /** Flushes, then closes storage that this instance opened. */
  close(): Promise<void>;
}

/** A stored key as the verification path holds it, with its success result made once. */
interface CachedKey {
  id: string;
  hash: string;
  revokedAt: number | null;
  enabled: boolean;
  expiresAt: number | null;
  permissions: ReadonlySet<string>;
  verified: VerifiedKey;
}

const MAX_CREATE_ATTEMPTS = 3;
const MALFORMED: RejectedKey = Object.freeze({ valid: false, code: 'MALFORMED' });
const NOT_FOUND: RejectedKey = Object.freeze({ valid: false, code: 'NOT_FOUND' });
const keyIdSchema = z.string().min(1).max(INPUT_LIMITS.idMaxLength);

export function createApiKeys<const TPermissions extends readonly string[] = readonly []>(
  options: ApiKeysOptions<TPermissions>,
): ApiKeys<TPermissions[number]> {
  type P = TPermissions[number];
  const prefix = options.prefix ?? 'lk';
  assertPrefix(prefix);
  const declared = Object.freeze([...(options.permissions ?? [])]) as readonly P[];
  const store = resolveStore(options);
  const clock = options.clock ?? Date.now;
  const random = options.random ?? cryptoRandom;
  const hash = createKeyHasher(options.secret);
  const cache = new TtlCache<CachedKey>(
    options.cache?.ttlMs ?? 10_000,
    options.cache?.maxEntries ?? 10_000,
  );
  const onBackgroundError =
    options.onBackgroundError ??
    ((error: unknown) => console.error('[latchkey] background write failed; will retry', error));
  const lastUsed = new LastUsedRecorder(
    store,
    options.lastUsedFlushIntervalMs ?? 5_000,
    onBackgroundError,
  );

  const schemas = buildSchemas(declared);

  let initialized = false;
  let initializing: Promise<void> | undefined;
  function ready(): Promise<void> {
    initializing ??= store.init().then(
      () => {
        initialized = true;
      },
      (error: unknown) => {
        initializing = undefined; // the next call tries again
        throw storageUnavailable(error);
      },
    );
    return initializing;
  }

  /** Runs a storage operation, turning any fault into `STORAGE_UNAVAILABLE`. */
  async function storage<T>(operation: () => Promise<T>): Promise<T> {
    if (!initialized) await ready();
    try {
      return await operation();
    } catch (error) {
      throw storageUnavailable(error);
    }
  }

  // Bumped by every change made here, so that a lookup that started before the change does not
  // put the old record back into the cache after the change dropped it.
  let generation = 0;
  const inflight = new Map<string, Promise<CachedKey | null>>();

  function forget(rows: readonly Pick<ApiKeyRow, 'hash'>[]): void {
    generation++;
    for (const row of rows) cache.delete(row.hash);
  }

  function load(keyHash: string): Promise<CachedKey | null> {
    let pending = inflight.get(keyHash);
    if (pending === undefined) {
      const startedAt = generation;
      pending = storage(() => store.findByHash(keyHash)).then((row) => {
        if (row === undefined) return null;
        const record = toCachedKey(row);
        if (generation === startedAt) cache.set(keyHash, record, clock());
        return record;
      });
      const clear = () => inflight.delete(keyHash);
      pending.then(clear, clear);
      inflight.set(keyHash, pending);
    }
    return pending;
  }

  async function verify(key: unknown, verifyOptions?: VerifyOptions<P>): Promise<VerifyResult<P>> {
    if (!isWellFormed(key)) return MALFORMED;
    const keyHash = hash(key);
    const now = clock();
    const record = cache.get(keyHash, now) ?? (await load(keyHash));
    if (record === null) return NOT_FOUND;
    if (record.revokedAt !== null) return rejected('REVOKED', record.id);
    if (!record.enabled) return rejected('DISABLED', record.id);
    if (record.expiresAt !== null && now >= record.expiresAt) return rejected('EXPIRED', record.id);
    const required = verifyOptions?.permissions;
    if (required !== undefined && required.length > 0) {
      const missing = required.filter((permission) => !record.permissions.has(permission));
      if (missing.length > 0) {
        return Object.freeze({
          valid: false,
          code: 'INSUFFICIENT_PERMISSIONS',
          keyId: record.id,
          missingPermissions: Object.freeze(missing),
        });
      }
    }
    lastUsed.record(record.id, now);
    return record.verified as VerifiedKey<P>;
  }

  function event(
    row: Pick<ApiKeyRow, 'id' | 'consumerId'>,
    action: AuditEventRow['action'],
    at: number,
    actorId: string | undefined,
    details: JsonObject,
  ): AuditEventRow {
    return {
      id: newEventId(random),
      keyId: row.id,
      consumerId: row.consumerId,
      actorId: actorId ?? null,
      action,
      at,
      details,
    };
  }

  function assertFuture(expiresAt: number | null | undefined, now: number): void {
    if (expiresAt != null && expiresAt <= now) {
      throw invalidInput([{ path: ['expiresAt'], message: 'Expiry must be in the future.' }]);
    }
  }

  /** The key with this id in scope, or `NOT_FOUND` (also for another consumer's key). */
  async function findInScope(id: string, scope: ScopeOptions): Promise<ApiKeyRow> {
    const row = await storage(() => store.findById(id));
    if (row === undefined || !inScope(row, scope)) throw new LatchkeyError('NOT_FOUND');
    return row;
  }

  async function findChangeable(id: string, scope: ScopeOptions): Promise<ApiKeyRow> {
    const row = await findInScope(id, scope);
    if (row.revokedAt !== null) {
      throw new LatchkeyError('INVALID_STATE', { message: 'A revoked key cannot be changed.' });
    }
    return row;
  }

  const apiKeys: ApiKeys<P> = {
    prefix,
    permissions: declared,
    verify,
    ready,

    async create(input) {
      const parsed = parseInput(schemas.create, input);
      const now = clock();
      assertFuture(parsed.expiresAt, now);
      for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt++) {
        const key = generateKey(prefix, random);
        const row: ApiKeyRow = {
          id: newKeyId(random),
          hash: hash(key),
          ...displayParts(key),
          name: parsed.name,
          consumerId: parsed.consumerId,
          ownerId: parsed.ownerId,
          permissions: parsed.permissions,
          metadata: parsed.metadata,
          enabled: parsed.enabled,
          createdAt: now,
          updatedAt: now,
          expiresAt: parsed.expiresAt ?? null,
          revokedAt: null,
          revokedReason: null,
          lastUsedAt: null,
          rolledFromId: null,
          replacedById: null,
        };
        const created = event(row, 'created', now, parsed.actorId ?? parsed.ownerId, {
          name: row.name,
          permissions: row.permissions,
        });
        if (await storage(() => store.insertKey(row, created))) {
          return { key, apiKey: toApiKey<P>(row, now) };
        }
      }
      throw new LatchkeyError('KEY_GENERATION_FAILED');
    },

    async get(id, scope = {}) {
      const parsedScope = parseInput(schemas.scope, scope);
      if (!keyIdSchema.safeParse(id).success) return null;
      const row = await storage(() => store.findById(id));
      return row === undefined || !inScope(row, parsedScope) ? null : toApiKey<P>(row, clock());
    },

    async list(input) {
      const parsed = parseInput(schemas.list, input);
      const after = decodeCursor(parsed.cursor);
      const rows = await storage(() => store.listKeys(parsed.consumerId, parsed.limit + 1, after));
      const now = clock();
      return page(
        rows,
        parsed.limit,
        (row) => toApiKey<P>(row, now),
        (row) => row.createdAt,
      );
    },

    async auditLog(input) {
      const parsed = parseInput(schemas.auditLog, input);
      const after = decodeCursor(parsed.cursor);
      const rows = await storage(() =>
        store.listAuditEvents(
          { consumerId: parsed.consumerId, ...(parsed.keyId ? { keyId: parsed.keyId } : {}) },
          parsed.limit + 1,
          after,
        ),
      );
      return page(rows, parsed.limit, toAuditEvent, (row) => row.at);
    },

    async update(id, input) {
      const parsedId = parseInput(keyIdSchema, id);
      const { consumerId, actorId, ...changes } = parseInput(schemas.update, input);
      const fields = Object.keys(changes);
      if (fields.length === 0) {
        throw invalidInput([{ path: [], message: 'Nothing to update.' }]);
      }
      const now = clock();
      assertFuture(changes.expiresAt, now);
      const scope = consumerId === undefined ? {} : { consumerId };
      const existing = await findChangeable(parsedId, scope);
      const row = await storage(() =>
        store.updateKey(
          parsedId,
          scope,
          { ...changes, updatedAt: now } as KeyChanges,
          event(existing, 'updated', now, actorId, { fields }),
        ),
      );
      if (row === undefined) {
        // Revoked between our read and our write: report that, as a later call would.
        await findChangeable(parsedId, scope);
        throw new LatchkeyError('INVALID_STATE');
      }
      forget([row]);
      return toApiKey<P>(row, now);
    },

    async revoke(id, input = {}) {
      const parsedId = parseInput(keyIdSchema, id);
      const { consumerId, actorId, reason } = parseInput(schemas.revoke, input);
      const scope = consumerId === undefined ? {} : { consumerId };
      const now = clock();
      const revokedReason = reason === undefined || reason === '' ? null : reason;
      const existing = await findInScope(parsedId, scope);
      // Revoking twice is not an error: the key is revoked, as asked.
      if (existing.revokedAt !== null) return toApiKey<P>(existing, now);
      const row = await storage(() =>
        store.updateKey(
          parsedId,
          scope,
          { revokedAt: now, revokedReason, updatedAt: now },
          event(existing, 'revoked', now, actorId, { reason: revokedReason }),
        ),
      );
      forget([existing]);
      return toApiKey<P>(row ?? (await findInScope(parsedId, scope)), now);
    },

    async roll(id, input = {}) {
      const parsedId = parseInput(keyIdSchema, id);
      const { consumerId, actorId, gracePeriodMs } = parseInput(schemas.roll, input);
      const scope = consumerId === undefined ? {} : { consumerId };
      const old = await findChangeable(parsedId, scope);
      const now = clock();
      if (old.replacedById !== null) throw alreadyRolled();
      if (old.expiresAt !== null && old.expiresAt <= now) {
        throw new LatchkeyError('INVALID_STATE', {
          message: 'An expired key cannot be rolled; create a new key instead.',
        });
      }
      const oldExpiresAt = Math.min(old.expiresAt ?? Number.POSITIVE_INFINITY, now + gracePeriodMs);
      for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt++) {
        const key = generateKey(prefix, random);
        const row: ApiKeyRow = {
          ...old,
          id: newKeyId(random),
          hash: hash(key),
          ...displayParts(key),
          createdAt: now,
          updatedAt: now,
          revokedAt: null,
          revokedReason: null,
          lastUsedAt: null,
          rolledFromId: old.id,
          replacedById: null,
        };
        const changes = { expiresAt: oldExpiresAt, replacedById: row.id, updatedAt: now };
        const outcome = await storage(() =>
          store.replaceKey(old.id, scope, changes, row, [
            event(old, 'rolled', now, actorId, {
              newKeyId: row.id,
              gracePeriodMs,
              expiresAt: oldExpiresAt,
            }),
            event(row, 'created', now, actorId, {
              name: row.name,
              permissions: row.permissions,
              rolledFromId: old.id,
            }),
          ]),
        );
        // Revoked or rolled by someone else between our read and our write.
        if (outcome === 'not-found') throw alreadyRolled();
        if (outcome === 'replaced') {
          forget([old]);
          return {
            key,
            apiKey: toApiKey<P>(row, now),
            previous: toApiKey<P>({ ...old, ...changes }, now),
          };
        }
      }
      throw new LatchkeyError('KEY_GENERATION_FAILED');
    },

    async revokeMany(input) {
      const parsed = parseInput(schemas.revokeMany, input);
      if (parsed.consumerId === undefined && parsed.ownerId === undefined) {
        throw invalidInput([
          {
            path: [],
            message: 'Give a consumerId, an ownerId, or both: revoking every key is not allowed.',
          },
        ]);
      }
      const filter = {
        ...(parsed.consumerId === undefined ? {} : { consumerId: parsed.consumerId }),
        ...(parsed.ownerId === undefined ? {} : { ownerId: parsed.ownerId }),
      };
      const now = clock();
      const reason = parsed.reason === undefined || parsed.reason === '' ? null : parsed.reason;
      const targets = await storage(() => store.findUnrevoked(filter));
      const revoked = await storage(() =>
        store.revokeKeys(targets, now, reason, (target) =>
          event(target, 'revoked', now, parsed.actorId, { reason }),
        ),
      );
      forget(revoked);
      return { revokedKeyIds: revoked.map((row) => row.id) };
    },

    flush: () => lastUsed.flush(),

    async close() {
      await lastUsed.flush();
      lastUsed.stop();
      cache.clear();
      await store.close();
      initialized = false;
      initializing = undefined;
    },
  };
  return apiKeys;
}

function resolveStore<T extends readonly string[]>(options: ApiKeysOptions<T>): KeyStore {
  if (options.storage !== undefined && options.database !== undefined) {
    throw new TypeError('Latchkey: give `database` or `storage`, not both.');
  }
  if (options.storage !== undefined) return options.storage;
  if (options.database !== undefined) return createDrizzleStore(options.database);
  throw new TypeError(
    "Latchkey: give `database` (e.g. { url: 'file:.data/latchkey.db' }) or `storage`.",
  );
}

function buildSchemas<P extends string>(declared: readonly P[]) {
  const permissions = permissionsSchema(declared);
  const scoped = { consumerId: externalIdSchema.optional(), actorId: externalIdSchema.optional() };
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
    }),
    update: z.strictObject({
      ...scoped,
      name: nameSchema.optional(),
      permissions: permissions.optional(),
      metadata: metadataSchema.optional(),
      enabled: z.boolean().optional(),
      expiresAt: timestampSchema.nullable().optional(),
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
    list: z.strictObject(listing),
    auditLog: z.strictObject({ ...listing, keyId: keyIdSchema.optional() }),
  };
}

function inScope(row: ApiKeyRow, scope: ScopeOptions): boolean {
  return scope.consumerId === undefined || row.consumerId === scope.consumerId;
}

function statusOf(row: ApiKeyRow, now: number): ApiKeyStatus {
  if (row.revokedAt !== null) return 'revoked';
  if (!row.enabled) return 'disabled';
  if (row.expiresAt !== null && now >= row.expiresAt) return 'expired';
  return 'active';
}

function toApiKey<P extends string>(row: ApiKeyRow, now: number): ApiKey<P> {
  const { hash: _hash, ...visible } = row;
  return { ...visible, permissions: row.permissions as P[], status: statusOf(row, now) };
}

function toCachedKey(row: ApiKeyRow): CachedKey {
  return {
    id: row.id,
    hash: row.hash,
    revokedAt: row.revokedAt,
    enabled: row.enabled,
    expiresAt: row.expiresAt,
    permissions: new Set(row.permissions),
    verified: Object.freeze({
      valid: true,
      code: 'VALID',
      keyId: row.id,
      consumerId: row.consumerId,
      ownerId: row.ownerId,
      name: row.name,
      permissions: Object.freeze([...row.permissions]),
      metadata: deepFreeze(row.metadata),
      expiresAt: row.expiresAt,
    }),
  };
}

function toAuditEvent(row: AuditEventRow): AuditEvent {
  return { ...row };
}

function rejected(code: RejectedKey['code'], keyId: string): RejectedKey {
  return { valid: false, code, keyId };
}

function page<R extends { id: string }, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
  at: (row: R) => number,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(map),
    nextCursor: rows.length > limit && last !== undefined ? encodeCursor(at(last), last.id) : null,
  };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function alreadyRolled(): LatchkeyError {
  return new LatchkeyError('INVALID_STATE', {
    message: 'This key was revoked or already rolled; roll the key that replaced it.',
  });
}

function storageUnavailable(error: unknown): LatchkeyError {
  if (isLatchkeyError(error)) return error;
  const detail = error instanceof Error ? `: ${error.message}` : '';
  return new LatchkeyError('STORAGE_UNAVAILABLE', {
    message: `The API key storage cannot be reached${detail}`,
    cause: error,
  });
}
