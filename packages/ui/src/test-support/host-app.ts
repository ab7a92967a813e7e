import type { ApiKeys } from '@latchkey/core';
import {
  adminsChangeKeys,
  type HostContext,
  signedIn,
  teamOfUser,
} from '@latchkey/test-support/host-app';
import { createApiKeyPlugin, withLatchkeyData } from '@latchkey/trpc-plugin';
import { initTRPC } from '@trpc/server';

const t = initTRPC.context<HostContext>().create({
  errorFormatter: ({ shape, error }) => withLatchkeyData(shape, error),
});

/** A host app's router as a customer writes it, with the key router nested under `apiKeys`. */
export function hostApp<P extends string>(apiKeys: ApiKeys<P>) {
  const { apiKeyRouter } = createApiKeyPlugin({
    apiKeys,
    userProcedure: signedIn(t.procedure),
    machineProcedure: t.procedure,
    consumer: teamOfUser,
    authorize: adminsChangeKeys,
    headers: ({ ctx }) => ctx.headers,
    responseHeaders: ({ ctx }) => ctx.resHeaders,
  });
  return t.router({ apiKeys: apiKeyRouter });
}
