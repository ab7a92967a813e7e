import { createTRPCClient } from '@trpc/client';
import superjson from 'superjson';
import { expectTypeOf, test } from 'vitest';
import type { HostRouter, SuperjsonHostRouter } from '../test-support/host-app.js';
import { apiKeyLink } from './api-key-link.js';

const url = 'http://127.0.0.1:1/trpc';

test('the link is typed by the router it is given to, transformer included', () => {
  const client = createTRPCClient<HostRouter>({ links: [apiKeyLink({ url, apiKey: 'k' })] });
  expectTypeOf(client.whoami.query)
    .returns.resolves.toHaveProperty('consumerId')
    .toEqualTypeOf<string>();

  createTRPCClient<SuperjsonHostRouter>({
    links: [apiKeyLink({ url, apiKey: () => 'k', transformer: superjson })],
  });
  // @ts-expect-error the host uses superjson: the client must too
  createTRPCClient<SuperjsonHostRouter>({ links: [apiKeyLink({ url, apiKey: 'k' })] });
  // @ts-expect-error the key is required
  apiKeyLink<HostRouter>({ url });
});
