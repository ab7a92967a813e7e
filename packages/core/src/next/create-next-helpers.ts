import {
  authenticatedKeyAuth,
  type KeyAuthFields,
  resolveKeyOptions,
  unauthenticatedKeyAuth,
} from '../http/index.js';
import type { ApiKeyAuth, KeyVerifier, RequestKeyOptions } from '../index.js';
import { createHandoff, type HandoffOptions } from './handoff.js';
import { type CreateKeyProxy, createKeyProxyFactory } from './key-proxy.js';
import { createRequestAuthenticator } from './request-authenticator.js';
import { createWithApiKey, type WithApiKey } from './with-api-key.js';

export type NextHelpersOptions = RequestKeyOptions & HandoffOptions;

export interface NextHelpers<TPermission extends string> {
  /** Wraps a route handler: 401 / 403 / 429 / 503 without a good key, else the handler with `auth`. */
  withApiKey: WithApiKey<TPermission>;
  /**
   * Builds `proxy.ts`'s function: the routes in `protectedWithKeys` need a key (refused there, or
   * continued with a signed hand-off that `auth()` reads); every other route goes to your own
   * proxy function, untouched, or straight on when you give none.
   */
  proxy: CreateKeyProxy<TPermission>;
  /**
   * In a route behind the proxy: who the key acts for. Pass the route's `request`, or the
   * `headers()` of a server component. A request the proxy did not authenticate (or a hand-off
   * header a client forged) gives `consumerId: null`.
   */
  auth(input: Request | Headers): ApiKeyAuth<TPermission>;
}

/**
 * The Next.js helpers for one `ApiKeys`. Create them once, in a module that both `proxy.ts` and
 * the routes import, so they share the hand-off settings.
 */
export function createNextHelpers<TPermission extends string>(
  apiKeys: KeyVerifier<TPermission>,
  options: NextHelpersOptions = {},
): NextHelpers<TPermission> {
  const keyOptions = resolveKeyOptions(options);
  const handoff = createHandoff(options);
  const clock = options.clock ?? Date.now;
  // The proxy overwrites the hand-off header and refuses it elsewhere: it cannot be a key's.
  if (
    handoff.header === keyOptions.authorizationHeader ||
    handoff.header === keyOptions.apiKeyHeader
  ) {
    throw new TypeError(`handoffHeader ${JSON.stringify(handoff.header)} is where keys are read.`);
  }
  const authenticate = createRequestAuthenticator(apiKeys, keyOptions, clock);
  return {
    withApiKey: createWithApiKey(apiKeys, authenticate),
    proxy: createKeyProxyFactory(apiKeys, authenticate, handoff),
    auth(input) {
      const headers = 'headers' in input ? input.headers : input;
      const fields = handoff.read(headers.get(handoff.header));
      return fields === null
        ? unauthenticatedKeyAuth()
        : // Signed by the proxy from a verification typed with the same permissions.
          authenticatedKeyAuth(fields as KeyAuthFields<TPermission>);
    },
  };
}
