/** Outside Node there is no file system: say so instead of failing inside libsql. */
export async function prepareFileDatabase(url: string): Promise<string | undefined> {
  if (url.startsWith('file:')) {
    throw new TypeError(
      'Latchkey: `file:` databases need Node.js. In this runtime use a remote libsql URL, or pass your own drizzle database.',
    );
  }
  return undefined;
}
