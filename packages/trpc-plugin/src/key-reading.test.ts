import { MAX_KEY_HEADER_LENGTH } from '@latchkey/core/http';
import { initTRPC } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { testApiKeys } from './test-support/api-keys.js';
import { hostApp, keyPluginOn, TEAM } from './test-support/host-app.js';
import { serve } from './test-support/http-server.js';

/** One raw GET of `whoami`, so that the test decides every header and the query string. */
async function call(url: string, headers: Record<string, string>, query = '') {
  const response = await fetch(`${url}/whoami${query}`, { headers });
  const body = (await response.json()) as {
    result?: { data: { consumerId: string } };
    error?: { message: string; data: { latchkeyCode?: string } };
  };
  return { status: response.status, body };
}

async function served() {
  const { apiKeys } = testApiKeys();
  const { key } = await apiKeys.create({ ...TEAM, name: 'reader' });
  const { key: other } = await apiKeys.create({ ...TEAM, name: 'other' });
  const { url } = await serve(hostApp(apiKeys));
  return { url, key, other };
}

describe("keyProcedure reads the key with core's strict reader, over HTTP", () => {
  it('accepts the Bearer scheme in any case, with extra spaces, and one key sent twice', async () => {
    const { url, key } = await served();
    const accepted: Record<string, string>[] = [
      { authorization: `bearer ${key}` },
      { authorization: `BEARER ${key}` },
      { authorization: `  Bearer \t  ${key}   ` },
      { authorization: `Bearer ${key}`, 'x-api-key': key },
    ];
    for (const headers of accepted) {
      const { status, body } = await call(url, headers);
      expect({ headers, status }).toEqual({ headers, status: 200 });
      expect(body.result?.data.consumerId).toBe('team_a');
    }
  });

  it('refuses what is not exactly one key in headers as a clean 401 MALFORMED, never a 500', async () => {
    const { url, key, other } = await served();
    const huge = 'x'.repeat(10 * 1024);
    const refused: [Record<string, string>, RegExp][] = [
      [{ authorization: `Bearer ${key} ${other}` }, /more than one API key/i],
      [{ 'x-api-key': `${key}, ${other}` }, /more than one API key/i],
      [{ authorization: `Bearer ${key}`, 'x-api-key': other }, /two different API keys/i],
      [{ authorization: `Bearer ${huge}` }, /too long/],
      [{ 'x-api-key': huge }, /too long/],
      [{ authorization: 'Bearer' }, /without a key/],
      [{ authorization: 'Basic dXNlcjpwYXNz' }, /Bearer scheme/],
    ];
    expect(huge.length).toBeGreaterThan(MAX_KEY_HEADER_LENGTH);
    for (const [headers, message] of refused) {
      const { status, body } = await call(url, headers);
      const seen = { status, code: body.error?.data.latchkeyCode };
      expect({ headers: Object.keys(headers), ...seen }).toEqual({
        headers: Object.keys(headers),
        status: 401,
        code: 'MALFORMED',
      });
      expect(body.error?.message).toMatch(message);
    }
  });

  it('refuses a key in the query string, even with a good one in the header', async () => {
    const { url, key } = await served();
    for (const query of [`?api_key=${key}`, `?token=${key}`]) {
      const { status, body } = await call(url, { authorization: `Bearer ${key}` }, query);
      expect(status).toBe(401);
      expect(body.error?.data.latchkeyCode).toBe('MALFORMED');
      expect(body.error?.message).toMatch(/not accepted in the URL query string/);
    }
  });

  it('joins a Node.js headers record the way Fetch does', async () => {
    const { apiKeys } = testApiKeys();
    const { key } = await apiKeys.create({ ...TEAM, name: 'node' });
    const { key: other } = await apiKeys.create({ ...TEAM, name: 'other' });
    const t = initTRPC
      .context<{ headers: Record<string, string | string[] | undefined> }>()
      .create();
    const { keyProcedure } = keyPluginOn(apiKeys, t.procedure);
    const router = t.router({ whoami: keyProcedure.query(({ ctx }) => ctx.consumerId) });
    const caller = (headers: Record<string, string | string[] | undefined>) =>
      router.createCaller({ headers }).whoami();

    expect(await caller({ 'x-api-key': key, authorization: undefined })).toBe('team_a');
    expect(await caller({ 'x-api-key': [key] })).toBe('team_a');
    await expect(caller({ 'x-api-key': [key, key] })).rejects.toMatchObject({
      cause: { code: 'MALFORMED' },
    });
    // `req.headersDistinct` keeps both of two `Authorization` headers, where `req.headers` drops one.
    await expect(
      caller({ authorization: [`Bearer ${key}`, `Bearer ${other}`] }),
    ).rejects.toMatchObject({ cause: { code: 'MALFORMED' } });
    await expect(caller({ 'x-api-key': [], constructor: key })).rejects.toMatchObject({
      cause: { code: 'MISSING' },
    });
  });
});
