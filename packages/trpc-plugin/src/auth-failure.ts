import {
  AUTH_FAILURE_MESSAGES,
  AUTH_FAILURE_STATUS,
  type AuthFailureCode,
  type RejectedKey,
} from '@latchkey/core';
import { type TRPC_ERROR_CODE_KEY, TRPCError } from '@trpc/server';

const TRPC_CODE_BY_STATUS = {
  401: 'UNAUTHORIZED',
  403: 'FORBIDDEN',
  429: 'TOO_MANY_REQUESTS',
} as const satisfies Record<401 | 403 | 429, TRPC_ERROR_CODE_KEY>;

/** What a failed authentication knows, beyond its code. */
export interface AuthFailureDetails {
  retryAfterMs?: number;
  missingPermissions?: readonly string[];
}

/**
 * Why a machine was refused: the `cause` of the `TRPCError` that `keyProcedure` and
 * `requirePermissions` throw, read back by `withLatchkeyData`.
 */
export class ApiKeyAuthError extends Error {
  override readonly name = 'ApiKeyAuthError';
  readonly code: AuthFailureCode;
  readonly retryAfterMs: number | undefined;
  readonly missingPermissions: readonly string[] | undefined;

  constructor(code: AuthFailureCode, details: AuthFailureDetails = {}) {
    super(AUTH_FAILURE_MESSAGES[code]);
    this.code = code;
    this.retryAfterMs = details.retryAfterMs;
    this.missingPermissions = details.missingPermissions;
  }
}

/** Checks the name and code rather than `instanceof`, so two copies of this package agree. */
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
 * The tRPC error for a refused key. Every code goes through `AUTH_FAILURE_STATUS`, so codes that
 * core starts to produce later (rate limits) need no change here.
 */
export function authFailure(
  code: AuthFailureCode,
  details: AuthFailureDetails = {},
): TRPCError & { cause: ApiKeyAuthError } {
  const cause = new ApiKeyAuthError(code, details);
  return new TRPCError({
    code: TRPC_CODE_BY_STATUS[AUTH_FAILURE_STATUS[code]],
    message: cause.message,
    cause,
  }) as TRPCError & { cause: ApiKeyAuthError };
}

export function rejectedKeyFailure(result: RejectedKey): TRPCError & { cause: ApiKeyAuthError } {
  return authFailure(result.code, {
    ...(result.retryAfterMs === undefined ? {} : { retryAfterMs: result.retryAfterMs }),
    ...(result.missingPermissions === undefined
      ? {}
      : { missingPermissions: result.missingPermissions }),
  });
}
