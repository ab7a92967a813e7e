import { expect, test } from 'vitest';
import { createApiKeyUI } from './create-api-key-ui.js';
import { trpc } from './test-support/render.js';
import type { ApiKeyRouterHooks } from './types.js';

const NEEDS =
  /needs your tRPC React client's API-key router, e\.g\. `createApiKeyUI\(trpc\.apiKeys\)`.*'use client'/;

test('refuses at once, in words, what is not the tRPC React client’s key router', () => {
  // What a Server Component gets for a client module's `trpc.apiKeys`.
  expect(() => createApiKeyUI(undefined as unknown as ApiKeyRouterHooks)).toThrow(NEEDS);
  expect(() => createApiKeyUI(undefined as unknown as ApiKeyRouterHooks)).toThrow(
    /given undefined\.$/,
  );
  // The server-side client (`createTRPCClient`): procedures without React hooks.
  const vanilla = { config: { query: () => undefined }, list: { query: () => undefined } };
  expect(() => createApiKeyUI(vanilla as unknown as ApiKeyRouterHooks)).toThrow(
    /given an object without `config\.useQuery`\.$/,
  );
  // A reference that refuses to be read, as a Server Component's to a client module does.
  const reference = new Proxy(
    {},
    {
      get() {
        throw new Error('Cannot access apiKeys on the server.');
      },
    },
  );
  expect(() => createApiKeyUI(reference as ApiKeyRouterHooks)).toThrow(NEEDS);
});

test('takes the client’s key router', () => {
  const ui = createApiKeyUI(trpc.apiKeys);
  expect(Object.keys(ui)).toEqual(['useApiKeyManager', 'useApiKeyUsage', 'ApiKeyManager']);
});
