import { isLatchkeyError } from '../errors.js';
import {
  assertDeclaredPermission,
  assertDeclaredPermissions,
  authenticateKey,
  failureOf,
  failureResponseParts,
  queryOf,
  type RequestAuthFailure,
  resolveKeyOptions,
  storageFailure,
} from '../http/index.js';
import type { ApiKeyAuth, ApiKeyRequestState, KeyVerifier, RequestKeyOptions } from '../index.js';
import type { VerifiedKey, VerifyOptions } from '../types.js';
import type {
  KeyMiddleware,
  NextFunction,
  NodeRequestLike,
  NodeResponseLike,
} from './node-types.js';

export type ExpressHelpersOptions = RequestKeyOptions & {
  /**
   * The time in epoch ms, for the `t` (seconds until the window resets) of the `RateLimit`
   * field: give the clock you gave `createApiKeys`. Default `Date.now`.
   */
  clock?: () => number;
};

/**
 * What the helpers need of `ApiKeys`: `verify`, and `refund` if it has one (an `ApiKeys` has), with
 * which `hasPermission` gives back what a request it refuses had spent.
 */
export interface ExpressKeyVerifier<TPermission extends string> extends KeyVerifier<TPermission> {
  refund?(result: VerifiedKey<TPermission>, code: 'INSUFFICIENT_PERMISSIONS'): Promise<void>;
}

export type RequireKeyOptions<TPermission extends string> = VerifyOptions<TPermission> & {
  /**
   * Let a request without any key through, unauthenticated (`getAuth(req).consumerId === null`),
   * for routes that serve both; a bad key is still refused. Pair with `requireAuth()` further on.
   * Default `false`.
   */
  optional?: boolean;
};

export interface ExpressHelpers<TPermission extends string> {
  /**
   * Authenticates the request by its key: 401 without a valid one, 403 without a permission in
   * `permissions`, 429 with `Retry-After` over a limit, 503 when storage is down; otherwise
   * records the auth object for `getAuth(req)`, sets the RateLimit fields on `res` for a key with
   * a rate limit, and calls `next()`.
   * @throws {TypeError} at once, for a permission the app never declared.
   */
  requireKey(options?: RequireKeyOptions<TPermission>): KeyMiddleware;
  /** The auth object `requireKey` recorded; throws when `requireKey` did not run first. */
  getAuth(req: NodeRequestLike): ApiKeyAuth<TPermission>;
  /** 401 unless `requireKey` (with `optional: true`) found a valid key. */
  requireAuth(): KeyMiddleware;
  /**
   * 403 unless the key holds `permission` (401 without a key). A request it refuses spends
   * nothing: what `requireKey` spent (rate-limit units, a `remaining` use) is given back.
   * @throws {TypeError} at once, for a permission the app never declared.
   */
  hasPermission(permission: TPermission): KeyMiddleware;
}

// On the request object itself (not a module-level map), so two copies of this package agree.
const AUTH = Symbol.for('@latchkey/core/express:auth');
// The verification behind it, for `hasPermission` to refund; taken once, so refunded once.
const VERIFICATION = Symbol.for('@latchkey/core/express:verification');
type WithAuth = { [AUTH]?: ApiKeyAuth<string>; [VERIFICATION]?: VerifiedKey<string> };

/** Express / Node `http` helpers for one `ApiKeys`. Create them once per app. */
export function createExpressHelpers<TPermission extends string>(
  apiKeys: ExpressKeyVerifier<TPermission>,
  options: ExpressHelpersOptions = {},
): ExpressHelpers<TPermission> {
  const { clock = Date.now, ...requestKeyOptions } = options;
  const keyOptions = resolveKeyOptions(requestKeyOptions);
  const missing = failureOf('MISSING', keyOptions.missingMessage);

  function getAuth(req: NodeRequestLike): ApiKeyAuth<TPermission> {
    const auth = (req as WithAuth)[AUTH];
    if (auth === undefined) {
      throw new Error(
        'No API key authentication ran for this request: add requireKey() before this handler, e.g. app.use("/api", requireKey()).',
      );
    }
    return auth as ApiKeyAuth<TPermission>;
  }

  /** A middleware that checks the recorded auth; a missing `requireKey` goes to `next(error)`. */
  function check(refusal: (auth: ApiKeyAuth<TPermission>) => RequestAuthFailure | null) {
    const middleware: KeyMiddleware = (req, res, next) => {
      let auth: ApiKeyAuth<TPermission>;
      try {
        auth = getAuth(req);
      } catch (error) {
        next(error);
        return;
      }
      const failure = refusal(auth);
      if (failure === null) next();
      else if (failure.code === 'INSUFFICIENT_PERMISSIONS') {
        refuseAfterRefund(apiKeys, req, res, next, failure);
      } else send(res, failure);
    };
    return middleware;
  }

  return {
    requireKey(requireOptions = {}) {
      const { optional = false, ...verifyOptions } = requireOptions;
      assertDeclaredPermissions(
        apiKeys.permissions,
        verifyOptions.permissions,
        'requireKey({ permissions })',
      );
      return async (req, res, next) => {
        let state: ApiKeyRequestState<TPermission>;
        try {
          state = await authenticateKey(
            apiKeys,
            (name) => header(req, name),
            queryOf(req.originalUrl ?? req.url ?? ''),
            keyOptions,
            verifyOptions,
            clock,
          );
        } catch (error) {
          next(error); // misuse (bad options), not a bad key
          return;
        }
        if (state.isAuthenticated || (optional && state.failure.code === 'MISSING')) {
          record(req, res, state);
          next();
        } else {
          send(res, state.failure);
        }
      };
    },
    getAuth,
    requireAuth: () => check((auth) => (auth.consumerId === null ? missing : null)),
    hasPermission: (permission) => {
      assertDeclaredPermission(apiKeys.permissions, permission, 'hasPermission(permission)');
      return check((auth) => {
        if (auth.consumerId === null) return missing;
        if (auth.has({ permission })) return null;
        return { ...failureOf('INSUFFICIENT_PERMISSIONS'), missingPermissions: [permission] };
      });
    },
  };
}

/**
 * Records the auth object for `getAuth` (and the verification, for `hasPermission` to refund),
 * and sets the RateLimit fields of a rate-limited key on the response. A 403 from
 * `hasPermission` later keeps those as they were before its refund: `r` one cost low.
 */
function record(
  req: NodeRequestLike,
  res: NodeResponseLike,
  state: ApiKeyRequestState<string>,
): void {
  (req as WithAuth)[AUTH] = state.toAuth();
  if (!state.isAuthenticated) return;
  (req as WithAuth)[VERIFICATION] = state.result;
  for (const [name, value] of Object.entries(state.responseHeaders)) res.setHeader(name, value);
}

/** The 403, once what the request spent is given back (a 503 if storage cannot take it). */
function refuseAfterRefund<TPermission extends string>(
  apiKeys: ExpressKeyVerifier<TPermission>,
  req: NodeRequestLike,
  res: NodeResponseLike,
  next: NextFunction,
  failure: RequestAuthFailure,
): void {
  const verification = (req as WithAuth)[VERIFICATION];
  (req as WithAuth)[VERIFICATION] = undefined;
  const refund =
    verification === undefined || apiKeys.refund === undefined
      ? Promise.resolve()
      : apiKeys.refund(verification as VerifiedKey<TPermission>, 'INSUFFICIENT_PERMISSIONS');
  refund
    .then(
      () => send(res, failure),
      (error: unknown) => {
        if (!isLatchkeyError(error, 'STORAGE_UNAVAILABLE')) throw error;
        send(res, storageFailure());
      },
    )
    .catch(next);
}

function header(req: NodeRequestLike, name: string): string | null {
  // Repeated headers joined as a Fetch API `Headers` would join them, so two keys are seen as two.
  const value = req.headersDistinct?.[name] ?? req.headers[name];
  if (value === undefined) return null;
  return typeof value === 'string' ? value : value.join(', ');
}

function send(res: NodeResponseLike, failure: RequestAuthFailure): void {
  const { status, headers, body } = failureResponseParts(failure);
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(body);
}
