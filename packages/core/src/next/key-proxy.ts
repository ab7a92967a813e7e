import { assertDeclaredPermissions } from '../http/index.js';
import type { KeyVerifier } from '../index.js';
import type { VerifyOptions } from '../types.js';
import type { Handoff } from './handoff.js';
import type { RequestAuthenticator } from './request-authenticator.js';
import { withResponseHeaders } from './response-headers.js';
import { createRouteMatcher, type RouteMatcherParam } from './route-matcher.js';

/**
 * Continues to the route with these request headers: pass `NextResponse.next` from `next/server`.
 * Taken as a parameter so that this package needs no `next` at run time and never copies Next's
 * internal header protocol, which changes between versions.
 */
export type NextContinue = (init: { request: { headers: Headers } }) => Response;

export type KeyProxyOptions<TPermission extends string> = VerifyOptions<TPermission> & {
  /** The routes that need a key; every other route goes to your own proxy function, untouched. */
  protectedWithKeys: RouteMatcherParam;
  /** `NextResponse.next`. */
  next: NextContinue;
};

/** A Next.js `proxy` (Next 16's middleware): `(request, event)`, as Next calls it. */
export type KeyProxy<TRequest extends Request, TEvent, TResult> = (
  request: TRequest,
  event: TEvent,
) => Promise<TResult | Response | undefined>;

export type CreateKeyProxy<TPermission extends string> = <
  TRequest extends Request,
  TEvent = unknown,
  TResult = undefined,
>(
  options: KeyProxyOptions<TPermission>,
  proxy?: (request: TRequest, event: TEvent) => TResult | Promise<TResult>,
) => KeyProxy<TRequest, TEvent, TResult>;

/**
 * `proxy` for one `ApiKeys`. A continued request's response gets the RateLimit fields of a key
 * with a rate limit; Next sends the headers of `NextResponse.next()`'s response to the client. A
 * permission the app never declared throws a `TypeError` when `proxy.ts` loads.
 * @internal
 */
export function createKeyProxyFactory<TPermission extends string>(
  apiKeys: KeyVerifier<TPermission>,
  authenticate: RequestAuthenticator<TPermission>,
  handoff: Handoff,
): CreateKeyProxy<TPermission> {
  return (options, proxy) => {
    const { protectedWithKeys, next, ...verifyOptions } = options;
    assertDeclaredPermissions(
      apiKeys.permissions,
      verifyOptions.permissions,
      'proxy({ permissions })',
    );
    const isProtected = createRouteMatcher(protectedWithKeys);
    return async (request, event) => {
      if (!isProtected(request)) {
        // Only this proxy writes the hand-off, and only on the routes it protects: one a client
        // sends elsewhere is a copy (a leaked value replayed where `auth()` would read it).
        if (request.headers.has(handoff.header)) return handoffRefused(handoff.header);
        return proxy === undefined ? undefined : await proxy(request, event);
      }
      const state = await authenticate(request, verifyOptions);
      if (!state.isAuthenticated) return state.toResponse();
      // `set` replaces whatever the client sent under the same name.
      const headers = new Headers(request.headers);
      headers.set(handoff.header, handoff.sign(state.result));
      return withResponseHeaders(next({ request: { headers } }), state.responseHeaders);
    };
  };
}

/** 400: a request may not carry the hand-off header; the proxy alone sets it. */
function handoffRefused(header: string): Response {
  return Response.json(
    {
      error: {
        code: 'BAD_REQUEST',
        message: `The ${header} header is set by this app's proxy; a request may not send it.`,
      },
    },
    { status: 400, headers: { 'cache-control': 'no-store' } },
  );
}
