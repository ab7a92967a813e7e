import { createApiKeysContext } from './api-keys-context.js';
import type { ApiKeys, ApiKeysOptions } from './api-keys-types.js';
import { auditLog } from './operations/audit-log.js';
import { close } from './operations/close.js';
import { createKey } from './operations/create-key.js';
import { getKey } from './operations/get-key.js';
import { keyUsage } from './operations/key-usage.js';
import { listKeys } from './operations/list-keys.js';
import { purgeKeys } from './operations/purge-keys.js';
import { refund } from './operations/refund.js';
import { revokeKey } from './operations/revoke-key.js';
import { revokeMany } from './operations/revoke-many.js';
import { rollKey } from './operations/roll-key.js';
import { updateKey } from './operations/update-key.js';
import { authenticateRequest } from './request/authenticate-request.js';

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
    create: (input) => createKey(context, input),
    get: (id, scope) => getKey(context, id, scope),
    list: (input) => listKeys(context, input),
    auditLog: (input) => auditLog(context, input),
    update: (id, input) => updateKey(context, id, input),
    revoke: (id, input) => revokeKey(context, id, input),
    roll: (id, input) => rollKey(context, id, input),
    revokeMany: (input) => revokeMany(context, input),
    usage: (id, input) => keyUsage(context, id, input),
    purge: (input) => purgeKeys(context, input),
    flush: () => context.recorder.flush(),
    close: () => close(context),
  };
  return apiKeys;
}
