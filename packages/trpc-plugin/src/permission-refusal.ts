import { type ApiKeyAuthError, type AuthFailure, authFailure } from './auth-failure.js';
import type { KeyProcedureApiKey } from './types.js';

// Each refusal by `requirePermissions`, with the `ctx.apiKey` it refused. The key object is made
// afresh by `keyProcedure` for every call, so it names one verification: a refusal raised in a
// nested call (a `createCaller` inside a resolver) is not taken for the outer call's. Weak, so a
// refusal that no `keyProcedure` takes costs nothing.
const refusals = new WeakMap<Error, KeyProcedureApiKey>();

/** The 403 of `requirePermissions`, remembered so that `keyProcedure` can give back what it spent. */
export function permissionRefusal(
  apiKey: KeyProcedureApiKey,
  missingPermissions: readonly string[],
): AuthFailure {
  const failure = authFailure('INSUFFICIENT_PERMISSIONS', { missingPermissions });
  refusals.set(failure.cause, apiKey);
  return failure;
}

/**
 * The refusal of `apiKey` by `requirePermissions` that `error` carries, if any. Given once only, so
 * the verification it refused is refunded exactly once.
 */
export function takePermissionRefusal(
  error: { cause?: unknown },
  apiKey: KeyProcedureApiKey,
): ApiKeyAuthError | undefined {
  const { cause } = error;
  if (!(cause instanceof Error) || refusals.get(cause) !== apiKey) return undefined;
  refusals.delete(cause);
  return cause as ApiKeyAuthError;
}
