import { existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The path of a `file:` database, with its folder created so that libsql can create the file in
 * it; `undefined` for any other database (`:memory:`, remote). With `create: false` a file that
 * does not exist is refused, naming the path, instead of being created empty.
 */
export async function prepareFileDatabase(
  url: string,
  create: boolean,
): Promise<string | undefined> {
  const path = filePath(url);
  if (path === undefined) return undefined;
  if (!create && !existsSync(path)) {
    throw new Error(
      `the database file ${path} does not exist, and \`create: false\` forbids making a new, empty one: is its volume mounted, and the working directory the one you expect?`,
    );
  }
  await mkdir(dirname(path), { recursive: true });
  return path;
}

function filePath(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  const withoutQuery = url.split('?')[0] as string;
  if (withoutQuery === 'file::memory:' || withoutQuery === 'file:') return undefined;
  if (withoutQuery.startsWith('file://')) return fileURLToPath(withoutQuery);
  return withoutQuery.slice('file:'.length);
}

/** Which file `path` names now (device and inode), or `undefined` when there is none. */
export function fileIdentity(path: string): string | undefined {
  const stats = statSync(path, { throwIfNoEntry: false, bigint: true });
  return stats === undefined ? undefined : `${stats.dev}:${stats.ino}`;
}
