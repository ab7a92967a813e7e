import type { JsonObject } from './json.js';
import type { AuditAction, RateLimit } from './store/key-store.js';

/** Where a key stands now. Derived from the record and the clock, never stored. */
export type ApiKeyStatus = 'active' | 'disabled' | 'expired' | 'revoked';

/**
 * What Latchkey tells about a key: never the secret, never its hash. Times are epoch
 * milliseconds, so the object is JSON-safe as it is.
 */
export interface ApiKey<TPermission extends string = string> {
  id: string;
  name: string;
  consumerId: string;
  ownerId: string;
  /** The prefix and first characters of the key, e.g. `acme_3mQx`. */
  start: string;
  /** The last four characters of the key. */
  last4: string;
  permissions: TPermission[];
  metadata: JsonObject;
  enabled: boolean;
  status: ApiKeyStatus;
  createdAt: number;
  updatedAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  revokedReason: string | null;
  lastUsedAt: number | null;
  /** The key this one replaced (set on keys made by `roll`). */
  rolledFromId: string | null;
  /** The key that replaced this one (set on rolled keys). */
  replacedById: string | null;
  /** This key's own rate limits (limits from the options apply to names it does not set). */
  rateLimits: RateLimit[];
  /** Uses left, or `null` for unlimited. */
  remaining: number | null;
  /** How `remaining` is refilled, or `null`. */
  refill: Refill | null;
}

/** `remaining` is reset to `amount` at the start of every interval of `intervalMs`. */
export interface Refill {
  amount: number;
  intervalMs: number;
}

/** Verifications of a key on one UTC day. */
export interface UsageDay {
  /** `YYYY-MM-DD`, UTC. */
  date: string;
  total: number;
  /** Count per outcome; codes with no verifications are left out. */
  counts: Partial<Record<VerifyCode, number>>;
}

/** A key as `create` and `roll` return it: the only moment the secret exists outside the caller. */
export interface CreatedApiKey<TPermission extends string = string> {
  /** The secret. Show it once; it cannot be recovered. */
  key: string;
  apiKey: ApiKey<TPermission>;
}

export interface RolledApiKey<TPermission extends string = string>
  extends CreatedApiKey<TPermission> {
  /** The old key, now expiring at the end of the grace period. */
  previous: ApiKey<TPermission>;
}

export interface Page<T> {
  items: T[];
  /** Pass to the next call to continue; `null` on the last page. */
  nextCursor: string | null;
}

export interface AuditEvent {
  id: string;
  keyId: string;
  consumerId: string;
  /** The user who made the change, or `null` when the host did not say. */
  actorId: string | null;
  action: AuditAction;
  at: number;
  details: JsonObject;
}

export type VerifyFailureCode =
  | 'MALFORMED'
  | 'NOT_FOUND'
  | 'REVOKED'
  | 'EXPIRED'
  | 'DISABLED'
  | 'INSUFFICIENT_PERMISSIONS'
  | 'RATE_LIMITED'
  | 'USAGE_EXCEEDED';

/** Every outcome code of a verification. */
export type VerifyCode = 'VALID' | VerifyFailureCode;

/** Why a request was not authenticated: a verification failure, or no key at all. */
export type AuthFailureCode = VerifyFailureCode | 'MISSING';

/** The state of the rate limit a verification spent from, after spending. */
export interface RateLimitState {
  /** The limit's name (`"default"` unless the verification named another). */
  name: string;
  /** Requests allowed per window. */
  limit: number;
  /** Left in the current window. */
  remaining: number;
  /** When the current window ends, epoch ms. */
  resetAt: number;
  /** The window's length in ms (the `w` of the `RateLimit-Policy` header field). */
  windowMs: number;
}

export interface VerifiedKey<TPermission extends string = string> {
  valid: true;
  code: 'VALID';
  keyId: string;
  consumerId: string;
  ownerId: string;
  name: string;
  permissions: readonly TPermission[];
  metadata: Readonly<JsonObject>;
  expiresAt: number | null;
  /** Set when the key has a rate limit: the window after this call. */
  rateLimit?: RateLimitState;
  /** Set when the key has a usage limit: uses left after this call. */
  remaining?: number;
}

export interface RejectedKey {
  valid: false;
  code: VerifyFailureCode;
  /** Set when the key was found (revoked, expired, disabled, lacking permissions). */
  keyId?: string;
  /** For `INSUFFICIENT_PERMISSIONS`: the required permissions the key does not hold. */
  missingPermissions?: readonly string[];
  /** For `RATE_LIMITED` (and `USAGE_EXCEEDED` with a refill): when trying again can succeed. */
  retryAfterMs?: number;
  /** For `RATE_LIMITED`: the window that refused the call. */
  rateLimit?: RateLimitState;
}

export type VerifyResult<TPermission extends string = string> =
  | VerifiedKey<TPermission>
  | RejectedKey;

export interface VerifyOptions<TPermission extends string> {
  /** Every one of these must be held by the key, or the result is `INSUFFICIENT_PERMISSIONS`. */
  permissions?: readonly TPermission[];
  /** The rate limit this call spends from. Default `"default"`; a key without it is not limited. */
  rateLimit?: string;
  /** Units this call spends from the rate limit and from `remaining`. Default 1. */
  cost?: number;
}
