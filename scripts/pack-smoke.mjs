// Packs the three library packages as they would be published, installs the tarballs into a plain
// project outside the workspace (with npm, from the registry, for their peers), then type-checks
// and runs a small app against them: core on a libsql file, the plugin through createCaller, the
// machine link and the UI factory as a host would import them.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'latchkey-pack-'));
const PACKAGES = ['core', 'trpc-plugin', 'ui'];

function run(command, args, cwd) {
  try {
    return execFileSync(command, args, {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      encoding: 'utf8',
    });
  } catch (error) {
    throw new Error(`\`${command} ${args.join(' ')}\` failed\n${error.stdout}${error.stderr}`);
  }
}

const MAIN = `import { createApiKeys, isWellFormed, LatchkeyError } from '@latchkey/core';
import { apiKeysTable } from '@latchkey/core/schema';
import { createExpressHelpers } from '@latchkey/core/express';
import { readKey, resolveKeyOptions } from '@latchkey/core/http';
import { createNextHelpers } from '@latchkey/core/next';
import { createApiKeyPlugin, withLatchkeyData } from '@latchkey/trpc-plugin';
import { apiKeyLink } from '@latchkey/trpc-plugin/client';
import { createApiKeyUI } from '@latchkey/ui';
import { initTRPC } from '@trpc/server';
import { createTRPCReact } from '@trpc/react-query';

const apiKeys = createApiKeys({
  database: { url: 'file:.data/keys.db' },
  prefix: 'acme',
  permissions: ['invoices:read'],
});
const { key, apiKey } = await apiKeys.create({ name: 'smoke', consumerId: 'team_1', ownerId: 'u1', permissions: ['invoices:read'] });
const result = await apiKeys.verify(key, { permissions: ['invoices:read'] });
if (!result.valid || result.consumerId !== 'team_1' || !isWellFormed(key)) throw new Error('verify failed');

const t = initTRPC.context<{ headers: Headers }>().create({
  errorFormatter: ({ shape, error }) => withLatchkeyData(shape, error),
});
const { apiKeyRouter, keyProcedure, requirePermissions } = createApiKeyPlugin({
  apiKeys,
  userProcedure: t.procedure,
  machineProcedure: t.procedure,
  consumer: () => ({ consumerId: 'team_1', ownerId: 'u1' }),
  headers: ({ ctx }) => ctx.headers,
});
const appRouter = t.router({
  apiKeys: apiKeyRouter,
  whoami: keyProcedure.use(requirePermissions('invoices:read')).query(({ ctx }) => ctx.consumerId),
});
const caller = appRouter.createCaller({ headers: new Headers({ authorization: 'Bearer ' + key }) });
if ((await caller.whoami()) !== 'team_1') throw new Error('keyProcedure failed');
const listed = await caller.apiKeys.list({});
if (listed.items[0]?.id !== apiKey.id) throw new Error('apiKeyRouter failed');

const trpc = createTRPCReact<typeof appRouter>();
const ui = createApiKeyUI(trpc.apiKeys);
if (typeof ui.ApiKeyManager !== 'function' || typeof apiKeyLink !== 'function') throw new Error('exports');
if (typeof createNextHelpers !== 'function' || typeof createExpressHelpers !== 'function') throw new Error('subpaths');
const reading = readKey((name) => (name === 'x-api-key' ? key : null), null, resolveKeyOptions());
if (!reading.ok || reading.key !== key) throw new Error('http entry');
if (apiKeysTable === undefined || !(new LatchkeyError('NOT_FOUND') instanceof Error)) throw new Error('exports');
import.meta.resolve('@latchkey/ui/styles.css');

await apiKeys.revoke(apiKey.id);
if ((await apiKeys.verify(key)).valid) throw new Error('revoked key verified');
await apiKeys.close();
console.log('pack smoke: ok');
`;

try {
  // `--built`: the caller has just run `pnpm build` (as `pnpm test` does); don't build twice.
  if (!process.argv.includes('--built')) run('pnpm', ['build'], root);
  for (const name of PACKAGES) {
    run('pnpm', ['pack', '--pack-destination', work], join(root, 'packages', name));
  }
  const tarballs = Object.fromEntries(
    PACKAGES.map((name) => {
      const file = readdirSync(work).find((f) => f.startsWith(`latchkey-${name}-`));
      return [`@latchkey/${name}`, `file:../${file}`];
    }),
  );
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'plain-app',
      private: true,
      type: 'module',
      dependencies: {
        ...tarballs,
        '@libsql/client': '0.18.0',
        'drizzle-orm': '0.45.4',
        '@trpc/server': '11.19.0',
        '@trpc/client': '11.19.0',
        '@trpc/react-query': '11.19.0',
        '@tanstack/react-query': '5.108.0',
        react: '19.3.1',
        'react-dom': '19.3.1',
        typescript: '5.9.3',
        '@types/node': '20.19.43',
        '@types/react': '19.3.0',
      },
      // The plugin and the UI depend on @latchkey/core ^0.1.0: use the tarball, not the registry.
      overrides: Object.fromEntries(Object.keys(tarballs).map((name) => [name, `$${name}`])),
    }),
  );
  writeFileSync(join(app, 'main.ts'), MAIN);
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: true,
        jsx: 'react-jsx',
        outDir: 'out',
        types: ['node'],
      },
      files: ['main.ts'],
    }),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app);
  run('npx', ['tsc', '-p', '.'], app); // type-checks against the shipped .d.ts, then emits
  process.stdout.write(run('node', ['out/main.js'], app));
} catch (error) {
  console.error(`pack smoke: ${error.message}`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
