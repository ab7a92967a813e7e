import type { TtlCache } from './cache.js';
import type { KeyHasher } from './hash/hasher.js';
import { hasPrefix, isWellFormed, MAX_KEY_LENGTH } from './key-format.js';
import type { FixedWindowRateLimiter, RateLimitDecision } from './rate-limiter.js';
import type { RateLimit } from './schema.js';
import { assertVerifiableRow } from './storage/row-shape.js';
import type { KeyStore, SpendRefusal, SpendResult, VerifiableKeyRow } from './storage/store.js';
import type { RejectedKey, VerifiedKey, VerifyResult } from './types.js';
import type { UsageRecorder } from './usage-recorder.js';
import { costSchema, invalidInput, parseInput } from './validation.js';

export interface VerifyOptions<TPermission extends string> {
  /** Every one of these must be held by the key, or the result is `INSUFFICIENT_PERMISSIONS`. */
  permissions?: readonly TPermission[];
  /** The rate limit this call spends from. Default `"default"`; a key without it is not limited. */
  rateLimit?: string;
  /** Units this call spends from the rate limit and from `remaining`. Default 1. */
  cost?: number;
}

/** A stored key as the verification path holds it, with its success result made once. */
export interface CachedKey {
  /** The key's id, by which a change in this process finds the entry to drop. */
  id: string;
  /**
   * Once rolled, the key whose rate limits and `remaining` this one has: a change to it drops this
   * entry too.
   */
  budgetKeyId: string | null;
  consumerId: string;
  revokedAt: number | null;
  enabled: boolean;
  expiresAt: number | null;
  permissions: ReadonlySet<string>;
  /** Effective limits by name, with the counter subject each spends from. */
  rateLimits: ReadonlyMap<string, { subject: string; limit: RateLimit }>;
  usageLimited: boolean;
  verified: VerifiedKey;
}

export interface VerifierDependencies {
  store: KeyStore;
  /** Runs a storage operation, turning faults into `STORAGE_UNAVAILABLE`. */
  storage: <T>(operation: () => Promise<T>) => Promise<T>;
  /**
   * Throws `STORAGE_UNAVAILABLE` once `close()` has begun. A verification asks before it starts
   * storage work of its own (a read, a spend), so that `close()`, which waits for the work under
   * way, finishes however fast new calls arrive.
   */
  admit: () => void;
  /** Keyed by `index(key)`, never by the key itself. */
  cache: TtlCache<CachedKey>;
  hash: KeyHasher;
  /** A keyed PRF of the key (SipHash): a cache hit needs no SHA-256. */
  index: (key: string) => string | undefined;
  clock: () => number;
  limiter: FixedWindowRateLimiter;
  recorder: UsageRecorder;
  /** Limits from the options, applying to keys that do not set one of the same name. */
  defaultRateLimits: readonly RateLimit[];
  /** The prefixes whose keys this instance verifies: its own, then any it accepts besides. */
  prefixes: readonly string[];
}

/** A verification read under way, and the generation (of changes) in which it started. */
interface InflightRead {
  startedAt: number;
  record: Promise<CachedKey | null>;
}

/** What one valid verification spent, so that `refund` can give it back. */
interface Receipt {
  keyId: string;
  cost: number;
  rateLimit: { subject: string; windowStart: number } | undefined;
  usage: { lastRefillAt: number | null } | undefined;
}

/** What a call that passed the in-memory checks spends: its cost, and its rate limit's decision. */
interface Pass {
  cost: number;
  rateLimit?: { subject: string; limit: RateLimit };
  decision?: RateLimitDecision;
}

const ONE_UNIT: Pass = Object.freeze({ cost: 1 });
const COST = ['cost'];
const MALFORMED: RejectedKey = Object.freeze({ valid: false, code: 'MALFORMED' });
const NOT_FOUND: RejectedKey = Object.freeze({ valid: false, code: 'NOT_FOUND' });

/**
 * The hot path. Checks, in order: the cache, by the key's index (SipHash) → on a miss, prefix,
 * shape and checksum → SHA-256 → storage → then revoked / disabled / expired → permissions → rate
 * limit → usage (whose spend checks revoked / disabled / expired again, in storage). A call that
 * fails a check spends nothing from a later one. A cached key with no usage limit costs no
 * SHA-256, no I/O, no write and, without a rate limit, no allocation (`verify` adds the promise
 * its API returns; `verifyCached` not even that).
 */
export function createVerifier(deps: VerifierDependencies) {
  const { store, storage, admit, cache, hash, index, clock, limiter, recorder, prefixes } = deps;

  /**
   * The result of a verification that spent something: the key's result with its limits' state,
   * and, in a private field, the receipt of what it spent, for `refund`. The class is this
   * instance's own, so a result of another instance has no receipt here. (A `WeakMap` from results
   * to receipts cost more than all the rest of a rate-limited verification.) The shared frozen
   * result of a key without limits spent nothing and has none.
   */
  class SpentResult {
    #receipt: Receipt | undefined;

    constructor(verified: VerifiedKey, receipt: Receipt) {
      Object.assign(this, verified);
      this.#receipt = receipt;
    }

    /** The receipt of `result`, once: what was spent is given back only once. */
    static take(result: object): Receipt | undefined {
      if (!(#receipt in result)) return undefined;
      const receipt = result.#receipt;
      result.#receipt = undefined;
      return receipt;
    }
  }

  // Bumped by every change, so that a read that started before a change neither puts the old
  // record back into the cache after the change dropped it, nor answers a verification that
  // started after the change.
  let generation = 0;
  // Reads by key hash, shared by concurrent verifications of one key.
  const inflight = new Map<string, InflightRead>();
  // Storage work under way: reads (one no longer shared, too), verifications of usage-limited
  // keys (answer and count included) and refunds of their uses, for `settle`.
  const underway = new Set<Promise<unknown>>();

  /**
   * Resolves once every verification that was waiting for storage has its answer and is counted,
   * and every refund is written: for `close()`, so that a shutdown neither refuses nor forgets
   * calls already under way. A call whose read ends in a spend is waited for too: the read's end
   * starts the spend before this looks again.
   */
  async function settle(): Promise<void> {
    while (underway.size > 0) await Promise.allSettled([...underway]);
  }

  function load(keyHash: string, keyIndex: string): Promise<CachedKey | null> {
    const shared = inflight.get(keyHash);
    // A read that started before the latest change may hold the record as it was before it: a
    // verification that starts after the change reads afresh rather than take that answer.
    if (shared !== undefined && shared.startedAt === generation) return shared.record;
    const startedAt = generation;
    // A row that cannot be read as a key (a column of the wrong type, written by hand or by
    // another program) is a storage fault too: 503, never a TypeError out of the request.
    const record = storage(() =>
      store
        .findByHash(keyHash)
        .then((row) => (row === undefined ? null : toCachedKey(row, deps.defaultRateLimits))),
    ).then((found) => {
      // A key not found is never cached: a key created next must work at once.
      if (found !== null && generation === startedAt) cache.set(keyIndex, found, clock());
      return found;
    });
    const read: InflightRead = { startedAt, record };
    const clear = () => {
      if (inflight.get(keyHash) === read) inflight.delete(keyHash);
    };
    record.then(clear, clear);
    inflight.set(keyHash, read);
    return track(record);
  }

  /**
   * Whether `key` has a well-formed shape, checksum and one of this instance's prefixes: a key of
   * another app or environment sharing the database is no key here. Checked on a cache miss
   * only: an entry in the cache was loaded for a key that passed it.
   */
  function isOwnKey(key: string): boolean {
    for (let i = 0; i < prefixes.length; i++) {
      if (hasPrefix(key, prefixes[i] as string)) return isWellFormed(key);
    }
    return false;
  }

  function reject(record: CachedKey, code: RejectedKey['code'], now: number): RejectedKey {
    recorder.record(record.id, record.consumerId, code, now);
    return { valid: false, code, keyId: record.id };
  }

  /**
   * The result when no storage is needed to reach it: a malformed key, or a key in this
   * process's cache without a usage limit. `undefined`, having done nothing, when storage must be
   * read or written: then `verify` gives the answer. No promise, no I/O, no write.
   */
  function verifyCached<P extends string>(
    key: unknown,
    options?: VerifyOptions<P>,
  ): VerifyResult<P> | undefined {
    if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH) return MALFORMED;
    const now = clock();
    const keyIndex = index(key);
    const record = keyIndex === undefined ? undefined : cache.get(keyIndex, now);
    if (record === undefined) return isOwnKey(key) ? undefined : MALFORMED;
    if (record.usageLimited) return undefined;
    const pass = check(record, options, now);
    return 'valid' in pass ? pass : valid<P>(record, pass, now, undefined);
  }

  async function verify<P extends string>(
    key: unknown,
    options?: VerifyOptions<P>,
  ): Promise<VerifyResult<P>> {
    if (typeof key !== 'string' || key.length > MAX_KEY_LENGTH) return MALFORMED;
    const now = clock();
    const keyIndex = index(key);
    if (keyIndex === undefined) return MALFORMED;
    let record = cache.get(keyIndex, now) ?? null;
    if (record === null) {
      // A cache hit is a stored key of this instance, so the key is well-formed and its own;
      // anything else is checked before it is hashed and storage is touched.
      if (!isOwnKey(key)) return MALFORMED;
      admit();
      record = await load(hash(key), keyIndex);
      if (record === null) return NOT_FOUND;
    } else if (record.usageLimited) {
      admit(); // its spend is new storage work (after a read, the spend is part of the read's call)
    }
    const pass = check(record, options, now);
    if ('valid' in pass) return pass;
    if (!record.usageLimited) return valid<P>(record, pass, now, undefined);

    return track(spendAndAnswer<P>(record, keyIndex, pass, now));
  }

  /** Spends a use of a usage-limited key in storage, and answers by whether it could. */
  async function spendAndAnswer<P extends string>(
    record: CachedKey,
    keyIndex: string,
    pass: Pass,
    now: number,
  ): Promise<VerifyResult<P>> {
    let spent: SpendResult;
    try {
      spent = await storage(() => store.spendUsage(record.id, pass.cost, now));
    } catch (error) {
      giveBackRateLimit(pass);
      throw error;
    }
    if (!spent.spent) {
      giveBackRateLimit(pass);
      if (spent.refusal !== undefined) return refuseChanged(record, keyIndex, spent.refusal, now);
      recorder.record(record.id, record.consumerId, 'USAGE_EXCEEDED', now);
      // No refill that covers the cost (`null`), or one due already by the clock of the process
      // that spent last: no time to retry at.
      const retryAfterMs = spent.nextRefillAt === null ? 0 : spent.nextRefillAt - now;
      return {
        valid: false,
        code: 'USAGE_EXCEEDED',
        keyId: record.id,
        ...(retryAfterMs > 0 ? { retryAfterMs } : {}),
      };
    }
    return valid<P>(record, pass, now, spent);
  }

  /**
   * The answer for a key that storage refused to spend for its own state: revoked, disabled or
   * expired (or deleted) since this process read it, by another process or by a write to storage.
   * The stale record is dropped, and a read under way may hold it too, so the next call reads the
   * key as it is.
   */
  function refuseChanged(
    record: CachedKey,
    keyIndex: string,
    code: SpendRefusal,
    now: number,
  ): RejectedKey {
    generation++;
    cache.delete(keyIndex);
    return code === 'NOT_FOUND' ? NOT_FOUND : reject(record, code, now);
  }

  /** A call refused by its usage limit (or by storage) spends nothing from its rate limit. */
  function giveBackRateLimit(pass: Pass): void {
    const spent = rateLimitSpent(pass);
    if (spent !== undefined) limiter.refund(spent.subject, spent.windowStart, pass.cost);
  }

  function track<T>(work: Promise<T>): Promise<T> {
    underway.add(work);
    const done = () => underway.delete(work);
    work.then(done, done);
    return work;
  }

  /**
   * The checks that need no storage, in order: revoked / disabled / expired → permissions → rate
   * limit (spent here when it admits the call). Returns the refusal, or what the call will spend.
   */
  function check(
    record: CachedKey,
    options: VerifyOptions<string> | undefined,
    now: number,
  ): RejectedKey | Pass {
    if (record.revokedAt !== null) return reject(record, 'REVOKED', now);
    if (!record.enabled) return reject(record, 'DISABLED', now);
    if (record.expiresAt !== null && now >= record.expiresAt) return reject(record, 'EXPIRED', now);

    const required = options?.permissions;
    if (required !== undefined && !Array.isArray(required)) {
      throw invalidInput([{ path: ['permissions'], message: 'Must be a list of permissions.' }]);
    }
    if (required !== undefined && required.length > 0) {
      const missing = required.filter((permission) => !record.permissions.has(permission));
      if (missing.length > 0) {
        recorder.record(record.id, record.consumerId, 'INSUFFICIENT_PERMISSIONS', now);
        const refusal: RejectedKey = {
          valid: false,
          code: 'INSUFFICIENT_PERMISSIONS',
          keyId: record.id,
          missingPermissions: missing,
        };
        return refusal;
      }
    }

    const cost = options?.cost === undefined ? 1 : parseInput(costSchema, options.cost, COST);
    const limitName = options?.rateLimit ?? 'default';
    if (typeof limitName !== 'string') {
      throw invalidInput([{ path: ['rateLimit'], message: 'Must be the name of a rate limit.' }]);
    }
    const rateLimit = record.rateLimits.get(limitName);
    if (rateLimit === undefined) return cost === 1 ? ONE_UNIT : { cost };
    const decision = limiter.spend(rateLimit.subject, rateLimit.limit, cost, now);
    if (!decision.allowed) {
      recorder.record(record.id, record.consumerId, 'RATE_LIMITED', now);
      const refusal: RejectedKey = {
        valid: false,
        code: 'RATE_LIMITED',
        keyId: record.id,
        // A call dearer than the whole limit passes in no window: waiting would not help.
        ...(cost > rateLimit.limit.limit ? {} : { retryAfterMs: decision.retryAfterMs }),
        rateLimit: decision.state,
      };
      return refusal;
    }
    const pass: Pass = { cost, rateLimit, decision };
    return pass;
  }

  /**
   * Counts the call as valid and returns its result: the key's one frozen result when nothing was
   * spent (the hot path allocates nothing), else a fresh one carrying the limits' state and a
   * receipt of what was spent, so that `refund` can give it back.
   */
  function valid<P extends string>(
    record: CachedKey,
    pass: Pass,
    now: number,
    usage: { remaining: number | null; lastRefillAt: number | null } | undefined,
  ): VerifiedKey<P> {
    recorder.record(record.id, record.consumerId, 'VALID', now);
    const { cost, decision } = pass;
    if (decision === undefined && usage === undefined) return record.verified as VerifiedKey<P>;
    const receipt: Receipt = {
      keyId: record.id,
      cost,
      rateLimit: rateLimitSpent(pass),
      usage: usage === undefined ? undefined : { lastRefillAt: usage.lastRefillAt },
    };
    // Copied, then added to, rather than spread into a literal: V8 adds properties to a copy made
    // by a leading spread through a slow path.
    const result = new SpentResult(record.verified, receipt) as unknown as VerifiedKey<P>;
    if (decision !== undefined) result.rateLimit = decision.state;
    if (usage !== undefined && usage.remaining !== null) result.remaining = usage.remaining;
    return result;
  }

  /**
   * Gives back what a valid verification spent (its rate-limit units and `remaining` uses) when
   * the request was refused after it — by a permission check later in a tRPC middleware chain,
   * say — and counts it under `code` instead of `VALID`. Call it once per refused request: what
   * was spent is given back only once, but each call recounts the outcome.
   */
  async function refund(
    result: VerifiedKey,
    code: Exclude<RejectedKey['code'], 'MALFORMED' | 'NOT_FOUND'> = 'INSUFFICIENT_PERMISSIONS',
  ): Promise<void> {
    const now = clock();
    recorder.record(result.keyId, result.consumerId, 'VALID', now, -1);
    recorder.record(result.keyId, result.consumerId, code, now);
    const receipt = SpentResult.take(result);
    if (receipt === undefined) return;
    if (receipt.rateLimit !== undefined) {
      limiter.refund(receipt.rateLimit.subject, receipt.rateLimit.windowStart, receipt.cost);
    }
    if (receipt.usage !== undefined) {
      const { lastRefillAt } = receipt.usage;
      await track(storage(() => store.refundUsage(receipt.keyId, receipt.cost, lastRefillAt)));
    }
  }

  /** Drops changed keys, and keys spending from them, from this process's cache at once. */
  function forget(keyIds: readonly string[]): void {
    generation++;
    const ids = new Set(keyIds);
    cache.deleteWhere(
      (record) =>
        ids.has(record.id) || (record.budgetKeyId !== null && ids.has(record.budgetKeyId)),
    );
  }

  /**
   * After a roll: the new key's per-key counters start where the old key's are, in this process,
   * so that rolling does not start the window afresh (the old key counts on them from now on).
   */
  function carryRateLimits(
    old: Pick<VerifiableKeyRow, 'id' | 'consumerId' | 'rateLimits'>,
    newId: string,
  ): void {
    const before = effectiveRateLimits(old, old.id, deps.defaultRateLimits);
    const after = effectiveRateLimits(old, newId, deps.defaultRateLimits);
    for (const [name, { subject }] of before) {
      const moved = after.get(name)?.subject;
      if (moved !== undefined && moved !== subject) limiter.carry(subject, moved);
    }
  }

  return { verify, verifyCached, refund, forget, settle, carryRateLimits };
}

/** Where a call's rate-limit units went (counter and window), to give them back; none if none. */
function rateLimitSpent({ rateLimit, decision }: Pass): Receipt['rateLimit'] {
  if (rateLimit === undefined || decision === undefined) return undefined;
  return {
    subject: rateLimit.subject,
    windowStart: decision.state.resetAt - rateLimit.limit.windowMs,
  };
}

/**
 * A key's limits by name (its own over the defaults), each with the counter it spends from. A key
 * in its grace period counts on the newest key of its rolls (`keyOwner`), as it spends its budget.
 */
function effectiveRateLimits(
  row: Pick<VerifiableKeyRow, 'consumerId' | 'rateLimits'>,
  keyOwner: string,
  defaults: readonly RateLimit[],
): Map<string, { subject: string; limit: RateLimit }> {
  const rateLimits = new Map<string, { subject: string; limit: RateLimit }>();
  for (const limit of [...defaults, ...row.rateLimits]) {
    const owner = limit.per === 'consumer' ? row.consumerId : keyOwner;
    // One counter per owner, name and window: JSON, so that no two of them share a subject
    // (`org:1` + `x` against `org` + `1:x`), and keys of one consumer that define a shared limit
    // with different windows do not reset each other's counter.
    const subject = JSON.stringify([limit.per, owner, limit.name, limit.windowMs]);
    rateLimits.set(limit.name, { subject, limit });
  }
  return rateLimits;
}

function toCachedKey(row: VerifiableKeyRow, defaults: readonly RateLimit[]): CachedKey {
  assertVerifiableRow(row);
  const rateLimits = effectiveRateLimits(row, row.budgetKeyId ?? row.id, defaults);
  return {
    id: row.id,
    budgetKeyId: row.budgetKeyId,
    consumerId: row.consumerId,
    revokedAt: row.revokedAt,
    enabled: row.enabled,
    expiresAt: row.expiresAt,
    permissions: new Set(row.permissions),
    rateLimits,
    usageLimited: row.remaining !== null,
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

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
