// `pnpm bench` for core, side by side: Latchkey's `verify` and better-auth's `verifyApiKey` (its
// API-key plugin), the two measured in the same process, run and harness. Writes
// .bench-results/better-auth.json at the repository root for scripts/bench-report.mjs.
//
// better-auth runs on its in-memory adapter, the fastest storage it has (no database at all), with
// its per-key rate limit off, as Latchkey's key has none: a key with no limits on both sides.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createApiKeys } from '../src/api-keys.js';
import { measure } from './harness.js';

const durationMs = Number(process.env.BENCH_DURATION_MS ?? 3000);
const results: Record<string, unknown> = {};

// Latchkey on a libsql file, cached (its default) and with the cache off (a read per call).
const folder = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
for (const [name, cache] of [
  ['cached', undefined],
  ['cold', { ttlMs: 0 }],
] as const) {
  const apiKeys = createApiKeys({
    database: { url: `file:${join(folder, `${name}.db`)}` },
    cache,
    onBackgroundError: () => {},
  });
  const ours = await apiKeys.create({ name: 'bench', consumerId: 'team_bench', ownerId: 'u' });
  results[name] = await measure(
    `Latchkey \`verify\`, ${name === 'cached' ? 'cached key (default options)' : 'cache off (a read of the libsql file per call)'}`,
    async () => {
      if (!(await apiKeys.verify(ours.key)).valid) throw new Error('bench key does not verify');
    },
    { durationMs },
  );
  await apiKeys.close();
}
rmSync(folder, { recursive: true, force: true });

// better-auth second, and imported only now: it turns on Node's async hooks (AsyncLocalStorage),
// which then slow every promise in the process, Latchkey's included.
const { betterAuth } = await import('better-auth');
const { memoryAdapter } = await import('better-auth/adapters/memory');
const { apiKey } = await import('@better-auth/api-key');
const auth = betterAuth({
  baseURL: 'http://127.0.0.1:3000',
  secret: 'a bench secret, not used for anything else',
  database: memoryAdapter({ user: [], session: [], account: [], verification: [], apikey: [] }),
  emailAndPassword: { enabled: true },
  plugins: [apiKey({ rateLimit: { enabled: false } })],
  telemetry: { enabled: false },
  logger: { disabled: true },
});
const { user } = await auth.api.signUpEmail({
  body: { email: 'bench@example.com', password: 'a bench password', name: 'Bench' },
});
const theirs = await auth.api.createApiKey({ body: { userId: user.id, name: 'bench' } });
results.betterAuth = await measure(
  'better-auth 1.7 `verifyApiKey` (in-memory adapter, rate limit off)',
  async () => {
    const verified = await auth.api.verifyApiKey({ body: { key: theirs.key } });
    if (!verified.valid) throw new Error('better-auth bench key does not verify');
  },
  { durationMs },
);

const out = fileURLToPath(new URL('../../../.bench-results/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(`${out}better-auth.json`, JSON.stringify(results, null, 2));
console.log(JSON.stringify(results, null, 2));
