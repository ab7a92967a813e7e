import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { testApiKeys } from './test-support/api-keys.js';
import { rejection } from './test-support/clients.js';
import { type HostRouter, hostApp } from './test-support/host-app.js';
import { recordingFetch, serve } from './test-support/http-server.js';

/** A key that may read invoices, not write them, with both kinds of limit; a client that uses it. */
async function readerClient(limits: { remaining: number; rateLimit: number }) {
  const { apiKeys } = testApiKeys();
  const { key, apiKey } = await apiKeys.create({
    consumerId: 'team_a',
    ownerId: 'user_1',
    name: 'reader',
    permissions: ['invoices:read'],
    remaining: limits.remaining,
    rateLimits: [{ limit: limits.rateLimit, windowMs: 60_000 }],
  });
  const { url } = await serve(hostApp(apiKeys));
  const recorder = recordingFetch();
  const client = createTRPCClient<HostRouter>({
    links: [
      httpBatchLink({ url, headers: { authorization: `Bearer ${key}` }, fetch: recorder.fetch }),
    ],
  });
  return { apiKeys, keyId: apiKey.id, client, recorder };
}

describe('a 403 for a missing permission spends nothing', () => {
  // `create` is `keyProcedure.use(requirePermissions(…))`: checked in the verification itself.
  // `archive` has input parsing in between: a second middleware, which refunds.
  it.each(['create', 'archive'] as const)(
    '%s: the rate-limit units and remaining uses stay, and the calls count as refused',
    async (procedure) => {
      const { apiKeys, keyId, client, recorder } = await readerClient({
        remaining: 3,
        rateLimit: 2,
      });
      const call = () =>
        procedure === 'create'
          ? client.invoices.create.mutate({ amount: 1 })
          : client.invoices.archive.mutate({ id: 'inv_1' });
      for (let i = 0; i < 5; i++) {
        const error = await rejection(call());
        expect(recorder.last().status).toBe(403);
        expect(error.data?.latchkeyCode).toBe('INSUFFICIENT_PERMISSIONS');
      }
      expect((await apiKeys.get(keyId))?.remaining).toBe(3);

      // Both units of the rate limit are still there, and the limits are real: the third call of
      // the window is refused.
      expect((await client.whoami.query()).consumerId).toBe('team_a');
      expect((await client.whoami.query()).consumerId).toBe('team_a');
      const limited = await rejection(client.whoami.query());
      expect(limited.data?.latchkeyCode).toBe('RATE_LIMITED');
      expect((await apiKeys.get(keyId))?.remaining).toBe(1);

      const { days } = await apiKeys.usage(keyId, { days: 1 });
      expect(days[0]?.counts).toEqual({ INSUFFICIENT_PERMISSIONS: 5, VALID: 2, RATE_LIMITED: 1 });
    },
  );

  it('keyProcedure.use(requirePermissions(…)) checks permissions before limits: 403, never 429', async () => {
    const { apiKeys, keyId, client, recorder } = await readerClient({
      remaining: 100,
      rateLimit: 1,
    });
    expect((await client.whoami.query()).consumerId).toBe('team_a'); // the rate limit is spent
    const error = await rejection(client.invoices.create.mutate({ amount: 1 }));
    expect(recorder.last().status).toBe(403);
    expect(error.data).toMatchObject({
      latchkeyCode: 'INSUFFICIENT_PERMISSIONS',
      missingPermissions: ['invoices:write'],
    });
    expect(recorder.last().headers.get('retry-after')).toBeNull();

    // A batch of calls that lack the permission, on a key not yet cached with uses to spend: each
    // is a 403, and none spends a use that a call it lacks a permission for would then be denied.
    const { key: second } = await apiKeys.create({
      consumerId: 'team_a',
      ownerId: 'user_1',
      name: 'reader 2',
      permissions: ['invoices:read'],
      remaining: 3,
    });
    const { url } = await serve(hostApp(apiKeys));
    const batching = createTRPCClient<HostRouter>({
      links: [httpBatchLink({ url, headers: { authorization: `Bearer ${second}` } })],
    });
    const errors = await Promise.all(
      Array.from({ length: 20 }, () => rejection(batching.invoices.create.mutate({ amount: 1 }))),
    );
    expect(errors.map((e) => e.data?.latchkeyCode)).toEqual(
      Array(20).fill('INSUFFICIENT_PERMISSIONS'),
    );
    const records = await apiKeys.list({ consumerId: 'team_a' });
    expect(records.items.find((k) => k.name === 'reader 2')?.remaining).toBe(3);
    expect((await apiKeys.get(keyId))?.remaining).toBe(99);
  });
});
