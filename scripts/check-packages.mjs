// Checks each library package as it would be published (run after `pnpm build`): packs it with
// pnpm, as users are told to, then lints the tarball with publint and with Are The Types Wrong
// (ESM only: the packages ship no CommonJS), and checks what the tarball must carry. Prints one
// line per package; exits non-zero when any fails. With a file argument, also writes the counts
// there as JSON (`{ passed, failed }`) for the test command's totals.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Exports that are not modules (a stylesheet) have no types for attw to find.
const PACKAGES = { core: [], 'trpc-plugin': [], ui: ['./styles.css'] };
// The workspace resolves packages to their TypeScript sources under this condition; a tarball
// holds no sources, so `publishConfig` gives the same maps without it, and must stay in step.
const SOURCE_CONDITION = '@latchkey/source';

function withoutSource(map) {
  if (typeof map !== 'object' || map === null) return map;
  return Object.fromEntries(
    Object.entries(map)
      .filter(([condition]) => condition !== SOURCE_CONDITION)
      .map(([condition, target]) => [condition, withoutSource(target)]),
  );
}

function run(command, args, cwd = root) {
  return execFileSync(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
}

function problemsOf(name, excluded, work) {
  const dir = join(root, 'packages', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const problems = [];
  for (const field of ['exports', 'imports']) {
    if (manifest[field] === undefined) continue;
    const expected = JSON.stringify(withoutSource(manifest[field]));
    if (JSON.stringify(manifest.publishConfig?.[field]) !== expected) {
      problems.push(`publishConfig.${field} must be \`${field}\` without "${SOURCE_CONDITION}"`);
    }
  }
  if (manifest.repository?.directory !== `packages/${name}`) problems.push('no repository field');
  run('pnpm', ['pack', '--pack-destination', work], dir);
  const tarball = join(
    work,
    readdirSync(work).find((file) => file.endsWith('.tgz')),
  );
  const files = run('tar', ['-tzf', tarball]).split('\n');
  for (const file of ['package/LICENSE', 'package/README.md']) {
    if (!files.includes(file)) problems.push(`the tarball lacks ${file.slice('package/'.length)}`);
  }
  for (const [tool, args] of [
    ['publint', ['run', tarball, '--strict']],
    [
      'attw',
      [
        tarball,
        '--profile',
        'esm-only',
        ...(excluded.length > 0 ? ['--exclude-entrypoints', ...excluded] : []),
      ],
    ],
  ]) {
    try {
      run('pnpm', ['exec', tool, ...args]);
    } catch (error) {
      problems.push(`${tool}:\n${error.stdout}${error.stderr}`);
    }
  }
  return problems;
}

let failed = 0;
for (const [name, excluded] of Object.entries(PACKAGES)) {
  const work = mkdtempSync(join(tmpdir(), `latchkey-check-${name}-`));
  try {
    const problems = problemsOf(name, excluded, work);
    console.log(`${problems.length === 0 ? '✓' : '✗'} @latchkey/${name}`);
    for (const problem of problems) console.log(`  ${problem}`);
    if (problems.length > 0) failed++;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
const counts = { passed: Object.keys(PACKAGES).length - failed, failed };
console.log(`${counts.passed} passed, ${counts.failed} failed`);
if (process.argv[2] !== undefined) writeFileSync(process.argv[2], JSON.stringify(counts));
process.exit(failed === 0 ? 0 : 1);
