import { authenticateKey, type KeyVerifier } from '../request/authenticate-request.js';
import { assertDeclaredPermissions } from '../request/declared-permissions.js';
import type { AuthenticatedKeyAuth } from '../request/key-auth.js';
import { queryOf, type ResolvedKeyOptions } from '../request/read-key.js';
import type { VerifyOptions } from '../types.js';
import { withResponseHeaders } from './response-headers.js';

/** A route handler that runs only for a valid key, and receives its auth object. */
export type KeyRouteHandler<TPermission extends string, TRequest extends Request, TContext> = (
  request: TRequest,
  auth: AuthenticatedKeyAuth<TPermission>,
  context: TContext,
) => Response | Promise<Response>;

/** What `withApiKey` returns: a Next.js route handler (`export const POST = …`). */
export type RouteHandler<TRequest extends Request, TContext> = (
  request: TRequest,
  context: TContext,
) => Promise<Response>;

export type WithApiKey<TPermission extends string> = <
  TRequest extends Request = Request,
  TContext = unknown,
>(
  handler: KeyRouteHandler<TPermission, TRequest, TContext>,
  options?: VerifyOptions<TPermission>,
) => RouteHandler<TRequest, TContext>;

/**
 * `withApiKey` for one `ApiKeys`. The handler's response gets the RateLimit fields of a key with
 * a rate limit (unless it set its own). A permission the app never declared throws a `TypeError`
 * when the route module loads, not a 403 on every request.
 */
export function createWithApiKey<TPermission extends string>(
  apiKeys: KeyVerifier<TPermission>,
  keyOptions: ResolvedKeyOptions,
  clock: () => number,
): WithApiKey<TPermission> {
  return (handler, options) => {
    assertDeclaredPermissions(
      apiKeys.permissions,
      options?.permissions,
      'withApiKey({ permissions })',
    );
    return async (request, context) => {
      const state = await authenticateKey(
        apiKeys,
        (name) => request.headers.get(name),
        queryOf(request.url),
        keyOptions,
        options,
        clock,
      );
      if (!state.isAuthenticated) return state.toResponse();
      const response = await handler(request, state.toAuth(), context);
      return withResponseHeaders(response, state.responseHeaders);
    };
  };
}
