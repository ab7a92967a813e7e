import { createServer } from 'node:net';
import type { PERMISSIONS } from '@latchkey/test-support';
import { describe, expect, it, onTestFinished } from 'vitest';
import { createApiKeys } from '../api-keys.js';
import { cryptoRandom } from '../base62.js';
import { AUTH_FAILURE_MESSAGES } from '../http/index.js';
import { generateKey } from '../key-format.js';
import { base, setup, setupWithKey } from '../test-support/fixtures.js';
import { authenticateRequest, type KeyVerifier } from './authenticate-request.js';

type Permission = (typeof PERMISSIONS)[number];

const url = 'https://api.example.com/v1/invoices';

const withKey = (permissions: Permission[] = ['invoices:read']) => setupWithKey({ permissions });

/** A libsql URL nothing listens on: every storage call fails for real. */
async function unreachableUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `http://127.0.0.1:${port}`;
}

async function errorBody(response: Response | null) {
  if (response === null) throw new Error('expected a response');
  expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
  expect(response.headers.get('cache-control')).toBe('no-store');
  return ((await response.json()) as { error: Record<string, unknown> }).error;
}

describe('authenticateRequest', () => {
  it('authenticates a Request: toAuth() gives the consumer, toResponse() is null', async () => {
    const { apiKeys, key, auth: expected } = await withKey(['invoices:read']);
    const state = await authenticateRequest(
      apiKeys,
      new Request(url, { headers: { authorization: `bearer   ${key}` } }),
      { permissions: ['invoices:read'] },
    );
    expect(state.isAuthenticated).toBe(true);
    expect(state.toResponse()).toBeNull();
    const auth = state.toAuth();
    expect(auth).toMatchObject(expected);
    expect(auth.has({ permission: 'invoices:read' })).toBe(true);
    expect(auth.has({ permission: 'invoices:write' })).toBe(false);
  });

  it('authenticates bare Headers (x-api-key), with no URL to check', async () => {
    const { apiKeys, key } = await withKey();
    const state = await authenticateRequest(apiKeys, new Headers({ 'x-api-key': key }));
    expect(state.toAuth().consumerId).toBe('team_1');
  });

  it('401 MISSING with a bare Bearer challenge, and an empty auth object', async () => {
    const { apiKeys } = await withKey();
    const state = await authenticateRequest(apiKeys, new Request(url));
    const auth = state.toAuth();
    expect(auth).toMatchObject({ consumerId: null, keyId: null, ownerId: null, metadata: null });
    expect(auth.permissions).toEqual([]);
    expect(auth.has({ permission: 'invoices:read' })).toBe(false);
    const response = state.toResponse();
    expect(response?.status).toBe(401);
    expect(response?.headers.get('www-authenticate')).toBe('Bearer');
    expect(await errorBody(response)).toEqual({
      code: 'MISSING',
      message: AUTH_FAILURE_MESSAGES.MISSING,
    });
  });

  it('401 invalid_token for an unknown, malformed or revoked key', async () => {
    const { apiKeys, key, apiKey } = await withKey();
    const unknown = generateKey('acme', cryptoRandom);
    await apiKeys.revoke(apiKey.id);
    for (const [sent, code] of [
      [unknown, 'NOT_FOUND'],
      ['acme_nope', 'MALFORMED'],
      [key, 'REVOKED'],
    ] as const) {
      const state = await authenticateRequest(apiKeys, new Headers({ 'x-api-key': sent }));
      const response = state.toResponse();
      expect(response?.status).toBe(401);
      expect(response?.headers.get('www-authenticate')).toBe('Bearer error="invalid_token"');
      expect(await errorBody(response)).toEqual({ code, message: AUTH_FAILURE_MESSAGES[code] });
    }
  });

  it('401 MALFORMED for a key with a non-breaking space (or any non-HTTP whitespace) around it', async () => {
    const { apiKeys, key } = await withKey();
    // Header values are bytes: U+00A0 is a non-breaking space in Latin-1 (and ends UTF-8's).
    for (const sent of [`\u00a0${key}`, `${key}\u00a0`, `\v${key}`, `${key}\f`]) {
      const sendings: Record<string, string>[] = [
        { 'x-api-key': sent },
        { authorization: `Bearer ${sent}` },
      ];
      for (const headers of sendings) {
        const state = await authenticateRequest(apiKeys, new Request(url, { headers }));
        expect(state.isAuthenticated).toBe(false);
        expect(await errorBody(state.toResponse())).toMatchObject({ code: 'MALFORMED' });
      }
    }
    const spaced = new Request(url, { headers: { 'x-api-key': ` \t${key}\t ` } });
    expect((await authenticateRequest(apiKeys, spaced)).isAuthenticated).toBe(true);
  });

  it('403 insufficient_scope listing the missing permission', async () => {
    const { apiKeys, key } = await withKey(['invoices:read']);
    const state = await authenticateRequest(apiKeys, new Headers({ 'x-api-key': key }), {
      permissions: ['invoices:write'],
    });
    expect(state.isAuthenticated).toBe(false);
    const response = state.toResponse();
    expect(response?.status).toBe(403);
    expect(response?.headers.get('www-authenticate')).toBe('Bearer error="insufficient_scope"');
    expect(await errorBody(response)).toEqual({
      code: 'INSUFFICIENT_PERMISSIONS',
      message: AUTH_FAILURE_MESSAGES.INSUFFICIENT_PERMISSIONS,
      missingPermissions: ['invoices:write'],
    });
  });

  it('header problems are clear 401s and never reach verify', async () => {
    const { apiKeys, key } = await withKey();
    const other = generateKey('acme', cryptoRandom);
    let verifications = 0;
    const counting: KeyVerifier<Permission> = {
      verify: (...args) => {
        verifications++;
        return apiKeys.verify(...args);
      },
    };
    for (const request of [
      new Request(url, { headers: { authorization: `Bearer ${key} ${other}` } }),
      new Request(url, { headers: { authorization: `Bearer ${key}`, 'x-api-key': other } }),
      new Request(`${url}?api_key=${key}`, { headers: { authorization: `Bearer ${key}` } }),
      new Request(url, { headers: { authorization: `Bearer ${'x'.repeat(10_240)}` } }),
      new Request(url, { headers: { authorization: 'Basic dXNlcjpwYXNz' } }),
    ]) {
      const response = (await authenticateRequest(counting, request)).toResponse();
      expect(response?.status).toBe(401);
      expect(await errorBody(response)).toMatchObject({ code: 'MALFORMED' });
    }
    expect(verifications).toBe(0);
  });

  it('503 when storage cannot be reached, never 401', async () => {
    const apiKeys = createApiKeys({ database: { url: await unreachableUrl() }, prefix: 'acme' });
    onTestFinished(() => apiKeys.close());
    const state = await authenticateRequest(
      apiKeys,
      new Headers({ authorization: `Bearer ${generateKey('acme', cryptoRandom)}` }),
    );
    expect(state.toAuth().consumerId).toBeNull();
    const response = state.toResponse();
    expect(response?.status).toBe(503);
    expect(response?.headers.get('www-authenticate')).toBeNull();
    expect(await errorBody(response)).toMatchObject({ code: 'STORAGE_UNAVAILABLE' });
  });

  it('429 with Retry-After in whole seconds for a spent rate limit', async () => {
    const { apiKeys, clock } = setup();
    const { key } = await apiKeys.create({
      ...base,
      name: 'limited',
      rateLimits: [{ limit: 1, windowMs: 60_000 }],
    });
    const request = () => new Headers({ authorization: `Bearer ${key}` });
    expect((await authenticateRequest(apiKeys, request())).isAuthenticated).toBe(true);
    clock.advance(58_800); // windows are aligned to the epoch: 1.2 s of this one are left
    const response = (await authenticateRequest(apiKeys, request())).toResponse();
    expect(response?.status).toBe(429);
    expect(response?.headers.get('retry-after')).toBe('2');
    expect(await errorBody(response)).toEqual({
      code: 'RATE_LIMITED',
      message: AUTH_FAILURE_MESSAGES.RATE_LIMITED,
      retryAfterMs: 1_200,
    });
  });

  it('429 for spent uses, with Retry-After only when they refill', async () => {
    const { apiKeys } = setup();
    const { key: once } = await apiKeys.create({ ...base, name: 'once', remaining: 1 });
    const { key: daily } = await apiKeys.create({
      ...base,
      name: 'daily',
      refill: { amount: 1, intervalMs: 86_400_000 },
    });
    for (const [key, retryAfter] of [
      [once, null],
      [daily, '86400'],
    ] as const) {
      await authenticateRequest(apiKeys, new Headers({ 'x-api-key': key }));
      const response = (
        await authenticateRequest(apiKeys, new Headers({ 'x-api-key': key }))
      ).toResponse();
      expect(response?.status).toBe(429);
      expect(response?.headers.get('retry-after')).toBe(retryAfter);
      expect(await errorBody(response)).toMatchObject({ code: 'USAGE_EXCEEDED' });
    }
  });

  it('429 without Retry-After when the refill is below the cost of the call', async () => {
    const { apiKeys } = setup();
    const { key } = await apiKeys.create({
      ...base,
      name: 'dear',
      refill: { amount: 2, intervalMs: 60_000 },
    });
    const state = await authenticateRequest(apiKeys, new Headers({ 'x-api-key': key }), {
      cost: 3,
    });
    const response = state.toResponse();
    expect(response?.status).toBe(429);
    expect(response?.headers.get('retry-after')).toBeNull();
    expect(await errorBody(response)).toEqual({
      code: 'USAGE_EXCEEDED',
      message: AUTH_FAILURE_MESSAGES.USAGE_EXCEEDED,
    });
  });

  it('passes verify options through untouched and keeps its own', async () => {
    const { apiKeys, key } = await withKey();
    const seen: unknown[] = [];
    const recording: KeyVerifier<Permission> = {
      verify: (sent, options) => {
        seen.push(options);
        return apiKeys.verify(sent, options);
      },
    };
    const state = await authenticateRequest(recording, new Headers({ 'x-acme-key': key }), {
      permissions: ['invoices:read'],
      rateLimit: 'default',
      cost: 3,
      apiKeyHeader: 'x-acme-key',
    });
    expect(state.isAuthenticated).toBe(true);
    expect(seen).toEqual([{ permissions: ['invoices:read'], rateLimit: 'default', cost: 3 }]);
  });

  it('a rate-limited key: responseHeaders and toAuth() carry the limit, a 429 the RateLimit fields', async () => {
    const { apiKeys, clock } = setup();
    const { key } = await apiKeys.create({
      ...base,
      name: 'two a minute',
      rateLimits: [{ limit: 2, windowMs: 60_000 }],
      remaining: 5,
    });
    const request = () => new Request(url, { headers: { 'x-api-key': key } });
    // The test clock starts on a window boundary (windows are aligned to the epoch).
    const resetAt = clock.now() + 60_000;
    const first = await apiKeys.authenticateRequest(request(), { clock: clock.now });
    if (!first.isAuthenticated) throw new Error('expected a valid key');
    expect(first.responseHeaders).toEqual({
      // The window's length (`w`) joins the policy once core's rate limiter reports it.
      'ratelimit-policy': expect.stringMatching(/^"default";q=2;w=60$/),
      ratelimit: '"default";r=1;t=60',
    });
    expect(first.toAuth()).toMatchObject({
      rateLimit: { name: 'default', limit: 2, remaining: 1, resetAt },
      remaining: 4,
    });
    // As a route sends it.
    const answer = Response.json({ ok: true }, { headers: first.responseHeaders });
    expect(answer.headers.get('ratelimit')).toBe('"default";r=1;t=60');

    clock.advance(59_000);
    await apiKeys.authenticateRequest(request(), { clock: clock.now });
    const refused = await apiKeys.authenticateRequest(request(), { clock: clock.now });
    const response = refused.toResponse();
    expect(response?.status).toBe(429);
    expect(response?.headers.get('retry-after')).toBe('1');
    expect(response?.headers.get('ratelimit')).toBe('"default";r=0;t=1');
    expect(response?.headers.get('ratelimit-policy')).toMatch(/^"default";q=2;w=60$/);
    expect(refused.toAuth()).toMatchObject({ consumerId: null, rateLimit: null, remaining: null });
  });

  it('a key without a rate limit has no response headers; its auth has no limit state', async () => {
    const { apiKeys, key } = await withKey();
    const state = await authenticateRequest(apiKeys, new Headers({ 'x-api-key': key }));
    if (!state.isAuthenticated) throw new Error('expected a valid key');
    expect(state.responseHeaders).toEqual({});
    expect(state.toAuth()).toMatchObject({ rateLimit: null, remaining: null });
  });

  it('a required permission the app never declared is a TypeError, not a 403 for every key', async () => {
    const { apiKeys, key } = await withKey(['invoices:read', 'invoices:write']);
    const request = new Request(url, { headers: { 'x-api-key': key } });
    // As plain JavaScript would call it.
    await expect(
      apiKeys.authenticateRequest(request, { permissions: ['invoices:wirte' as Permission] }),
    ).rejects.toThrow(
      /authenticateRequest\(\{ permissions \}\): "invoices:wirte" is not a declared permission.*Did you mean "invoices:write"\?/,
    );
    await expect(
      apiKeys.authenticateRequest(request, { permissions: 'invoices:read' as never }),
    ).rejects.toThrow(TypeError);
  });

  it('toResponse() gives a fresh Response each time', async () => {
    const { apiKeys } = await withKey();
    const state = await authenticateRequest(apiKeys, new Request(url));
    expect(await state.toResponse()?.text()).toBe(await state.toResponse()?.text());
  });
});
