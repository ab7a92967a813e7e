import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Creates the folder of a `file:` database so that libsql can create the file in it; the file's
 * path, or `undefined` for any other database (`:memory:`, remote).
 */
export async function prepareFileDatabase(url: string): Promise<string | undefined> {
  const path = filePath(url);
  if (path !== undefined) await mkdir(dirname(path), { recursive: true });
  return path;
}

function filePath(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  const withoutQuery = url.split('?')[0] as string;
  if (withoutQuery === 'file::memory:' || withoutQuery === 'file:') return undefined;
  if (withoutQuery.startsWith('file://')) return fileURLToPath(withoutQuery);
  return withoutQuery.slice('file:'.length);
}
