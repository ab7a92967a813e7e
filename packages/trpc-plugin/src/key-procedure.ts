import {
  type ApiKeys,
  failureResponseParts,
  queryOf,
  type ResolvedKeyOptions,
  readKey,
  type VerifiedKey,
  type VerifyResult,
} from '@latchkey/core';
import {
  type AuthFailure,
  authFailure,
  type KeyRefusal,
  rejectedKeyFailure,
} from './auth-failure.js';
import type {
  ApiKeyMiddleware,
  HostContext,
  HostProcedure,
  KeyProcedure,
} from './host-procedure.js';
import { permissionRefusal, takePermissionRefusal } from './permission-refusal.js';
import { headerGetter, type RequestHeaders } from './request-headers.js';
import { toRouterError } from './router-error.js';
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
  url:
    | ((opts: {
        ctx: HostContext<TContext, TMeta, TContextOverrides>;
      }) => string | null | undefined)
    | undefined;
  responseHeaders:
    | ((opts: {
        ctx: HostContext<TContext, TMeta, TContextOverrides>;
      }) => ResponseHeaders | null | undefined)
    | undefined;
  /** Core's header options, resolved (and checked) once when the plugin is created. */
  keyOptions: ResolvedKeyOptions;
}

export function buildKeyProcedure<
  P extends string,
  TContext extends object,
  TMeta,
  TContextOverrides extends object,
>(
  options: KeyProcedureOptions<P, TContext, TMeta, TContextOverrides>,
): KeyProcedure<P, TContext, TMeta, TContextOverrides> {
  const { apiKeys, keyOptions } = options;

  const refuse = (ctx: HostContext<TContext, TMeta, TContextOverrides>, failure: AuthFailure) => {
    setFailureHeaders(options.responseHeaders?.({ ctx }), failure.cause);
    return failure;
  };

  return options.machineProcedure.use(async ({ ctx, next }) => {
    // The same reader as core's request helpers, so both doors accept and refuse the same requests.
    const url = options.url?.({ ctx });
    const reading = readKey(
      headerGetter(options.headers({ ctx })),
      url === null || url === undefined ? null : queryOf(url),
      keyOptions,
    );
    if (!reading.ok) throw refuse(ctx, authFailure(reading.code, { message: reading.message }));
    let result: VerifyResult<P>;
    try {
      result = await apiKeys.verify(reading.key);
    } catch (error) {
      throw toRouterError(error);
    }
    if (!result.valid) throw refuse(ctx, rejectedKeyFailure(result));
    const keyContext: KeyProcedureContext<P> = {
      consumerId: result.consumerId,
      apiKey: {
        id: result.keyId,
        ownerId: result.ownerId,
        permissions: result.permissions,
        metadata: result.metadata,
      },
    };
    const response = await next({ ctx: keyContext });
    // DESIGN.md: a request refused by an earlier check spends nothing from a later one. The key
    // was verified (its rate-limit units and a `remaining` use spent) before `requirePermissions`
    // refused it, so the 403 gives them back and counts the call as refused, not valid.
    const refusal = response.ok
      ? undefined
      : takePermissionRefusal(response.error, keyContext.apiKey);
    if (refusal !== undefined) {
      await refund(apiKeys, result);
      setFailureHeaders(options.responseHeaders?.({ ctx }), refusal);
    }
    return response;
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
      if (missingPermissions.length > 0) throw permissionRefusal(ctx.apiKey, missingPermissions);
      return next();
    };
  };
}

/**
 * A refund that cannot be written is a storage fault like a verification that cannot be read:
 * 503, so that the host's `onError` sees it rather than the key silently losing a use.
 */
async function refund<P extends string>(apiKeys: ApiKeys<P>, result: VerifiedKey<P>) {
  try {
    await apiKeys.refund(result, 'INSUFFICIENT_PERMISSIONS');
  } catch (error) {
    throw toRouterError(error);
  }
}

/**
 * Core's response headers for the refusal (`WWW-Authenticate`, `Retry-After`, `Cache-Control`),
 * when the host gave us response headers. Not `Content-Type`: it describes core's JSON body, and
 * tRPC writes a body of its own.
 */
function setFailureHeaders(headers: ResponseHeaders | null | undefined, refusal: KeyRefusal): void {
  if (!headers) return;
  for (const [name, value] of Object.entries(failureResponseParts(refusal).headers)) {
    if (name !== 'content-type') headers.set(name, value);
  }
}
