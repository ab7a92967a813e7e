import {
  type ApiKeys,
  AUTH_FAILURE_STATUS,
  isLatchkeyError,
  type VerifyResult,
} from '@latchkey/core';
import { TRPCError } from '@trpc/server';
import { authFailure, rejectedKeyFailure } from './auth-failure.js';
import type {
  ApiKeyMiddleware,
  HostContext,
  HostProcedure,
  KeyProcedure,
} from './host-procedure.js';
import { type ApiKeySources, type RequestHeaders, readApiKey } from './read-api-key.js';
import { STORAGE_UNAVAILABLE_MESSAGE } from './router-error.js';
import type { KeyProcedureContext } from './types.js';

/** Where the response headers go: the fetch adapter's `resHeaders`, or a wrapper of your own. */
export type ResponseHeaders = Pick<Headers, 'set'>;

export interface KeyProcedureOptions<
  P extends string,
  TContext extends object,
  TMeta,
  TContextOverrides extends object,
> {
  apiKeys: ApiKeys<P>;
  machineProcedure: HostProcedure<TContext, TMeta, TContextOverrides>;
  headers: (opts: {
    ctx: HostContext<TContext, TMeta, TContextOverrides>;
  }) => RequestHeaders | null | undefined;
  responseHeaders:
    | ((opts: {
        ctx: HostContext<TContext, TMeta, TContextOverrides>;
      }) => ResponseHeaders | null | undefined)
    | undefined;
  sources: ApiKeySources;
}

export function buildKeyProcedure<
  P extends string,
  TContext extends object,
  TMeta,
  TContextOverrides extends object,
>(
  options: KeyProcedureOptions<P, TContext, TMeta, TContextOverrides>,
): KeyProcedure<P, TContext, TMeta, TContextOverrides> {
  const { apiKeys, sources } = options;
  return options.machineProcedure.use(async ({ ctx, next }) => {
    const key = readApiKey(options.headers({ ctx }), sources);
    const result = key === null ? null : await verify(apiKeys, key);
    if (result === null || !result.valid) {
      const error = result === null ? authFailure('MISSING') : rejectedKeyFailure(result);
      setFailureHeaders(options.responseHeaders?.({ ctx }), error);
      throw error;
    }
    const keyContext: KeyProcedureContext<P> = {
      consumerId: result.consumerId,
      apiKey: {
        id: result.keyId,
        ownerId: result.ownerId,
        permissions: result.permissions,
        metadata: result.metadata,
      },
    };
    return next({ ctx: keyContext });
  });
}

/** `403 FORBIDDEN` (`INSUFFICIENT_PERMISSIONS`) unless the verified key holds every permission. */
export function buildRequirePermissions<P extends string>(
  declared: readonly P[],
): (...permissions: [P, ...P[]]) => ApiKeyMiddleware<P> {
  const known = new Set<string>(declared);
  return (...permissions) => {
    // A permission the app never declared can only come from a cast; fail at startup, not per call.
    const unknown = permissions.filter((permission) => !known.has(permission));
    if (unknown.length > 0) {
      throw new TypeError(`Latchkey: requirePermissions(${unknown.join(', ')}): not declared.`);
    }
    return async ({ ctx, next }) => {
      const held = new Set<string>(ctx.apiKey.permissions);
      const missingPermissions = permissions.filter((permission) => !held.has(permission));
      if (missingPermissions.length > 0) {
        throw authFailure('INSUFFICIENT_PERMISSIONS', { missingPermissions });
      }
      return next();
    };
  };
}

async function verify<P extends string>(
  apiKeys: ApiKeys<P>,
  key: string,
): Promise<VerifyResult<P>> {
  try {
    return await apiKeys.verify(key);
  } catch (error) {
    // Storage that cannot be reached is not a bad key: 503, never 401 (DESIGN.md "Verification").
    const storage = isLatchkeyError(error, 'STORAGE_UNAVAILABLE');
    throw new TRPCError({
      code: storage ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_SERVER_ERROR',
      message: storage ? STORAGE_UNAVAILABLE_MESSAGE : 'The API key could not be verified.',
      cause: error,
    });
  }
}

/** `WWW-Authenticate` on 401 and `Retry-After` on 429, when the host gave us response headers. */
function setFailureHeaders(
  headers: ResponseHeaders | null | undefined,
  failure: ReturnType<typeof authFailure>,
): void {
  if (!headers) return;
  const status = AUTH_FAILURE_STATUS[failure.cause.code];
  if (status === 401) headers.set('WWW-Authenticate', 'Bearer');
  const { retryAfterMs } = failure.cause;
  if (status === 429 && retryAfterMs !== undefined) {
    headers.set('Retry-After', String(Math.max(0, Math.ceil(retryAfterMs / 1000))));
  }
}
