import { callCore } from '../router-error.js';
import { changeBy, type RouterProcedure } from './context.js';

/**
 * Renames a key, or changes its permissions, metadata, expiry or whether it is enabled.
 * @internal
 */
export const updateProcedure: RouterProcedure<'update'> = ({ apiKeys, scoped, inputs }) =>
  scoped('update')
    .input(inputs.update)
    .mutation(({ ctx, input: { id, ...changes } }) => {
      // A field given as `undefined` (possible through `createCaller`) is not a change.
      const defined = Object.fromEntries(
        Object.entries(changes).filter(([, value]) => value !== undefined),
      ) as typeof changes;
      return callCore(() => apiKeys.update(id, { ...defined, ...changeBy(ctx) }));
    });
