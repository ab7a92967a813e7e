import type { ApiKeys, VerifiedKey, VerifyOptions, VerifyResult } from '@latchkey/core';
import { queryOf, type ResolvedKeyOptions, readKey } from '@latchkey/core/http';
import { type AuthFailure, authFailure, rejectedKeyFailure } from './auth-failure.js';
import { keyContext } from './key-context.js';
import { headerGetter, type RequestHeaders } from './request-headers.js';
import { keyResponseHeaders, type ResponseHeadersOption } from './response-headers.js';
import { toRouterError } from './router-error.js';
import type { KeyProcedureContext } from './types.js';

/** An option read from the context of a machine's call, `C`: `({ ctx }) => …`. */
type ContextOption<C, T> = (opts: { ctx: C }) => T;

/**
 * What the key check takes of the plugin's options, for calls whose context is `C`.
 * @internal
 */
export interface KeyCheckOptions<P extends string, C> {
  apiKeys: ApiKeys<P>;
  headers: ContextOption<C, RequestHeaders | null | undefined>;
  url: ContextOption<C, string | null | undefined> | undefined;
  responseHeaders: ResponseHeadersOption<C> | undefined;
  /** Core's header options, resolved (and checked) once when the plugin is created. */
  keyOptions: ResolvedKeyOptions;
  /** The time in epoch ms, for the `RateLimit` field's `t`. */
  clock: () => number;
}

/**
 * How one plugin checks a machine's key: made once, shared by `keyProcedure` and
 * `requirePermissions`, and by every procedure built on them.
 * @internal
 */
export interface KeyCheck<P extends string, C> {
  apiKeys: ApiKeys<P>;
  /**
   * The check of a call's key with these verify options: what the key adds to the context, or
   * the refusal thrown. The hot path: a cached key is answered without a promise or a closure of
   * ours (`pnpm bench`); only a key that needs storage gives a promise.
   */
  authenticator: (
    verifyOptions: VerifyOptions<P> | undefined,
  ) => (ctx: C) => KeyProcedureContext<P> | Promise<KeyProcedureContext<P>>;
  /** Sends the refusal's response headers, and gives the refusal back to throw. */
  refuse: (ctx: C, failure: AuthFailure) => AuthFailure;
  /** The permissions each `requirePermissions(…)` middleware of this plugin requires. */
  requiredBy: WeakMap<object, readonly P[]>;
}

/**
 * The key check for the plugin's options; its response headers go where `responseHeaders` says.
 * @internal
 */
export function createKeyCheck<P extends string, C extends object>(
  options: KeyCheckOptions<P, C>,
): KeyCheck<P, C> {
  const { apiKeys, keyOptions } = options;
  const responseHeaders = keyResponseHeaders<C>(options.responseHeaders, options.clock);

  const refuse = (ctx: C, failure: AuthFailure) => {
    responseHeaders.refusal(ctx, failure.cause);
    return failure;
  };

  /**
   * The valid verification, or the refusal thrown. A key with the rate limit the call spent from
   * gets the RateLimit fields; one without costs a single property check.
   */
  function admitted(ctx: C, result: VerifyResult<P>): VerifiedKey<P> {
    if (!result.valid) throw refuse(ctx, rejectedKeyFailure(result));
    if (result.rateLimit !== undefined) responseHeaders.rateLimit(ctx, result.rateLimit);
    return result;
  }

  const authenticator =
    (verifyOptions: VerifyOptions<P> | undefined) =>
    (ctx: C): KeyProcedureContext<P> | Promise<KeyProcedureContext<P>> => {
      // The same reader as core's request helpers, so both doors accept and refuse the same requests.
      const url = options.url?.({ ctx });
      const reading = readKey(
        headerGetter(options.headers({ ctx })),
        url === null || url === undefined ? null : queryOf(url),
        keyOptions,
      );
      if (!reading.ok) throw refuse(ctx, authFailure(reading.code, { message: reading.message }));
      const cached = apiKeys.verifyCached(reading.key, verifyOptions);
      if (cached !== undefined) return keyContext(admitted(ctx, cached));
      return apiKeys.verify(reading.key, verifyOptions).then(
        (result) => keyContext(admitted(ctx, result)),
        (error: unknown) => {
          throw toRouterError(error);
        },
      );
    };

  return { apiKeys, authenticator, refuse, requiredBy: new WeakMap() };
}
