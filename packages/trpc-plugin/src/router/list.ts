import { callCore } from '../router-error.js';
import type { RouterProcedure } from './context.js';

/**
 * A page of the consumer's keys, newest first.
 * @internal
 */
export const listProcedure: RouterProcedure<'list'> = ({ apiKeys, scoped, inputs }) =>
  scoped('list')
    .input(inputs.list)
    .query(({ ctx, input: { cursor, limit } }) =>
      callCore(() => apiKeys.list({ cursor, limit, consumerId: ctx.apiKeyScope.consumerId })),
    );
