// `pnpm bench` for core's cold start: what a serverless function or a fresh instance pays before
// its first answer. Each run is a fresh Node.js process that imports the built package (as an app
// would: `pnpm bench` builds first), opens an existing embedded database and verifies a key once;
// runs alternate with fresh processes importing better-auth and its API-key plugin. Writes
// .bench-results/cold-start.json at the repository root for scripts/bench-report.mjs.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '@latchkey/test-support/stats';
import { createApiKeys } from '../src/api-keys.js';

const runs = Number(process.env.BENCH_COLD_RUNS ?? 15);
const here = fileURLToPath(new URL('./cold-start/', import.meta.url));
// The child processes run from the package folder, so `@latchkey/core` is the package itself,
// resolved through its published exports to `dist/`.
const packageDir = fileURLToPath(new URL('..', import.meta.url));

const folder = mkdtempSync(join(tmpdir(), 'latchkey-cold-'));
const file = join(folder, 'keys.db');
const setup = createApiKeys({ database: { url: `file:${file}` }, prefix: 'cold' });
const { key } = await setup.create({ name: 'cold start', consumerId: 'team', ownerId: 'user' });
await setup.close();

function child(script: string, args: string[]): Record<string, number> {
  const output = execFileSync(process.execPath, [join(here, script), ...args], {
    cwd: packageDir,
    encoding: 'utf8',
    // Without the workspace's source condition: the child loads what users install.
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  return JSON.parse(output);
}

const latchkey: Record<string, number>[] = [];
const betterAuth: Record<string, number>[] = [];
child('first-verify.mjs', [file, key]); // the file system's caches warm, as on a deployed host
for (let run = 0; run < runs; run++) {
  latchkey.push(child('first-verify.mjs', [file, key]));
  betterAuth.push(child('better-auth-import.mjs', []));
}
rmSync(folder, { recursive: true, force: true });

const medianOf = (samples: Record<string, number>[], field: string) =>
  median(samples.map((sample) => sample[field] as number));
const results = {
  runs,
  latchkey: {
    importMs: medianOf(latchkey, 'importMs'),
    readyMs: medianOf(latchkey, 'readyMs'),
    verifyMs: medianOf(latchkey, 'verifyMs'),
    totalMs: medianOf(latchkey, 'totalMs'),
  },
  betterAuthImportMs: medianOf(betterAuth, 'importMs'),
};
console.log(JSON.stringify(results, null, 2));
const out = fileURLToPath(new URL('../../../.bench-results/', import.meta.url));
mkdirSync(out, { recursive: true });
writeFileSync(`${out}cold-start.json`, JSON.stringify(results, null, 2));
