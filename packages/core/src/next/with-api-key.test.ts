import { describe, expect, it } from 'vitest';
import { base, setup, setupWithKey } from '../test-support/fixtures.js';
import { createNextHelpers } from './create-next-helpers.js';

const url = 'https://app.example.com/api/webhooks/7';

async function withKey() {
  const { apiKeys, key } = await setupWithKey();
  return { key, latchkey: createNextHelpers(apiKeys) };
}

describe('withApiKey: route-handler wrapper', () => {
  it('runs the handler with the auth object and the route context', async () => {
    const { key, latchkey } = await withKey();
    const POST = latchkey.withApiKey(
      async (request, auth, { params }: { params: Promise<{ id: string }> }) =>
        Response.json({
          consumerId: auth.consumerId,
          id: (await params).id,
          body: await request.text(),
          canRead: auth.has({ permission: 'invoices:read' }),
        }),
      { permissions: ['invoices:read'] },
    );
    const response = await POST(
      new Request(url, { method: 'POST', headers: { 'X-Api-Key': key }, body: 'ping' }),
      { params: Promise.resolve({ id: '7' }) },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      consumerId: 'team_1',
      id: '7',
      body: 'ping',
      canRead: true,
    });
  });

  it('answers 401 / 403 itself and never runs the handler', async () => {
    const { key, latchkey } = await withKey();
    let calls = 0;
    const handler = () => {
      calls++;
      return new Response('secret');
    };
    const GET = latchkey.withApiKey(handler, { permissions: ['invoices:write'] });
    const cases: [RequestInit['headers'], number][] = [
      [{}, 401],
      [{ authorization: 'Bearer acme_typo' }, 401],
      [{ authorization: `BEARER ${key}`, 'x-api-key': `${key}x` }, 401],
      [{ authorization: `Bearer ${key}` }, 403],
    ];
    for (const [headers, status] of cases) {
      const response = await GET(new Request(url, { headers }), undefined);
      expect(response.status).toBe(status);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
    expect(calls).toBe(0);
  });

  it('a hand-off header does not authenticate a wrapped route: only a key does', async () => {
    const { latchkey } = await withKey();
    const GET = latchkey.withApiKey(() => new Response('ok'));
    const response = await GET(
      new Request(url, { headers: { 'x-latchkey-auth': 'anything.signed' } }),
      undefined,
    );
    expect(response.status).toBe(401);
  });

  it('adds the RateLimit fields of a rate-limited key to the handler response; auth has the state', async () => {
    const { apiKeys, clock } = setup();
    const { key } = await apiKeys.create({
      ...base,
      name: 'limited',
      rateLimits: [{ limit: 3, windowMs: 60_000 }],
    });
    const latchkey = createNextHelpers(apiKeys, { clock: clock.now });
    const resetAt = clock.now() + 60_000; // the test clock starts on a window boundary
    const GET = latchkey.withApiKey((_request, auth) => Response.json(auth.rateLimit));
    const call = () => GET(new Request(url, { headers: { 'x-api-key': key } }), undefined);

    const first = await call();
    // The window's length (`w`) joins the policy once core's rate limiter reports it.
    expect(first.headers.get('ratelimit-policy')).toMatch(/^"default";q=3;w=60$/);
    expect(first.headers.get('ratelimit')).toBe('"default";r=2;t=60');
    expect(await first.json()).toEqual({
      name: 'default',
      limit: 3,
      remaining: 2,
      resetAt,
      windowMs: 60_000,
    });

    // A response whose headers cannot change is copied; a route's own RateLimit is kept.
    const redirect = latchkey.withApiKey(() =>
      Response.redirect('https://elsewhere.example/', 307),
    );
    const redirected = await redirect(
      new Request(url, { headers: { 'x-api-key': key } }),
      undefined,
    );
    expect(redirected.status).toBe(307);
    expect(redirected.headers.get('location')).toBe('https://elsewhere.example/');
    expect(redirected.headers.get('ratelimit')).toBe('"default";r=1;t=60');
    const own = latchkey.withApiKey(
      () => new Response('upstream', { headers: { ratelimit: '"upstream";r=7' } }),
    );
    const owned = await own(new Request(url, { headers: { 'x-api-key': key } }), undefined);
    expect(owned.headers.get('ratelimit')).toBe('"upstream";r=7');

    const refused = await call();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit')).toBe('"default";r=0;t=60');
  });

  it('a permission the app never declared throws when the route is wrapped, not 403 forever', async () => {
    const { latchkey } = await withKey();
    const handler = () => new Response('ok');
    // As plain JavaScript would call it.
    expect(() =>
      latchkey.withApiKey(handler, { permissions: ['invoices:wrte' as 'invoices:write'] }),
    ).toThrow(/"invoices:wrte" is not a declared permission.*Did you mean "invoices:write"\?/);
    expect(() => latchkey.withApiKey(handler, { permissions: ['invoices:write'] })).not.toThrow();
  });
});
