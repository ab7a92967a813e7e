import { assertDeclaredPermissions } from '../http/index.js';
import type { AuthenticatedKeyAuth, KeyVerifier } from '../index.js';
import type { VerifyOptions } from '../types.js';
import type { RequestAuthenticator } from './request-authenticator.js';
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
 * @internal
 */
export function createWithApiKey<TPermission extends string>(
  apiKeys: KeyVerifier<TPermission>,
  authenticate: RequestAuthenticator<TPermission>,
): WithApiKey<TPermission> {
  return (handler, options) => {
    assertDeclaredPermissions(
      apiKeys.permissions,
      options?.permissions,
      'withApiKey({ permissions })',
    );
    return async (request, context) => {
      const state = await authenticate(request, options);
      if (!state.isAuthenticated) return state.toResponse();
      const response = await handler(request, state.toAuth(), context);
      return withResponseHeaders(response, state.responseHeaders);
    };
  };
}
