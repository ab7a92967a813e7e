import { callCore } from '../router-error.js';
import type { RouterProcedure } from './context.js';

/**
 * A key's verifications per UTC day and outcome; core scopes it (another consumer's: NOT_FOUND).
 * @internal
 */
export const usageProcedure: RouterProcedure<'usage'> = ({ apiKeys, scoped, inputs }) =>
  scoped('usage')
    .input(inputs.usage)
    .query(({ ctx, input: { id, days } }) =>
      callCore(() => apiKeys.usage(id, { days, consumerId: ctx.apiKeyScope.consumerId })),
    );
