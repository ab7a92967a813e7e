import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createApiKeys } from '@latchkey/core';
import { PERMISSIONS, tempDatabase } from '@latchkey/test-support';
import type { HostContext, Session } from '@latchkey/test-support/host-app';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import { onTestFinished } from 'vitest';
import { hostApp } from './host-app.js';

function createTestApiKeys(url: string) {
  return createApiKeys({
    database: { url },
    prefix: 'acme',
    permissions: PERMISSIONS,
    // An app-wide limit that only calls naming it spend from.
    rateLimits: [{ name: 'exports', limit: 5, windowMs: 60 * 60 * 1000, per: 'consumer' }],
  });
}

export type AppRouter = ReturnType<typeof hostApp<(typeof PERMISSIONS)[number]>>;

export interface TestServer {
  /** The tRPC endpoint, for `httpBatchLink`. */
  url: string;
  /** The store behind the router, to arrange keys or change them behind the UI's back. */
  apiKeys: ReturnType<typeof createTestApiKeys>;
  /** The signed-in user every request comes from. */
  session: Session;
  /** While true, every request is answered 503 without reaching the router, as in an outage. */
  down: boolean;
  /** How many of the next requests are answered 503, as in a blip. */
  failNext: number;
  /** While true, requests come without a session, as from a browser whose session ended. */
  signedOut: boolean;
  /** The procedures each request asked for, in order: `apiKeys.config,apiKeys.list`… */
  requests: string[];
}

/**
 * The host app (`@latchkey/trpc-plugin` on a host tRPC instance) served over HTTP on 127.0.0.1 by
 * the fetch adapter, on a fresh temp-file database; closed and deleted when the test finishes.
 */
export async function startTestServer(role: Session['role'] = 'admin'): Promise<TestServer> {
  const database = tempDatabase();
  const apiKeys = createTestApiKeys(database.url);
  // Storage opened, and the management calls' modules loaded (a listing of no one's keys), before
  // the UI's first request, as a host's server is warm once it serves: they load on first use
  // (zod, drizzle-orm, the driver), which on a busy machine took longer than the first test waits.
  await apiKeys.ready();
  await apiKeys.list({ consumerId: 'warm-up' });
  const router = hostApp(apiKeys);
  const session: Session = { userId: 'user_1', teamId: 'team_1', role };
  const server = createServer(async (req, res) => {
    testServer.requests.push(new URL(req.url ?? '/', 'http://localhost').pathname.slice(6));
    if (testServer.down || testServer.failNext > 0) {
      testServer.failNext = Math.max(0, testServer.failNext - 1);
      res.writeHead(503).end();
      return;
    }
    const response = await fetchRequestHandler({
      endpoint: '/trpc',
      req: incomingMessageToRequest(req, res, { maxBodySize: 1_000_000 }),
      router,
      createContext: ({ req: request, resHeaders }): HostContext => ({
        headers: request.headers,
        url: request.url,
        resHeaders,
        session: testServer.signedOut ? null : session,
      }),
    });
    res.writeHead(response.status, [...response.headers].flat());
    res.end(new Uint8Array(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await apiKeys.close();
    database.remove();
  });
  const { port } = server.address() as AddressInfo;
  const testServer: TestServer = {
    url: `http://127.0.0.1:${port}/trpc`,
    apiKeys,
    session,
    down: false,
    failNext: 0,
    signedOut: false,
    requests: [],
  };
  return testServer;
}
