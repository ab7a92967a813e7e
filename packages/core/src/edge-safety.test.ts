import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const src = fileURLToPath(new URL('.', import.meta.url));
// The only modules allowed to use Node built-ins: picked by the `node` export condition.
const NODE_ONLY = new Set(['hash/node.ts', 'store/sqlite/file-database.node.ts']);
// An import (or re-export, or dynamic import) of a Node built-in, with or without `node:`, or a
// use of Node's `Buffer`.
const NODE_BUILTIN =
  /(from|import\s*\(?)\s*['"](node:[\w/]+|fs|fs\/promises|path|crypto|os|child_process|net|http|https|url|stream|buffer|util|worker_threads)['"]|\bBuffer\./;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test-support' ? [] : sources(path);
    return /\.test(-d)?\.ts$/.test(entry.name) ? [] : [path];
  });
}

it('core runs on edge runtimes: no Node built-in outside the node-only modules', () => {
  const offenders = sources(src)
    .map((path) => relative(src, path))
    .filter((file) => !NODE_ONLY.has(file))
    .filter((file) => NODE_BUILTIN.test(readFileSync(join(src, file), 'utf8')));
  expect(offenders).toEqual([]);
});
