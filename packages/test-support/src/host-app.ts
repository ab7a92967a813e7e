import { TRPCError, type TRPCProcedureBuilder, type TRPCUnsetMarker } from '@trpc/server';

/** A signed-in user of the host app: members may look at their team's keys, admins may change them. */
export interface Session {
  userId: string;
  teamId: string;
  role: 'admin' | 'member';
}

/** The host app's context, as its fetch-adapter `createContext` builds it. */
export interface HostContext {
  headers: Headers;
  /** The request's URL; `null` for `createCaller`. */
  url: string | null;
  resHeaders: Headers | null;
  session: Session | null;
}

/** A procedure of the host app's tRPC instance, before any middleware of its own. */
type HostProcedure<TMeta> = TRPCProcedureBuilder<
  HostContext,
  TMeta,
  object,
  TRPCUnsetMarker,
  TRPCUnsetMarker,
  TRPCUnsetMarker,
  TRPCUnsetMarker,
  false
>;

/** The host's `protectedProcedure`: `UNAUTHORIZED` without a session, `ctx.session` set after. */
export function signedIn<TMeta>(procedure: HostProcedure<TMeta>) {
  return procedure.use(({ ctx, next }) => {
    if (ctx.session === null) throw new TRPCError({ code: 'UNAUTHORIZED' });
    return next({ ctx: { session: ctx.session } });
  });
}

/** The plugin's `consumer` option of the host app: the user's team, the user as owner. */
export function teamOfUser({ ctx }: { ctx: { session: Session } }) {
  return { consumerId: ctx.session.teamId, ownerId: ctx.session.userId };
}

const READ_ACTIONS: ReadonlySet<string> = new Set(['config', 'list', 'get', 'auditLog', 'usage']);

/** The plugin's `authorize` option of the host app: admins may do anything, members only look. */
export function adminsChangeKeys({ ctx, action }: { ctx: { session: Session }; action: string }) {
  return ctx.session.role === 'admin' || READ_ACTIONS.has(action);
}
