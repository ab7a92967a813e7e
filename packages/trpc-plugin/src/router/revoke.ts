import { callCore } from '../router-error.js';
import { changeBy, type RouterProcedure } from './context.js';

/**
 * Revokes a key for good, with the user's reason in the audit log.
 * @internal
 */
export const revokeProcedure: RouterProcedure<'revoke'> = ({ apiKeys, scoped, inputs }) =>
  scoped('revoke')
    .input(inputs.revoke)
    .mutation(({ ctx, input: { id, reason } }) =>
      callCore(() => apiKeys.revoke(id, { reason, ...changeBy(ctx) })),
    );
