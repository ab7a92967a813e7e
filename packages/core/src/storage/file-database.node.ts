import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Creates the folder of a `file:` database so that libsql can create the file in it. */
export async function prepareFileDatabase(url: string): Promise<void> {
  const path = filePath(url);
  if (path !== undefined) await mkdir(dirname(path), { recursive: true });
}

function filePath(url: string): string | undefined {
  if (!url.startsWith('file:')) return undefined;
  const withoutQuery = url.split('?')[0] as string;
  if (withoutQuery === 'file::memory:' || withoutQuery === 'file:') return undefined;
  if (withoutQuery.startsWith('file://')) return fileURLToPath(withoutQuery);
  return withoutQuery.slice('file:'.length);
}
