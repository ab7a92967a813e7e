import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ApiKeys } from '@latchkey/core';
import type { manualClock, Permission } from '@latchkey/test-support';
import { initTRPC } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import { createHTTPServer } from '@trpc/server/adapters/standalone';
import { describe, expect, it } from 'vitest';
import type { RequestHeaders } from './request-headers.js';
import { testApiKeys } from './test-support/api-keys.js';
import { keyPluginOn, TEAM } from './test-support/host-app.js';
import { listen } from './test-support/http-server.js';

/**
 * The README's short example: no `responseHeaders` option. The context holds what the adapter
 * gave `createContext` (`resHeaders`, or Node's `res`) besides the request headers.
 */
function shortExampleApp(apiKeys: ApiKeys<Permission>, clock: ReturnType<typeof manualClock>) {
  const t = initTRPC.context<{ headers: RequestHeaders }>().create();
  const { keyProcedure } = keyPluginOn(apiKeys, t.procedure, { clock: clock.now });
  return t.router({
    whoami: keyProcedure.query(({ ctx }) => ({
      consumerId: ctx.consumerId,
      rateLimit: ctx.apiKey.rateLimit,
      remaining: ctx.apiKey.remaining,
    })),
  });
}
type ShortExampleRouter = ReturnType<typeof shortExampleApp>;

/** tRPC's fetch adapter in a Node server: `createContext` gets `{ req, resHeaders }`. */
async function serveFetchAdapter(router: ShortExampleRouter): Promise<string> {
  const server = createServer(async (req, res) => {
    const response = await fetchRequestHandler({
      endpoint: '/trpc',
      req: incomingMessageToRequest(req, res, { maxBodySize: null }),
      router,
      createContext: ({ req: request, resHeaders }) => ({ headers: request.headers, resHeaders }),
    });
    res.writeHead(response.status, [...response.headers].flat());
    res.end(new Uint8Array(await response.arrayBuffer()));
  });
  return listen(server, '/trpc');
}

/** tRPC's standalone adapter: `createContext` gets Node's `{ req, res }`. */
async function serveStandaloneAdapter(router: ShortExampleRouter): Promise<string> {
  const server = createHTTPServer({
    router,
    createContext: ({ req, res }: { req: IncomingMessage; res: ServerResponse }) => ({
      headers: req.headers,
      res,
    }),
  });
  return listen(server, '');
}

async function whoami(url: string, key: string | null) {
  const response = await fetch(`${url}/whoami`, {
    headers: key === null ? {} : { authorization: `Bearer ${key}` },
  });
  const body = (await response.json()) as { result?: { data: unknown } };
  return { status: response.status, headers: response.headers, data: body.result?.data };
}

// The window's length (`w`) joins the policy once core's rate limiter reports it.
const POLICY_OF_TWO = /^"default";q=2;w=60$/;

describe.each([
  { adapter: 'fetch adapter (ctx.resHeaders)', serve: serveFetchAdapter },
  { adapter: 'standalone adapter (ctx.res)', serve: serveStandaloneAdapter },
])('keyProcedure without responseHeaders: the $adapter', ({ serve }) => {
  it('401 carries WWW-Authenticate', async () => {
    const { apiKeys, clock } = testApiKeys();
    const url = await serve(shortExampleApp(apiKeys, clock));
    const missing = await whoami(url, null);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    const { key } = await apiKeys.create({ ...TEAM, name: 'k' });
    await apiKeys.revoke((await apiKeys.list({ consumerId: TEAM.consumerId })).items[0]?.id ?? '');
    const revoked = await whoami(url, key);
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
  });

  it('a rate-limited key gets the RateLimit fields allowed and refused, and 429 Retry-After', async () => {
    const { apiKeys, clock } = testApiKeys();
    const url = await serve(shortExampleApp(apiKeys, clock));
    const { key } = await apiKeys.create({
      ...TEAM,
      name: 'two a minute',
      rateLimits: [{ limit: 2, windowMs: 60_000 }],
    });
    // The test clock starts on a window boundary (windows are aligned to the epoch).
    const resetAt = clock.now() + 60_000;
    const first = await whoami(url, key);
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-policy')).toMatch(POLICY_OF_TWO);
    expect(first.headers.get('ratelimit')).toBe('"default";r=1;t=60');
    expect(first.data).toEqual({
      consumerId: TEAM.consumerId,
      rateLimit: { name: 'default', limit: 2, remaining: 1, resetAt, windowMs: 60_000 },
      remaining: null,
    });

    clock.advance(45_500); // 14.5 s left, announced as 15
    const second = await whoami(url, key);
    expect(second.headers.get('ratelimit')).toBe('"default";r=0;t=15');

    const refused = await whoami(url, key);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('15');
    expect(refused.headers.get('ratelimit-policy')).toMatch(POLICY_OF_TWO);
    expect(refused.headers.get('ratelimit')).toBe('"default";r=0;t=15');
  });

  it('a key without a rate limit gets no RateLimit fields; its remaining uses are in ctx', async () => {
    const { apiKeys, clock } = testApiKeys();
    const url = await serve(shortExampleApp(apiKeys, clock));
    const { key } = await apiKeys.create({ ...TEAM, name: 'ten uses', remaining: 10 });
    const allowed = await whoami(url, key);
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('ratelimit')).toBeNull();
    expect(allowed.headers.get('ratelimit-policy')).toBeNull();
    expect(allowed.data).toEqual({ consumerId: TEAM.consumerId, rateLimit: null, remaining: 9 });
  });
});
