import type { NativeWriter } from './native-writer.node.js';

export type { NativeWriter };

/** Outside Node there is no native SQLite: the store writes through the libsql client. */
export async function openNativeWriter(_path: string): Promise<NativeWriter | undefined> {
  return undefined;
}
