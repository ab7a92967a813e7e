// The benchmark's HTTP server, run in its own process so that the load generator does not share
// its event loop: the bench app served by the fetch adapter on node:http at /trpc/<variant>.
// Prints `{ url, key }` once listening.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { incomingMessageToRequest } from '@trpc/server/adapters/node-http';
import { apiKeys, handle, key } from './bench-app.js';

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
  const response = await handle(incomingMessageToRequest(req, res, { maxBodySize: 100_000 }));
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
