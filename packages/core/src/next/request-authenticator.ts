import { authenticateKey, queryOf, type ResolvedKeyOptions } from '../http/index.js';
import type { ApiKeyRequestState, KeyVerifier } from '../index.js';
import type { VerifyOptions } from '../types.js';

/**
 * Authenticates a Fetch API request by its key: what `withApiKey` and `proxy` both do first.
 * @internal
 */
export type RequestAuthenticator<TPermission extends string> = (
  request: Request,
  verifyOptions: VerifyOptions<TPermission> | undefined,
) => Promise<ApiKeyRequestState<TPermission>>;

/**
 * One per set of Next.js helpers: the header options resolved, and the clock chosen, once.
 * @internal
 */
export function createRequestAuthenticator<TPermission extends string>(
  apiKeys: KeyVerifier<TPermission>,
  keyOptions: ResolvedKeyOptions,
  clock: () => number,
): RequestAuthenticator<TPermission> {
  return (request, verifyOptions) =>
    authenticateKey(
      apiKeys,
      (name) => request.headers.get(name),
      queryOf(request.url),
      keyOptions,
      verifyOptions,
      clock,
    );
}
