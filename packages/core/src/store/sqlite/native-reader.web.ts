import type { NativeKeyReader } from './native-reader.node.js';

export type { NativeKeyReader };

/** Outside Node there is no native SQLite: the store reads through the libsql client. */
export async function openNativeKeyReader(_path: string): Promise<NativeKeyReader | undefined> {
  return undefined;
}
