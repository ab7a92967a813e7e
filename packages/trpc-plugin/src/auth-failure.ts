import type { AuthFailureCode, RateLimitState, RejectedKey } from '@latchkey/core';
import {
  AUTH_FAILURE_STATUS,
  failureFromResult,
  failureOf,
  type RequestAuthFailure,
} from '@latchkey/core/http';
import { type TRPC_ERROR_CODE_KEY, TRPCError } from '@trpc/server';

const TRPC_CODE_BY_STATUS = {
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  429: 'TOO_MANY_REQUESTS',
} as const satisfies Record<401 | 403 | 429, TRPC_ERROR_CODE_KEY>;

/**
 * Core's description of a refused key (never a storage fault: that one keeps its own cause).
 * @internal
 */
export type KeyRefusal = RequestAuthFailure & { code: AuthFailureCode; status: 401 | 403 | 429 };

/**
 * Why a machine was refused: the `cause` of the `TRPCError` that `keyProcedure` and
 * `requirePermissions` throw, read back by `withLatchkeyData`. It is core's `RequestAuthFailure`,
 * so the response headers come from the same function as those of core's request helpers.
 * @internal
 */
export class ApiKeyAuthError extends Error implements KeyRefusal {
  override readonly name = 'ApiKeyAuthError';
  readonly code: AuthFailureCode;
  readonly status: 401 | 403 | 429;
  readonly retryAfterMs: number | undefined;
  readonly missingPermissions: readonly string[] | undefined;
  readonly rateLimit: RateLimitState | undefined;

  constructor(refusal: KeyRefusal) {
    super(refusal.message);
    this.code = refusal.code;
    this.status = refusal.status;
    this.retryAfterMs = refusal.retryAfterMs;
    this.missingPermissions = refusal.missingPermissions;
    this.rateLimit = refusal.rateLimit;
  }
}

/**
 * Checks the name and code rather than `instanceof`, so two copies of this package agree.
 * @internal
 */
export function isApiKeyAuthError(error: unknown): error is ApiKeyAuthError {
  if (typeof error !== 'object' || error === null) return false;
  const candidate = error as { name?: unknown; code?: unknown };
  return (
    candidate.name === 'ApiKeyAuthError' &&
    typeof candidate.code === 'string' &&
    Object.hasOwn(AUTH_FAILURE_STATUS, candidate.code)
  );
}

/**
 * The `TRPCError` of a refused key, its `ApiKeyAuthError` in `cause`.
 * @internal
 */
export type AuthFailure = TRPCError & { cause: ApiKeyAuthError };

/**
 * The tRPC error for a refused key, with core's message unless a more precise one is given (the
 * key reader says why a header holds no usable key). Every code goes through core's status table;
 * `code` and `status` are restated because core's failure type also covers storage faults.
 * @internal
 */
export function authFailure(
  code: AuthFailureCode,
  details: { message?: string; missingPermissions?: readonly string[] } = {},
): AuthFailure {
  const { missingPermissions } = details;
  return toTRPCError({
    ...failureOf(code, details.message),
    code,
    status: AUTH_FAILURE_STATUS[code],
    ...(missingPermissions === undefined ? {} : { missingPermissions }),
  });
}

/**
 * The tRPC error for a key that `verify` refused, with its retry delay or missing permissions.
 * @internal
 */
export function rejectedKeyFailure(result: RejectedKey): AuthFailure {
  return toTRPCError({
    ...failureFromResult(result),
    code: result.code,
    status: AUTH_FAILURE_STATUS[result.code],
  });
}

function toTRPCError(refusal: KeyRefusal): AuthFailure {
  const cause = new ApiKeyAuthError(refusal);
  return new TRPCError({
    code: TRPC_CODE_BY_STATUS[refusal.status],
    message: cause.message,
    cause,
  }) as AuthFailure;
}
