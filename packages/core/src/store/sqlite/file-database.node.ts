import { existsSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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

let collectGarbage: (() => void) | undefined;

/**
 * Lets go of the files of the native connections closed so far. The `libsql` module closes a
 * connection only once the last statement prepared on it is garbage-collected, and cannot
 * finalize a statement (`@libsql/client` prepares one for every call): without a collection the
 * file descriptors, and the WAL that the last connection checkpoints and deletes, stay until V8
 * happens to collect. So this collects, once per `close()`: a full collection, a few to a few
 * tens of milliseconds. (A young-generation one is not enough: statements prepared long ago, as
 * the verification read's, live in the old one.)
 */
export async function releaseClosedConnections(): Promise<void> {
  collectGarbage ??= exposedGc();
  collectGarbage();
  // Node runs native finalizers after the collection, on a later turn of the event loop.
  await new Promise((resolve) => setImmediate(resolve));
}

function exposedGc(): () => void {
  const global = globalThis as { gc?: () => void };
  if (typeof global.gc === 'function') return global.gc;
  // Exposes `gc` to contexts made from now on only: the application's own global is untouched.
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
