import type { VerifiableKeyRow } from './store.js';

export type NativeKeyReader = {
  findByHash(hash: string): VerifiableKeyRow | undefined;
  close(): void;
};

/** Outside Node there is no native SQLite: the store reads through the libsql client. */
export async function openNativeKeyReader(
  _path: string,
  _busyTimeoutMs: number,
): Promise<NativeKeyReader | undefined> {
  return undefined;
}
