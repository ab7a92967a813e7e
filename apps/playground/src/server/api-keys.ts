import { createApiKeys } from '@latchkey/core';

export const PERMISSIONS = ['invoices:read', 'invoices:write'] as const;

function create() {
  return createApiKeys({
    database: {
      url: process.env.LATCHKEY_DATABASE_URL ?? 'file:.data/playground.db',
      ...(process.env.LATCHKEY_DATABASE_AUTH_TOKEN
        ? { authToken: process.env.LATCHKEY_DATABASE_AUTH_TOKEN }
        : {}),
    },
    prefix: 'play',
    permissions: PERMISSIONS,
    ...(process.env.LATCHKEY_SECRET ? { secret: process.env.LATCHKEY_SECRET } : {}),
    // Every key of a team shares one budget, so the playground shows a 429 after a burst.
    rateLimits: [{ limit: 60, windowMs: 60_000, per: 'consumer' }],
  });
}

// One instance per server process; `next dev` re-evaluates modules on change, so keep it global.
const globalForApiKeys = globalThis as typeof globalThis & {
  latchkeyPlayground?: ReturnType<typeof create>;
};
globalForApiKeys.latchkeyPlayground ??= create();
export const apiKeys = globalForApiKeys.latchkeyPlayground;
