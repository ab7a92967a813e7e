import { callCore } from '../router-error.js';
import { changeBy, type RouterProcedure } from './context.js';

/**
 * A new key in place of one, the old one working on for the grace period.
 * @internal
 */
export const rollProcedure: RouterProcedure<'roll'> = ({ apiKeys, scoped, inputs }) =>
  scoped('roll')
    .input(inputs.roll)
    .mutation(({ ctx, input: { id, gracePeriodMs } }) =>
      callCore(() => apiKeys.roll(id, { gracePeriodMs, ...changeBy(ctx) })),
    );
