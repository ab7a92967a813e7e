// `pnpm bench` for the plugin: the same tRPC query over real HTTP with no auth, behind a
// middleware that does nothing, and behind keyProcedure (a cached key), under the same load.
// Writes .bench-results/http.json at the repository root for scripts/bench-report.mjs.
//
// On a 2-core machine, throughput varies by several per cent from one second to the next whatever
// is served: more than the key check costs. So one load run, on connections that stay open, moves
// from variant to variant every half second in cycles (open, noop, keyed, keyed, noop, open), and
// each cycle compares the variants over the same three seconds: drift hits every side alike, and
// the median over many cycles settles where one long run per variant would not.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { CYCLE, median, quantile, spread, VARIANTS, type Variant, writeResults } from './stats.js';

const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 16);
const WINDOW_MS = 500;
const WARMUP_S = 6;
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 45);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 3);

// With two cores, pin the server to one and the load generator to the other, so that they do not
// take turns on the same core.
const pin = existsSync('/usr/bin/taskset') && cpus().length >= 2;
if (pin) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });

interface Server {
  url: URL;
  key: string;
  stats: () => Promise<{ cpuMicros: number; requests: number }>;
  process: ChildProcess;
}

/** A fresh server process per round, so that no round inherits another's heap or JIT state. */
async function startServer(): Promise<Server> {
  const args = ['--import', 'tsx', fileURLToPath(new URL('./server.ts', import.meta.url))];
  const child = pin
    ? spawn('taskset', ['-c', '0', process.execPath, ...args], {
        stdio: ['ignore', 'pipe', 'inherit'],
      })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
  const { url, key } = JSON.parse(String(first.value)) as { url: string; key: string };
  const statsUrl = new URL('/__stats', url);
  return {
    url: new URL(url),
    key,
    process: child,
    stats: async () =>
      (await fetch(statsUrl)).json() as Promise<{ cpuMicros: number; requests: number }>,
  };
}

/** One half-second window of load on one variant. */
interface Window {
  variant: Variant;
  ms: number;
  responses: number;
  latenciesMs: number[];
  cpuMicros: number;
  serverRequests: number;
}

/** What autocannon keeps per connection: the window its request was sent in, and when. */
interface Tagged {
  window?: Window;
  sentAt?: number;
}

/**
 * One load run on `server` for `seconds`, switching variant every window; the windows of whole
 * cycles. A response counts for its window only when it answers a request sent in that window,
 * so every window loses the few requests in flight at its start, whatever its variant.
 */
async function run(server: Server, seconds: number): Promise<Window[]> {
  const windows: Window[] = [];
  let current: Window | undefined;
  let step = 0;
  let startedAt = 0;
  let statsAtStart = await server.stats();
  const open = (): Window => ({
    variant: CYCLE[step % CYCLE.length] as Variant,
    ms: 0,
    responses: 0,
    latenciesMs: [],
    cpuMicros: 0,
    serverRequests: 0,
  });
  current = open();
  startedAt = performance.now();
  const timer = setInterval(() => {
    const closing = current as Window;
    closing.ms = performance.now() - startedAt;
    step++;
    current = open();
    startedAt = performance.now();
    void server.stats().then((stats) => {
      closing.cpuMicros = stats.cpuMicros - statsAtStart.cpuMicros;
      closing.serverRequests = stats.requests - statsAtStart.requests;
      statsAtStart = stats;
    });
    windows.push(closing);
  }, WINDOW_MS);
  await autocannon({
    url: server.url.origin,
    connections: CONNECTIONS,
    duration: seconds,
    // Every variant is sent the same key, so the requests differ only in their path.
    headers: { authorization: `Bearer ${server.key}` },
    requests: [
      {
        setupRequest: (request, context) => {
          const window = current as Window;
          const tagged = context as Tagged;
          tagged.window = window;
          tagged.sentAt = performance.now();
          return { ...request, path: `${server.url.pathname}/${window.variant}` };
        },
        onResponse: (status, _body, context) => {
          if (status !== 200) throw new Error(`status ${status}`);
          const { window, sentAt } = context as Tagged;
          if (window !== current || window === undefined || sentAt === undefined) return;
          window.responses++;
          window.latenciesMs.push(performance.now() - sentAt);
        },
      },
    ],
  });
  clearInterval(timer);
  await new Promise((resolve) => setTimeout(resolve, 50)); // the last window's stats
  return windows.slice(0, windows.length - (windows.length % CYCLE.length));
}

interface Cycle {
  requestsPerSecond: Record<Variant, number>;
  cpuMicrosPerRequest: Record<Variant, number>;
}

function cyclesOf(windows: Window[]): Cycle[] {
  const cycles: Cycle[] = [];
  for (let start = 0; start < windows.length; start += CYCLE.length) {
    const cycle = windows.slice(start, start + CYCLE.length);
    const sum = (variant: Variant, field: 'ms' | 'responses' | 'cpuMicros' | 'serverRequests') =>
      cycle.filter((w) => w.variant === variant).reduce((total, w) => total + w[field], 0);
    const requestsPerSecond = {} as Record<Variant, number>;
    const cpuMicrosPerRequest = {} as Record<Variant, number>;
    for (const variant of VARIANTS) {
      requestsPerSecond[variant] = (sum(variant, 'responses') / sum(variant, 'ms')) * 1000;
      cpuMicrosPerRequest[variant] = sum(variant, 'cpuMicros') / sum(variant, 'serverRequests');
    }
    cycles.push({ requestsPerSecond, cpuMicrosPerRequest });
  }
  return cycles;
}

const cycles: Cycle[] = [];
const latencies: Record<Variant, number[]> = { open: [], noop: [], keyed: [] };
for (let round = 0; round < ROUNDS; round++) {
  const server = await startServer();
  try {
    await run(server, WARMUP_S);
    const windows = await run(server, SECONDS);
    cycles.push(...cyclesOf(windows));
    for (const window of windows) latencies[window.variant].push(...window.latenciesMs);
  } finally {
    server.process.kill('SIGTERM');
  }
}

const summary = (variant: Variant) => ({
  requestsPerSecond: median(cycles.map((cycle) => cycle.requestsPerSecond[variant])),
  p50Ms: quantile(latencies[variant], 0.5),
  p99Ms: quantile(latencies[variant], 0.99),
  cpuMicrosPerRequest: median(cycles.map((cycle) => cycle.cpuMicrosPerRequest[variant])),
});
/** One ratio per cycle: their median, and the middle half of them. */
const pairedRatio = (ratioOf: (cycle: Cycle) => number) => spread(cycles.map(ratioOf));
const throughputRatio = (over: Variant, under: Variant) =>
  pairedRatio((cycle) => cycle.requestsPerSecond[over] / cycle.requestsPerSecond[under]);

const results = {
  connections: CONNECTIONS,
  windowMs: WINDOW_MS,
  seconds: SECONDS,
  rounds: ROUNDS,
  cycles: cycles.length,
  pinned: pin,
  noAuth: { name: 'query, no auth', ...summary('open') },
  noopMiddleware: {
    name: 'same query behind a tRPC middleware that does nothing',
    ...summary('noop'),
  },
  keyProcedure: { name: 'same query behind `keyProcedure`, cached key', ...summary('keyed') },
  ratio: throughputRatio('keyed', 'open'),
  cpuRatio: pairedRatio(
    (cycle) => cycle.cpuMicrosPerRequest.open / cycle.cpuMicrosPerRequest.keyed,
  ),
  noopRatio: throughputRatio('noop', 'open'),
  ratioToNoopMiddleware: throughputRatio('keyed', 'noop'),
};
writeResults('http', { ...results, cycleResults: cycles });
console.log(JSON.stringify(results, null, 2));
