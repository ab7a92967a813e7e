import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../../../', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'latchkey-drift-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

// A change to schema.ts without `pnpm db:generate` would ship tables that the migrations do not
// create. drizzle-kit, run against a copy of the committed migrations, must find nothing to add.
it('the committed migrations match the drizzle schema', () => {
  const out = join(work, 'drizzle');
  cpSync(join(root, 'packages/core/src/store/sqlite/drizzle'), out, { recursive: true });
  const config = join(work, 'drizzle.config.mjs');
  writeFileSync(
    config,
    `export default ${JSON.stringify({
      dialect: 'sqlite',
      schema: join(root, 'packages/core/src/store/sqlite/schema.ts'),
      out: './drizzle', // drizzle-kit reads `out` relative to its working directory, always
    })};`,
  );
  const before = readdirSync(out).sort();
  const output = execFileSync(
    join(root, 'node_modules/.bin/drizzle-kit'),
    ['generate', '--config', config],
    { cwd: work, encoding: 'utf8', stdio: 'pipe' },
  );
  expect(output).toMatch(/No schema changes/);
  expect(readdirSync(out).sort()).toEqual(before);
}, 60_000);
