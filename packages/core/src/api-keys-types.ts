// The public types of `createApiKeys`: its options, the inputs of its operations, and the
// `ApiKeys` it returns.
import type { RandomSource } from './base62.js';
import type { JsonObject } from './json.js';
import type {
  ApiKeyRequestState,
  AuthenticateRequestOptions,
} from './request/authenticate-request.js';
import type { KeyStore, RateLimit } from './store/key-store.js';
import type { DatabaseOption } from './store/sqlite/index.js';
import type {
  ApiKey,
  AuditEvent,
  CreatedApiKey,
  Page,
  Refill,
  RolledApiKey,
  UsageDay,
  VerifiedKey,
  VerifyFailureCode,
  VerifyOptions,
  VerifyResult,
} from './types.js';

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
