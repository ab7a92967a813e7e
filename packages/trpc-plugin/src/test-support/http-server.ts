import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterThisTest } from '@latchkey/test-support';
import type { HostContext, Session } from '@latchkey/test-support/host-app';
import type { AnyTRPCRouter } from '@trpc/server';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';

const SESSION_HEADER = 'x-test-session';

/**
 * Serves a host router on 127.0.0.1 with the fetch adapter, as an app would, until the test ends.
 * The host's "authentication" is a header carrying the session: enough to tell users apart.
 */
export async function serve(
  router: AnyTRPCRouter,
): Promise<{ url: string; requests: () => number }> {
  let requests = 0;
  const server = createServer(async (req, res) => {
    requests++;
    const response = await fetchRequestHandler({
      endpoint: '/trpc',
      req: incomingMessageToRequest(req, res, { maxBodySize: 1_000_000 }),
      router,
      createContext: ({ req: request, resHeaders }): HostContext => {
        const session = request.headers.get(SESSION_HEADER);
        return {
          headers: request.headers,
          url: request.url,
          resHeaders,
          session: session === null ? null : (JSON.parse(session) as Session),
        };
      },
    });
    res.writeHead(response.status, [...response.headers].flat());
    res.end(new Uint8Array(await response.arrayBuffer()));
  });
  const url = await listen(server, '/trpc');
  return { url, requests: () => requests };
}

/** Listens on a free port of 127.0.0.1 until the test ends; the URL of `path` there. */
export async function listen(server: Server, path: string): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  afterThisTest(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const { port } = server.address() as AddressInfo;
  return `http://127.0.0.1:${port}${path}`;
}

/** The request headers a signed-in user's browser would send. */
export function sessionHeaders(session: Session): Record<string, string> {
  return { [SESSION_HEADER]: JSON.stringify(session) };
}

/** What a response said besides its body. */
export interface RecordedResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** `fetch` for `httpBatchLink` that keeps each response's status and headers for assertions. */
export function recordingFetch() {
  const responses: RecordedResponse[] = [];
  return {
    fetch: async (url: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(url, init);
      const body = await response.clone().text();
      responses.push({ status: response.status, headers: response.headers, body });
      return response;
    },
    responses,
    last: (): RecordedResponse => {
      const last = responses.at(-1);
      if (last === undefined) throw new Error('no response recorded');
      return last;
    },
  };
}
