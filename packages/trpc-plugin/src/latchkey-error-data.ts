import { type AuthFailureCode, isLatchkeyError, type LatchkeyErrorCode } from '@latchkey/core';
import { isApiKeyAuthError } from './auth-failure.js';
import { TRPC_CODE } from './router-error.js';

/** A code from Latchkey: why a key was refused, or what went wrong managing keys. */
export type LatchkeyCode = AuthFailureCode | LatchkeyErrorCode;

/** What `withLatchkeyData` adds to an error's `data` when Latchkey caused the error. */
export interface LatchkeyErrorData {
  /** E.g. `REVOKED`, `RATE_LIMITED`, `INVALID_STATE`; absent for errors Latchkey did not raise. */
  latchkeyCode?: LatchkeyCode;
  /** For `RATE_LIMITED` (and `USAGE_EXCEEDED` with a refill): when a retry can succeed, in ms. */
  retryAfterMs?: number;
  /** For `INSUFFICIENT_PERMISSIONS`: the permissions the procedure needs and the key lacks. */
  missingPermissions?: string[];
}

/**
 * Adds the Latchkey code to a tRPC error shape, for the host's error formatter:
 *
 * ```ts
 * initTRPC.context<Context>().create({
 *   errorFormatter: ({ shape, error }) => withLatchkeyData(shape, error),
 * });
 * ```
 *
 * tRPC sends what the formatter returns as the error's `data`, so a machine can branch on
 * `error.data.latchkeyCode === 'RATE_LIMITED'` without parsing messages. Errors that Latchkey did
 * not cause pass through unchanged; nothing from the cause but these fields is exposed.
 */
export function withLatchkeyData<TShape extends { data: object }>(
  shape: TShape,
  error: { code?: string; cause?: unknown },
): TShape & { data: LatchkeyErrorData } {
  const data = latchkeyErrorData(error);
  return data === null ? shape : { ...shape, data: { ...shape.data, ...data } };
}

function latchkeyErrorData({
  code,
  cause,
}: {
  code?: string;
  cause?: unknown;
}): LatchkeyErrorData | null {
  if (isLatchkeyError(cause)) {
    // Only when core's error is what the answer says: a 500 for what core refused of a host
    // option's answer is the host's bug, and its code would read as a fault of the caller's request.
    return code === undefined || code === TRPC_CODE[cause.code]
      ? { latchkeyCode: cause.code }
      : null;
  }
  if (!isApiKeyAuthError(cause)) return null;
  return {
    latchkeyCode: cause.code,
    ...(cause.retryAfterMs === undefined ? {} : { retryAfterMs: cause.retryAfterMs }),
    ...(cause.missingPermissions === undefined
      ? {}
      : { missingPermissions: [...cause.missingPermissions] }),
  };
}
