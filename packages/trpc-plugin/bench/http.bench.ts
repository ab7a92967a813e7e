// `pnpm bench` for the plugin: the same tRPC query over real HTTP with no auth, behind a
// middleware that does nothing, and behind keyProcedure (a cached key), under the same load.
// Writes .bench-results/http.json at the repository root for scripts/bench-report.mjs.
//
// On a 2-core machine, throughput varies by several per cent from one second to the next whatever
// is served: more than the key check costs. Each fresh server is measured twice:
// - by variant: one load run, on connections that stay open, moves from variant to variant every
//   half second in cycles (open, noop, keyed, keyed, noop, open), for each variant's req/s and
//   latency; each cycle compares the variants over the same three seconds;
// - interleaved: the variants take turns request by request, and the server times each request's
//   handler. Adjacent requests meet the same machine, so the difference between the variants'
//   handler times is measured to a fraction of a microsecond, and the ratio of their throughputs
//   follows from it (below): what the cycles can only show to a few per cent.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { median, quantile, spread } from '@latchkey/test-support/stats';
import autocannon from 'autocannon';
import { CYCLE, type HandlerTime, VARIANTS, type Variant, writeResults } from './stats.js';

const CONNECTIONS = Number(process.env.BENCH_HTTP_CONNECTIONS ?? 16);
const WINDOW_MS = 500;
const WARMUP_S = 6;
const SECONDS = Number(process.env.BENCH_HTTP_SECONDS ?? 30);
const INTERLEAVED_SECONDS = Number(process.env.BENCH_HTTP_INTERLEAVED_SECONDS ?? 30);
const ROUNDS = Number(process.env.BENCH_HTTP_ROUNDS ?? 3);

// With two cores, pin the server to one and the load generator to the other, so that they do not
// take turns on the same core.
const pin = existsSync('/usr/bin/taskset') && cpus().length >= 2;
if (pin) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });

/** What the server reports of itself (server.ts). */
interface ServerStats {
  cpuMicros: number;
  requests: number;
  overlaps: number;
  handlerTime: Record<Variant, HandlerTime>;
}

interface Server {
  url: URL;
  key: string;
  stats: () => Promise<ServerStats>;
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
    stats: async () => (await fetch(statsUrl)).json() as Promise<ServerStats>,
  };
}

/** What to send, and what to do with each answer (any status but 200 stops the benchmark). */
interface Requests {
  setupRequest: (request: autocannon.Request, context: object) => autocannon.Request;
  onResponse?: (context: object) => void;
}

/**
 * Load on `server` for `seconds` from connections kept open. Every variant is sent the same key,
 * so the requests differ only in their path.
 */
async function load(server: Server, seconds: number, requests: Requests): Promise<void> {
  await autocannon({
    url: server.url.origin,
    connections: CONNECTIONS,
    duration: seconds,
    headers: { authorization: `Bearer ${server.key}` },
    requests: [
      {
        setupRequest: requests.setupRequest,
        onResponse: (status, _body, context) => {
          if (status !== 200) throw new Error(`status ${status}`);
          requests.onResponse?.(context);
        },
      },
    ],
  });
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
  await load(server, seconds, {
    setupRequest: (request, context) => {
      const window = current as Window;
      const tagged = context as Tagged;
      tagged.window = window;
      tagged.sentAt = performance.now();
      return { ...request, path: `${server.url.pathname}/${window.variant}` };
    },
    onResponse: (context) => {
      const { window, sentAt } = context as Tagged;
      if (window !== current || window === undefined || sentAt === undefined) return;
      window.responses++;
      window.latenciesMs.push(performance.now() - sentAt);
    },
  });
  clearInterval(timer);
  await new Promise((resolve) => setTimeout(resolve, 50)); // the last window's stats
  return windows.slice(0, windows.length - (windows.length % CYCLE.length));
}

/** One second of the interleaved run, as the server saw it. */
interface Interval {
  elapsedMicros: number;
  cpuMicros: number;
  requests: number;
  handlerTime: Record<Variant, HandlerTime>;
}

/**
 * One load run on `server` for `seconds` in which the variants take turns request by request;
 * what the server reports of each second, and how many requests started while another was
 * handled (none, unless a handler waits for I/O: then the handler times overlap).
 */
async function interleaved(
  server: Server,
  seconds: number,
): Promise<{ intervals: Interval[]; overlaps: number }> {
  const intervals: Interval[] = [];
  let turn = 0;
  let previous = await server.stats();
  const overlapsBefore = previous.overlaps;
  let previousAt = performance.now();
  let sampling: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    const at = performance.now();
    sampling = server.stats().then((stats) => {
      intervals.push(between(previous, stats, (at - previousAt) * 1000));
      previous = stats;
      previousAt = at;
    });
  }, 1000);
  // There and back (open, noop, keyed, keyed, noop, open), so that no variant always follows the
  // same one.
  await load(server, seconds, {
    setupRequest: (request) => ({
      ...request,
      path: `${server.url.pathname}/${CYCLE[turn++ % CYCLE.length]}`,
    }),
  });
  clearInterval(timer);
  await sampling;
  const { overlaps } = await server.stats();
  // The first second holds the connections' opening.
  return { intervals: intervals.slice(1), overlaps: overlaps - overlapsBefore };
}

function between(from: ServerStats, to: ServerStats, elapsedMicros: number): Interval {
  const handlerTime = {} as Record<Variant, HandlerTime>;
  for (const variant of VARIANTS) {
    handlerTime[variant] = {
      requests: to.handlerTime[variant].requests - from.handlerTime[variant].requests,
      micros: to.handlerTime[variant].micros - from.handlerTime[variant].micros,
    };
  }
  return {
    elapsedMicros,
    cpuMicros: to.cpuMicros - from.cpuMicros,
    requests: to.requests - from.requests,
    handlerTime,
  };
}

/**
 * The server's time per request of each variant, from the interleaved run. The server's core is
 * busy all the time (`busy`), so a variant served alone answers one request per its time per
 * request: the time in its handler, plus what every request costs outside the handler (parsing,
 * the socket, the event loop, garbage collection between requests), which is the server's CPU
 * time per request less the average handler time. Garbage collection that runs inside a handler
 * is charged to that variant: the more it allocates, the more often that happens.
 */
function serverTime(intervals: readonly Interval[]) {
  const sum = (field: (interval: Interval) => number) =>
    intervals.reduce((total, interval) => total + field(interval), 0);
  const requests = sum((interval) => interval.requests);
  const handled = (variant: Variant) => sum((interval) => interval.handlerTime[variant].micros);
  const handlerMicros = {} as Record<Variant, number>;
  for (const variant of VARIANTS) {
    handlerMicros[variant] =
      handled(variant) / sum((interval) => interval.handlerTime[variant].requests);
  }
  const outsideMicros =
    (sum((interval) => interval.cpuMicros) -
      VARIANTS.reduce((total, variant) => total + handled(variant), 0)) /
    requests;
  const microsPerRequest = (variant: Variant) => outsideMicros + handlerMicros[variant];
  return {
    requests,
    busy: sum((interval) => interval.cpuMicros) / sum((interval) => interval.elapsedMicros),
    outsideMicros,
    handlerMicros,
    /** Throughput of `over` against `under`: the inverse ratio of their times per request. */
    ratio: (over: Variant, under: Variant) => microsPerRequest(under) / microsPerRequest(over),
  };
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
const intervals: Interval[] = [];
let overlaps = 0;
for (let round = 0; round < ROUNDS; round++) {
  const server = await startServer();
  try {
    await run(server, WARMUP_S);
    const windows = await run(server, SECONDS);
    cycles.push(...cyclesOf(windows));
    for (const window of windows) latencies[window.variant].push(...window.latenciesMs);
    const turns = await interleaved(server, INTERLEAVED_SECONDS);
    intervals.push(...turns.intervals);
    overlaps += turns.overlaps;
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

if (intervals.length < 2) {
  throw new Error(
    'The interleaved run needs at least 3 s a round (BENCH_HTTP_INTERLEAVED_SECONDS).',
  );
}
const pooled = serverTime(intervals);
/**
 * What `over` adds to a request's handler time against `under`, pooled, with the standard error
 * of that difference from how much it varies from one second to the next.
 */
const addedMicros = (over: Variant, under: Variant) => {
  const perSecond = intervals.map((interval) => {
    const { handlerMicros } = serverTime([interval]);
    return handlerMicros[over] - handlerMicros[under];
  });
  const mean = perSecond.reduce((total, value) => total + value, 0) / perSecond.length;
  const variance =
    perSecond.reduce((total, value) => total + (value - mean) ** 2, 0) / (perSecond.length - 1);
  return {
    micros: pooled.handlerMicros[over] - pooled.handlerMicros[under],
    standardError: Math.sqrt(variance / perSecond.length),
  };
};
/** A ratio of the interleaved run: pooled over every second, and the middle half of the seconds. */
const interleavedRatio = (over: Variant, under: Variant) => ({
  ...spread(intervals.map((interval) => serverTime([interval]).ratio(over, under))),
  median: pooled.ratio(over, under),
});

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
  interleaved: {
    seconds: INTERLEAVED_SECONDS,
    intervals: intervals.length,
    requests: pooled.requests,
    // Requests that started while another was handled: the handler times hold only while 0.
    overlaps,
    busy: pooled.busy,
    outsideMicros: pooled.outsideMicros,
    handlerMicros: pooled.handlerMicros,
    keyedAdds: addedMicros('keyed', 'open'),
    noopAdds: addedMicros('noop', 'open'),
    ratio: interleavedRatio('keyed', 'open'),
    noopRatio: interleavedRatio('noop', 'open'),
    ratioToNoopMiddleware: interleavedRatio('keyed', 'noop'),
  },
};
writeResults('http', { ...results, cycleResults: cycles });
console.log(JSON.stringify(results, null, 2));
