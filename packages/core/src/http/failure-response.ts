import type { AuthFailureCode, RateLimitState, RejectedKey } from '../types.js';
import { AUTH_FAILURE_MESSAGES, AUTH_FAILURE_STATUS } from './auth-failure-status.js';
import { rateLimitFields } from './rate-limit-fields.js';

/** Why a request was refused: a bad or missing key, or storage that cannot be reached. */
export type RequestFailureCode = AuthFailureCode | 'STORAGE_UNAVAILABLE';

export interface RequestAuthFailure {
  code: RequestFailureCode;
  /** 401 for no usable key, 403 for a missing permission, 429 for a spent limit, 503 for storage. */
  status: 401 | 403 | 429 | 503;
  /** Safe to send to the caller: it says nothing about other keys. */
  message: string;
  /** For `RATE_LIMITED` (and `USAGE_EXCEEDED` with a refill): when trying again can succeed. */
  retryAfterMs?: number;
  /** For `INSUFFICIENT_PERMISSIONS`: the required permissions the key does not hold. */
  missingPermissions?: readonly string[];
  /** For `RATE_LIMITED`: the window that refused the request, sent as the RateLimit fields. */
  rateLimit?: RateLimitState;
}

/** The parts of an HTTP answer, for adapters that write to a Node response rather than a `Response`. */
export interface FailureResponseParts {
  status: number;
  headers: Readonly<Record<string, string>>;
  /** JSON: `{ "error": { "code", "message", "retryAfterMs"?, "missingPermissions"? } }`. */
  body: string;
}

const STORAGE_FAILURE: RequestAuthFailure = Object.freeze({
  code: 'STORAGE_UNAVAILABLE',
  status: 503,
  message: 'API keys cannot be checked right now; retry later.',
});

/** Storage could not be reached: not the caller's fault, so 503 and never 401. */
export function storageFailure(): RequestAuthFailure {
  return STORAGE_FAILURE;
}

export function failureOf(
  code: AuthFailureCode,
  message: string = AUTH_FAILURE_MESSAGES[code],
): RequestAuthFailure {
  return { code, status: AUTH_FAILURE_STATUS[code], message };
}

export function failureFromResult(result: RejectedKey): RequestAuthFailure {
  return {
    ...failureOf(result.code),
    ...(result.retryAfterMs === undefined ? {} : { retryAfterMs: result.retryAfterMs }),
    ...(result.missingPermissions === undefined
      ? {}
      : { missingPermissions: result.missingPermissions }),
    ...(result.rateLimit === undefined ? {} : { rateLimit: result.rateLimit }),
  };
}

/**
 * Status, headers and JSON body for a refused request. 401 carries an RFC 6750 `WWW-Authenticate`
 * challenge (`error="invalid_token"` once a key was sent), 403 `error="insufficient_scope"`, 429 a
 * `Retry-After` in whole seconds (rounded up, at least 1) when the verification gave one, and,
 * when a rate limit refused it, the `RateLimit-Policy` and `RateLimit` fields (`r=0`, `t` equal to
 * `Retry-After`). Never cached: the same request can succeed a moment later.
 */
export function failureResponseParts(failure: RequestAuthFailure): FailureResponseParts {
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
  };
  if (failure.status === 401) {
    headers['www-authenticate'] =
      failure.code === 'MISSING' ? 'Bearer' : 'Bearer error="invalid_token"';
  } else if (failure.status === 403) {
    headers['www-authenticate'] = 'Bearer error="insufficient_scope"';
  }
  if (failure.retryAfterMs !== undefined) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(failure.retryAfterMs / 1000)));
  }
  if (failure.rateLimit !== undefined) {
    // The window resets when a retry can succeed; a call dearer than the whole limit has no
    // `retryAfterMs` (no window admits it), and so no `t`.
    const resetInMs = failure.code === 'RATE_LIMITED' ? failure.retryAfterMs : undefined;
    Object.assign(headers, rateLimitFields(failure.rateLimit, resetInMs));
  }
  const error = {
    code: failure.code,
    message: failure.message,
    ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
    ...(failure.missingPermissions === undefined
      ? {}
      : { missingPermissions: failure.missingPermissions }),
  };
  return { status: failure.status, headers, body: JSON.stringify({ error }) };
}

/**
 * A fresh Fetch API `Response` for a refused request (a body can be read only once).
 * @internal
 */
export function failureResponse(failure: RequestAuthFailure): Response {
  const { status, headers, body } = failureResponseParts(failure);
  return new Response(body, { status, headers });
}
