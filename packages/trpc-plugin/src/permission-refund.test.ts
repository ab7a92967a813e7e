import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { testApiKeys } from './test-support/api-keys.js';
import { rejection } from './test-support/clients.js';
import { type HostRouter, hostApp } from './test-support/host-app.js';
import { recordingFetch, serve } from './test-support/http-server.js';

describe('a 403 from requirePermissions spends nothing', () => {
  it('gives back the rate-limit units and the remaining uses, and counts the calls as refused', async () => {
    const { apiKeys } = testApiKeys();
    const { key, apiKey } = await apiKeys.create({
      consumerId: 'team_a',
      ownerId: 'user_1',
      name: 'reader',
      permissions: ['invoices:read'],
      remaining: 3,
      rateLimits: [{ limit: 2, windowMs: 60_000 }],
    });
    const { url } = await serve(hostApp(apiKeys));
    const recorder = recordingFetch();
    const client = createTRPCClient<HostRouter>({
      links: [
        httpBatchLink({ url, headers: { authorization: `Bearer ${key}` }, fetch: recorder.fetch }),
      ],
    });

    for (let call = 0; call < 5; call++) {
      const error = await rejection(client.invoices.create.mutate({ amount: 1 }));
      expect(recorder.last().status).toBe(403);
      expect(error.data?.latchkeyCode).toBe('INSUFFICIENT_PERMISSIONS');
    }
    expect((await apiKeys.get(apiKey.id))?.remaining).toBe(3);

    // Both units of the rate limit are still there, and the limits are real: the third call of
    // the window is refused.
    expect((await client.whoami.query()).consumerId).toBe('team_a');
    expect((await client.whoami.query()).consumerId).toBe('team_a');
    const limited = await rejection(client.whoami.query());
    expect(limited.data?.latchkeyCode).toBe('RATE_LIMITED');
    expect((await apiKeys.get(apiKey.id))?.remaining).toBe(1);

    const { days } = await apiKeys.usage(apiKey.id, { days: 1 });
    expect(days[0]?.counts).toEqual({ INSUFFICIENT_PERMISSIONS: 5, VALID: 2, RATE_LIMITED: 1 });
  });
});
