import type { JsonObject } from '../json.js';

// The storage contract Latchkey runs on, in the words of no engine: each engine implements
// `KeyStore` in a folder of its own beside this file, and its tables' rows must read as the row
// types here (a type test beside each engine's schema keeps the two from drifting apart).

/**
 * A rate limit: at most `limit` units (a verification spends its `cost`, default 1) per fixed
 * window of `windowMs`. `per: 'consumer'` shares one budget between all keys of the consumer.
 */
export interface RateLimit {
  /** Default `"default"`, the limit a verification spends unless it names another. */
  name: string;
  limit: number;
  windowMs: number;
  /** Default `'key'`. */
  per: 'key' | 'consumer';
}

export type AuditAction = 'created' | 'updated' | 'revoked' | 'rolled';

/**
 * A stored key. Times are epoch milliseconds. No field holds anything from which the key can be
 * rebuilt.
 */
export interface ApiKeyRow {
  id: string;
  /** SHA-256 (or HMAC-SHA-256) of the whole key, hex; unique. */
  hash: string;
  /** The prefix and first body characters, e.g. `acme_3mQx`, for display. */
  start: string;
  last4: string;
  name: string;
  consumerId: string;
  ownerId: string;
  permissions: string[];
  metadata: JsonObject;
  enabled: boolean;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  revokedReason: string | null;
  lastUsedAt: number | null;
  /** The key this one replaced when it was made by `roll`. */
  rolledFromId: string | null;
  /** The key that replaced this one when it was rolled. */
  replacedById: string | null;
  /**
   * The key whose rate limits and `remaining` this one has once rolled: the newest key of its
   * rolls (moved on by each later roll), so that keys in a grace period share one budget. Null:
   * its own.
   */
  budgetKeyId: string | null;
  /** Named rate limits of this key; limits of the same name in the options apply otherwise. */
  rateLimits: RateLimit[];
  /** Uses left, or null for unlimited. Spent by one guarded write, so exact across processes. */
  remaining: number | null;
  /** When set, `remaining` is reset to `refillAmount` every `refillIntervalMs`. */
  refillAmount: number | null;
  refillIntervalMs: number | null;
  /** Start of the current refill interval. */
  lastRefillAt: number | null;
}

/** A change to a key, kept as the audit trail (it outlives the key when that is purged). */
export interface AuditEventRow {
  id: string;
  keyId: string;
  consumerId: string;
  /** Who made the change: a user id of the host app, or null for the system. */
  actorId: string | null;
  action: AuditAction;
  at: number;
  details: JsonObject;
}

/** Verifications of one key on one UTC day with one outcome, counted in memory and flushed. */
export interface UsageRow {
  keyId: string;
  consumerId: string;
  /** UTC day, `YYYY-MM-DD`. */
  day: string;
  code: string;
  count: number;
}

/** A position in a newest-first listing: the last row of the previous page. */
export interface RowCursor {
  at: number;
  id: string;
}

export interface KeyFilter {
  /** Only a key of this consumer; another consumer's key is treated as absent. */
  consumerId?: string;
  /** Only a key not rolled (no `replacedById`); a rolled one is treated as absent. */
  notRolled?: boolean;
}

export type KeyChanges = Partial<
  Pick<
    ApiKeyRow,
    | 'name'
    | 'permissions'
    | 'metadata'
    | 'enabled'
    | 'expiresAt'
    | 'revokedAt'
    | 'revokedReason'
    | 'replacedById'
    | 'budgetKeyId'
    | 'rateLimits'
    | 'remaining'
    | 'refillAmount'
    | 'refillIntervalMs'
    | 'lastRefillAt'
  >
> &
  Pick<ApiKeyRow, 'updatedAt'>;

export type KeyRef = Pick<ApiKeyRow, 'id' | 'consumerId'>;

/** The columns verification reads: fewer columns make the hot read markedly cheaper. */
export type VerifiableKeyRow = Pick<
  ApiKeyRow,
  | 'id'
  | 'consumerId'
  | 'ownerId'
  | 'name'
  | 'permissions'
  | 'metadata'
  | 'enabled'
  | 'expiresAt'
  | 'revokedAt'
  | 'rateLimits'
  | 'remaining'
  | 'budgetKeyId'
>;

/** What the usage recorder writes in one go: the latest use per key and counts to add. */
export interface UsageBatch {
  lastUsed: ReadonlyMap<string, number>;
  counts: UsageRow[];
}

/** The key's own state, when that refused a spend rather than its uses. */
export type SpendRefusal = 'REVOKED' | 'DISABLED' | 'EXPIRED' | 'NOT_FOUND';

export type SpendResult =
  | { spent: true; remaining: number | null; lastRefillAt: number | null }
  | {
      spent: false;
      /** When the next refill comes; `null` when none will cover `cost`. */
      nextRefillAt: number | null;
      /** Set when the key's own state refused the spend, rather than its uses. */
      refusal?: SpendRefusal;
    };

export interface RevokeManyFilter {
  consumerId?: string;
  ownerId?: string;
}

/**
 * The narrow storage interface Latchkey runs on. Every method either does what it says or throws
 * (any storage fault); `createApiKeys` turns faults into `STORAGE_UNAVAILABLE`. Writes that change a
 * key also write its audit event, atomically: both happen or neither. Every engine runs the same
 * suite of these promises: `keyStoreContract` in core's `src/test-support/store-contract.ts`.
 */
export interface KeyStore {
  /** Creates or migrates what the store needs. Called once, lazily, before first use. */
  init(): Promise<void>;
  /**
   * The verification read: one indexed lookup by hash, of the columns verification needs, with
   * `metadata`, `rateLimits` and `remaining` read from the key's budget key once it was rolled
   * (`budgetKeyId`), and `permissions` only those of its own that the budget key holds too.
   */
  findByHash(hash: string): Promise<VerifiableKeyRow | undefined>;
  findById(id: string): Promise<ApiKeyRow | undefined>;
  /** A consumer's keys, newest first. */
  listKeys(consumerId: string, limit: number, after?: RowCursor): Promise<ApiKeyRow[]>;
  /**
   * Inserts a key and its event: `'taken'` (and nothing written) when its hash or id is taken;
   * with `limit`, `'limit-reached'` (nothing written) when the consumer already has `maxLive` keys
   * neither revoked nor expired at `now`, counted in the same statement as the insert.
   */
  insertKey(
    row: ApiKeyRow,
    event: AuditEventRow,
    limit?: { maxLive: number; now: number },
  ): Promise<'inserted' | 'taken' | 'limit-reached'>;
  /**
   * Changes a key that is not revoked (and belongs to `filter.consumerId`, when given) and writes
   * the event; the changed key's record as `findById` reads it (a rolled key's metadata, rate
   * limits, `remaining` and refill are its budget key's, its permissions those of its own that the
   * budget key holds too), or `undefined` when no such key (nothing written).
   */
  updateKey(
    id: string,
    filter: KeyFilter,
    changes: KeyChanges,
    event: AuditEventRow,
  ): Promise<ApiKeyRow | undefined>;
  /**
   * Replaces an unrevoked, not yet replaced key: applies `changes` to the old key and inserts the new
   * one, with its settings and expiry as the old key has them when this commits, and both events.
   * Then the old key expires at `expiresBy` (the end of the grace period), or at its own expiry
   * as it is then if that comes first. `changes.expiresAt` is that cap computed from the key as
   * read: a store written before `expiresBy` sets it as it is, which is right unless an update
   * lands during the roll. The new row when done; `'not-found'` when the old key no longer
   * qualifies; `'hash-taken'` when the new key's hash or id exists. Nothing is written unless done.
   * From then on, spending and refunding the old key's uses act on the new key's `remaining`.
   */
  replaceKey(
    oldId: string,
    filter: KeyFilter,
    changes: KeyChanges,
    newRow: ApiKeyRow,
    events: AuditEventRow[],
    expiresBy?: number,
  ): Promise<ApiKeyRow | 'not-found' | 'hash-taken'>;
  /** The unrevoked keys matching every given field of the filter. */
  findUnrevoked(filter: RevokeManyFilter): Promise<KeyRef[]>;
  /** Revokes each key still unrevoked, with its event; the rows revoked by this call. */
  revokeKeys(
    keys: readonly KeyRef[],
    revokedAt: number,
    reason: string | null,
    eventFor: (key: KeyRef) => AuditEventRow,
  ): Promise<ApiKeyRow[]>;
  /**
   * Deletes keys revoked, or expired, before `before` (with their usage counts; audit events
   * stay as the trail); the ids deleted.
   */
  purgeKeys(before: number): Promise<string[]>;
  /**
   * Spends `cost` uses of a key in one atomic guarded statement (refilling first when an interval
   * has passed), so that concurrent callers in any number of processes never spend more than it
   * has. A key without a usage limit is always spent. A rolled key spends from the key that
   * replaced it (the newest of the chain), as does `refundUsage`. Refused, in the same statement,
   * when the key itself (not the key it spends from) is revoked, disabled or expired at `now`, or
   * gone: `refusal` says which, so that a process holding the key in its cache learns of it.
   */
  spendUsage(id: string, cost: number, now: number): Promise<SpendResult>;
  /**
   * Gives back `cost` uses spent by `spendUsage`, unless a refill happened since (then the uses
   * were reset anyway): `lastRefillAt` is what the spend returned.
   */
  refundUsage(id: string, cost: number, lastRefillAt: number | null): Promise<void>;
  /** In one transaction: moves `lastUsedAt` forward (never back) and adds the counts. */
  recordUsage(batch: UsageBatch): Promise<void>;
  /** A key's usage counts from `fromDay` (`YYYY-MM-DD`) on. */
  readUsage(keyId: string, fromDay: string): Promise<UsageRow[]>;
  /** A consumer's audit events (optionally of one key), newest first. */
  listAuditEvents(
    filter: { consumerId: string; keyId?: string },
    limit: number,
    after?: RowCursor,
  ): Promise<AuditEventRow[]>;
  /**
   * Lets the writes under way finish (a spend gets its answer), then closes what the store opened,
   * never a client the host gave it. After it, every call but `init` throws.
   */
  close(): Promise<void>;
}
