/** Outside Node there is no file system: say so instead of failing inside libsql. */
export async function prepareFileDatabase(
  url: string,
  _create: boolean,
): Promise<string | undefined> {
  if (url.startsWith('file:')) {
    throw new TypeError(
      'Latchkey: `file:` databases need Node.js. In this runtime use a remote libsql URL, or pass your own drizzle database.',
    );
  }
  return undefined;
}

/** Never asked for: there is no `file:` database outside Node. */
export function fileIdentity(_path: string): string | undefined {
  return undefined;
}

/** Nothing to let go of: no native connections outside Node. */
export async function releaseClosedConnections(): Promise<void> {}
