import { createServer, type RequestListener } from 'node:http';
import { connect, createServer as createTcpServer } from 'node:net';
import type { PERMISSIONS } from '@latchkey/test-support';
import express, { type ErrorRequestHandler } from 'express';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createApiKeys } from '../api-keys.js';
import type { CreateApiKeyInput } from '../api-keys-types.js';
import { cryptoRandom } from '../base62.js';
import { AUTH_FAILURE_MESSAGES } from '../http/index.js';
import { generateKey } from '../key-format.js';
import { base, setup, setupWithKey } from '../test-support/fixtures.js';
import { createExpressHelpers } from './create-express-helpers.js';

type Permission = (typeof PERMISSIONS)[number];

/** Serves `listener` on 127.0.0.1 on a free port until the test ends; gives its origin. */
async function serve(listener: RequestListener): Promise<string> {
  const server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as { port: number };
  return `http://127.0.0.1:${port}`;
}

/** Sends raw header lines, for what `fetch` cannot send: the same header twice. */
async function rawGet(origin: string, path: string, headerLines: string[]) {
  const { port } = new URL(origin);
  const socket = connect(Number(port), '127.0.0.1');
  socket.end(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n${headerLines.join('\r\n')}\r\n\r\n`,
  );
  let raw = '';
  for await (const chunk of socket) raw += String(chunk);
  const [head = '', body = ''] = raw.split('\r\n\r\n');
  return {
    status: Number(head.split(' ')[1]),
    body: JSON.parse(body) as { error: { code: string } },
  };
}

// Errors that reach Express (programmer errors) as JSON, so tests can read them.
const reportErrors: ErrorRequestHandler = (error, _req, res, _next) => {
  res.status(500).json({ programmerError: (error as Error).message });
};

async function invoiceApi(
  limits: Pick<CreateApiKeyInput<Permission>, 'rateLimits' | 'remaining'> = {},
) {
  const { apiKeys, key: reader, apiKey } = await setupWithKey(limits);
  const { requireKey, getAuth, hasPermission } = createExpressHelpers(apiKeys);
  const app = express();
  app.use('/api', requireKey());
  app.get('/api/invoices', hasPermission('invoices:read'), (req, res) => {
    const { consumerId, keyId, permissions, metadata } = getAuth(req);
    res.json({ consumerId, keyId, permissions, metadata });
  });
  app.post('/api/invoices', hasPermission('invoices:write'), (_req, res) => {
    res.status(201).end();
  });
  app.get('/reports', requireKey({ permissions: ['reports:read'] }), (_req, res) => {
    res.end('report');
  });
  app.use(reportErrors);
  return { origin: await serve(app), reader, readerId: apiKey.id, apiKeys };
}

describe('Express: requireKey and hasPermission on a real server', () => {
  it('200 with the auth object for a key holding the permission', async () => {
    const { origin, reader } = await invoiceApi();
    const response = await fetch(`${origin}/api/invoices`, {
      headers: { authorization: `Bearer ${reader}` },
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({
      consumerId: 'team_1',
      permissions: ['invoices:read'],
      metadata: { plan: 'pro' },
    });
  });

  it('401 without a valid key, 403 without the permission', async () => {
    const { origin, reader } = await invoiceApi();
    const missing = await fetch(`${origin}/api/invoices`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect(await missing.json()).toEqual({
      error: { code: 'MISSING', message: AUTH_FAILURE_MESSAGES.MISSING },
    });

    const unknown = await fetch(`${origin}/api/invoices`, {
      headers: { 'x-api-key': generateKey('acme', cryptoRandom) },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');

    const write = await fetch(`${origin}/api/invoices`, {
      method: 'POST',
      headers: { 'x-api-key': reader },
    });
    expect(write.status).toBe(403);
    expect(await write.json()).toEqual({
      error: {
        code: 'INSUFFICIENT_PERMISSIONS',
        message: AUTH_FAILURE_MESSAGES.INSUFFICIENT_PERMISSIONS,
        missingPermissions: ['invoices:write'],
      },
    });

    const reports = await fetch(`${origin}/reports`, { headers: { 'x-api-key': reader } });
    expect(reports.status).toBe(403);
    expect(reports.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope"');
  });

  it('header parsing is strict and total: each odd header is a clear 401, never a 500', async () => {
    const { origin, reader } = await invoiceApi();
    const other = generateKey('acme', cryptoRandom);
    for (const value of [`bearer ${reader}`, `BEARER ${reader}`, `Bearer     ${reader}   `]) {
      const ok = await fetch(`${origin}/api/invoices`, { headers: { authorization: value } });
      expect(ok.status, value).toBe(200);
    }
    const refused: [string, RequestInit['headers'], RegExp][] = [
      ['/api/invoices', { authorization: `Bearer ${reader} ${other}` }, /More than one/],
      ['/api/invoices', { authorization: `Bearer ${reader}`, 'x-api-key': other }, /Two different/],
      ['/api/invoices', { 'x-api-key': `${reader}, ${other}` }, /More than one/],
      [`/api/invoices?api_key=${reader}`, {}, /not accepted in the URL query string/],
      [
        `/api/invoices?page=1&k=${reader}`,
        { authorization: `Bearer ${reader}` },
        /not accepted in the URL query string/,
      ],
      ['/api/invoices', { authorization: `Bearer ${'k'.repeat(10_240)}` }, /too long/],
      ['/api/invoices', { authorization: 'Basic dXNlcjpwYXNz' }, /Bearer scheme/],
      ['/api/invoices', { authorization: 'Bearer' }, /without a key/],
    ];
    for (const [path, headers, message] of refused) {
      const response = await fetch(`${origin}${path}`, { headers });
      expect(response.status, path).toBe(401);
      const { error } = (await response.json()) as { error: { code: string; message: string } };
      expect(error.code).toBe('MALFORMED');
      expect(error.message).toMatch(message);
    }
    // Two Authorization headers: Node keeps only the first in `req.headers`; both are seen.
    const twice = await rawGet(origin, '/api/invoices', [
      `Authorization: Bearer ${reader}`,
      `Authorization: Bearer ${other}`,
    ]);
    expect(twice).toMatchObject({ status: 401, body: { error: { code: 'MALFORMED' } } });
  });

  it('a request hasPermission refuses spends nothing, and is counted as refused', async () => {
    const { origin, reader, readerId, apiKeys } = await invoiceApi({
      rateLimits: [{ limit: 2, windowMs: 30_000 }],
      remaining: 5,
    });
    const write = () =>
      fetch(`${origin}/api/invoices`, { method: 'POST', headers: { 'x-api-key': reader } });
    for (let i = 0; i < 3; i++) expect((await write()).status).toBe(403);
    expect(await apiKeys.get(readerId)).toMatchObject({ remaining: 5 });
    const read = () => fetch(`${origin}/api/invoices`, { headers: { 'x-api-key': reader } });
    expect((await read()).status).toBe(200);
    expect((await read()).status).toBe(200); // the rate limit of 2 is whole
    expect((await read()).status).toBe(429);
    expect(await apiKeys.get(readerId)).toMatchObject({ remaining: 3 });
    const [today] = (await apiKeys.usage(readerId, { days: 1 })).days;
    expect(today?.counts).toEqual({ INSUFFICIENT_PERMISSIONS: 3, VALID: 2, RATE_LIMITED: 1 });
  });

  it('works with any verifier: one without refund refuses with 403 and gives nothing back', async () => {
    const { apiKeys } = setup();
    const { key } = await apiKeys.create({ ...base, name: 'r', permissions: ['invoices:read'] });
    const { requireKey, hasPermission } = createExpressHelpers<Permission>({
      verify: (presented, options) => apiKeys.verify(presented, options),
    });
    const app = express();
    app.post('/invoices', requireKey(), hasPermission('invoices:write'), (_req, res) => {
      res.status(201).end();
    });
    app.use(reportErrors);
    const origin = await serve(app);
    const write = await fetch(`${origin}/invoices`, {
      method: 'POST',
      headers: { 'x-api-key': key },
    });
    expect(write.status).toBe(403);
  });

  it('429 with Retry-After once the rate limit is spent', async () => {
    const { origin, reader } = await invoiceApi({ rateLimits: [{ limit: 2, windowMs: 30_000 }] });
    const call = () => fetch(`${origin}/api/invoices`, { headers: { 'x-api-key': reader } });
    expect((await call()).status).toBe(200);
    expect((await call()).status).toBe(200);
    const response = await call();
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('30');
    expect(await response.json()).toMatchObject({
      error: { code: 'RATE_LIMITED', retryAfterMs: 30_000 },
    });
  });

  it('503 when storage is down, never 401', async () => {
    const tcp = createTcpServer();
    await new Promise<void>((resolve) => tcp.listen(0, '127.0.0.1', resolve));
    const { port } = tcp.address() as { port: number };
    await new Promise((resolve) => tcp.close(resolve));
    const apiKeys = createApiKeys({
      database: { url: `http://127.0.0.1:${port}` },
      prefix: 'acme',
    });
    onTestFinished(() => apiKeys.close());
    const { requireKey } = createExpressHelpers(apiKeys);
    const app = express();
    app.get('/api/x', requireKey(), (_req, res) => {
      res.end('never');
    });
    const origin = await serve(app);
    const response = await fetch(`${origin}/api/x`, {
      headers: { 'x-api-key': generateKey('acme', cryptoRandom) },
    });
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'STORAGE_UNAVAILABLE' } });
  });
});

describe('Express: optional keys, requireAuth, and misuse', () => {
  it('optional lets a keyless request through; requireAuth then refuses it', async () => {
    const { apiKeys } = setup();
    const { key } = await apiKeys.create({ ...base, name: 'k' });
    const { requireKey, requireAuth, getAuth } = createExpressHelpers(apiKeys);
    const app = express();
    app.use(requireKey({ optional: true }));
    app.get('/feed', (req, res) => {
      res.json({ consumerId: getAuth(req).consumerId });
    });
    app.get('/private', requireAuth(), (req, res) => {
      res.json({ consumerId: getAuth(req).consumerId });
    });
    const origin = await serve(app);

    expect(await (await fetch(`${origin}/feed`)).json()).toEqual({ consumerId: null });
    const keyed = await fetch(`${origin}/feed`, { headers: { 'x-api-key': key } });
    expect(await keyed.json()).toEqual({ consumerId: 'team_1' });
    const bad = await fetch(`${origin}/feed`, { headers: { 'x-api-key': 'acme_typo' } });
    expect(bad.status).toBe(401); // a bad key is refused even when a key is optional
    const refused = await fetch(`${origin}/private`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toBe('Bearer');
    const allowed = await fetch(`${origin}/private`, { headers: { 'x-api-key': key } });
    expect(await allowed.json()).toEqual({ consumerId: 'team_1' });
  });

  it('getAuth, requireAuth or hasPermission without requireKey is a clear programmer error', async () => {
    const { apiKeys } = setup();
    const { getAuth, requireAuth, hasPermission } = createExpressHelpers(apiKeys);
    const app = express();
    app.get('/get-auth', (req, res) => {
      res.json(getAuth(req));
    });
    app.get('/require-auth', requireAuth(), (_req, res) => {
      res.end();
    });
    app.get('/has-permission', hasPermission('invoices:read'), (_req, res) => {
      res.end();
    });
    app.use(reportErrors);
    const origin = await serve(app);
    for (const path of ['/get-auth', '/require-auth', '/has-permission']) {
      const response = await fetch(`${origin}${path}`);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({
        programmerError: expect.stringContaining('add requireKey() before this handler'),
      });
    }
  });
});

describe('Express: the RateLimit fields and the limit state', () => {
  it('every call of a rate-limited key carries RateLimit; getAuth(req) has the state', async () => {
    const { apiKeys, clock } = setup();
    const { key } = await apiKeys.create({
      ...base,
      name: 'two a minute',
      rateLimits: [{ limit: 2, windowMs: 60_000 }],
      remaining: 10,
    });
    const { requireKey, getAuth } = createExpressHelpers(apiKeys, { clock: clock.now });
    const app = express();
    app.get('/api/limits', requireKey(), (req, res) => {
      const { rateLimit, remaining } = getAuth(req);
      res.json({ rateLimit, remaining });
    });
    const origin = await serve(app);
    const call = () => fetch(`${origin}/api/limits`, { headers: { 'x-api-key': key } });
    // The test clock starts on a window boundary (windows are aligned to the epoch).
    const resetAt = clock.now() + 60_000;

    const first = await call();
    expect(first.status).toBe(200);
    // The window's length (`w`) joins the policy once core's rate limiter reports it.
    expect(first.headers.get('ratelimit-policy')).toMatch(/^"default";q=2;w=60$/);
    expect(first.headers.get('ratelimit')).toBe('"default";r=1;t=60');
    expect(await first.json()).toEqual({
      rateLimit: { name: 'default', limit: 2, remaining: 1, resetAt, windowMs: 60_000 },
      remaining: 9,
    });

    clock.advance(50_001); // 9.999 s left, announced as 10
    expect((await call()).headers.get('ratelimit')).toBe('"default";r=0;t=10');
    const refused = await call();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('10');
    expect(refused.headers.get('ratelimit')).toBe('"default";r=0;t=10');

    // A key without a rate limit: no fields, and no limit state.
    const { key: unlimited } = await apiKeys.create({ ...base, name: 'unlimited' });
    const free = await fetch(`${origin}/api/limits`, { headers: { 'x-api-key': unlimited } });
    expect(free.headers.get('ratelimit')).toBeNull();
    expect(free.headers.get('ratelimit-policy')).toBeNull();
    expect(await free.json()).toEqual({ rateLimit: null, remaining: null });
  });
});

describe('Express: a permission the app never declared', () => {
  /** An app that declares `invoices:delete`, used as plain JavaScript would (types cast away). */
  function javascriptApp() {
    const apiKeys = createApiKeys({
      database: { url: ':memory:' },
      prefix: 'acme',
      permissions: ['invoices:read', 'invoices:delete'],
    });
    onTestFinished(() => apiKeys.close());
    return createExpressHelpers(apiKeys);
  }

  it('requireKey({ permissions }) throws when made, naming the typo and what it meant', () => {
    const { requireKey } = javascriptApp();
    expect(() => requireKey({ permissions: ['invoices:delet' as never] })).toThrow(TypeError);
    expect(() => requireKey({ permissions: ['invoices:delet' as never] })).toThrow(
      /"invoices:delet" is not a declared permission.*Did you mean "invoices:delete"\?.*Declared \(createApiKeys's `permissions`\): invoices:read, invoices:delete\./,
    );
    expect(() => requireKey({ permissions: 'invoices:read' as never })).toThrow(
      /permissions must be a list/,
    );
    expect(() => requireKey({ permissions: ['invoices:delete'] })).not.toThrow();
  });

  it('hasPermission(name) throws when made, listing the declared permissions', () => {
    const { hasPermission } = javascriptApp();
    expect(() => hasPermission('invoices:write' as never)).toThrow(
      /"invoices:write" is not a declared permission.*invoices:read, invoices:delete/,
    );
    expect(() => hasPermission(undefined as never)).toThrow(TypeError);
    expect(() => hasPermission('invoices:delete')).not.toThrow();
  });
});

describe('Node http: the same middleware without Express', () => {
  it('guards a plain request listener', async () => {
    const { apiKeys } = setup();
    const { key } = await apiKeys.create({ ...base, name: 'k', permissions: ['reports:read'] });
    const { requireKey, getAuth } = createExpressHelpers(apiKeys);
    const guard = requireKey({ permissions: ['reports:read'] });
    const origin = await serve((req, res) => {
      void guard(req, res, (error) => {
        if (error !== undefined) {
          res.statusCode = 500;
          res.end();
          return;
        }
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ consumerId: getAuth(req).consumerId }));
      });
    });
    const ok = await fetch(`${origin}/reports`, { headers: { authorization: `Bearer ${key}` } });
    expect(await ok.json()).toEqual({ consumerId: 'team_1' });
    const refused = await fetch(`${origin}/reports?access_token=${key}`);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });
});
