import { assertDeclaredPermissions } from '@latchkey/core/http';
import { authFailure } from './auth-failure.js';
import type { ApiKeyMiddleware } from './host-procedure.js';
import type { KeyCheck } from './key-check.js';
import { verificationOf } from './key-context.js';
import { callCore } from './router-error.js';
import type { KeyProcedureContext } from './types.js';

/**
 * The plugin's `requirePermissions`, for `keyProcedure.use(requirePermissions(…))`.
 * @internal
 */
export function requirePermissionsOf<P extends string, C>(
  check: KeyCheck<P, C>,
): (...permissions: [P, ...P[]]) => ApiKeyMiddleware<P> {
  return (...permissions) => {
    // A permission the app never declared can only come from a cast or plain JavaScript: fail at
    // startup, not with a 403 on every call.
    assertDeclaredPermissions(check.apiKeys.permissions, permissions, 'requirePermissions(…)');
    const middleware: ApiKeyMiddleware<P> = ({ ctx, next }) => {
      const held = ctx.apiKey.permissions;
      const missingPermissions = permissions.filter((permission) => !held.includes(permission));
      if (missingPermissions.length === 0) return next();
      // The host's context is all there at run time; the middleware's type names only the key.
      return refusePermissions(
        check,
        ctx as unknown as C & KeyProcedureContext<P>,
        missingPermissions,
      );
    };
    check.requiredBy.set(middleware, permissions);
    return middleware;
  };
}

/**
 * DESIGN.md: a request refused by an earlier check spends nothing from a later one. The key was
 * verified (its rate-limit units and a `remaining` use spent) before this check refused it, so
 * the 403 gives them back and the call is counted as refused, not valid.
 */
async function refusePermissions<P extends string, C>(
  check: KeyCheck<P, C>,
  ctx: C & KeyProcedureContext<P>,
  missingPermissions: readonly string[],
): Promise<never> {
  const verification = verificationOf(ctx.apiKey);
  if (verification !== undefined) {
    await callCore(() => check.apiKeys.refund(verification, 'INSUFFICIENT_PERMISSIONS'));
  }
  throw check.refuse(ctx, authFailure('INSUFFICIENT_PERMISSIONS', { missingPermissions }));
}
