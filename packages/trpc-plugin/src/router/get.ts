import { keyInScope, type RouterProcedure } from './context.js';

/**
 * One of the consumer's keys; another consumer's is `NOT_FOUND`, as an unknown id.
 * @internal
 */
export const getProcedure: RouterProcedure<'get'> = ({ apiKeys, scoped, inputs }) =>
  scoped('get')
    .input(inputs.get)
    .query(({ ctx, input }) => keyInScope(apiKeys, input.id, ctx.apiKeyScope.consumerId));
