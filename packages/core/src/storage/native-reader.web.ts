import type { NativeKeyReader } from './native-reader.node.js';

export type { NativeKeyReader };

/** Outside Node there is no native SQLite: the store reads through the libsql client. */
export async function openNativeKeyReader(
  _path: string,
  _busyTimeoutMs: number,
): Promise<NativeKeyReader | undefined> {
  return undefined;
}
