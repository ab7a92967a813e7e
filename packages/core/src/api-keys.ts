import { DrizzleQueryError } from 'drizzle-orm';
import { z } from 'zod';
import { createKeyHasher } from '#hash';
import { cryptoRandom, type RandomSource } from './base62.js';
import { TtlCache } from './cache.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { isLatchkeyError, LatchkeyError } from './errors.js';
import { createKeyIndex } from './hash/siphash.js';
import { newEventId, newKeyId } from './ids.js';
import type { JsonObject } from './json.js';
import { assertPrefix, displayParts, generateKey } from './key-format.js';
import { FixedWindowRateLimiter } from './rate-limiter.js';
import { toApiKey, toAuditEvent } from './records.js';
import {
  type ApiKeyRequestState,
  type AuthenticateRequestOptions,
  authenticateRequest,
} from './request/authenticate-request.js';
import type { ApiKeyRow, AuditEventRow, RateLimit } from './schema.js';
import { createDrizzleStore, type DatabaseOption } from './storage/drizzle-store.js';
import type { KeyChanges, KeyStore } from './storage/store.js';
import { DAY_MS, utcDay } from './time.js';
import type {
  ApiKey,
  AuditEvent,
  CreatedApiKey,
  Page,
  Refill,
  RolledApiKey,
  UsageDay,
  VerifiedKey,
  VerifyCode,
  VerifyFailureCode,
  VerifyResult,
} from './types.js';
import { UsageRecorder } from './usage-recorder.js';
import {
  cursorSchema,
  describeIssues,
  externalIdSchema,
  gracePeriodSchema,
  INPUT_LIMITS,
  invalidInput,
  metadataSchema,
  nameSchema,
  pageSizeSchema,
  parseInput,
  permissionsSchema,
  rateLimitsSchema,
  reasonSchema,
  refillSchema,
  remainingSchema,
  timestampSchema,
} from './validation.js';
import { type CachedKey, createVerifier, type VerifyOptions } from './verifier.js';

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
  /**
   * Other prefixes whose keys this instance verifies too, e.g. `['acme_old']` while the keys made
   * under an old prefix are rolled onto `prefix` (new keys always carry `prefix`). Default none: a
   * key of any other prefix is `MALFORMED`, refused without a storage read.
   */
  acceptPrefixes?: readonly string[];
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
  /**
   * Rate limits for every key that does not set one of the same name, e.g.
   * `[{ limit: 100, windowMs: 60_000 }]`. Default none.
   */
  rateLimits?: readonly RateLimitInput[];
  /** How often `lastUsedAt` and usage counts are written, in one batch, in the background. Default 5 000 ms. */
  flushIntervalMs?: number;
  /** Called with background faults (a failed flush, which is retried). Default `console.error`. */
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

/** A rate limit as given: `name` defaults to `"default"`, `per` to `'key'`. */
export interface RateLimitInput {
  name?: string;
  /** Units allowed per window. */
  limit: number;
  /** The window, in ms (fixed windows aligned to the epoch), at most 31 days. */
  windowMs: number;
  /** `'consumer'` shares one budget between all keys of the consumer. Default `'key'`. */
  per?: 'key' | 'consumer';
}

/** Limits a key may carry, on create and update. */
export interface KeyLimitsInput {
  /** Replaces the key's own rate limits. */
  rateLimits?: readonly RateLimitInput[];
  /** Uses left; `null` for unlimited. Default unlimited. */
  remaining?: number | null;
  /** Reset `remaining` to `amount` every `intervalMs`; `null` for no refill. */
  refill?: Refill | null;
}

export interface CreateApiKeyInput<TPermission extends string>
  extends ActorOptions,
    KeyLimitsInput {
  name: string;
  consumerId: string;
  ownerId: string;
  permissions?: readonly TPermission[];
  metadata?: JsonObject;
  /** When the key stops verifying; must be in the future. Default: never. */
  expiresAt?: Date | number | null;
  /** Default `true`. */
  enabled?: boolean;
  /**
   * Refuse (`KEY_LIMIT_REACHED`) when the consumer already has this many live keys (neither
   * revoked nor expired); checked in the insert itself, so concurrent creates cannot pass it.
   * Default: no limit. The tRPC router sets it from `maxKeysPerConsumer`.
   */
  maxLiveKeys?: number;
}

export interface UpdateApiKeyInput<TPermission extends string>
  extends ScopeOptions,
    ActorOptions,
    KeyLimitsInput {
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

export interface PurgeInput {
  /** How long a revoked or expired record is kept, in ms; at least a day. */
  retentionMs: number;
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

export interface UsageInput extends ScopeOptions {
  /** How many days back, today included. Default 30, at most 366. */
  days?: number;
}

export interface ApiKeys<TPermission extends string = string> {
  readonly prefix: string;
  readonly permissions: readonly TPermission[];
  /** The `rateLimits` option, as every key that sets no limit of the same name has them. */
  readonly rateLimits: readonly Readonly<RateLimit>[];
  create(input: CreateApiKeyInput<TPermission>): Promise<CreatedApiKey<TPermission>>;
  get(id: string, options?: ScopeOptions): Promise<ApiKey<TPermission> | null>;
  list(input: ListApiKeysInput): Promise<Page<ApiKey<TPermission>>>;
  update(id: string, input: UpdateApiKeyInput<TPermission>): Promise<ApiKey<TPermission>>;
  revoke(id: string, input?: RevokeApiKeyInput): Promise<ApiKey<TPermission>>;
  roll(id: string, input?: RollApiKeyInput): Promise<RolledApiKey<TPermission>>;
  revokeMany(input: RevokeManyInput): Promise<{ revokedKeyIds: string[] }>;
  /**
   * Deletes the records of keys revoked, or expired, more than `retentionMs` ago (with their
   * usage counts; their audit events stay). Run it on a schedule to keep storage small.
   */
  purge(input: PurgeInput): Promise<{ purgedKeyIds: string[] }>;
  auditLog(input: AuditLogInput): Promise<Page<AuditEvent>>;
  /** Verifications per UTC day and outcome, oldest day first, days without any included as zeros. */
  usage(id: string, input?: UsageInput): Promise<{ keyId: string; days: UsageDay[] }>;
  /**
   * Never throws for a bad key: returns `{ valid: true, … }` or `{ valid: false, code }`.
   * Throws `STORAGE_UNAVAILABLE` when storage cannot be reached, which is not a bad key.
   */
  verify(key: unknown, options?: VerifyOptions<TPermission>): Promise<VerifyResult<TPermission>>;
  /**
   * `verify` without a promise, for a key this process has cached and that has no usage limit
   * (and for a malformed key): the same result, counted the same way. `undefined`, having done
   * nothing, when the answer needs storage; then call `verify`. For synchronous middleware and
   * hot paths: `apiKeys.verifyCached(key) ?? (await apiKeys.verify(key))`.
   */
  verifyCached(
    key: unknown,
    options?: VerifyOptions<TPermission>,
  ): VerifyResult<TPermission> | undefined;
  /**
   * Gives back what a valid verification spent (rate-limit units, `remaining` uses) when the
   * request was refused after it, e.g. by a permission check later in a tRPC middleware chain,
   * and counts it under `code` (default `INSUFFICIENT_PERMISSIONS`) instead of `VALID`.
   */
  refund(
    result: VerifiedKey<TPermission>,
    code?: Exclude<VerifyFailureCode, 'MALFORMED' | 'NOT_FOUND'>,
  ): Promise<void>;
  /**
   * Reads the key from a Fetch API request's headers (`Authorization: Bearer` or `x-api-key`) and
   * verifies it: `toAuth()` gives who it acts for, `toResponse()` the 401/403/429/503 to send, or
   * null when authenticated. Never throws for a bad or missing key, nor for a storage fault (503).
   */
  authenticateRequest(
    input: Request | Headers,
    options?: AuthenticateRequestOptions<TPermission>,
  ): Promise<ApiKeyRequestState<TPermission>>;
  /** Opens and migrates storage now rather than on first use. */
  ready(): Promise<void>;
  /** Writes pending `lastUsedAt` and usage counts. */
  flush(): Promise<void>;
  /** Lets verifications under way finish, flushes, then closes storage that this instance opened. */
  close(): Promise<void>;
}

const MAX_CREATE_ATTEMPTS = 3;

// The options' bounds: a timer beyond ~24.8 days overflows to 1 ms, and a negative TTL or size
// would quietly turn the cache off.
const MAX_TIMER_MS = 2 ** 31 - 1;
const secretSchema = z.string().min(1).optional();
const cacheTtlSchema = z.number().int().min(0).max(MAX_TIMER_MS);
const cacheEntriesSchema = z.number().int().min(0);
const flushIntervalSchema = z.number().int().min(1).max(MAX_TIMER_MS);
const keyIdSchema = z.string().min(1).max(INPUT_LIMITS.idMaxLength);

/** What `refund` may count a call under: a refusal that comes after a valid verification. */
const REFUND_CODES: ReadonlySet<Exclude<VerifyFailureCode, 'MALFORMED' | 'NOT_FOUND'>> = new Set([
  'INSUFFICIENT_PERMISSIONS',
  'REVOKED',
  'EXPIRED',
  'DISABLED',
  'RATE_LIMITED',
  'USAGE_EXCEEDED',
]);

export function createApiKeys<const TPermissions extends readonly string[] = readonly []>(
  options: ApiKeysOptions<TPermissions>,
): ApiKeys<TPermissions[number]> {
  type P = TPermissions[number];
  const prefix = options.prefix ?? 'lk';
  assertPrefix(prefix);
  const prefixes = verifiedPrefixes(prefix, options.acceptPrefixes);
  const declared = Object.freeze([...(options.permissions ?? [])]) as readonly P[];
  const store = resolveStore(options);
  const clock = options.clock ?? Date.now;
  const random = options.random ?? cryptoRandom;
  const hash = createKeyHasher(parseOption(secretSchema, options.secret, 'secret'));
  const cache = new TtlCache<CachedKey>(
    parseOption(cacheTtlSchema, options.cache?.ttlMs ?? 10_000, 'cache.ttlMs'),
    parseOption(cacheEntriesSchema, options.cache?.maxEntries ?? 10_000, 'cache.maxEntries'),
  );
  const onBackgroundError =
    options.onBackgroundError ??
    ((error: unknown) => console.error('[latchkey] background write failed; will retry', error));
  const flushIntervalMs = parseOption(
    flushIntervalSchema,
    options.flushIntervalMs ?? 5_000,
    'flushIntervalMs',
  );
  const recorder = new UsageRecorder(store, flushIntervalMs, onBackgroundError);
  // Frozen: `apiKeys.rateLimits` hands them out, and the verifier reads them on every load.
  const defaultRateLimits: readonly RateLimit[] = Object.freeze(
    parseOption(rateLimitsSchema, options.rateLimits ?? [], 'rateLimits').map((limit) =>
      Object.freeze(limit),
    ),
  );

  const schemas = buildSchemas(declared);

  let initialized = false;
  let initializing: Promise<void> | undefined;
  // Once closed, storage stays closed: reopening it silently would answer a `:memory:` database's
  // keys as NOT_FOUND (401), and open a client the host believes closed.
  let closing: Promise<void> | undefined;
  function ready(): Promise<void> {
    // Once `close()` has begun, no open starts: one that began before is waited for by `close()`,
    // which then forgets it.
    if (closing !== undefined && initializing === undefined) return Promise.reject(closed());
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

  function closed(): LatchkeyError {
    return new LatchkeyError('STORAGE_UNAVAILABLE', {
      message: 'The API key storage was closed by apiKeys.close(); create a new instance.',
    });
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

  const { verify, verifyCached, refund, forget, settle, carryRateLimits } = createVerifier({
    store,
    storage,
    admit: () => {
      if (closing !== undefined) throw closed();
    },
    cache,
    hash,
    index: createKeyIndex(cryptoRandom),
    clock,
    limiter: new FixedWindowRateLimiter(),
    recorder,
    defaultRateLimits,
    prefixes,
  });

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

  /**
   * Runs `write` with a new secret and the columns it gives a record (id, hash, display parts),
   * and again with fresh ones while `write` reports a taken hash or id (`undefined`): a bounded
   * retry, so a collision never fails a create or a roll, nor loops forever.
   */
  async function withFreshKey<T>(
    write: (fresh: { key: string; columns: FreshKeyColumns }) => Promise<T | undefined>,
  ): Promise<T> {
    for (let attempt = 0; attempt < MAX_CREATE_ATTEMPTS; attempt++) {
      const key = generateKey(prefix, random);
      const written = await write({
        key,
        columns: { id: newKeyId(random), hash: hash(key), ...displayParts(key) },
      });
      if (written !== undefined) return written;
    }
    throw new LatchkeyError('KEY_GENERATION_FAILED');
  }

  const apiKeys: ApiKeys<P> = {
    prefix,
    permissions: declared,
    rateLimits: defaultRateLimits,
    verify: (key, verifyOptions) => verify<P>(key, verifyOptions),
    verifyCached: (key, verifyOptions) => verifyCached<P>(key, verifyOptions),
    refund: async (result, code) => {
      // The code the call is counted under: a refusal of a known key, never `VALID` or a name
      // that is no code (which would be counted as one, or vanish as `__proto__`).
      if (code !== undefined && !REFUND_CODES.has(code)) {
        throw invalidInput([
          { path: ['code'], message: `Must be one of ${[...REFUND_CODES].join(', ')}.` },
        ]);
      }
      return refund(result as VerifiedKey, code);
    },
    authenticateRequest: (input, requestOptions) =>
      authenticateRequest(apiKeys, input, requestOptions),
    ready,

    async create(input) {
      const parsed = parseInput(schemas.create, input);
      const now = clock();
      assertFuture(parsed.expiresAt, now);
      const limits = limitColumns(parsed, now);
      return withFreshKey(async (fresh) => {
        const row: ApiKeyRow = {
          ...fresh.columns,
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
          budgetKeyId: null,
          rateLimits: limits.rateLimits ?? [],
          remaining: limits.remaining ?? null,
          refillAmount: limits.refillAmount ?? null,
          refillIntervalMs: limits.refillIntervalMs ?? null,
          lastRefillAt: limits.lastRefillAt ?? null,
        };
        const created = event(row, 'created', now, parsed.actorId ?? parsed.ownerId, {
          name: row.name,
          permissions: row.permissions,
        });
        const limit =
          parsed.maxLiveKeys === undefined ? undefined : { maxLive: parsed.maxLiveKeys, now };
        const outcome = await storage(() => store.insertKey(row, created, limit));
        if (outcome === 'taken') return undefined;
        if (outcome === 'limit-reached') {
          throw new LatchkeyError('KEY_LIMIT_REACHED', {
            message: `This consumer already has ${parsed.maxLiveKeys === 1 ? 'a live API key' : `${parsed.maxLiveKeys} live API keys`}, the most allowed: revoke one to create another.`,
          });
        }
        return { key: fresh.key, apiKey: toApiKey<P>(row, now) };
      });
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
      const { consumerId, actorId, ...requested } = parseInput(schemas.update, input);
      const fields = Object.entries(requested)
        .filter(([, value]) => value !== undefined)
        .map(([field]) => field);
      const { rateLimits, remaining, refill, ...changes } = requested;
      const now = clock();
      const limits = limitColumns({ rateLimits, remaining, refill }, now);
      if (fields.length === 0) {
        throw invalidInput([{ path: [], message: 'Nothing to update.' }]);
      }
      assertFuture(changes.expiresAt, now);
      const scope = { consumerId };
      // A rolled key lives on only for its grace period, as the new key's stand-in: it may be
      // renamed or disabled (to end the grace period early); its settings are the new key's,
      // read from it (`budget.ts`).
      const settings = fields.filter((field) => field !== 'name' && field !== 'enabled');
      const existing = await findChangeable(parsedId, scope);
      if (settings.length > 0 && existing.replacedById !== null) throw rolledSettings(settings);
      const row = await storage(() =>
        store.updateKey(
          parsedId,
          { ...scope, notRolled: settings.length > 0 },
          { ...changes, ...limits, updatedAt: now } as KeyChanges,
          event(existing, 'updated', now, actorId, { fields }),
        ),
      );
      if (row === undefined) {
        // Revoked or rolled between our read and our write: report that, as a later call would.
        const current = await findChangeable(parsedId, scope);
        if (current.replacedById !== null) throw rolledSettings(settings);
        throw new LatchkeyError('INVALID_STATE');
      }
      forget([row.id]);
      return toApiKey<P>(row, now);
    },

    async revoke(id, input = {}) {
      const parsedId = parseInput(keyIdSchema, id);
      const { consumerId, actorId, reason } = parseInput(schemas.revoke, input);
      const scope = { consumerId };
      const now = clock();
      const revokedReason = reasonOrNull(reason);
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
      forget([existing.id]);
      return toApiKey<P>(row ?? (await findInScope(parsedId, scope)), now);
    },

    async roll(id, input = {}) {
      const parsedId = parseInput(keyIdSchema, id);
      const { consumerId, actorId, gracePeriodMs } = parseInput(schemas.roll, input);
      const scope = { consumerId };
      const old = await findChangeable(parsedId, scope);
      const now = clock();
      if (old.replacedById !== null) throw alreadyRolled();
      if (old.expiresAt !== null && old.expiresAt <= now) {
        throw new LatchkeyError('INVALID_STATE', {
          message: 'An expired key cannot be rolled; create a new key instead.',
        });
      }
      const graceEndsAt = now + gracePeriodMs;
      return withFreshKey(async (fresh) => {
        const row: ApiKeyRow = {
          ...old,
          ...fresh.columns,
          createdAt: now,
          updatedAt: now,
          revokedAt: null,
          revokedReason: null,
          lastUsedAt: null,
          rolledFromId: old.id,
          replacedById: null,
          budgetKeyId: null,
        };
        const changes = {
          // For a store that does not take `graceEndsAt` below: the old key's expiry as read,
          // capped. Ours caps the expiry as the roll commits, which an update may have changed.
          expiresAt: Math.min(old.expiresAt ?? Number.POSITIVE_INFINITY, graceEndsAt),
          replacedById: row.id,
          budgetKeyId: row.id,
          updatedAt: now,
        };
        const outcome = await storage(() =>
          store.replaceKey(
            old.id,
            scope,
            changes,
            row,
            [
              // The old key expires when the grace period ends, or sooner at its own expiry as the
              // roll commits: which one only the stored key says, since an update may land between.
              event(old, 'rolled', now, actorId, {
                newKeyId: row.id,
                gracePeriodMs,
                expiresBy: graceEndsAt,
              }),
              event(row, 'created', now, actorId, {
                name: row.name,
                permissions: row.permissions,
                rolledFromId: old.id,
              }),
            ],
            graceEndsAt,
          ),
        );
        // Revoked or rolled by someone else between our read and our write.
        if (outcome === 'not-found') throw alreadyRolled();
        if (outcome === 'hash-taken') return undefined;
        // The old key as the roll left it: its settings as they were when it committed (which the
        // new key copied, and an update may have changed since our read), its expiry capped.
        const previous: ApiKeyRow = {
          ...outcome,
          id: old.id,
          hash: old.hash,
          start: old.start,
          last4: old.last4,
          createdAt: old.createdAt,
          lastUsedAt: old.lastUsedAt,
          rolledFromId: old.rolledFromId,
          ...changes,
          expiresAt: Math.min(outcome.expiresAt ?? Number.POSITIVE_INFINITY, graceEndsAt),
        };
        forget([old.id]);
        carryRateLimits(previous, row.id);
        return {
          key: fresh.key,
          apiKey: toApiKey<P>(outcome, now),
          previous: toApiKey<P>(previous, now),
        };
      });
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
      const reason = reasonOrNull(parsed.reason);
      const revokedKeyIds: string[] = [];
      // Look again after revoking: a key rolled (or created) between the look and the revocation
      // would otherwise outlive the team it belongs to. A roll that comes later finds its key
      // revoked and fails, so the passes end.
      for (let pass = 0; pass < MAX_REVOKE_PASSES; pass++) {
        const targets = await storage(() => store.findUnrevoked(filter));
        if (targets.length === 0) break;
        const revoked = await storage(() =>
          store.revokeKeys(targets, now, reason, (target) =>
            event(target, 'revoked', now, parsed.actorId, { reason }),
          ),
        );
        const ids = revoked.map((row) => row.id);
        forget(ids);
        revokedKeyIds.push(...ids);
      }
      return { revokedKeyIds };
    },

    async usage(id, input = {}) {
      const parsedId = parseInput(keyIdSchema, id);
      const { consumerId, days } = parseInput(schemas.usage, input);
      const row = await findInScope(parsedId, { consumerId });
      const today = clock();
      const dates = Array.from({ length: days }, (_, i) => utcDay(today - (days - 1 - i) * DAY_MS));
      // The last seconds count too: what is counted in memory is added, not written first.
      const { stored, pending } = await recorder.readWithPending(row.id, () =>
        storage(() => store.readUsage(row.id, dates[0] as string)),
      );
      const byDate = new Map(
        dates.map((date) => [date, { date, total: 0, counts: {} } as UsageDay]),
      );
      const add = (date: string, code: VerifyCode, count: number) => {
        const day = byDate.get(date);
        if (day === undefined) return;
        day.counts[code] = (day.counts[code] ?? 0) + count;
        day.total += count;
      };
      for (const usageRow of stored) add(usageRow.day, usageRow.code as VerifyCode, usageRow.count);
      for (const { day, counts } of pending) {
        for (const [code, count] of Object.entries(counts) as [VerifyCode, number][]) {
          // As a flush writes them: a count taken back to nothing is no row.
          if (count !== 0) add(day, code, count);
        }
      }
      return { keyId: row.id, days: [...byDate.values()] };
    },

    async purge(input) {
      const { retentionMs } = parseInput(schemas.purge, input);
      // Counts made so far are written first: the purge then deletes them with the key's rows,
      // and what is counted meanwhile for a purged key is dropped, so no row outlives its key.
      await recorder.flush();
      const purgedKeyIds = await storage(() => store.purgeKeys(clock() - retentionMs));
      recorder.forget(purgedKeyIds);
      // A purged key is NOT_FOUND at once in this process, not REVOKED from the cache.
      forget(purgedKeyIds);
      return { purgedKeyIds };
    },

    flush: () => recorder.flush(),

    close() {
      // Once: a second call, even during the first, waits for the same shutdown.
      closing ??= (async () => {
        await settle();
        // From here every call misses the cache and is refused (`admit`), so none is answered
        // after the last flush and left uncounted.
        cache.clear();
        await recorder.flush();
        recorder.stop();
        // An open still under way would otherwise finish after this and leave storage open.
        await initializing?.catch(() => undefined);
        initialized = false;
        initializing = undefined;
        await store.close();
      })();
      return closing;
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

function inScope(row: ApiKeyRow, scope: ScopeOptions): boolean {
  return scope.consumerId === undefined || row.consumerId === scope.consumerId;
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

/**
 * The stored limit columns for given limit inputs; a field left undefined stays as it is.
 * Setting a refill starts its first interval now and fills `remaining` if not given.
 */
function limitColumns(
  input: {
    rateLimits?: RateLimit[] | undefined;
    remaining?: number | null | undefined;
    refill?: Refill | null | undefined;
  },
  now: number,
): Partial<
  Pick<ApiKeyRow, 'rateLimits' | 'remaining' | 'refillAmount' | 'refillIntervalMs' | 'lastRefillAt'>
> {
  const columns: ReturnType<typeof limitColumns> = {};
  if (input.rateLimits !== undefined) columns.rateLimits = input.rateLimits;
  if (input.remaining !== undefined) {
    columns.remaining = input.remaining;
    // Uses set by hand restart the refill interval: a refill already due would undo them at once.
    if (input.remaining !== null) columns.lastRefillAt = now;
  }
  if (input.refill !== undefined) {
    columns.refillAmount = input.refill?.amount ?? null;
    columns.refillIntervalMs = input.refill?.intervalMs ?? null;
    columns.lastRefillAt = input.refill === null ? null : now;
    if (input.refill !== null && input.remaining === undefined)
      columns.remaining = input.refill.amount;
  }
  return columns;
}

/** The prefixes whose keys an instance verifies: its own first, then those it accepts besides. */
function verifiedPrefixes(prefix: string, accepted: readonly string[] | undefined): string[] {
  if (accepted === undefined) return [prefix];
  if (!Array.isArray(accepted)) {
    throw new TypeError(
      "Latchkey: invalid `acceptPrefixes` option: give a list of key prefixes, e.g. ['acme_old'].",
    );
  }
  for (const other of accepted) {
    if (typeof other !== 'string') {
      throw new TypeError(
        `Latchkey: invalid \`acceptPrefixes\` option: ${JSON.stringify(other)} is not a prefix.`,
      );
    }
    assertPrefix(other);
  }
  return [...new Set([prefix, ...accepted])];
}

/** Validates an option of `createApiKeys`: a misconfiguration is a programmer error, thrown at once. */
function parseOption<S extends z.ZodType>(schema: S, value: unknown, name: string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new TypeError(
    `Latchkey: invalid \`${name}\` option: ${describeIssues(result.error.issues)}`,
  );
}

type FreshKeyColumns = Pick<ApiKeyRow, 'id' | 'hash' | 'start' | 'last4'>;

/** A revocation's reason as stored: an empty one is none. */
function reasonOrNull(reason: string | undefined): string | null {
  return reason === undefined || reason === '' ? null : reason;
}

function rolledSettings(fields: readonly string[]): LatchkeyError {
  return new LatchkeyError('INVALID_STATE', {
    message: `This key was rolled: its ${fields.join(', ')} cannot change. It has the metadata and limits of the key that replaced it, and no permission that key lacks (change them there), and expires when its grace period ends (disable or revoke it to end it sooner).`,
  });
}

/** Passes of `revokeMany` over keys that appear while it revokes; a handful is already a lot. */
const MAX_REVOKE_PASSES = 10;

function alreadyRolled(): LatchkeyError {
  return new LatchkeyError('INVALID_STATE', {
    message: 'This key was revoked or already rolled; roll the key that replaced it.',
  });
}

function storageUnavailable(error: unknown): LatchkeyError {
  if (isLatchkeyError(error)) return error;
  // The driver's own error, not drizzle's wrapper of it: that one quotes the query's parameters,
  // among them the hash of the key being verified, which has no place in a log.
  const cause =
    error instanceof DrizzleQueryError && error.cause !== undefined ? error.cause : error;
  const detail = cause instanceof Error ? `: ${cause.message}` : '';
  return new LatchkeyError('STORAGE_UNAVAILABLE', {
    message: `The API key storage cannot be reached${detail}`,
    cause,
  });
}
