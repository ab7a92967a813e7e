// `pnpm bench` for the plugin: the same tRPC query over real HTTP with no auth and behind
// keyProcedure (a cached key), under the same load, alternating runs so that both see the same
// machine. Writes .bench-results/http.json at the repository root for scripts/bench-report.mjs.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const CONNECTIONS = 16;
const DURATION_S = Number(process.env.BENCH_HTTP_SECONDS ?? 6);
const ROUNDS = 5;

// With two cores, pin the server to one and the load generator to the other, so that they do not
// take turns on the same core (that, not the code, was most of the run-to-run spread).
const pin = existsSync('/usr/bin/taskset') && cpus().length >= 2;
if (pin) execFileSync('taskset', ['-cp', '1', String(process.pid)], { stdio: 'ignore' });
const serverArgs = [
  '--conditions=@latchkey/source',
  '--import',
  'tsx',
  fileURLToPath(new URL('./server.ts', import.meta.url)),
];
const child = pin
  ? spawn('taskset', ['-c', '0', process.execPath, ...serverArgs], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
  : spawn(process.execPath, serverArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
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

const variants = {
  open: () => load('open', {}),
  noop: () => load('noop', {}),
  keyed: () => load('keyed', { authorization: `Bearer ${key}` }),
};
type Variant = keyof typeof variants;
const runs: Record<Variant, Run[]> = { open: [], noop: [], keyed: [] };
for (const run of Object.values(variants)) await run(); // warm-up
for (let round = 0; round < ROUNDS; round++) {
  // Rotate which goes first, so that a machine getting slower or faster favours none.
  const order = (['open', 'noop', 'keyed'] as const).map(
    (_, i, all) => all[(i + round) % 3] as Variant,
  );
  for (const variant of order) runs[variant].push(await variants[variant]());
}
child.kill('SIGTERM');

/** The median, so that one noisy run on a shared machine does not decide. */
const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const summary = (list: Run[]): Run => ({
  requestsPerSecond: median(list.map((run) => run.requestsPerSecond)),
  p50Ms: median(list.map((run) => run.p50Ms)),
  p99Ms: median(list.map((run) => run.p99Ms)),
});

const pairedRatio = (over: Run[], under: Run[]): number =>
  median(over.map((run, i) => run.requestsPerSecond / (under[i] as Run).requestsPerSecond));

const results = {
  connections: CONNECTIONS,
  durationSeconds: DURATION_S,
  rounds: ROUNDS,
  pinned: pin,
  noAuth: { name: 'query, no auth', ...summary(runs.open) },
  noopMiddleware: {
    name: 'same query behind a tRPC middleware that does nothing',
    ...summary(runs.noop),
  },
  keyProcedure: { name: 'same query behind `keyProcedure`, cached key', ...summary(runs.keyed) },
  // Each round's runs were back to back: their ratios are the fairest comparison.
  ratio: pairedRatio(runs.keyed, runs.open),
  ratioToNoopMiddleware: pairedRatio(runs.keyed, runs.noop),
  runs,
};
const out = fileURLToPath(new URL('../../../.bench-results/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(`${out}http.json`, JSON.stringify(results, null, 2));
console.log(JSON.stringify({ ...results, runs: undefined }, null, 2));
