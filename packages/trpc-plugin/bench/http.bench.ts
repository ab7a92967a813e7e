// `pnpm bench` for the plugin: the same tRPC query over real HTTP with no auth and behind
// keyProcedure (a cached key), under the same load, alternating runs so that both see the same
// machine. Writes .bench-results/http.json at the repository root for scripts/bench-report.mjs.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const CONNECTIONS = 32;
const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 8);
const ROUNDS = 3;

const child = spawn(
  process.execPath,
  [
    '--conditions=@latchkey/source',
    '--import',
    'tsx',
    fileURLToPath(new URL('./server.ts', import.meta.url)),
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
const { url, key } = JSON.parse(String(first.value)) as { url: string; key: string };

interface Run {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

async function load(path: string, headers: Record<string, string>): Promise<Run> {
  const result = await autocannon({
    url: `${url}/${path}`,
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers,
  });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${path}: ${result.non2xx} non-2xx responses, ${result.errors} errors`);
  }
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}

const runs: { open: Run[]; keyed: Run[] } = { open: [], keyed: [] };
await load('open', {}); // warm-up
await load('keyed', { authorization: `Bearer ${key}` });
for (let round = 0; round < ROUNDS; round++) {
  runs.open.push(await load('open', {}));
  runs.keyed.push(await load('keyed', { authorization: `Bearer ${key}` }));
}
child.kill('SIGTERM');

/** The median run by throughput: one noisy run on a shared machine does not decide. */
const median = (list: Run[]): Run =>
  [...list].sort((a, b) => a.requestsPerSecond - b.requestsPerSecond)[
    Math.floor(list.length / 2)
  ] as Run;

const results = {
  connections: CONNECTIONS,
  durationSeconds: DURATION_S,
  noAuth: { name: 'query, no auth', ...median(runs.open) },
  keyProcedure: { name: 'same query behind `keyProcedure`, cached key', ...median(runs.keyed) },
  runs,
};
const out = fileURLToPath(new URL('../../../.bench-results/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(`${out}http.json`, JSON.stringify(results, null, 2));
console.log(
  JSON.stringify({ noAuth: results.noAuth, keyProcedure: results.keyProcedure }, null, 2),
);
