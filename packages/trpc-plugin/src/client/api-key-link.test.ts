import type { manualClock } from '@latchkey/test-support';
import { createTRPCClient, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { testApiKeys } from '../test-support/api-keys.js';
import { rejection } from '../test-support/clients.js';
import {
  bareHostApp,
  type HostRouter,
  hostApp,
  type SuperjsonHostRouter,
  superjsonHostApp,
} from '../test-support/host-app.js';
import { serve } from '../test-support/http-server.js';
import { type ApiKeyLinkOptions, apiKeyLink } from './api-key-link.js';

const team = { consumerId: 'team_a', ownerId: 'user_1' };
const WINDOW_MS = 60_000;

/**
 * An injected sleep that records each wait and returns at once. It moves the server's clock by the
 * wait, as real time would, unless `clock` is left out: then time stands still and a rate-limited
 * key stays limited.
 */
function instantSleep(clock?: ReturnType<typeof manualClock>) {
  const waits: number[] = [];
  return {
    waits,
    sleep: async (ms: number, signal: AbortSignal) => {
      waits.push(ms);
      signal.throwIfAborted();
      clock?.advance(ms);
    },
  };
}

interface Arrange {
  /** The key's one call a minute is spent, and this window ends in this many ms. */
  limitedForMs?: number;
  /** The key's usage limit. */
  remaining?: number;
  /** Waits take no time on the server's clock. */
  clockStopped?: boolean;
}

/** A machine with a read-only key, limited as `arrange` says, calling a real server. */
async function setup(
  arrange: Arrange = {},
  link: Partial<ApiKeyLinkOptions<HostRouter>> = {},
  app: typeof hostApp | typeof bareHostApp = hostApp,
) {
  const { apiKeys, clock } = testApiKeys();
  const { key } = await limitedKey(apiKeys, clock, arrange);
  const server = await serve(app(apiKeys));
  const time = instantSleep(arrange.clockStopped ? undefined : clock);
  const client = createTRPCClient<HostRouter>({
    links: [apiKeyLink({ url: server.url, apiKey: key, sleep: time.sleep, ...link })],
  });
  return { apiKeys, key, client, requests: server.requests, waits: time.waits };
}

async function limitedKey(
  apiKeys: ReturnType<typeof testApiKeys>['apiKeys'],
  clock: ReturnType<typeof manualClock>,
  { limitedForMs, remaining }: Arrange,
) {
  const created = await apiKeys.create({
    ...team,
    name: 'm',
    permissions: ['invoices:read'],
    ...(limitedForMs === undefined ? {} : { rateLimits: [{ limit: 1, windowMs: WINDOW_MS }] }),
    ...(remaining === undefined ? {} : { remaining }),
  });
  if (limitedForMs !== undefined) {
    expect((await apiKeys.verify(created.key)).valid).toBe(true);
    // Windows are aligned to the epoch, as is the test clock.
    clock.advance(WINDOW_MS - limitedForMs);
  }
  return created;
}

describe('apiKeyLink', () => {
  it('sends the key as a Bearer token, or in the header it is given', async () => {
    const { client, key, apiKeys } = await setup();
    expect((await client.whoami.query()).consumerId).toBe('team_a');

    const { url } = await serve(hostApp(apiKeys));
    for (const link of [
      apiKeyLink<HostRouter>({ url, apiKey: key, header: 'X-Api-Key' }),
      apiKeyLink<HostRouter>({ url, apiKey: async () => key, headers: { authorization: 'x' } }),
    ]) {
      const other = createTRPCClient<HostRouter>({ links: [link] });
      expect((await other.whoami.query()).consumerId).toBe('team_a');
    }
  });

  it('waits as long as the server says, then succeeds', async () => {
    const { client, requests, waits } = await setup({ limitedForMs: 1500 });
    expect((await client.whoami.query()).consumerId).toBe('team_a');
    expect(waits).toEqual([1500]);
    expect(requests()).toBe(2);
  });

  it('reads Retry-After when the host has no withLatchkeyData', async () => {
    const { client, waits } = await setup({ limitedForMs: 1500 }, {}, bareHostApp);
    expect((await client.whoami.query()).consumerId).toBe('team_a');
    expect(waits).toEqual([2000]);
  });

  it('stops after maxRetries and passes the 429 on', async () => {
    const { client, requests, waits } = await setup(
      { limitedForMs: 1000, clockStopped: true },
      { maxRetries: 2 },
    );
    const error = await rejection(client.whoami.query());
    expect(error.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', latchkeyCode: 'RATE_LIMITED' });
    expect(waits).toEqual([1000, 1000]);
    expect(requests()).toBe(3);
  });

  it('does not start a wait that would pass maxWaitMs', async () => {
    const { client, requests, waits } = await setup(
      { limitedForMs: 20_000, clockStopped: true },
      { maxWaitMs: 30_000 },
    );
    expect((await rejection(client.whoami.query())).data?.code).toBe('TOO_MANY_REQUESTS');
    expect(waits).toEqual([20_000]);
    expect(requests()).toBe(2);
  });

  it('does not retry a 429 that does not say when (a spent usage limit)', async () => {
    const { client, requests, waits } = await setup({ remaining: 0 });
    expect((await rejection(client.whoami.query())).data?.latchkeyCode).toBe('USAGE_EXCEEDED');
    expect(waits).toEqual([]);
    expect(requests()).toBe(1);
  });

  it('never retries 401 or 403', async () => {
    const { client, apiKeys, requests, waits } = await setup();
    const forbidden = await rejection(client.invoices.create.mutate({ amount: 1 }));
    expect(forbidden.data?.code).toBe('FORBIDDEN');
    const { items } = await apiKeys.list({ consumerId: 'team_a' });
    await apiKeys.revoke(items[0]?.id ?? '');
    const revoked = await rejection(client.whoami.query());
    expect(revoked.data).toMatchObject({ code: 'UNAUTHORIZED', latchkeyCode: 'REVOKED' });
    expect(waits).toEqual([]);
    expect(requests()).toBe(2);
  });

  it('ends a wait when the call is aborted, and sends nothing more', async () => {
    const controller = new AbortController();
    const reason = new Error('caller gave up');
    const waits: number[] = [];
    const { client, requests } = await setup(
      { limitedForMs: 10_000 },
      {
        sleep: (ms, signal) => {
          waits.push(ms);
          const aborted = new Promise<void>((_resolve, reject) => {
            signal.addEventListener('abort', () => reject(signal.reason), { once: true });
          });
          controller.abort(reason);
          return aborted;
        },
      },
    );
    const error = await client.whoami.query(undefined, { signal: controller.signal }).then(
      () => expect.unreachable('the call should have been aborted'),
      (error: unknown) => error,
    );
    expect(error).toBeInstanceOf(TRPCClientError);
    expect((error as TRPCClientError<HostRouter>).cause).toBe(reason);
    expect(waits).toEqual([10_000]);
    expect(requests()).toBe(1);
  });

  it('waits out a 429 page from a proxy in front of the app, and checks its own options', async () => {
    let refusals = 1;
    // Stands in for a proxy or CDN answering for the app: a plain-text 429 with Retry-After.
    const proxyFetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      if (refusals-- > 0) {
        const headers = { 'content-type': 'text/plain', 'retry-after': '3' };
        return new Response('Too Many Requests', { status: 429, headers });
      }
      return fetch(input, init);
    };
    const { client, waits } = await setup({}, { fetch: proxyFetch });
    expect((await client.invoices.create.mutate({ amount: 1 }).catch((e) => e)).data?.code).toBe(
      'FORBIDDEN', // retried after the proxy's 429, then refused by the app itself
    );
    expect(waits).toEqual([3000]);

    for (const bad of [
      { maxRetries: -1 },
      { maxRetries: Number.POSITIVE_INFINITY },
      { maxWaitMs: Number.NaN },
    ]) {
      expect(() =>
        apiKeyLink<HostRouter>({ url: 'http://127.0.0.1', apiKey: 'k', ...bad }),
      ).toThrow(TypeError);
    }
  });

  it('uses the global fetch of the moment, and any fetch that answers as tRPC needs', async () => {
    const { url } = await serve(hostApp(testApiKeys().apiKeys));
    const link = apiKeyLink<HostRouter>({ url, apiKey: 'k' });
    // Replaced after the link was made, as a test's mock or an instrumentation does.
    const original = globalThis.fetch;
    const seen: string[] = [];
    globalThis.fetch = async (input, init) => {
      seen.push(String(input));
      return original(input, init);
    };
    try {
      await rejection(createTRPCClient<HostRouter>({ links: [link] }).whoami.query());
    } finally {
      globalThis.fetch = original;
    }
    expect(seen).toHaveLength(1);

    // tRPC only needs `ok` and `json()` of a response.
    const minimal = async () => ({
      ok: true,
      json: async () => [{ result: { data: { consumerId: 'stub' } } }],
    });
    const stubbed = createTRPCClient<HostRouter>({
      links: [apiKeyLink<HostRouter>({ url, apiKey: 'k', fetch: minimal as never })],
    });
    expect((await stubbed.whoami.query()).consumerId).toBe('stub');
  });

  it('works with the host transformer', async () => {
    const { apiKeys, clock } = testApiKeys();
    const { key } = await limitedKey(apiKeys, clock, { limitedForMs: 500 });
    const { url } = await serve(superjsonHostApp(apiKeys));
    const time = instantSleep(clock);
    const client = createTRPCClient<SuperjsonHostRouter>({
      links: [apiKeyLink({ url, apiKey: key, transformer: superjson, sleep: time.sleep })],
    });
    expect((await client.whoami.query()).checkedAt).toBeInstanceOf(Date);
    expect(time.waits).toEqual([500]);
  });
});
