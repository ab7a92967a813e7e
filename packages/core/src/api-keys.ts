import { createApiKeysContext } from './api-keys-context.js';
import type { ApiKeys, ApiKeysOptions } from './api-keys-types.js';
import { close } from './operations/close.js';
import { refund } from './operations/refund.js';
import { authenticateRequest } from './request/authenticate-request.js';

type Management = typeof import('./operations/management.js');
let management: Promise<Management> | undefined;

/**
 * The management calls' module, imported at the first one: zod and the input schemas cost a cold
 * start ~100 ms, which an instance that only verifies keys should not pay.
 */
function manage(): Promise<Management> {
  management ??= import('./operations/management.js');
  return management;
}

/**
 * Creates API keys for one app: issue, change, roll and revoke keys, and verify them. Storage is
 * opened (and a `database` migrated) on first use, or by `ready()`; `close()` ends the instance.
 * Each option's default is documented on `ApiKeysOptions`.
 * @example
 * const apiKeys = createApiKeys({
 *   database: { url: 'file:.data/latchkey.db' },
 *   prefix: 'acme',
 *   permissions: ['invoices:read', 'invoices:write'],
 * });
 * @throws `TypeError` at once for a misconfiguration: a bad option, or neither or both of
 * `database` and `storage`.
 */
export function createApiKeys<const TPermissions extends readonly string[] = readonly []>(
  options: ApiKeysOptions<TPermissions>,
): ApiKeys<TPermissions[number]> {
  type P = TPermissions[number];
  const context = createApiKeysContext(options);
  const { verify, verifyCached } = context.verifier;
  const apiKeys: ApiKeys<P> = {
    prefix: context.prefix,
    permissions: context.declared,
    rateLimits: context.defaultRateLimits,
    verify: (key, verifyOptions) => verify<P>(key, verifyOptions),
    verifyCached: (key, verifyOptions) => verifyCached<P>(key, verifyOptions),
    refund: (result, code) => refund(context, result, code),
    authenticateRequest: (input, requestOptions) =>
      authenticateRequest(apiKeys, input, requestOptions),
    ready: context.lifecycle.ready,
    create: async (input) => (await manage()).createKey(context, input),
    get: async (id, scope) => (await manage()).getKey(context, id, scope),
    list: async (input) => (await manage()).listKeys(context, input),
    auditLog: async (input) => (await manage()).auditLog(context, input),
    update: async (id, input) => (await manage()).updateKey(context, id, input),
    revoke: async (id, input) => (await manage()).revokeKey(context, id, input),
    roll: async (id, input) => (await manage()).rollKey(context, id, input),
    revokeMany: async (input) => (await manage()).revokeMany(context, input),
    usage: async (id, input) => (await manage()).keyUsage(context, id, input),
    purge: async (input) => (await manage()).purgeKeys(context, input),
    flush: () => context.recorder.flush(),
    close: () => close(context),
  };
  return apiKeys;
}
