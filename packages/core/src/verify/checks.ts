import { hasPrefix, isWellFormed } from '../key-format.js';
import type { RateLimitDecision } from '../limits/rate-limiter.js';
import type { RejectedKey, VerifyOptions } from '../types.js';
import { costParser, invalidInput, parseInput } from '../validation.js';
import { ONE_UNIT, type Pass, reject } from './answers.js';
import type { CachedKey, KeyRateLimit } from './cached-key.js';
import type { VerifierContext } from './context.js';

// The checks of a verification, each deciding its own codes: each returns its refusal (counted),
// or what lets the call go on.

const COST = ['cost'];

/**
 * Whether `key` has a well-formed shape, checksum and one of this instance's prefixes; if not, it
 * is `MALFORMED`: a key of another app or environment sharing the database is no key here.
 * Checked on a cache miss only: an entry in the cache was loaded for a key that passed it.
 */
export function isOwnKey(prefixes: readonly string[], key: string): boolean {
  for (let i = 0; i < prefixes.length; i++) {
    if (hasPrefix(key, prefixes[i] as string)) return isWellFormed(key);
  }
  return false;
}

/** `REVOKED`, `DISABLED` or `EXPIRED` (at `now`), in that order; `undefined` for a live key. */
export function checkKeyState(
  context: VerifierContext,
  record: CachedKey,
  now: number,
): RejectedKey | undefined {
  if (record.revokedAt !== null) return reject(context, record, 'REVOKED', now);
  if (!record.enabled) return reject(context, record, 'DISABLED', now);
  if (record.expiresAt !== null && now >= record.expiresAt) {
    return reject(context, record, 'EXPIRED', now);
  }
  return undefined;
}

/** `INSUFFICIENT_PERMISSIONS`, naming the missing ones, unless the key holds every one required. */
export function checkPermissions(
  context: VerifierContext,
  record: CachedKey,
  options: VerifyOptions<string> | undefined,
  now: number,
): RejectedKey | undefined {
  const required = options?.permissions;
  if (required === undefined) return undefined;
  if (!Array.isArray(required)) {
    throw invalidInput([{ path: ['permissions'], message: 'Must be a list of permissions.' }]);
  }
  if (required.length === 0) return undefined;
  const missing = required.filter((permission) => !record.permissions.has(permission));
  if (missing.length === 0) return undefined;
  context.recorder.record(record.id, record.consumerId, 'INSUFFICIENT_PERMISSIONS', now);
  return {
    valid: false,
    code: 'INSUFFICIENT_PERMISSIONS',
    keyId: record.id,
    missingPermissions: missing,
  };
}

/**
 * Spends the call's cost from the rate limit it names, when the key has that limit: `RATE_LIMITED`
 * if the limit refuses it, else what the call spends (its `Pass`). A promise only when the rate
 * limiter answers with one; `undefined`, having spent nothing, when it could and the caller cannot
 * wait (`mayWait` false: `verifyCached`).
 */
export function checkRateLimit(
  context: VerifierContext,
  record: CachedKey,
  options: VerifyOptions<string> | undefined,
  now: number,
  mayWait: true,
): RejectedKey | Pass | Promise<RejectedKey | Pass>;
export function checkRateLimit(
  context: VerifierContext,
  record: CachedKey,
  options: VerifyOptions<string> | undefined,
  now: number,
  mayWait: false,
): RejectedKey | Pass | undefined;
export function checkRateLimit(
  context: VerifierContext,
  record: CachedKey,
  options: VerifyOptions<string> | undefined,
  now: number,
  mayWait: boolean,
): RejectedKey | Pass | Promise<RejectedKey | Pass> | undefined {
  const cost = options?.cost === undefined ? 1 : parseInput(costParser, options.cost, COST);
  const limitName = options?.rateLimit ?? 'default';
  if (typeof limitName !== 'string') {
    throw invalidInput([{ path: ['rateLimit'], message: 'Must be the name of a rate limit.' }]);
  }
  const rateLimit = record.rateLimits.get(limitName);
  if (rateLimit === undefined) return cost === 1 ? ONE_UNIT : { cost };
  const { rateLimiter } = context;
  if (!mayWait && !rateLimiter.synchronous) return undefined;
  const decision = rateLimiter.spend(rateLimit.subject, rateLimit.limit, cost, now);
  if (decision instanceof Promise) {
    return decision.then((settled) => decide(context, record, rateLimit, cost, settled, now));
  }
  return decide(context, record, rateLimit, cost, decision, now);
}

/** The rate limiter's decision as the call's refusal, or as what it spent. */
function decide(
  context: VerifierContext,
  record: CachedKey,
  rateLimit: KeyRateLimit,
  cost: number,
  decision: RateLimitDecision,
  now: number,
): RejectedKey | Pass {
  if (decision.allowed) return { cost, rateLimit, decision };
  context.recorder.record(record.id, record.consumerId, 'RATE_LIMITED', now);
  return {
    valid: false,
    code: 'RATE_LIMITED',
    keyId: record.id,
    // A call dearer than the whole limit passes in no window: waiting would not help.
    ...(cost > rateLimit.limit.limit ? {} : { retryAfterMs: decision.retryAfterMs }),
    rateLimit: decision.state,
  };
}
