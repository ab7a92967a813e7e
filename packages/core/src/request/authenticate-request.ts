import { isLatchkeyError } from '../errors.js';
import { assertDeclaredPermissions } from '../http/declared-permissions.js';
import {
  failureFromResult,
  failureOf,
  failureResponse,
  type RequestAuthFailure,
  storageFailure,
} from '../http/failure-response.js';
import { rateLimitFields } from '../http/rate-limit-fields.js';
import {
  type HeaderGetter,
  queryOf,
  type RequestKeyOptions,
  type ResolvedKeyOptions,
  readKey,
  resolveKeyOptions,
} from '../http/read-key.js';
import type { VerifiedKey, VerifyOptions, VerifyResult } from '../types.js';
import {
  type AuthenticatedKeyAuth,
  authenticatedKeyAuth,
  type UnauthenticatedKeyAuth,
  unauthenticatedKeyAuth,
} from './key-auth.js';

/**
 * What the request helpers need of `ApiKeys`: `verify`, so an `ApiKeys` or any wrapper of it
 * will do, and the declared `permissions` if it has them. Typed here rather than picked from
 * `ApiKeys`, so `api-keys.ts` can bind `authenticateRequest` as a method without an import cycle.
 */
export interface KeyVerifier<TPermission extends string = string> {
  verify(key: unknown, options?: VerifyOptions<TPermission>): Promise<VerifyResult<TPermission>>;
  /**
   * The app's declared permissions (an `ApiKeys` has them): a required permission outside them
   * is a `TypeError` (misuse), not a 403 for every request. Without them nothing is checked.
   */
  readonly permissions?: readonly TPermission[];
}

/** `verify`'s options (`permissions`, `rateLimit`, `cost`), passed through, and where the key is. */
export type AuthenticateRequestOptions<TPermission extends string = string> =
  VerifyOptions<TPermission> &
    RequestKeyOptions & {
      /**
       * The time in epoch ms, for the `t` (seconds until the window resets) of the `RateLimit`
       * field: give the clock you gave `createApiKeys`. Default `Date.now`.
       */
      clock?: () => number;
    };

export type ApiKeyRequestState<TPermission extends string = string> =
  | AuthenticatedRequestState<TPermission>
  | UnauthenticatedRequestState<TPermission>;

export interface AuthenticatedRequestState<TPermission extends string = string> {
  isAuthenticated: true;
  /** The verification, with limit details (`rateLimit`, `remaining`) when the key has limits. */
  result: VerifiedKey<TPermission>;
  toAuth(): AuthenticatedKeyAuth<TPermission>;
  /** `null`: nothing to answer, let the request through. */
  toResponse(): null;
  /**
   * The headers to send with your answer: for a key with the rate limit this request spent
   * from, the IETF `RateLimit-Policy` and `RateLimit` fields; otherwise none (`{}`). E.g.
   * `Response.json(data, { headers: state.responseHeaders })`.
   */
  responseHeaders: Readonly<Record<string, string>>;
}

export interface UnauthenticatedRequestState<TPermission extends string = string> {
  isAuthenticated: false;
  failure: RequestAuthFailure;
  toAuth(): UnauthenticatedKeyAuth<TPermission>;
  /**
   * A fresh JSON 401 / 403 / 429 / 503 `Response` with `WWW-Authenticate` or `Retry-After`, and
   * the RateLimit fields when a rate limit refused the request.
   */
  toResponse(): Response;
}

/**
 * Authenticates a Fetch API request (or its headers) by its API key. Never throws for a bad,
 * missing or misplaced key, nor for storage that is down: each becomes an unauthenticated state
 * whose `toResponse()` is the answer to send. Throws only for misuse (bad options), e.g. a
 * required permission that `apiKeys` never declared (a `TypeError`: no key could hold it).
 * Edge-safe: Fetch API objects only.
 */
export async function authenticateRequest<TPermission extends string>(
  apiKeys: KeyVerifier<TPermission>,
  input: Request | Headers,
  options: AuthenticateRequestOptions<TPermission> = {},
): Promise<ApiKeyRequestState<TPermission>> {
  const { authorizationHeader, apiKeyHeader, clock = Date.now, ...verifyOptions } = options;
  assertDeclaredPermissions(
    apiKeys.permissions,
    verifyOptions.permissions,
    'authenticateRequest({ permissions })',
  );
  // Not `instanceof`: a Request from another realm (an edge sandbox) must work too.
  const isRequest = 'headers' in input;
  const headers = isRequest ? input.headers : input;
  return authenticateKey(
    apiKeys,
    (name) => headers.get(name),
    isRequest ? queryOf(input.url) : null,
    resolveKeyOptions({ authorizationHeader, apiKeyHeader }),
    verifyOptions,
    clock,
  );
}

/**
 * The core of `authenticateRequest`, over any header source: adapters for other request shapes
 * (Node's `IncomingMessage`) call this with header options resolved, and permissions checked
 * against the declared ones, once. `clock` dates the `RateLimit` field's `t`.
 */
export async function authenticateKey<TPermission extends string>(
  apiKeys: KeyVerifier<TPermission>,
  getHeader: HeaderGetter,
  search: string | null,
  keyOptions: ResolvedKeyOptions,
  verifyOptions: VerifyOptions<TPermission> | undefined,
  clock: () => number,
): Promise<ApiKeyRequestState<TPermission>> {
  const reading = readKey(getHeader, search, keyOptions);
  if (!reading.ok) return unauthenticated(failureOf(reading.code, reading.message));
  let result: VerifyResult<TPermission>;
  try {
    result = await apiKeys.verify(reading.key, verifyOptions);
  } catch (error) {
    if (isLatchkeyError(error, 'STORAGE_UNAVAILABLE')) return unauthenticated(storageFailure());
    throw error;
  }
  return result.valid ? authenticated(result, clock) : unauthenticated(failureFromResult(result));
}

const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

function authenticated<TPermission extends string>(
  result: VerifiedKey<TPermission>,
  clock: () => number,
): AuthenticatedRequestState<TPermission> {
  const auth = authenticatedKeyAuth(result);
  const { rateLimit } = result;
  return Object.freeze({
    isAuthenticated: true,
    result,
    toAuth: () => auth,
    toResponse: () => null,
    responseHeaders:
      rateLimit === undefined
        ? NO_HEADERS
        : Object.freeze(rateLimitFields(rateLimit, rateLimit.resetAt - clock())),
  });
}

function unauthenticated<TPermission extends string>(
  failure: RequestAuthFailure,
): UnauthenticatedRequestState<TPermission> {
  return Object.freeze({
    isAuthenticated: false,
    failure,
    toAuth: () => unauthenticatedKeyAuth<TPermission>(),
    toResponse: () => failureResponse(failure),
  });
}
