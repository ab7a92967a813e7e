import { TRPCError } from '@trpc/server';
import type { ApiKeyAction, ApiKeyConfig, ApiKeyUserAction, AuthorizeAnswer } from './types.js';

/** The host's `authorize` option, over the context its user procedure gives. */
export type ApiKeyAuthorize<TCtx> = (opts: {
  ctx: TCtx;
  action: ApiKeyAction;
  consumerId: string;
}) => AuthorizeAnswer | Promise<AuthorizeAnswer>;

/**
 * What a refusal says when `authorize` gives no reason of its own.
 * @internal
 */
export const DEFAULT_REFUSAL = 'You may not manage API keys.';

const USER_ACTIONS: readonly ApiKeyUserAction[] = [
  'list',
  'get',
  'create',
  'update',
  'revoke',
  'roll',
  'auditLog',
  'usage',
];

/**
 * Why `authorize` refuses the action, or `null` when it allows it. Only `true` allows: an answer
 * of another shape (from plain JavaScript, or a mistake) refuses rather than opens the keys.
 * @internal
 */
export async function refusalOf<TCtx>(
  authorize: ApiKeyAuthorize<TCtx> | undefined,
  opts: Parameters<ApiKeyAuthorize<TCtx>>[0],
): Promise<string | null> {
  if (authorize === undefined) return null;
  const answer: unknown = await authorize(opts);
  if (answer === true) return null;
  const reason = (answer as { reason?: unknown } | null)?.reason;
  return typeof reason === 'string' && reason.trim() !== '' ? reason : DEFAULT_REFUSAL;
}

/**
 * What `authorize` allows this user, action by action, for `config`: what each procedure will then
 * do. A `FORBIDDEN` error that `authorize` throws is a refusal with its message, as the procedure
 * answers it; any other error fails `config`, as it would fail the procedure.
 * @internal
 */
export async function userActions<TCtx>(
  authorize: ApiKeyAuthorize<TCtx> | undefined,
  ctx: TCtx,
  consumerId: string,
): Promise<Pick<ApiKeyConfig, 'actions' | 'refusals'>> {
  const refusals = await Promise.all(
    USER_ACTIONS.map(async (action) => {
      try {
        return await refusalOf(authorize, { ctx, action, consumerId });
      } catch (error) {
        if (error instanceof TRPCError && error.code === 'FORBIDDEN') return error.message;
        throw error;
      }
    }),
  );
  const actions = {} as ApiKeyConfig['actions'];
  const reasons: ApiKeyConfig['refusals'] = {};
  USER_ACTIONS.forEach((action, index) => {
    const refusal = refusals[index] ?? null;
    actions[action] = refusal === null;
    if (refusal !== null) reasons[action] = refusal;
  });
  return { actions, refusals: reasons };
}
