import { callCore } from '../router-error.js';
import { keyInScope, type RouterProcedure } from './context.js';

/**
 * A page of the audit events of the consumer's keys, or of one of them, newest first.
 * @internal
 */
export const auditLogProcedure: RouterProcedure<'auditLog'> = ({ apiKeys, scoped, inputs }) =>
  scoped('auditLog')
    .input(inputs.auditLog)
    .query(async ({ ctx, input: { keyId, cursor, limit } }) => {
      const { consumerId } = ctx.apiKeyScope;
      // Another consumer's key id is NOT_FOUND here too, rather than an empty page.
      if (keyId !== undefined) await keyInScope(apiKeys, keyId, consumerId);
      return callCore(() => apiKeys.auditLog({ keyId, cursor, limit, consumerId }));
    });
