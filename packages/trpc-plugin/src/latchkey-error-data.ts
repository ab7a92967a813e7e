import { type AuthFailureCode, isLatchkeyError, type LatchkeyErrorCode } from '@latchkey/core';
import { isApiKeyAuthError } from './auth-failure.js';

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
  error: { cause?: unknown },
): TShape & { data: LatchkeyErrorData } {
  const data = latchkeyErrorData(error.cause);
  return data === null ? shape : { ...shape, data: { ...shape.data, ...data } };
}

function latchkeyErrorData(cause: unknown): LatchkeyErrorData | null {
  if (isLatchkeyError(cause)) return { latchkeyCode: cause.code };
  if (!isApiKeyAuthError(cause)) return null;
  return {
    latchkeyCode: cause.code,
    ...(cause.retryAfterMs === undefined ? {} : { retryAfterMs: cause.retryAfterMs }),
    ...(cause.missingPermissions === undefined
      ? {}
      : { missingPermissions: [...cause.missingPermissions] }),
  };
}
