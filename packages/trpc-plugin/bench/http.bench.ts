// `pnpm bench` for the plugin: the same tRPC query over real HTTP with no auth, behind a
// middleware that does nothing, and behind keyProcedure (a cached key), under the same load.
// Writes .bench-results/http.json at the repository root for scripts/bench-report.mjs.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 16);
const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 3);
const WARMUP_S = 1;
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 9);

// With two cores, pin the server to one and the load generator to the other, so that they do not
// take turns on the same core (that, not the code, was most of the run-to-run spread).
const pin = existsSync('/usr/bin/taskset') && cpus().length >= 2;
if (pin) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });

interface Server {
  url: string;
  key: string;
  stats: () => Promise<{ cpuMicros: number; requests: number }>;
  process: ChildProcess;
}

/**
 * A fresh server process for every round: on Node 20, `AbortSignal.any` (which tRPC's fetch adapter
 * calls once per request) leaks about 2 kB per call, so a long-lived server slows down as its heap
 * grows and later runs would be penalised.
 */
async function startServer(): Promise<Server> {
  const args = [
    '--conditions=@latchkey/source',
    '--import',
    'tsx',
    fileURLToPath(new URL('./server.ts', import.meta.url)),
  ];
  const child = pin
    ? spawn('taskset', ['-c', '0', process.execPath, ...args], {
        stdio: ['ignore', 'pipe', 'inherit'],
      })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
  const { url, key } = JSON.parse(String(first.value)) as { url: string; key: string };
  const statsUrl = new URL('/__stats', url);
  return {
    url,
    key,
    process: child,
    stats: async () =>
      (await fetch(statsUrl)).json() as Promise<{ cpuMicros: number; requests: number }>,
  };
}

interface Run {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The server process's CPU time per request in this run. */
  cpuMicrosPerRequest: number;
}

type Variant = 'open' | 'openWithHeader' | 'noop' | 'keyed';
const VARIANTS: readonly Variant[] = ['open', 'openWithHeader', 'noop', 'keyed'];
const PATHS: Record<Variant, string> = {
  open: 'open',
  // The no-auth query, sent the same Authorization header: what carrying a key costs by itself.
  openWithHeader: 'open',
  noop: 'noop',
  keyed: 'keyed',
};

async function measureSlice(server: Server, variant: Variant, seconds: number): Promise<Run> {
  const before = await server.stats();
  const result = await autocannon({
    url: `${server.url}/${PATHS[variant]}`,
    connections: CONNECTIONS,
    duration: seconds,
    headers:
      variant === 'keyed' || variant === 'openWithHeader'
        ? { authorization: `Bearer ${server.key}` }
        : {},
  });
  const after = await server.stats();
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${variant}: ${result.non2xx} non-2xx responses, ${result.errors} errors`);
  }
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    cpuMicrosPerRequest: (after.cpuMicros - before.cpuMicros) / (after.requests - before.requests),
  };
}

// Each round is one fresh server process serving all three variants, measured back to back in a
// rotating order after a warm-up of each: the three share the process, its heap and the moment of
// the machine, so their ratio is fair even when the machine's speed drifts between rounds.
const runs: Record<Variant, Run[]> = { open: [], openWithHeader: [], noop: [], keyed: [] };
for (let round = 0; round < ROUNDS; round++) {
  const server = await startServer();
  try {
    for (const variant of VARIANTS) await measureSlice(server, variant, WARMUP_S);
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length] as Variant);
    for (const variant of order) {
      runs[variant].push(await measureSlice(server, variant, DURATION_S));
    }
  } finally {
    server.process.kill('SIGTERM');
  }
}

/** The median, so that one noisy run on a shared machine does not decide. */
const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const summary = (list: Run[]): Run => ({
  requestsPerSecond: median(list.map((run) => run.requestsPerSecond)),
  p50Ms: median(list.map((run) => run.p50Ms)),
  p99Ms: median(list.map((run) => run.p99Ms)),
  cpuMicrosPerRequest: median(list.map((run) => run.cpuMicrosPerRequest)),
});
/** Each round's runs were back to back: the median of their ratios is the fairest comparison. */
const pairedRatio = (over: Run[], under: Run[], metric: (run: Run) => number): number =>
  median(over.map((run, i) => metric(run) / metric(under[i] as Run)));
const throughput = (run: Run) => run.requestsPerSecond;
const perCpuSecond = (run: Run) => 1 / run.cpuMicrosPerRequest;

const results = {
  connections: CONNECTIONS,
  durationSeconds: DURATION_S,
  rounds: ROUNDS,
  pinned: pin,
  noAuth: { name: 'query, no auth', ...summary(runs.open) },
  openWithHeader: {
    name: 'same query, no auth, sent the same `Authorization` header',
    ...summary(runs.openWithHeader),
  },
  noopMiddleware: {
    name: 'same query behind a tRPC middleware that does nothing',
    ...summary(runs.noop),
  },
  keyProcedure: { name: 'same query behind `keyProcedure`, cached key', ...summary(runs.keyed) },
  ratio: pairedRatio(runs.keyed, runs.open, throughput),
  cpuRatio: pairedRatio(runs.keyed, runs.open, perCpuSecond),
  ratioToNoopMiddleware: pairedRatio(runs.keyed, runs.noop, throughput),
  ratioToOpenWithHeader: pairedRatio(runs.keyed, runs.openWithHeader, throughput),
  runs,
};
const out = fileURLToPath(new URL('../../../.bench-results/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(`${out}http.json`, JSON.stringify(results, null, 2));
console.log(JSON.stringify({ ...results, runs: undefined }, null, 2));
