import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const src = fileURLToPath(new URL('.', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test-support' ? [] : sources(path);
    return /\.test(-d)?\.tsx?$/.test(entry.name) ? [] : [path];
  });
}

// DESIGN.md: the UI depends on the router's types, never on server code. Biome cannot tell a
// type-only import from a value import, so this test does.
it('imports only types from the server packages', () => {
  const valueImports = sources(src).flatMap((path) => {
    const text = readFileSync(path, 'utf8');
    const imports = [
      ...text.matchAll(/^(import|export)\s+(type\s+)?[^;]*?from\s+'(@latchkey\/[^']+)'/gms),
    ];
    return imports
      .filter((match) => match[2] === undefined)
      .map((match) => `${relative(src, path)}: ${match[3]}`);
  });
  expect(valueImports).toEqual([]);
});
