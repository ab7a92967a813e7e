// The benchmark's HTTP server, run in its own process so that the load generator does not share
// its event loop: the bench app served by the fetch adapter on node:http at /trpc/<variant>.
// Prints `{ url, key }` once listening.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import { apiKeys, handle, key } from './bench-app.js';
import { type HandlerTime, VARIANTS, type Variant } from './stats.js';

const variantByPath = new Map<string | undefined, Variant>(
  VARIANTS.map((variant) => [`/trpc/${variant}`, variant]),
);

let requests = 0;
// The time each variant's requests took in the handler: from the request reaching it to its
// answer written. A cached key needs no I/O, so a handler runs to its end without another request
// starting in between, and its time is the server core's time for that request, whatever the
// other variants do around it. `overlaps` counts the requests that started while another was
// handled: while it is 0, that holds.
const handlerTime = Object.fromEntries(
  VARIANTS.map((variant) => [variant, { requests: 0, micros: 0 }]),
) as Record<Variant, HandlerTime>;
let handlersRunning = 0;
let overlaps = 0;

const server = createServer(async (req, res) => {
  // The server's own CPU time, request count and handler times, read by the benchmark as it runs.
  if (req.url === '/__stats') {
    const { user, system } = process.cpuUsage();
    res.end(JSON.stringify({ cpuMicros: user + system, requests, overlaps, handlerTime }));
    return;
  }
  requests++;
  if (handlersRunning++ > 0) overlaps++;
  const startedAt = performance.now();
  try {
    const response = await handle(incomingMessageToRequest(req, res, { maxBodySize: 100_000 }));
    res.writeHead(response.status, [...response.headers].flat());
    res.end(await response.text());
    const variant = variantByPath.get(req.url);
    if (variant !== undefined) {
      handlerTime[variant].requests++;
      handlerTime[variant].micros += (performance.now() - startedAt) * 1000;
    }
  } finally {
    handlersRunning--;
  }
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
