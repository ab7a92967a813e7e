// Packs @latchkey/core as it would be published, installs the tarball into a plain project outside
// the workspace (with npm, from the registry), and runs and type-checks a small program against it.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'latchkey-pack-'));
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

try {
  run('pnpm', ['--filter', '@latchkey/core', 'build'], root);
  run('pnpm', ['pack', '--pack-destination', work], join(root, 'packages/core'));
  const tarball = readdirSync(work).find((file) => file.endsWith('.tgz'));
  const app = join(work, 'app');
  run('mkdir', ['-p', app], work);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'plain-app',
      private: true,
      type: 'module',
      dependencies: {
        '@latchkey/core': `file:../${tarball}`,
        '@libsql/client': '0.18.0',
        'drizzle-orm': '0.45.4',
        typescript: '5.9.3',
        '@types/node': '20.19.43',
      },
    }),
  );
  writeFileSync(
    join(app, 'main.ts'),
    `import { createApiKeys, isWellFormed, LatchkeyError } from '@latchkey/core';
import { apiKeysTable } from '@latchkey/core/schema';

const apiKeys = createApiKeys({
  database: { url: 'file:.data/keys.db' },
  prefix: 'acme',
  permissions: ['invoices:read'],
});
const { key, apiKey } = await apiKeys.create({ name: 'smoke', consumerId: 'team_1', ownerId: 'u1', permissions: ['invoices:read'] });
const result = await apiKeys.verify(key, { permissions: ['invoices:read'] });
if (!result.valid || result.consumerId !== 'team_1' || !isWellFormed(key)) throw new Error('verify failed');
if (apiKeysTable === undefined || !(new LatchkeyError('NOT_FOUND') instanceof Error)) throw new Error('exports');
await apiKeys.revoke(apiKey.id);
if ((await apiKeys.verify(key)).valid) throw new Error('revoked key verified');
await apiKeys.close();
console.log('pack smoke: ok');
`,
  );
  writeFileSync(
    join(app, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: true,
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
