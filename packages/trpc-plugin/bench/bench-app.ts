// The benchmark's tRPC app, shared by the HTTP server and the in-process measurement: one query
// three times — with no auth, behind a middleware that does nothing, and behind keyProcedure.
// It imports the packages as built for npm (`pnpm bench` builds them first): what users run.
import { createApiKeys } from '@latchkey/core';
import { createApiKeyPlugin } from '@latchkey/trpc-plugin';
import { initTRPC } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';

interface Context {
  headers: Headers;
  resHeaders: Headers;
}

export const apiKeys = createApiKeys({
  database: { url: ':memory:' },
  onBackgroundError: () => {},
});
const t = initTRPC.context<Context>().create();
const { keyProcedure } = createApiKeyPlugin({
  apiKeys,
  userProcedure: t.procedure,
  machineProcedure: t.procedure,
  consumer: () => ({ consumerId: 'team_bench', ownerId: 'user_bench' }),
  headers: ({ ctx }) => ctx.headers,
  responseHeaders: ({ ctx }) => ctx.resHeaders,
});
const router = t.router({
  open: t.procedure.query(() => ({ consumerId: 'team_bench', invoices: 3 })),
  // What any tRPC middleware costs, doing nothing: the baseline for the key check's own cost.
  noop: t.procedure
    .use(({ next }) => next({ ctx: { consumerId: 'team_bench' } }))
    .query(({ ctx }) => ({ consumerId: ctx.consumerId, invoices: 3 })),
  keyed: keyProcedure.query(({ ctx }) => ({ consumerId: ctx.consumerId, invoices: 3 })),
});

export const { key } = await apiKeys.create({
  name: 'bench',
  consumerId: 'team_bench',
  ownerId: 'u',
});

/** The fetch adapter's answer to `request`, under the endpoint `/trpc`. */
export function handle(request: Request): Promise<Response> {
  return fetchRequestHandler({
    endpoint: '/trpc',
    req: request,
    router,
    createContext: ({ req, resHeaders }): Context => ({ headers: req.headers, resHeaders }),
  });
}
