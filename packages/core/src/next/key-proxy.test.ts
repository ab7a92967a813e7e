import { createServer } from 'node:net';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createApiKeys } from '../api-keys.js';
import { cryptoRandom } from '../base62.js';
import { generateKey } from '../key-format.js';
import { base, setup, setupWithKey } from '../test-support/fixtures.js';
import { createNextHelpers } from './create-next-helpers.js';
import type { NextContinue } from './key-proxy.js';

const origin = 'https://app.example.com';

/**
 * A stand-in for `NextResponse.next` (`next` is not installed in this workspace): it answers as
 * Next's does (`x-middleware-next: 1`) and keeps the request headers Next would hand to the route.
 */
function nextStandIn() {
  const forwarded: Headers[] = [];
  const next: NextContinue = ({ request }) => {
    forwarded.push(request.headers);
    return new Response(null, { headers: { 'x-middleware-next': '1' } });
  };
  /** The request the route handler receives: the original URL with the forwarded headers. */
  const routeRequest = (path: string) => {
    const headers = forwarded.at(-1);
    if (headers === undefined) throw new Error('the proxy did not continue');
    return new Request(`${origin}${path}`, { headers });
  };
  return { next, forwarded, routeRequest };
}

async function withKey() {
  const made = await setupWithKey();
  return { ...made, latchkey: createNextHelpers(made.apiKeys) };
}

describe('proxy: protectedWithKeys', () => {
  it('continues a protected route with a valid key; the route reads consumerId with auth()', async () => {
    const { key, auth: expected, latchkey } = await withKey();
    const { next, routeRequest } = nextStandIn();
    const proxy = latchkey.proxy({ protectedWithKeys: ['/api/v1(.*)'], next });
    const response = await proxy(
      new Request(`${origin}/api/v1/invoices`, {
        headers: { authorization: `Bearer ${key}`, 'x-trace': 'abc' },
      }),
      undefined,
    );
    expect(response?.headers.get('x-middleware-next')).toBe('1');
    const route = routeRequest('/api/v1/invoices');
    expect(route.headers.get('x-trace')).toBe('abc'); // the other headers reach the route as sent
    const auth = latchkey.auth(route);
    expect(auth).toMatchObject(expected);
    expect(auth.has({ permission: 'invoices:read' })).toBe(true);
    expect(latchkey.auth(route.headers).consumerId).toBe('team_1'); // a server component's headers()
  });

  it('answers a protected route without a good key itself: 401, 403, and the route never runs', async () => {
    const { latchkey, key } = await withKey();
    const { next, forwarded } = nextStandIn();
    let hostCalls = 0;
    const proxy = latchkey.proxy(
      { protectedWithKeys: '/api/v1(.*)', permissions: ['invoices:write'], next },
      () => {
        hostCalls++;
        return undefined;
      },
    );
    const missing = await proxy(new Request(`${origin}/api/v1/x`), undefined);
    expect(missing?.status).toBe(401);
    expect(missing?.headers.get('www-authenticate')).toBe('Bearer');
    const denied = await proxy(
      new Request(`${origin}/api/v1/x`, { headers: { 'x-api-key': key } }),
      undefined,
    );
    expect(denied?.status).toBe(403);
    const inQuery = await proxy(new Request(`${origin}/api/v1/x?api_key=${key}`), undefined);
    expect(inQuery?.status).toBe(401);
    expect(forwarded).toEqual([]);
    expect(hostCalls).toBe(0);
  });

  it('a hand-off a client sends is overwritten on protected routes and refused elsewhere', async () => {
    const { apiKeys, latchkey, key } = await withKey();
    const { next, routeRequest } = nextStandIn();
    const forged = `${btoa(JSON.stringify({ consumerId: 'team_victim' }))}.c2lnbmF0dXJl`;
    const seenByHost: Request[] = [];
    const proxy = latchkey.proxy({ protectedWithKeys: ['/api/v1(.*)'], next }, (request) => {
      seenByHost.push(request);
      return new Response('from the host proxy');
    });

    // Protected: the client's value is replaced by the proxy's own.
    await proxy(
      new Request(`${origin}/api/v1/x`, {
        headers: { 'x-api-key': key, 'x-latchkey-auth': forged },
      }),
      undefined,
    );
    const route = routeRequest('/api/v1/x');
    expect(route.headers.get('x-latchkey-auth')).not.toBe(forged);
    expect(latchkey.auth(route).consumerId).toBe('team_1');

    // Outside the list, a hand-off is refused before the host's proxy or the route sees it: a
    // genuine one that leaked (a route forwarding its headers) would otherwise be read by auth().
    const genuine = route.headers.get('x-latchkey-auth') as string;
    for (const value of [forged, genuine]) {
      const outside = new Request(`${origin}/dashboard`, { headers: { 'x-latchkey-auth': value } });
      const refused = await proxy(outside, undefined);
      expect(refused?.status).toBe(400);
      expect(refused?.headers.get('cache-control')).toBe('no-store');
      expect(await refused?.json()).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    }
    expect(seenByHost).toEqual([]);
    expect(
      latchkey.auth(new Request(`${origin}/dashboard`, { headers: { 'x-latchkey-auth': forged } })),
    ).toMatchObject({ consumerId: null, keyId: null });
    const plain = new Request(`${origin}/dashboard`);
    expect(await (await proxy(plain, undefined))?.text()).toBe('from the host proxy');
    expect(seenByHost).toEqual([plain]);

    // Nor can a real hand-off from another app (another secret) be replayed here.
    const otherApp = createNextHelpers(apiKeys, { handoffSecret: 'o'.repeat(32) });
    const other = nextStandIn();
    await otherApp.proxy({ protectedWithKeys: '/(.*)', next: other.next })(
      new Request(`${origin}/x`, { headers: { 'x-api-key': key } }),
      undefined,
    );
    expect(latchkey.auth(other.routeRequest('/x')).consumerId).toBeNull();
  });

  it('refuses, when the app starts, a hand-off header that is where keys are read', async () => {
    const { apiKeys } = await withKey();
    for (const handoffHeader of ['Authorization', 'x-api-key']) {
      expect(() => createNextHelpers(apiKeys, { handoffHeader })).toThrow(TypeError);
    }
    expect(() =>
      createNextHelpers(apiKeys, { apiKeyHeader: 'x-acme-key', handoffHeader: 'x-api-key' }),
    ).not.toThrow();
  });

  it('routes outside the list go straight on when there is no host proxy', async () => {
    const { latchkey } = await withKey();
    const { next, forwarded } = nextStandIn();
    const proxy = latchkey.proxy({ protectedWithKeys: ['/api/v1(.*)'], next });
    expect(await proxy(new Request(`${origin}/about`), undefined)).toBeUndefined();
    expect(forwarded).toEqual([]);
  });

  it('passes the event to the host proxy and returns what it returns (async too)', async () => {
    const { latchkey } = await withKey();
    const event = { waitUntil: () => undefined };
    const received: unknown[] = [];
    const proxy = latchkey.proxy(
      { protectedWithKeys: [/^\/api\//], next: nextStandIn().next },
      async (_request: Request, hostEvent: typeof event) => {
        received.push(hostEvent);
        return Response.redirect(`${origin}/login`, 307);
      },
    );
    const response = await proxy(new Request(`${origin}/settings`), event);
    expect(response?.status).toBe(307);
    expect(received).toEqual([event]);
  });

  it('503 on a protected route when storage is down', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise((resolve) => server.close(resolve));
    const apiKeys = createApiKeys({
      database: { url: `http://127.0.0.1:${port}` },
      prefix: 'acme',
    });
    onTestFinished(() => apiKeys.close());
    const proxy = createNextHelpers(apiKeys).proxy({
      protectedWithKeys: '/api(.*)',
      next: nextStandIn().next,
    });
    const response = await proxy(
      new Request(`${origin}/api/x`, {
        headers: { authorization: `Bearer ${generateKey('acme', cryptoRandom)}` },
      }),
      undefined,
    );
    expect(response?.status).toBe(503);
  });

  it('sends the RateLimit fields of a rate-limited key; the route reads the state with auth()', async () => {
    const { apiKeys, clock } = setup();
    const { key } = await apiKeys.create({
      ...base,
      name: 'limited',
      rateLimits: [{ limit: 1, windowMs: 60_000 }],
      remaining: 3,
    });
    const latchkey = createNextHelpers(apiKeys, { clock: clock.now });
    const resetAt = clock.now() + 60_000; // the test clock starts on a window boundary
    const { next, routeRequest } = nextStandIn();
    const proxy = latchkey.proxy({ protectedWithKeys: ['/api/v1(.*)'], next });
    const call = () =>
      proxy(new Request(`${origin}/api/v1/invoices`, { headers: { 'x-api-key': key } }), undefined);

    const continued = await call();
    expect(continued?.headers.get('x-middleware-next')).toBe('1');
    // The window's length (`w`) joins the policy once core's rate limiter reports it.
    expect(continued?.headers.get('ratelimit-policy')).toMatch(/^"default";q=1;w=60$/);
    expect(continued?.headers.get('ratelimit')).toBe('"default";r=0;t=60');
    expect(latchkey.auth(routeRequest('/api/v1/invoices'))).toMatchObject({
      consumerId: 'team_1',
      rateLimit: { name: 'default', limit: 1, remaining: 0, resetAt },
      remaining: 2,
    });

    clock.advance(30_000);
    const refused = await call();
    expect(refused?.status).toBe(429);
    expect(refused?.headers.get('retry-after')).toBe('30');
    expect(refused?.headers.get('ratelimit')).toBe('"default";r=0;t=30');
  });

  it('a permission the app never declared throws when proxy.ts loads, not 403 forever', async () => {
    const { latchkey } = await withKey();
    const { next } = nextStandIn();
    // As plain JavaScript would call it.
    expect(() =>
      latchkey.proxy({
        protectedWithKeys: ['/api(.*)'],
        permissions: ['reports:raed' as never],
        next,
      }),
    ).toThrow(/"reports:raed" is not a declared permission.*Did you mean "reports:read"\?/);
  });
});
