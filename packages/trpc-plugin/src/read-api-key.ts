/**
 * Request headers as the host has them: Fetch API `Headers` (fetch adapter, Next.js) or a Node.js
 * `IncomingHttpHeaders` record with lower-case names (standalone, Express).
 */
export type RequestHeaders =
  | Pick<Headers, 'get'>
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Where a machine may put its key. */
export interface ApiKeySources {
  /** Read `Authorization: Bearer <key>`. */
  bearer: boolean;
  /** Also read this header (lower-case), or `false` for none. */
  header: string | false;
}

const BEARER = /^bearer[ \t]+(.+)$/i;

/** The key the request carries, or `null`. `Authorization: Bearer` wins over the other header. */
export function readApiKey(headers: RequestHeaders | null | undefined, sources: ApiKeySources) {
  if (headers === null || headers === undefined) return null;
  if (sources.bearer) {
    const bearer = BEARER.exec(headerValue(headers, 'authorization') ?? '')?.[1]?.trim();
    if (bearer) return bearer;
  }
  if (sources.header === false) return null;
  return headerValue(headers, sources.header)?.trim() || null;
}

function headerValue(headers: RequestHeaders, name: string): string | null {
  if (typeof headers.get === 'function') return (headers as Pick<Headers, 'get'>).get(name);
  const value = (headers as Readonly<Record<string, string | readonly string[] | undefined>>)[name];
  return typeof value === 'string' ? value : (value?.[0] ?? null);
}
