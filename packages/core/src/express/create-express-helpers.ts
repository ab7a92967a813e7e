import {
  type ApiKeyRequestState,
  authenticateKey,
  type KeyVerifier,
} from '../request/authenticate-request.js';
import {
  failureOf,
  failureResponseParts,
  type RequestAuthFailure,
} from '../request/failure-response.js';
import type { ApiKeyAuth } from '../request/key-auth.js';
import { queryOf, type RequestKeyOptions, resolveKeyOptions } from '../request/read-key.js';
import type { VerifyOptions } from '../verifier.js';
import type { KeyMiddleware, NodeRequestLike, NodeResponseLike } from './node-types.js';

export type ExpressHelpersOptions = RequestKeyOptions;

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
   * records the auth object for `getAuth(req)` and calls `next()`.
   */
  requireKey(options?: RequireKeyOptions<TPermission>): KeyMiddleware;
  /** The auth object `requireKey` recorded; throws when `requireKey` did not run first. */
  getAuth(req: NodeRequestLike): ApiKeyAuth<TPermission>;
  /** 401 unless `requireKey` (with `optional: true`) found a valid key. */
  requireAuth(): KeyMiddleware;
  /** 403 unless the key holds `permission` (401 without a key). */
  hasPermission(permission: TPermission): KeyMiddleware;
}

// On the request object itself (not a module-level map), so two copies of this package agree.
const AUTH = Symbol.for('@latchkey/core/express:auth');
type WithAuth = { [AUTH]?: ApiKeyAuth<string> };

/** Express / Node `http` helpers for one `ApiKeys`. Create them once per app. */
export function createExpressHelpers<TPermission extends string>(
  apiKeys: KeyVerifier<TPermission>,
  options: ExpressHelpersOptions = {},
): ExpressHelpers<TPermission> {
  const keyOptions = resolveKeyOptions(options);
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
      else send(res, failure);
    };
    return middleware;
  }

  return {
    requireKey(requireOptions = {}) {
      const { optional = false, ...verifyOptions } = requireOptions;
      return async (req, res, next) => {
        let state: ApiKeyRequestState<TPermission>;
        try {
          state = await authenticateKey(
            apiKeys,
            (name) => header(req, name),
            queryOf(req.originalUrl ?? req.url ?? ''),
            keyOptions,
            verifyOptions,
          );
        } catch (error) {
          next(error); // misuse (bad options), not a bad key
          return;
        }
        if (state.isAuthenticated || (optional && state.failure.code === 'MISSING')) {
          (req as WithAuth)[AUTH] = state.toAuth();
          next();
        } else {
          send(res, state.failure);
        }
      };
    },
    getAuth,
    requireAuth: () => check((auth) => (auth.consumerId === null ? missing : null)),
    hasPermission: (permission) =>
      check((auth) => {
        if (auth.consumerId === null) return missing;
        if (auth.has({ permission })) return null;
        return { ...failureOf('INSUFFICIENT_PERMISSIONS'), missingPermissions: [permission] };
      }),
  };
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
