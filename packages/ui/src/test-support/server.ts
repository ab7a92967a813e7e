import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createApiKeys } from '@latchkey/core';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { onTestFinished } from 'vitest';
import { createStandInRouter, type TestContext } from './stand-in-router.js';

export const PERMISSIONS = ['invoices:read', 'invoices:write', 'reports:read'] as const;

export type AppRouter = ReturnType<typeof createTestRouter>;

function createTestRouter(apiKeys: ReturnType<typeof createTestApiKeys>) {
  return createStandInRouter(apiKeys);
}

function createTestApiKeys(url: string) {
  return createApiKeys({ database: { url }, prefix: 'acme', permissions: PERMISSIONS });
}

async function toRequest(req: IncomingMessage, origin: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(new URL(req.url ?? '/', origin), {
    method: req.method,
    headers,
    body: hasBody ? Buffer.concat(chunks) : undefined,
  });
}

async function send(response: Response, res: ServerResponse): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

export interface TestServer {
  /** The tRPC endpoint, for `httpBatchLink`. */
  url: string;
  /** The same store the router uses, to arrange data or break it on purpose. */
  apiKeys: ReturnType<typeof createTestApiKeys>;
  /** The consumer and owner every request acts as. */
  session: TestContext['session'];
}

/**
 * The API-key router over HTTP on 127.0.0.1, on a fresh temp-file database; closed and deleted when
 * the test finishes.
 */
export async function startTestServer(): Promise<TestServer> {
  const folder = mkdtempSync(join(tmpdir(), 'latchkey-ui-'));
  const apiKeys = createTestApiKeys(pathToFileURL(join(folder, 'keys.db')).href);
  const router = createTestRouter(apiKeys);
  const session = { teamId: 'team_1', userId: 'user_1' };
  let origin = '';
  const server = createServer((req, res) => {
    void toRequest(req, origin)
      .then((request) =>
        fetchRequestHandler({
          endpoint: '/trpc',
          req: request,
          router,
          createContext: (): TestContext => ({ session }),
        }),
      )
      .then((response) => send(response, res))
      .catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  onTestFinished(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await apiKeys.close();
    rmSync(folder, { recursive: true, force: true });
  });
  return { url: `${origin}/trpc`, apiKeys, session };
}
