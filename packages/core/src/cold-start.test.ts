import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { createApiKeys } from './api-keys.js';
import { base, testDatabase } from './test-support/fixtures.js';

// What `import '@latchkey/core'` loads before its first answer: the modules its main entry reaches
// through static imports (`import()` loads later, on first use). A serverless function pays for
// each at every cold start, so the heavy ones must wait for the path that needs them.
const packageDir = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));

/** The modules a static `import` or `export … from` of `file` loads (not `import type`). */
function staticImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const specifiers: string[] = [];
  for (const statement of source.statements) {
    const typeOnly =
      (ts.isImportDeclaration(statement) && statement.importClause?.isTypeOnly === true) ||
      (ts.isExportDeclaration(statement) && statement.isTypeOnly);
    if (
      (ts.isImportDeclaration(statement) || ts.isExportDeclaration(statement)) &&
      !typeOnly &&
      statement.moduleSpecifier !== undefined &&
      ts.isStringLiteral(statement.moduleSpecifier)
    ) {
      specifiers.push(statement.moduleSpecifier.text);
    }
  }
  return specifiers;
}

/** Each source file that a `#name` import of the package stands for, in any runtime. */
function hashTargets(specifier: string): string[] {
  const targets: string[] = [];
  const collect = (value: unknown) => {
    if (typeof value === 'string') {
      if (value.startsWith('./src/')) targets.push(join(packageDir, value));
    } else if (value !== null && typeof value === 'object') {
      for (const nested of Object.values(value)) collect(nested);
    }
  };
  collect(manifest.imports[specifier]);
  return targets;
}

/** The packages reached from `entry` by static imports, each with the chain that reaches it. */
function packagesReached(entry: string): Map<string, string[]> {
  const reached = new Map<string, string[]>();
  const seen = new Set<string>();
  const visit = (file: string, chain: string[]) => {
    if (seen.has(file)) return;
    seen.add(file);
    const here = [...chain, relative(packageDir, file)];
    for (const specifier of staticImports(file)) {
      if (specifier.startsWith('.')) {
        const target = resolve(dirname(file), specifier.replace(/\.js$/, '.ts'));
        visit(existsSync(target) ? target : target.replace(/\.ts$/, '.tsx'), here);
      } else if (specifier.startsWith('#')) {
        for (const target of hashTargets(specifier)) visit(target, here);
      } else {
        const name = specifier
          .split('/')
          .slice(0, specifier.startsWith('@') ? 2 : 1)
          .join('/');
        if (!reached.has(name)) reached.set(name, [...here, specifier]);
      }
    }
  };
  visit(entry, []);
  return reached;
}

describe("importing @latchkey/core's main entry", () => {
  const reached = packagesReached(join(packageDir, 'src/index.ts'));

  it.each(['drizzle-orm', '@libsql/client', 'libsql'])(
    'loads no %s before storage is first used',
    (name) => {
      expect(reached.get(name), `reached by ${reached.get(name)?.join(' → ')}`).toBeUndefined();
    },
  );

  it('loads no zod, which only the management calls and their schemas need', () => {
    expect(reached.get('zod'), `reached by ${reached.get('zod')?.join(' → ')}`).toBeUndefined();
  });

  it('follows the imports to the packages the entry needs', () => {
    // Guards the test itself: a walk that stopped early would find nothing heavy.
    expect([...reached.keys()]).toContain('@noble/hashes');
  });
});

// A child Node.js (the package's source, through tsx) that records every module it resolves, opens
// an existing embedded database, verifies a key once, and prints what it loaded.
const FIRST_VERIFY = `
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
const { port1, port2 } = new MessageChannel();
const resolved = [];
port1.on('message', (url) => resolved.push(url));
const hooks = \`let port;
export function initialize(data) { port = data.port; }
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  port.postMessage(result.url);
  return result;
}\`;
register('data:text/javascript,' + encodeURIComponent(hooks), {
  data: { port: port2 },
  transferList: [port2],
});
const { createApiKeys } = await import('@latchkey/core');
const apiKeys = createApiKeys({ database: { url: process.argv[1] } });
await apiKeys.ready();
const { valid } = await apiKeys.verify(process.argv[2]);
// Resolutions reach this thread as messages: one more import, then its own arrival, says that
// every earlier one has arrived too.
const last = 'data:text/javascript,export{}';
await import(last);
while (!resolved.includes(last)) await new Promise((resolve) => setImmediate(resolve));
const beforeClose = [...resolved]; // closing flushes the usage counted, which does need drizzle
await apiKeys.close();
port1.close();
console.log(JSON.stringify({ valid, resolved: beforeClose }));
`;

function firstVerify(url: string, key: string): Promise<{ valid: boolean; resolved: string[] }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [
        '--conditions=@latchkey/source',
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        FIRST_VERIFY,
        url,
        key,
      ],
      { cwd: packageDir },
      (error, stdout, stderr) => (error ? reject(new Error(stderr)) : resolve(JSON.parse(stdout))),
    );
  });
}

describe('a cold start on an existing embedded database', () => {
  it('opens it and verifies a key without loading drizzle-orm or @libsql/client', async () => {
    const database = testDatabase();
    const setup = createApiKeys({ database: { url: database.url } });
    const { key } = await setup.create({ ...base, name: 'cold' });
    await setup.close();

    const { valid, resolved } = await firstVerify(database.url, key);
    expect(valid).toBe(true);
    // Guards the test itself: the hook saw the native driver that the read does need.
    expect(resolved.some((url) => url.includes('/libsql/'))).toBe(true);
    expect(resolved.filter((url) => /drizzle-orm|@libsql\/client/.test(url))).toEqual([]);
  });
});
