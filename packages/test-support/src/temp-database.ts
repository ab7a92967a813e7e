import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** A fresh folder for one test's libsql file; `remove()` deletes it. */
export function tempDatabase(name = 'latchkey.db'): {
  path: string;
  url: string;
  remove: () => void;
} {
  const folder = mkdtempSync(join(tmpdir(), 'latchkey-test-'));
  const path = join(folder, name);
  return {
    path,
    url: pathToFileURL(path).href,
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}
