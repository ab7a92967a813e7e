import { isLatchkeyError, type LatchkeyErrorCode } from '@latchkey/core';
import { storageFailure } from '@latchkey/core/http';
import { type TRPC_ERROR_CODE_KEY, TRPCError } from '@trpc/server';

/**
 * The tRPC error each of core's errors is answered with.
 * @internal
 */
export const TRPC_CODE: Record<LatchkeyErrorCode, TRPC_ERROR_CODE_KEY> = {
  INVALID_INPUT: 'BAD_REQUEST',
  NOT_FOUND: 'NOT_FOUND',
  INVALID_STATE: 'CONFLICT',
  STORAGE_UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  KEY_GENERATION_FAILED: 'INTERNAL_SERVER_ERROR',
  KEY_LIMIT_REACHED: 'FORBIDDEN',
};

const UNEXPECTED_MESSAGE = 'The API key service failed.';

/**
 * Translates what core throws into the tRPC error the client sees, in the router and in
 * `keyProcedure` alike: storage that cannot be reached is 503, never a 401. Core's messages for bad input,
 * missing keys and invalid states are written for callers (they name each bad field); storage and
 * unexpected faults keep their details in `cause`, for the host's logs, and say nothing more.
 * @internal
 */
export function toRouterError(error: unknown): TRPCError {
  if (!isLatchkeyError(error)) {
    return new TRPCError({
      code: 'INTERNAL_SERVER_ERROR',
      message: UNEXPECTED_MESSAGE,
      cause: error,
    });
  }
  const message =
    // Core's own message may name the database or its driver; say what every door says.
    error.code === 'STORAGE_UNAVAILABLE' ? storageFailure().message : error.message;
  return new TRPCError({ code: TRPC_CODE[error.code], message, cause: error });
}

/**
 * Runs one call into core, translating what it throws.
 * @internal
 */
export async function callCore<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw toRouterError(error);
  }
}
