import { createHmac } from 'node:crypto';
import { createNextHelpers } from '@latchkey/core/next';
import { apiKeys } from './api-keys';
import { playgroundSecret } from './secret';

/**
 * Latchkey's Next.js helpers, shared by `proxy.ts` and the routes. Next.js bundles the proxy
 * apart from the routes, so the hand-off secret comes from the playground's secret rather than
 * from memory: both sides derive the same one.
 */
export const latchkey = createNextHelpers(apiKeys, {
  handoffSecret: createHmac('sha256', playgroundSecret()).update('proxy-handoff').digest('hex'),
});
