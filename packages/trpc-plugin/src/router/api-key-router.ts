import type { ApiKeyRouter } from '../types.js';
import { auditLogProcedure } from './audit-log.js';
import { configProcedure } from './config.js';
import type { RouterContext } from './context.js';
import { createProcedure } from './create.js';
import { getProcedure } from './get.js';
import { listProcedure } from './list.js';
import { revokeProcedure } from './revoke.js';
import { rollProcedure } from './roll.js';
import { updateProcedure } from './update.js';
import { usageProcedure } from './usage.js';

/**
 * The key-management procedures, one per file, each acting only on the consumer's keys.
 * @internal
 */
export function buildApiKeyRouter<P extends string, TMeta>(
  context: RouterContext<P, TMeta>,
): ApiKeyRouter<P, TMeta> {
  return {
    config: configProcedure(context),
    list: listProcedure(context),
    get: getProcedure(context),
    create: createProcedure(context),
    update: updateProcedure(context),
    revoke: revokeProcedure(context),
    roll: rollProcedure(context),
    auditLog: auditLogProcedure(context),
    usage: usageProcedure(context),
  };
}
