import { authenticateKey, type KeyVerifier } from '../request/authenticate-request.js';
import type { AuthenticatedKeyAuth } from '../request/key-auth.js';
import { queryOf, type ResolvedKeyOptions } from '../request/read-key.js';
import type { VerifyOptions } from '../verifier.js';

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

export function createWithApiKey<TPermission extends string>(
  apiKeys: KeyVerifier<TPermission>,
  keyOptions: ResolvedKeyOptions,
): WithApiKey<TPermission> {
  return (handler, options) => async (request, context) => {
    const state = await authenticateKey(
      apiKeys,
      (name) => request.headers.get(name),
      queryOf(request.url),
      keyOptions,
      options,
    );
    if (!state.isAuthenticated) return state.toResponse();
    return handler(request, state.toAuth(), context);
  };
}
