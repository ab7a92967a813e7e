// The benchmark's server, run in its own process so that the load generator does not share its
// event loop: one tRPC query served by the fetch adapter on node:http, three times — with no auth,
// behind a middleware that does nothing, and behind keyProcedure. Prints `{ url, key }` once listening.
// It imports the packages as built for npm (`pnpm bench` builds them first): what users run.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiKeys } from '@latchkey/core';
import { createApiKeyPlugin } from '@latchkey/trpc-plugin';
import { initTRPC } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';

interface Context {
  headers: Headers;
  resHeaders: Headers;
}

const apiKeys = createApiKeys({ database: { url: ':memory:' }, onBackgroundError: () => {} });
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

const { key } = await apiKeys.create({ name: 'bench', consumerId: 'team_bench', ownerId: 'u' });
let requests = 0;
const server = createServer(async (req, res) => {
  // The server's own CPU time and request count, read by the benchmark between runs: CPU per
  // request is steadier than throughput on a shared machine.
  if (req.url === '/__stats') {
    const { user, system } = process.cpuUsage();
    res.end(JSON.stringify({ cpuMicros: user + system, requests }));
    return;
  }
  requests++;
  const response = await fetchRequestHandler({
    endpoint: '/trpc',
    req: incomingMessageToRequest(req, res, { maxBodySize: 100_000 }),
    router,
    createContext: ({ req: request, resHeaders }): Context => ({
      headers: request.headers,
      resHeaders,
    }),
  });
  res.writeHead(response.status, [...response.headers].flat());
  res.end(await response.text());
});
server.keepAliveTimeout = 60_000;
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/trpc`, key })}\n`);
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void apiKeys.close().then(() => process.exit(0));
});
