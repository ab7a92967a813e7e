import type { RouterProcedure } from './context.js';

/**
 * The app's prefix, permissions and rate limits, and what `authorize` allows this user.
 * @internal
 */
export const configProcedure: RouterProcedure<'config'> = ({ apiKeys, scoped, userActions }) =>
  scoped('config').query(async ({ ctx }) => ({
    prefix: apiKeys.prefix,
    permissions: [...apiKeys.permissions],
    rateLimits: apiKeys.rateLimits.map((limit) => ({ ...limit })),
    // What `authorize` allows this user, so a UI need not offer what the server would refuse.
    ...(await userActions(ctx)),
  }));
